"""CSV export of list endpoints (`?format=csv`), built on djangorestframework-csv."""

from rest_framework_csv.renderers import CSVRenderer

# Cells a spreadsheet would run as a formula (OWASP "CSV injection"); such text gets a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ApiCSVRenderer(CSVRenderer):
    """One header row (the serializer's fields, in order) and one row per object.

    Lists of plain values (a model's aliases) become one cell joined by "; "; booleans are
    written `true`/`false` as in the JSON; None is an empty cell.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def flatten_item(self, item):
        if isinstance(item, dict):
            return {str(key): _cell(value) for key, value in item.items()}
        return {"": _cell(item)}

    def render(self, data, media_type=None, renderer_context=None):
        return super().render(data, media_type=media_type, renderer_context=renderer_context or {})


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_cell(v)}" for k, v in value.items())
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
