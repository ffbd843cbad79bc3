"""Request body parsing of /api/v1/: DRF's JSON parser with a ceiling on nesting."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No body of this API nests more than a few levels; 400 leaves room for any client while staying well under
# Python's recursion limit (1,000), past which json raises RecursionError (a 500 without this parser).
MAX_JSON_DEPTH = 400


class ApiJSONParser(JSONParser):
    """A body nested deeper than MAX_JSON_DEPTH is a 400 `{"detail": ...}`, like any other unparsable body."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep.") from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep.")
        return data


def json_depth(value) -> int:
    """How deep lists and objects nest in a decoded JSON value (a scalar is 0, `[]` is 1); iterative, so any
    depth the decoder accepted is measured without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest
