"""A local OpenAI-compatible and Anthropic-compatible streaming server for probe tests and benchmarks.

Real HTTP/1.1 on 127.0.0.1 with chunked server-sent events. Each endpoint is a path prefix with its own
Behaviour (delay before the first token, token rate, errors, malformed streams, hangs), so one server
plays many providers: `server.endpoint("fast", Behaviour(...))` returns a base URL such as
`http://127.0.0.1:PORT/fast/v1`. Every request is recorded (headers and JSON body) for assertions.
"""

import json
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Behaviour:
    style: str = "openai"  # "openai": /chat/completions, "anthropic": /messages
    status: int = 200
    first_token_delay: float = 0.0  # seconds from the request to the first content token
    chunks: int = 10  # content chunks streamed
    token_interval: float = 0.0  # seconds between content chunks
    tokens_per_chunk: int = 1  # what the usage block reports: chunks * tokens_per_chunk output tokens
    usage: bool = True
    input_tokens: int = 17
    retry_after: str | None = None  # header on an error answer
    echo_key: bool = False  # put the caller's key in error bodies and error events (as a careless server might)
    malformed: str | None = None  # bad-json | truncated | no-content | not-sse | flood | error-event
    hang: str | None = None  # before-headers | mid-stream | drip
    redirect_to: str | None = None


