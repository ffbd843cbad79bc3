"""Where a probe may connect: no server-side request forgery through an admin-edited base URL.

Two checks, both needed:

1. `url_refusal(url)` before any I/O: the scheme must be https (http only for an allowed host), no
   credentials in the URL, and a literal IP address must be public unless its host is allowed.
2. `GuardedBackend.connect_tcp` at connection time: it resolves the host name ONCE, refuses the
   connection if ANY resolved address is private, loopback, link-local, reserved, multicast or
   otherwise not global, and then connects to one of the addresses it just checked. httpx never
   resolves the name itself, so a DNS answer that changes between a check and the connect (DNS
   rebinding) cannot slip through: there is no second lookup. TLS still verifies the certificate
   against the host NAME (httpcore passes it as server_hostname), and the Host header is the name.

Redirects are never followed (the client is built with follow_redirects=False and a 3xx is refused),
so an allowed endpoint cannot bounce a probe, with its key, to another address. Proxies from the
environment are ignored (trust_env=False), as a proxy would connect on our behalf unchecked.

Hosts listed in PROBE_ALLOWED_HOSTS (the tests' 127.0.0.1, an internal vLLM box) may use http and
private addresses: an operator allowed them explicitly. They are still resolved once, by the same path.
"""

import asyncio
import ipaddress
import socket
import typing
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

import httpcore
import httpx

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class ProbeRefusedError(Exception):
    """The probe's target is not allowed; nothing was sent to it."""


def normalize_host(host: str) -> str:
    """Lowercase, no IPv6 brackets, no trailing dot: `[::1]` matches `::1`, `Example.com.` matches `example.com`."""
    return host.strip().strip("[]").rstrip(".").lower()


def allowed_host_set(hosts: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_host(h) for h in hosts if h.strip())


def address_refusal(address: str) -> str | None:
    """Why connecting to this IP address is refused, or None when it is a public unicast address."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return f"{address!r} is not an IP address"
    # An IPv6 address can carry an IPv4 one (::ffff:10.0.0.1, 6to4, Teredo); judge what it embeds too.
    candidates: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        candidates += [embedded for embedded in (ip.ipv4_mapped, ip.sixtofour) if embedded is not None]
        if ip.teredo:
            candidates += list(ip.teredo)
    for candidate in candidates:
        for label, flag in (
            ("loopback", candidate.is_loopback),
            ("private", candidate.is_private),
            ("link-local", candidate.is_link_local),
            ("reserved", candidate.is_reserved),
            ("multicast", candidate.is_multicast),
            ("unspecified", candidate.is_unspecified),
            ("not globally routable", not candidate.is_global),  # e.g. 100.64.0.0/10 shared address space
        ):
            if flag:
                return f"{candidate} is a {label} address"
    return None


def url_refusal(url: str, *, allowed_hosts: frozenset[str]) -> str | None:
    """Why a probe to `url` is refused before any I/O, or None. Host names are checked again at connect time."""
    try:
        parts = urlsplit(url)
        host = normalize_host(parts.hostname or "")
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        return f"malformed URL ({exc})"
    if not host:
        return "URL has no host"
    if parts.username is not None or parts.password is not None:
        return "credentials in the URL are not allowed"
    if host in allowed_hosts:
        return None if parts.scheme in ("http", "https") else f"scheme {parts.scheme!r} is not allowed"
    if parts.scheme != "https":
        return f"scheme {parts.scheme or '(none)'!r} is not allowed: use https (or add {host} to PROBE_ALLOWED_HOSTS)"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: GuardedBackend checks what it resolves to, at connect time
    reason = address_refusal(host)
    return f"{reason} (add it to PROBE_ALLOWED_HOSTS to allow)" if reason else None


async def system_resolve(host: str, port: int) -> list[str]:
    """The host's addresses from the system resolver, in its preferred order, without duplicates."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that resolves, checks every address, and connects only to a checked one."""

    def __init__(self, *, allowed_hosts: frozenset[str], resolve: Resolver | None = None) -> None:
        self.allowed_hosts = allowed_hosts
        self.resolve = resolve or system_resolve
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        name = normalize_host(host)
        try:
            async with asyncio.timeout(timeout):
                addresses = await self.resolve(name, port)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {name} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {name}: {exc.strerror or exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{name} has no address")
        if name not in self.allowed_hosts:
            for address in addresses:
                reason = address_refusal(address)
                if reason:
                    raise ProbeRefusedError(f"{name} resolves to {reason}")
        last_error: Exception | None = None
        for address in addresses:  # every one of them was checked above
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(self, path: str, timeout=None, socket_options=None) -> httpcore.AsyncNetworkStream:
        raise ProbeRefusedError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with the connection pool built on GuardedBackend and no proxy from the environment."""

    def __init__(self, *, allowed_hosts: frozenset[str], limits: httpx.Limits, resolve: Resolver | None = None) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx (pinned) offers no public hook for the network backend, so the pool it just built is
        # replaced by the same pool on our backend; tests/benchmarks/test_probes_safety.py proves the
        # backend is in use (a name resolving to a loopback address is refused at connect time).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allowed_hosts=allowed_hosts, resolve=resolve),
        )
