"""OpenAPI generation (drf-spectacular): error bodies, `?format=` and CSV on every operation.

Set as REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"], so analytics endpoints get the same error documentation.
"""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import (
    SAFE_METHODS,
    AllowAny,
    DjangoModelPermissionsOrAnonReadOnly,
    IsAuthenticatedOrReadOnly,
)
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from models_registry.api.renderers import ApiCSVRenderer

ERROR_DETAIL = {
    "type": "object",
    "description": "A request-level error: one human-readable message.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Bad input, nothing was written. Each key names the field or query parameter at fault and lists "
        "its messages; `non_field_errors` holds errors about the row as a whole (a duplicate, a constraint); "
        "`detail` alone means the body could not be parsed."
    ),
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"country": ['"XX" is not a valid choice.'], "slug": ["lab with this slug already exists."]},
}

# (status, description, schema name) by the methods they apply to.
_ERRORS = {
    "400": ("Bad input: malformed or out-of-range parameters or body.", "ValidationError"),
    "401": ("A write without credentials, or an `Authorization` header with an unknown token.", "ErrorDetail"),
    "403": ("Authenticated without the model permission this write needs, or a session without CSRF.", "ErrorDetail"),
    "404": ("No such object, page, or export format.", "ErrorDetail"),
    "409": ("Other rows still refer to this one (delete them first).", "ErrorDetail"),
    "415": ("Unsupported request body media type.", "ErrorDetail"),
    "429": ("Too many requests: throttled; retry after the `Retry-After` seconds.", "ErrorDetail"),
}
_NEVER_EMPTY = {"page", "page_size"}
_CSV_SCHEMA = {
    "type": "string",
    "description": "CSV: a header row of the fields above, then every row that matches the filters (not one page).",
}


class ApiAutoSchema(AutoSchema):
    def _is_csv_list(self) -> bool:
        return self.method == "GET" and any(isinstance(r, ApiCSVRenderer) for r in self.view.get_renderers())

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] != "query":
                continue
            if parameter["name"] == "format" and self._is_csv_list():
                parameter["description"] = "`csv` exports every filtered row (not one page) as text/csv."
            if parameter["name"] not in _NEVER_EMPTY:
                parameter["allowEmptyValue"] = True  # `?country=` (as an HTML form sends it) is no filter
        return parameters

    def get_auth(self):
        """Mark anonymous access (`{}`) wherever the view's own permission classes let an anonymous request of this
        method through, so reads (and any endpoint added later that anyone may call) are typed as needing no
        credentials; writes that need a token keep only the token and session schemes."""
        auths = super().get_auth()
        if {} not in auths and self._anonymous_allowed():
            auths.append({})
        return auths

    def _anonymous_allowed(self) -> bool:
        """Ask each permission class, as the view would at request time, about an anonymous request."""
        request = Request(APIRequestFactory().generic(self.method, self.path))
        request.user = AnonymousUser()
        try:
            return all(p.has_permission(request, self.view) for p in self.view.get_permissions())
        except Exception:  # a permission that needs more of a real request than the schema has: say what DRF's say
            return self.method in SAFE_METHODS and any(
                isinstance(p, (DjangoModelPermissionsOrAnonReadOnly, IsAuthenticatedOrReadOnly, AllowAny))
                for p in self.view.get_permissions()
            )

    def _error_codes(self) -> list[str]:
        codes = ["401", "429"]
        is_detail = "{" in self.path
        if self.method == "GET":
            codes += ["400", "404"]  # filters apply to detail lookups too
        else:
            codes += ["403"]
            if self.method in ("POST", "PUT", "PATCH"):
                codes += ["400", "415"]
            if is_detail:
                codes.append("404")
            if self.method == "DELETE":
                codes.append("409")
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for response in responses.values():
            content = response.get("content", {})
            if ApiCSVRenderer.media_type in content:
                content[ApiCSVRenderer.media_type] = {"schema": dict(_CSV_SCHEMA)}
        for code in self._error_codes():
            if code in responses:
                continue
            description, name = _ERRORS[code]
            ref = self._component(name, VALIDATION_ERROR if name == "ValidationError" else ERROR_DETAIL)
            responses[code] = {"content": {"application/json": {"schema": ref}}, "description": description}
            if code == "429":
                responses[code]["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
                }
        return responses

    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref


def undiscriminated_unions_as_any_of(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: every `oneOf` without a discriminator becomes `anyOf` (and a nullable `$ref` a union
    with `null`, see NULL_ONLY).

    drf-spectacular writes a blank-allowed URL or pattern field as `oneOf[{format: uri}, {maxLength: 0}]`, and
    `""` matches both branches, so a strict `oneOf` validator (openapi-core, generated clients) refuses a value
    the API sends. The branches it writes are alternatives, never an exclusive choice, so `anyOf` says what is
    meant; it runs over the whole document, so fields and endpoints added later get it too. A `oneOf` with a
    `discriminator` (a polymorphic serializer) is left alone: there exactly one branch applies by design.
    """

    def walk(node):
        if isinstance(node, dict):
            if "oneOf" in node and "discriminator" not in node:
                node["anyOf"] = node.pop("oneOf")
            if node.get("nullable") and "type" not in node and len(node.get("allOf", ())) == 1:
                node["anyOf"] = [*node.pop("allOf"), NULL_ONLY]
                del node["nullable"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


# What `null` matches in OpenAPI 3.0: `nullable` counts only beside a `type` (3.0.3), so drf-spectacular's
# `{allOf: [$ref], nullable: true}` for a nullable nested serializer still refuses `null` (the `$ref`'s own
# schema is not nullable), and a strict validator refuses the `null` the API sends. The same hook rewrites it
# as `anyOf: [$ref, NULL_ONLY]`.
NULL_ONLY = {"type": "object", "nullable": True, "enum": [None]}
