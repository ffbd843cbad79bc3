"""API authentication: DRF's token scheme, refusing a key that cannot be one before it reaches the database."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`. A key no token can have (longer than the column, or with a control character)
    is an invalid token, like any other unknown key: a NUL byte in it made PostgreSQL raise, a 500."""

    def authenticate_credentials(self, key: str):
        max_length = self.get_model()._meta.get_field("key").max_length
        if len(key) > max_length or not key.isascii() or not key.isprintable():
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
