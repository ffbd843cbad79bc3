"""A local HTTP server that stands in for upstreams: tests queue answers per path, the real adapters fetch them.

It runs in a thread of the test process on 127.0.0.1, so a Celery worker subprocess can reach it too.
"""

import io
import json
import socket
import threading
import time
import zipfile
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


# SCORE_SOURCES entries for the score fixtures (add "url"): a CSV without dates and a JSON leaderboard.
EPOCH_GPQA_SOURCE = {
    "name": "epoch-gpqa",
    "format": "csv",
    "mapping": {"model": "Model version", "value": "Best score (across scorers)", "source_url": "Source link"},
    "defaults": {"benchmark": "gpqa-diamond", "metric": "pass@1", "evaluated_by": "epoch-ai"},
    "value_scale": 100,
}
LEADERBOARD_SOURCE = {
    "name": "leaderboard",
    "format": "json",
    "records_path": "data",
    "mapping": {
        "model": "model",
        "benchmark": "benchmark",
        "metric": "metric",
        "value": "score",
        "evaluated_by": "publisher",
        "reported_on": "published",
        "source_url": "url",
    },
}


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def epoch_hub_zip(**members: bytes | str | None) -> bytes:
    """The recorded Epoch AI hub download (tests/fixtures/epoch_hub/*.csv) as a zip; `name_csv=...` replaces a
    member's content (None leaves it out), e.g. `epoch_hub_zip(model_metadata_csv=None)`."""
    files = {path.name: path.read_bytes() for path in sorted((FIXTURES / "epoch_hub").glob("*.csv"))}
    for key, content in members.items():
        name = key.removesuffix("_csv") + ".csv"
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content.encode() if isinstance(content, str) else content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def epoch_hub_text(name: str) -> str:
    return (FIXTURES / "epoch_hub" / name).read_text()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    delay: float = 0.0  # seconds to wait before answering (a timeout when longer than SOURCE_HTTP_TIMEOUT)
    drop: bool = False  # close the connection without a word (a connection error on the client)
    trickle: float = 0.0  # seconds between the body's bytes: each arrives in time, the whole answer late


class Upstream:
    """Serve queued Answers per path: each request takes the next one, the last one repeats. `hits` counts."""

    def __init__(self):
        self._answers: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        # shutdown() waits up to one poll interval: the default 0.5 s cost every test that serves an upstream.
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def serve(self, path: str, *answers: Answer) -> str:
        """Queue `answers` for `path`; returns the full URL."""
        with self._lock:
            self._answers[path] = list(answers)
        return self.url(path)

    def serve_json(self, path: str, document: Any) -> str:
        return self.serve(path, Answer(body=json.dumps(document).encode()))

    def serve_fixture(self, path: str, name: str, content_type: str = "application/json") -> str:
        return self.serve(path, Answer(body=fixture_bytes(name), content_type=content_type))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next(self, path: str) -> Answer:
        with self._lock:
            self.hits[path] += 1
            queue = self._answers.get(path)
            if not queue:
                return Answer(status=404, body=b'{"error": "not found"}')
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def _handler_class(self):
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                answer = upstream._next(self.path.split("?")[0])
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    if answer.drop:
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    if answer.trickle:
                        for position in range(len(answer.body)):
                            self.wfile.write(answer.body[position : position + 1])
                            self.wfile.flush()
                            time.sleep(answer.trickle)
                    else:
                        self.wfile.write(answer.body)
                except OSError:  # the client gave up first (a timeout test): nothing to tell it
                    pass

            def log_message(self, format, *args):  # keep test output quiet
                pass

        return Handler


def unused_port_url(path: str = "/") -> str:
    """A URL on which nothing listens: connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.close()


@pytest.fixture
def fast_retries(settings):
    """HTTP retries that take milliseconds, not minutes."""
    settings.SOURCE_HTTP_ATTEMPTS = 3
    settings.SOURCE_HTTP_BACKOFF_BASE = 0.01
    settings.SOURCE_HTTP_BACKOFF_MAX = 0.02
    settings.SOURCE_HTTP_TIMEOUT = 2.0
    return settings
