"""Decode an upstream JSON body with exact decimals (JSON numbers such as 1.1e-06 become Decimal, not float)."""

import json
from decimal import Decimal
from typing import Any

from pricing.sources.base import SourceError


def load_json(body: bytes, *, source: str) -> Any:
    """The decoded document; SourceError when the body is not JSON, so the run fails and nothing changes."""
    try:
        return json.loads(body, parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        raise SourceError(f"{source}: the answer is not valid JSON ({exc})") from None
