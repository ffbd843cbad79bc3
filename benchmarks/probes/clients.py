"""Streaming probe clients for the two API styles: one call, timed the way a user would feel it.

`probe_endpoint()` sends a small fixed prompt with a bounded `max_tokens`, streams the answer
(server-sent events) and measures:

- `ttft_ms`: request start (before DNS, connect and TLS) to the first content token, that is the first
  non-empty text delta (reasoning text that is streamed counts: the user sees it arrive);
- `total_ms`: request start to the end of the stream (or to the failure);
- tokens from the response's usage block when present, else the number of content chunks (a rough
  count: most providers stream about one token per chunk);
- `output_tokens_per_s`: generation speed after the first token. With N output tokens over C content
  chunks, the first chunk arrives at t1 and the last at tC, so N * (C - 1) / C tokens arrive in
  tC - t1: rate = N * (C - 1) / (C * (tC - t1)). (With one token per chunk that is (N - 1) / (tC - t1).)
  Reasoning tokens that are billed but not streamed are left out of N. Null with fewer than 2 chunks.

Nothing here touches the database or settings: the service passes a ProbeConfig in and stores the
ProbeOutcome. The API key is a parameter, used only in a request header, and scrubbed from every
message this module produces.
"""

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from benchmarks.models import ProbeResult
from benchmarks.probes.guard import GuardedTransport, ProbeRefusedError, Resolver
from benchmarks.probes.sse import SSEDecoder, SSEEvent

ErrorKind = ProbeResult.ErrorKind

PROMPT = "Count from 1 to 40 in words, separated by spaces. Reply with the numbers only."
ERROR_BODY_BYTES = 4096  # read this much of an error answer, for the log line
DETAIL_CHARS = 300


@dataclass(frozen=True)
class ProbeConfig:
    """Probe limits, from settings (see config/settings.py, PROBE_*)."""

    allowed_hosts: frozenset[str] = frozenset()
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    total_timeout: float = 60.0
    max_bytes: int = 1024 * 1024
    max_tokens: int = 64
    per_provider: int = 8
    max_concurrency: int = 64
    anthropic_version: str = "2023-06-01"
    backoff_max_seconds: float = 6 * 60 * 60


@dataclass(frozen=True)
class ProbeTarget:
    """What to call: one offering's endpoint. Holds the NAME of the key's variable, never the key."""

    offering_id: int
    provider: str  # provider slug: the unit of concurrency limits and 429 back-off
    api_style: str
    base_url: str
    model_id: str
    api_key_env: str

    @property
    def label(self) -> str:
        return f"{self.provider}:{self.model_id}"


@dataclass
class ProbeOutcome:
    """One attempt's result, shaped like ProbeResult, plus a scrubbed one-line `detail` that is never stored."""

    started_at: datetime
    ok: bool = False
    error_kind: str = ""
    http_status: int | None = None
    ttft_ms: float | None = None
    total_ms: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    output_tokens_per_s: float | None = None
    retry_after: float | None = None  # seconds, from a 429's Retry-After
    detail: str = ""

    def failed(self, kind: str, detail: str) -> "ProbeOutcome":
        self.ok, self.error_kind, self.detail = False, kind, detail
        return self

    def stored_fields(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "ok": self.ok,
            "error_kind": self.error_kind,
            "http_status": self.http_status,
            "ttft_ms": self.ttft_ms,
            "total_ms": self.total_ms,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "output_tokens_per_s": self.output_tokens_per_s,
        }


def not_attempted(kind: str, detail: str) -> ProbeOutcome:
    """An outcome for a probe that sent nothing (no key, URL refused, provider backed off)."""
    return ProbeOutcome(started_at=datetime.now(UTC), ok=False, error_kind=kind, detail=detail)


def scrub(text: str, secret: str | None) -> str:
    """`text` without the secret, shortened to one line: safe for logs and command output."""
    if secret:
        text = text.replace(secret, "[redacted]")
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def usable_key(raw: str | None) -> str | None:
    """The key stripped of surrounding whitespace, or None when it is empty or cannot be a header value.

    (An invalid header value would make the HTTP library raise an error that quotes it.)
    """
    key = (raw or "").strip()
    if not key or not key.isascii() or not key.isprintable() or any(c.isspace() for c in key):
        return None
    return key