@dataclass
class Recorded:
    endpoint: str
    path: str
    headers: dict[str, str]
    body: dict
    at: float = field(default_factory=time.monotonic)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # hundreds of probes connect at once; the default backlog of 5 would drop SYNs

    def handle_error(self, request, client_address):
        """A client closing its kept-alive connection is normal here; anything else is printed as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ProbeServer:
    def __init__(self) -> None:
        self.behaviours: dict[str, Behaviour] = {}
        self.requests: list[Recorded] = []
        self.max_in_flight: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _make_handler(self))
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "ProbeServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()  # releases hanging handlers
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def endpoint(self, name: str, behaviour: Behaviour | None = None) -> str:
        self.behaviours[name] = behaviour or Behaviour()
        return f"{self.origin}/{name}/v1"

    def requests_to(self, name: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.endpoint == name]

    def _enter(self, name: str) -> None:
        with self._lock:
            self._in_flight[name] = self._in_flight.get(name, 0) + 1
            self.max_in_flight[name] = max(self.max_in_flight.get(name, 0), self._in_flight[name])

    def _leave(self, name: str) -> None:
        with self._lock:
            self._in_flight[name] -= 1


def unused_port() -> int:
    """A local port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _make_handler(server: ProbeServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # each SSE chunk leaves at once, so measured times are the server's

        def log_message(self, format, *args):  # quiet
            pass

        def do_POST(self):
            start = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            name, _, rest = self.path.lstrip("/").partition("/")
            behaviour = server.behaviours.get(name)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            with server._lock:
                server.requests.append(Recorded(name, self.path, dict(self.headers.items()), body))
            suffix = "/messages" if behaviour and behaviour.style == "anthropic" else "/chat/completions"
            if behaviour is None or rest != "v1" + suffix:
                self._json(404, {"error": {"message": f"no route {self.path}"}})
                return
            server._enter(name)
            try:
                self._serve(behaviour, start)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (byte cap, timeout): fine
            finally:
                server._leave(name)

        # -- answers ---------------------------------------------------------------------------------

        def _key(self) -> str:
            return self.headers.get("x-api-key") or self.headers.get("Authorization", "").removeprefix("Bearer ")

        def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _event(self, b: Behaviour, payload, event: str | None = None) -> None:
            text = payload if isinstance(payload, str) else json.dumps(payload)
            prefix = f"event: {event}\n" if event and b.style == "anthropic" else ""
            self._chunk(f"{prefix}data: {text}\n\n".encode())

        def _end(self) -> None:
            self._chunk(b"")  # "0\r\n\r\n": the end of the chunked body

        def _sleep_until(self, moment: float) -> None:
            delay = moment - time.monotonic()
            if delay > 0:
                server.stopping.wait(delay)

        def _serve(self, b: Behaviour, start: float) -> None:
            if b.hang == "before-headers":
                server.stopping.wait(60)
                return
            if b.redirect_to:
                self.send_response(302)
                self.send_header("Location", b.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if b.status != 200:
                self._error(b)
                return
            if b.malformed == "not-sse":
                self._json(200, {"choices": [{"message": {"role": "assistant", "content": "one two"}}]})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if b.style == "anthropic":
                self._anthropic(b, start)
            else:
                self._openai(b, start)

        def _error(self, b: Behaviour) -> None:
            message = f"refused; key was {self._key()}" if b.echo_key else "refused"
            if b.style == "anthropic":
                kinds = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}
                payload = {"type": "error", "error": {"type": kinds.get(b.status, "api_error"), "message": message}}
            else:
                payload = {"error": {"message": message, "type": "error", "code": b.status}}
            headers = {"Retry-After": b.retry_after} if b.retry_after is not None else {}
            self._json(b.status, payload, headers)

        def _content_times(self, b: Behaviour, start: float):
            """Yield chunk indexes at their scheduled times: first at start + delay, then one per interval."""
            first = start + b.first_token_delay
            for index in range(b.chunks):
                self._sleep_until(first + index * b.token_interval)
                if server.stopping.is_set():
                    return
                yield index

        def _hang_or_drip(self, b: Behaviour, send) -> bool:
            if b.hang == "mid-stream":
                server.stopping.wait(60)
                return True
            if b.hang == "drip":
                index = 0
                while not server.stopping.wait(0.2):
                    send(index)
                    index += 1
                return True
            return False

        def _openai(self, b: Behaviour, start: float) -> None:
            def delta(content: dict, finish=None) -> dict:
                return {
                    "id": "chatcmpl-local",
                    "object": "chat.completion.chunk",
                    "model": "local",
                    "choices": [{"index": 0, "delta": content, "finish_reason": finish}],
                }

            def send(index: int) -> None:
                self._event(b, delta({"content": f"w{index} "}))

            self._event(b, delta({"role": "assistant", "content": ""}))
            if b.malformed == "no-content":
                self._event(b, delta({}, "stop"))
                self._event(b, "[DONE]")
                self._end()
                return
            if b.malformed == "flood":
                filler = "x" * 8000
                while not server.stopping.is_set():
                    self._event(b, delta({"content": filler}))
                return
            for index in self._content_times(b, start):
                send(index)
                if index == 0:
                    if b.malformed == "bad-json":
                        self._chunk(b'data: {"choices": [ not json\n\n')
                    elif b.malformed == "error-event":
                        message = f"overloaded; key {self._key()}" if b.echo_key else "overloaded"
                        self._event(b, {"error": {"type": "server_error", "message": message}})
                        self._end()
                        return
                    elif b.malformed == "truncated":
                        self._end()
                        return
                    elif self._hang_or_drip(b, send):
                        return
            self._event(b, delta({}, "stop"))
            if b.usage:
                output = b.chunks * b.tokens_per_chunk
                usage = {"prompt_tokens": b.input_tokens, "completion_tokens": output}
                self._event(b, {"id": "chatcmpl-local", "choices": [], "usage": usage})
            self._event(b, "[DONE]")
            self._end()

        def _anthropic(self, b: Behaviour, start: float) -> None:
            def send(index: int) -> None:
                delta = {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": f"w{index} "},
                }
                self._event(b, delta, "content_block_delta")

            message = {
                "id": "msg_local",
                "type": "message",
                "role": "assistant",
                "content": [],
                "model": "local",
                "usage": {"input_tokens": b.input_tokens, "output_tokens": 1},
            }
            self._event(b, {"type": "message_start", "message": message}, "message_start")
            block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
            self._event(b, block, "content_block_start")
            self._event(b, {"type": "ping"}, "ping")
            if b.malformed == "flood":
                filler = {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": "x" * 8000},
                }
                while not server.stopping.is_set():
                    self._event(b, filler, "content_block_delta")
                return
            if b.malformed != "no-content":
                for index in self._content_times(b, start):
                    send(index)
                    if index == 0:
                        if b.malformed == "bad-json":
                            self._chunk(b"event: content_block_delta\ndata: {oops\n\n")
                        elif b.malformed == "error-event":
                            text = f"Overloaded; key {self._key()}" if b.echo_key else "Overloaded"
                            error = {"type": "error", "error": {"type": "overloaded_error", "message": text}}
                            self._event(b, error, "error")
                            self._end()
                            return
                        elif b.malformed == "truncated":
                            self._end()
                            return
                        elif self._hang_or_drip(b, send):
                            return
            self._event(b, {"type": "content_block_stop", "index": 0}, "content_block_stop")
            final = {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}}
            if b.usage:
                final["usage"] = {"output_tokens": b.chunks * b.tokens_per_chunk}
            self._event(b, final, "message_delta")
            self._event(b, {"type": "message_stop"}, "message_stop")
            self._end()

    return Handler
