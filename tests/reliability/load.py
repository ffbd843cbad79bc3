"""Pieces of the mixed-load test: a thread-safe log of HTTP calls, an RSS sampler, and the summary they print.

Kept apart from the test so that the test reads as what it sends and what it asserts.
"""

import contextlib
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass

import httpx

from tests.reliability.services import rss_bytes

MB = 1024 * 1024


@dataclass(frozen=True)
class Call:
    kind: str  # "read" or "write"
    method: str
    path: str
    status: int | None  # None: no answer (connection error or timeout)
    seconds: float
    error: str = ""


class CallLog:
    """Every request of every client thread, with its status and latency (or the error that replaced them)."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._lock = threading.Lock()

    def send(self, client: httpx.Client, kind: str, method: str, path: str, **kwargs) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = client.request(method, path, **kwargs)
            response.read()
        except httpx.HTTPError as exc:
            self._add(Call(kind, method, path, None, time.monotonic() - started, f"{type(exc).__name__}: {exc}"))
            return None
        self._add(Call(kind, method, path, response.status_code, time.monotonic() - started))
        return response

    def _add(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


class RssSampler(threading.Thread):
    """Samples the resident set size of named processes every `interval` seconds until stopped."""

    def __init__(self, pids: dict[str, int], interval: float) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.interval = interval
        self.samples: dict[str, list[int]] = {name: [] for name in pids}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while True:
            self.sample()
            if self._stop_event.wait(self.interval):
                return

    def sample(self) -> None:
        for name, pid in self.pids.items():
            with contextlib.suppress(OSError, ValueError):  # the process is gone: the test asserts that separately
                self.samples[name].append(rss_bytes(pid))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass(frozen=True)
class RssGrowth:
    """Median RSS of the second quarter of the run (after warm-up) against the median of the last quarter."""

    name: str
    first: int
    warm: int
    last_quarter: int
    last: int

    @classmethod
    def of(cls, name: str, samples: list[int]) -> "RssGrowth":
        quarter = max(1, len(samples) // 4)
        warm = statistics.median(samples[quarter : 2 * quarter] or samples)
        return cls(name, samples[0], int(warm), int(statistics.median(samples[-quarter:])), samples[-1])

    @property
    def growth(self) -> int:
        return self.last_quarter - self.warm

    def describe(self) -> str:
        return (
            f"{self.name}: start {self.first / MB:.0f} MB, warm {self.warm / MB:.1f} MB, "
            f"last quarter {self.last_quarter / MB:.1f} MB ({self.growth / MB:+.1f} MB, "
            f"{100 * self.growth / self.warm:+.1f}%), end {self.last / MB:.0f} MB"
        )


def traffic_summary(calls: list[Call], seconds: float) -> str:
    """Requests, rate, statuses and latency per kind of call, in a few lines."""
    lines = [f"{len(calls)} requests in {seconds:.0f} s ({len(calls) / seconds:.1f} req/s)"]
    for kind in ("read", "write"):
        mine = [call for call in calls if call.kind == kind]
        latencies = [call.seconds * 1000 for call in mine if call.status is not None]
        statuses = Counter(str(call.status or "no answer") for call in mine)
        p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
        lines.append(
            f"  {kind}s: {len(mine)}, p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
            f"max {max(latencies, default=0):.0f} ms, statuses {dict(sorted(statuses.items()))}"
        )
    return "\n".join(lines)