class StreamError(Exception):
    """The stream said something that ends the probe: a malformed event or an error event."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


@dataclass
class StreamState:
    first_at: float | None = None
    last_at: float | None = None
    chunks: int = 0
    input_tokens: int | None = None
    output_tokens: int | None = None
    hidden_tokens: int = 0  # billed reasoning tokens that were not streamed
    streamed_reasoning: bool = False
    done: bool = False

    def content(self, text: Any, at: float) -> None:
        if isinstance(text, str) and text:
            self.first_at = self.first_at if self.first_at is not None else at
            self.last_at = at
            self.chunks += 1


def _json(data: str) -> dict:
    try:
        payload = json.loads(data)
    except ValueError as exc:
        raise StreamError(ErrorKind.MALFORMED, f"event data is not JSON: {data[:80]!r}") from exc
    if not isinstance(payload, dict):
        raise StreamError(ErrorKind.MALFORMED, "event data is not a JSON object")
    return payload


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def error_kind_of(error: Any) -> str:
    """Classify an error object sent inside a stream (OpenAI `{"error": ...}`, Anthropic `event: error`)."""
    text = (f"{error.get('type', '')} {error.get('code', '')}" if isinstance(error, dict) else str(error)).lower()
    if "rate" in text or "429" in text:
        return ErrorKind.RATE_LIMITED
    if "auth" in text or "permission" in text or "401" in text or "403" in text:
        return ErrorKind.AUTH
    if any(word in text for word in ("overload", "server", "api_error", "internal", "unavailable")):
        return ErrorKind.HTTP_5XX
    return ErrorKind.MALFORMED


class OpenAIChat:
    """POST {base_url}/chat/completions with stream=true and stream_options.include_usage."""

    def build(self, target: ProbeTarget, *, key: str, config: ProbeConfig) -> tuple[str, dict, dict]:
        url = target.base_url.rstrip("/") + "/chat/completions"
        # OpenAI's own API refuses `max_tokens` for its reasoning models; compatible hosts know only `max_tokens`.
        limit = "max_completion_tokens" if urlsplit(url).hostname == "api.openai.com" else "max_tokens"
        body = {
            "model": target.model_id,
            "messages": [{"role": "user", "content": PROMPT}],
            limit: config.max_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        return url, {"Authorization": f"Bearer {key}"}, body

    def handle(self, event: SSEEvent, state: StreamState, at: float) -> None:
        if event.data.strip() == "[DONE]":
            state.done = True
            return
        payload = _json(event.data)
        if payload.get("error"):
            raise StreamError(error_kind_of(payload["error"]), f"error event: {payload['error']}")
        choices = payload.get("choices") or []
        if not isinstance(choices, list):
            raise StreamError(ErrorKind.MALFORMED, "`choices` is not a list")
        for choice in choices:
            delta = choice.get("delta") if isinstance(choice, dict) else None
            if not isinstance(delta, dict):
                raise StreamError(ErrorKind.MALFORMED, "a choice has no `delta` object")
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            state.streamed_reasoning |= bool(reasoning)
            state.content(delta.get("content") or reasoning, at)
        usage = payload.get("usage")
        if isinstance(usage, dict):
            state.input_tokens = _count(usage.get("prompt_tokens"))
            state.output_tokens = _count(usage.get("completion_tokens"))
            details = usage.get("completion_tokens_details")
            hidden = _count(details.get("reasoning_tokens")) if isinstance(details, dict) else None
            state.hidden_tokens = hidden or 0


class AnthropicMessages:
    """POST {base_url}/messages with x-api-key, anthropic-version and stream=true."""

    def build(self, target: ProbeTarget, *, key: str, config: ProbeConfig) -> tuple[str, dict, dict]:
        url = target.base_url.rstrip("/") + "/messages"
        headers = {"x-api-key": key, "anthropic-version": config.anthropic_version}
        body = {
            "model": target.model_id,
            "max_tokens": config.max_tokens,
            "messages": [{"role": "user", "content": PROMPT}],
            "stream": True,
        }
        return url, headers, body

    def handle(self, event: SSEEvent, state: StreamState, at: float) -> None:
        payload = _json(event.data)
        kind = payload.get("type") or event.event
        if kind == "message_start":
            message = payload.get("message")
            usage = message.get("usage") if isinstance(message, dict) else None
            if isinstance(usage, dict):
                state.input_tokens = _count(usage.get("input_tokens"))
        elif kind == "content_block_delta":
            delta = payload.get("delta")
            if not isinstance(delta, dict):
                raise StreamError(ErrorKind.MALFORMED, "content_block_delta has no `delta` object")
            state.content(delta.get("text") or delta.get("thinking"), at)
        elif kind == "message_delta":
            usage = payload.get("usage")
            if isinstance(usage, dict):  # cumulative: the last one holds the total
                state.output_tokens = _count(usage.get("output_tokens"))
        elif kind == "message_stop":
            state.done = True
        elif kind == "error":
            error = payload.get("error")
            raise StreamError(error_kind_of(error), f"error event: {error}")


STYLES: dict[str, OpenAIChat | AnthropicMessages] = {"openai": OpenAIChat(), "anthropic": AnthropicMessages()}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def status_kind(status: int) -> str:
    if status in (401, 403):
        return ErrorKind.AUTH
    if status == 429:
        return ErrorKind.RATE_LIMITED
    if 300 <= status < 400:
        return ErrorKind.REFUSED  # a redirect is never followed
    if 400 <= status < 500:
        return ErrorKind.HTTP_4XX
    if 500 <= status < 600:
        return ErrorKind.HTTP_5XX
    return ErrorKind.MALFORMED  # 1xx/2xx other than 200: not the stream we asked for


def make_client(config: ProbeConfig, *, resolve: Resolver | None = None) -> httpx.AsyncClient:
    """One client for a round of probes: guarded connections, no redirects, no environment proxies."""
    limits = httpx.Limits(max_connections=config.max_concurrency, max_keepalive_connections=config.max_concurrency)
    timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
    return httpx.AsyncClient(
        transport=GuardedTransport(allowed_hosts=config.allowed_hosts, limits=limits, resolve=resolve),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        headers={"Accept": "text/event-stream", "Accept-Encoding": "identity", "User-Agent": "frontier-gap-probe/1"},
    )


async def probe_endpoint(
    client: httpx.AsyncClient, target: ProbeTarget, *, key: str, config: ProbeConfig
) -> ProbeOutcome:
    """Call `target` once and measure it. Never raises for anything the endpoint or network does."""
    style = STYLES.get(target.api_style)
    if style is None:
        return not_attempted(ErrorKind.REFUSED, f"unknown api_style {target.api_style!r}")
    url, headers, body = style.build(target, key=key, config=config)
    outcome = ProbeOutcome(started_at=datetime.now(UTC))
    state = StreamState()
    start = time.perf_counter()
    try:
        async with asyncio.timeout(config.total_timeout):
            async with client.stream("POST", url, headers=headers, json=body) as response:
                outcome.http_status = response.status_code
                if response.status_code != 200:
                    await _http_failure(response, outcome, key=key)
                else:
                    await _read_stream(response, style, state, max_bytes=config.max_bytes)
                    _measure(outcome, state, start)
    except ProbeRefusedError as exc:
        outcome.failed(ErrorKind.REFUSED, scrub(str(exc), key))
    except (TimeoutError, httpx.TimeoutException) as exc:
        outcome.failed(ErrorKind.TIMEOUT, scrub(f"timed out ({type(exc).__name__})", key))
    except StreamError as exc:
        outcome.failed(exc.kind, scrub(str(exc), key))
    except (httpx.RemoteProtocolError, httpx.DecodingError) as exc:
        outcome.failed(ErrorKind.MALFORMED, scrub(f"broken HTTP response: {exc}", key))
    except httpx.UnsupportedProtocol as exc:
        outcome.failed(ErrorKind.REFUSED, scrub(str(exc), key))
    except httpx.TransportError as exc:
        outcome.failed(ErrorKind.CONNECT, scrub(f"{type(exc).__name__}: {exc}", key))
    outcome.total_ms = (time.perf_counter() - start) * 1000
    return outcome


async def _http_failure(response: httpx.Response, outcome: ProbeOutcome, *, key: str) -> None:
    kind = status_kind(response.status_code)
    if kind == ErrorKind.REFUSED:
        location = urlsplit(response.headers.get("location", "")).hostname or "?"
        outcome.failed(kind, f"HTTP {response.status_code}: redirect to {location} not followed")
        return
    if kind == ErrorKind.RATE_LIMITED:
        outcome.retry_after = parse_retry_after(response.headers.get("retry-after"))
    body = b""
    async for chunk in response.aiter_raw():
        body += chunk
        if len(body) >= ERROR_BODY_BYTES:
            break
    text = body[:ERROR_BODY_BYTES].decode("utf-8", errors="replace")
    outcome.failed(kind, scrub(f"HTTP {response.status_code}: {text}", key))


async def _read_stream(
    response: httpx.Response, style: OpenAIChat | AnthropicMessages, state: StreamState, *, max_bytes: int
) -> None:
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("text/event-stream"):
        raise StreamError(ErrorKind.MALFORMED, f"expected text/event-stream, got {content_type or 'no content type'!r}")
    if response.headers.get("content-encoding", "identity") != "identity":
        raise StreamError(ErrorKind.MALFORMED, "compressed stream (asked for identity)")
    decoder, received = SSEDecoder(), 0
    async for chunk in response.aiter_raw():
        at = time.perf_counter()
        received += len(chunk)
        if received > max_bytes:
            raise StreamError(ErrorKind.MALFORMED, f"stream exceeded {max_bytes} bytes")
        for event in decoder.feed(chunk):
            style.handle(event, state, at)
        if state.done:
            return  # stop reading: anything after the end marker is not ours to wait for
    for event in decoder.close():
        style.handle(event, state, time.perf_counter())
    if not state.done:
        raise StreamError(ErrorKind.MALFORMED, "stream ended before its end marker")


def _measure(outcome: ProbeOutcome, state: StreamState, start: float) -> None:
    if state.first_at is None:
        raise StreamError(ErrorKind.MALFORMED, "stream finished without a content token")
    outcome.ok = True
    outcome.ttft_ms = (state.first_at - start) * 1000
    outcome.input_tokens = state.input_tokens
    outcome.output_tokens = state.output_tokens if state.output_tokens is not None else state.chunks
    visible = outcome.output_tokens - (0 if state.streamed_reasoning else state.hidden_tokens)
    span = (state.last_at or state.first_at) - state.first_at
    if state.chunks >= 2 and span > 0 and visible > 0:
        outcome.output_tokens_per_s = visible * (state.chunks - 1) / (state.chunks * span)
