"""The streaming clients against the local server: what they measure, what they send, how they classify failures."""

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from benchmarks.models import ProbeResult
from benchmarks.probes.clients import ProbeTarget, make_client, parse_retry_after, probe_endpoint
from benchmarks.probes.services import probe_config
from benchmarks.probes.sse import SSEDecoder, SSEEvent
from tests.benchmarks.conftest import KEY_ENV, SECRET
from tests.probe_server import Behaviour, unused_port

ErrorKind = ProbeResult.ErrorKind


def probe(server, name: str, behaviour: Behaviour, *, base_url: str | None = None):
    """One probe of a fresh endpoint on `server`, with the settings' config and the test key."""
    url = base_url or server.endpoint(name, behaviour)
    target = ProbeTarget(1, "local", behaviour.style, url, "local-model", KEY_ENV)
    config = probe_config()

    async def run():
        async with make_client(config) as client:
            return await probe_endpoint(client, target, key=SECRET, config=config)

    return asyncio.run(run())


@pytest.mark.parametrize("style", ["openai", "anthropic"])
def test_ttft_and_speed_are_measured_within_tolerance_of_what_the_server_did(probe_server, probe_settings, style):
    # First content token 300 ms after the request, then 20 chunks 25 ms apart: 40 tok/s, stream ~775 ms.
    outcome = probe(
        probe_server, "timed", Behaviour(style=style, first_token_delay=0.3, chunks=20, token_interval=0.025)
    )

    assert outcome.ok and outcome.error_kind == "" and outcome.http_status == 200
    assert 300 <= outcome.ttft_ms < 300 + 150
    assert outcome.output_tokens == 20 and outcome.input_tokens == 17
    assert outcome.output_tokens_per_s == pytest.approx(40, rel=0.15)
    assert 300 + 19 * 25 <= outcome.total_ms < 300 + 19 * 25 + 250


def test_ttft_counts_from_the_first_content_token_not_the_first_event(probe_server, probe_settings):
    # The server sends its role chunk at once and the first word only after 400 ms.
    outcome = probe(probe_server, "preamble", Behaviour(first_token_delay=0.4, chunks=3))

    assert outcome.ttft_ms >= 400


def test_tokens_come_from_the_usage_block_when_present(probe_server, probe_settings):
    # 10 chunks 30 ms apart, 3 tokens each per the usage block: 30 tokens, 100 tok/s.
    outcome = probe(probe_server, "usage", Behaviour(chunks=10, token_interval=0.03, tokens_per_chunk=3))

    assert outcome.output_tokens == 30
    assert outcome.output_tokens_per_s == pytest.approx(100, rel=0.15)


@pytest.mark.parametrize("style", ["openai", "anthropic"])
def test_tokens_are_counted_from_chunks_without_a_usage_block(probe_server, probe_settings, style):
    outcome = probe(probe_server, "no-usage", Behaviour(style=style, chunks=7, usage=False, tokens_per_chunk=5))

    assert outcome.ok
    assert outcome.output_tokens == 7
    assert outcome.input_tokens == (17 if style == "anthropic" else None)  # Anthropic's message_start carries it


def test_openai_request_streams_with_usage_and_a_bounded_max_tokens(probe_server, probe_settings):
    probe_settings.PROBE_MAX_TOKENS = 48
    probe(probe_server, "shape", Behaviour())

    [request] = probe_server.requests_to("shape")
    assert request.path == "/shape/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {SECRET}"
    assert request.body["stream"] is True
    assert request.body["stream_options"] == {"include_usage": True}
    assert request.body["max_tokens"] == 48
    assert request.body["model"] == "local-model"
    assert request.body["messages"][0]["role"] == "user"


def test_anthropic_request_sends_key_and_version_headers(probe_server, probe_settings):
    probe(probe_server, "shape", Behaviour(style="anthropic"))

    [request] = probe_server.requests_to("shape")
    assert request.path == "/shape/v1/messages"
    assert request.headers["x-api-key"] == SECRET
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert "Authorization" not in request.headers
    assert request.body["stream"] is True and request.body["max_tokens"] == 64


