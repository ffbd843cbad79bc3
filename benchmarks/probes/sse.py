"""A small incremental decoder for server-sent events (the `text/event-stream` format both API styles stream).

https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
"""

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class SSEEvent:
    event: str  # "message" unless an `event:` line named it
    data: str


class SSEDecoder:
    """Feed bytes as they arrive; get complete events back. Comment lines (`: keep-alive`) are skipped."""

    def __init__(self) -> None:
        self._buffer = b""
        self._event = ""
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> Iterator[SSEEvent]:
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            event = self._line(raw.rstrip(b"\r").decode("utf-8", errors="replace"))
            if event is not None:
                yield event

    def close(self) -> Iterator[SSEEvent]:
        """Flush what is left when the stream ends (a final event without its blank line still counts)."""
        if self._buffer:
            event = self._line(self._buffer.rstrip(b"\r").decode("utf-8", errors="replace"))
            self._buffer = b""
            if event is not None:
                yield event
        event = self._line("")
        if event is not None:
            yield event

    def _line(self, line: str) -> SSEEvent | None:
        if not line:
            if not self._data:
                self._event = ""
                return None
            event = SSEEvent(event=self._event or "message", data="\n".join(self._data))
            self._event, self._data = "", []
            return event
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        return None  # `id:` and `retry:` do not matter to a one-shot probe
