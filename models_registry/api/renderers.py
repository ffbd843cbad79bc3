"""Renderers of the REST API: JSON through orjson, and the CSV export of list endpoints (`?format=csv`), built on
djangorestframework-csv."""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework_csv.renderers import CSVRenderer

# Cells a spreadsheet would run as a formula (OWASP "CSV injection"); such text gets a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ApiJSONRenderer(JSONRenderer):
    """DRF's JSON (compact, UTF-8, U+2028/U+2029 escaped, DRF's encoder for dates, decimals and the rest) written
    by orjson, ~10x faster on a page of 100 rows. An indented answer (`Accept: application/json; indent=2`, the
    browsable API) and anything orjson refuses (an integer past 64 bits) go through DRF's renderer. The one
    visible difference: a float below 1e-4 is written 0.00001 where Python writes 1e-05, the same JSON number."""

    _OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME  # dates and times go to DRF's encoder, which writes UTC as Z

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.ensure_ascii or not self.compact or self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=self.encoder_class().default, option=self._OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")


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