@pytest.mark.parametrize("style", ["openai", "anthropic"])
@pytest.mark.parametrize(
    ("behaviour", "kind", "status"),
    [
        (Behaviour(status=401), ErrorKind.AUTH, 401),
        (Behaviour(status=403), ErrorKind.AUTH, 403),
        (Behaviour(status=429, retry_after="7"), ErrorKind.RATE_LIMITED, 429),
        (Behaviour(status=400), ErrorKind.HTTP_4XX, 400),
        (Behaviour(status=404), ErrorKind.HTTP_4XX, 404),
        (Behaviour(status=500), ErrorKind.HTTP_5XX, 500),
        (Behaviour(status=503), ErrorKind.HTTP_5XX, 503),
        (Behaviour(status=529), ErrorKind.HTTP_5XX, 529),  # Anthropic's "overloaded"
        (Behaviour(malformed="bad-json"), ErrorKind.MALFORMED, 200),
        (Behaviour(malformed="truncated"), ErrorKind.MALFORMED, 200),
        (Behaviour(malformed="no-content"), ErrorKind.MALFORMED, 200),
        (Behaviour(malformed="not-sse"), ErrorKind.MALFORMED, 200),
        (Behaviour(malformed="flood"), ErrorKind.MALFORMED, 200),  # past PROBE_MAX_BYTES
        (Behaviour(malformed="error-event"), ErrorKind.HTTP_5XX, 200),  # server_error / overloaded_error mid-stream
        (Behaviour(hang="before-headers"), ErrorKind.TIMEOUT, None),  # read timeout
        (Behaviour(hang="mid-stream"), ErrorKind.TIMEOUT, 200),  # read timeout after the first token
        (Behaviour(hang="drip"), ErrorKind.TIMEOUT, 200),  # a token every 200 ms forever: total timeout
        (Behaviour(redirect_to="http://127.0.0.1:9/elsewhere"), ErrorKind.REFUSED, 302),
    ],
    ids=lambda value: value if isinstance(value, str | int) else None,
)
def test_every_failure_is_classified(probe_server, probe_settings, style, behaviour, kind, status):
    probe_settings.PROBE_READ_TIMEOUT, probe_settings.PROBE_TOTAL_TIMEOUT = 0.5, 1.5  # hangs end sooner
    outcome = probe(probe_server, "failing", dataclasses.replace(behaviour, style=style))

    assert (outcome.ok, outcome.error_kind, outcome.http_status) == (False, kind, status)
    assert outcome.ttft_ms is None and outcome.output_tokens_per_s is None
    assert outcome.total_ms is not None and outcome.total_ms < (probe_settings.PROBE_TOTAL_TIMEOUT + 1) * 1000
    if kind == ErrorKind.RATE_LIMITED:
        assert outcome.retry_after == 7


def test_hanging_stream_is_cut_at_the_total_timeout(probe_server, probe_settings):
    probe_settings.PROBE_TOTAL_TIMEOUT = 1.0
    outcome = probe(probe_server, "drip", Behaviour(hang="drip"))

    assert outcome.error_kind == ErrorKind.TIMEOUT
    assert 1000 <= outcome.total_ms < 1500


def test_nothing_listening_is_a_connect_error(probe_server, probe_settings):
    base_url = f"http://127.0.0.1:{unused_port()}/v1"
    outcome = probe(probe_server, "closed", Behaviour(), base_url=base_url)

    assert (outcome.error_kind, outcome.http_status) == (ErrorKind.CONNECT, None)


def test_unknown_model_path_is_http_4xx(probe_server, probe_settings):
    # An Anthropic-style provider pointed at an OpenAI-only server: 404 on /messages.
    url = probe_server.endpoint("openai-only", Behaviour(style="openai"))
    outcome = probe(probe_server, "unused", Behaviour(style="anthropic"), base_url=url)

    assert (outcome.error_kind, outcome.http_status) == (ErrorKind.HTTP_4XX, 404)


def test_retry_after_accepts_seconds_and_http_dates():
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)

    assert parse_retry_after("120") == 120
    assert 55 <= parse_retry_after(in_a_minute) <= 60
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_sse_decoder_handles_split_chunks_comments_and_crlf():
    decoder = SSEDecoder()
    events = list(decoder.feed(b': keep-alive\r\nevent: message_start\r\ndata: {"a":'))
    events += list(decoder.feed(b" 1}\r\n\r\ndata: line one\ndata: line two\n\ndata: [DO"))
    events += list(decoder.feed(b"NE]"))
    events += list(decoder.close())

    assert events == [
        SSEEvent("message_start", '{"a": 1}'),
        SSEEvent("message", "line one\nline two"),
        SSEEvent("message", "[DONE]"),
    ]
