"""REST routes of this app: (prefix, viewset, basename), registered on the /api/v1/ router."""

routes: list = []
