"""GET an upstream over HTTP with retries: exponential backoff with jitter on timeouts, connection errors,
429 and 5xx; an immediate SourceError on other 4xx; a size ceiling so a runaway answer cannot fill memory,
and a time limit per attempt so a trickling one cannot hold a worker.

Attempts, delays, timeout and size come from settings (SOURCE_HTTP_*), so tests run fast.
"""

import logging
import random
import time
from collections.abc import Callable

import httpx
from django.conf import settings

from pricing.sources.base import SourceError, SourceUnavailable

logger = logging.getLogger(__name__)

USER_AGENT = "frontier-gap-refresh/1.0 (+https://github.com/frontier-gap)"


def backoff_delay(attempt: int, *, base: float, cap: float) -> float:
    """Delay before retry number `attempt` (1, 2, ...): half of min(cap, base * 2**(attempt-1)), plus jitter
    of up to the other half ("equal jitter"), so delays grow and concurrent clients spread out."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def http_get(url: str, *, sleep: Callable[[float], None] = time.sleep) -> bytes:
    """The body of a successful GET of `url`.

    Raises SourceUnavailable when every attempt timed out, failed to connect or got 429/5xx, and
    SourceError at once for any other non-2xx status or a body over SOURCE_HTTP_MAX_BYTES.
    """
    attempts = max(1, settings.SOURCE_HTTP_ATTEMPTS)
    timeout = httpx.Timeout(settings.SOURCE_HTTP_TIMEOUT)
    last_error = ""
    with httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=True) as client:
        for attempt in range(1, attempts + 1):
            try:
                status, body = _get_once(client, url)
            except httpx.TimeoutException as exc:
                last_error = f"timed out ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last_error = f"connection error ({type(exc).__name__}: {exc})"
            else:
                if status < 400:
                    return body
                if status != 429 and status < 500:
                    raise SourceError(f"GET {url} answered HTTP {status}")
                last_error = f"HTTP {status}"
            if attempt < attempts:
                delay = backoff_delay(
                    attempt, base=settings.SOURCE_HTTP_BACKOFF_BASE, cap=settings.SOURCE_HTTP_BACKOFF_MAX
                )
                logger.warning("GET %s: %s; retry %d/%d in %.2fs", url, last_error, attempt, attempts - 1, delay)
                sleep(delay)
    raise SourceUnavailable(f"GET {url}: {last_error} (after {attempts} attempts)")


def _get_once(client: httpx.Client, url: str) -> tuple[int, bytes]:
    """One attempt. httpx's timeout bounds each wait for bytes, not the whole answer, so an upstream that
    trickles its body (every byte in time, the whole never) is cut off here once SOURCE_HTTP_TIMEOUT has
    passed: a timeout like any other (retried, then SourceUnavailable)."""
    limit = settings.SOURCE_HTTP_MAX_BYTES
    deadline = time.monotonic() + settings.SOURCE_HTTP_TIMEOUT
    with client.stream("GET", url) as response:
        if response.status_code >= 400:
            return response.status_code, b""
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise SourceError(f"GET {url}: answer is larger than {limit} bytes (SOURCE_HTTP_MAX_BYTES)")
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("the answer took longer than SOURCE_HTTP_TIMEOUT", request=response.request)
            chunks.append(chunk)
        return response.status_code, b"".join(chunks)
