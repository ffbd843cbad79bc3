"""No server-side request forgery through a base URL, and the key never leaves the request header."""

import asyncio
import json
import logging

import httpcore
import pytest
from django.core.management import call_command
from django.urls import reverse

from benchmarks.models import ProbeResult
from benchmarks.probes.guard import GuardedBackend, ProbeRefusedError, address_refusal, url_refusal
from benchmarks.probes.selectors import probe_target_list
from benchmarks.probes.services import probe_run
from tests.benchmarks.conftest import KEY_ENV, SECRET
from tests.probe_server import Behaviour

ErrorKind = ProbeResult.ErrorKind
LOCAL = frozenset({"127.0.0.1"})


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "192.0.2.10",  # documentation
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",  # IPv4-mapped
        "2002:a00:1::",  # 6to4 wrapping 10.0.0.1
        "::",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert address_refusal(address) is not None


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert address_refusal(address) is None


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://api.deepseek.com/v1", False),  # a name: checked again when connecting
        ("http://api.deepseek.com/v1", True),  # plain http to a host not allowed
        ("ftp://api.deepseek.com/v1", True),
        ("https://10.1.2.3/v1", True),
        ("https://169.254.169.254/latest/meta-data", True),
        ("https://[::1]:8443/v1", True),
        ("https://127.0.0.2/v1", True),  # https does not make loopback allowed
        ("https://user:pass@api.example.com/v1", True),  # credentials in a URL end up in logs
        ("https://api.example.com:notaport/v1", True),
        ("http://127.0.0.1:8000/v1", False),  # allowed host: http and loopback are fine
        ("http://[::1]:8000/v1", True),
        ("not a url", True),
    ],
)
def test_urls_are_checked_before_any_io(url, refused):
    assert (url_refusal(url, allowed_hosts=LOCAL) is not None) is refused


def run_round(**kwargs):
    return probe_run(targets=probe_target_list(), **kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "base_url",
    ["http://api.example.com/v1", "https://10.1.2.3/v1", "https://169.254.169.254/v1", "https://[fd00::1]/v1"],
)
def test_refused_base_url_is_recorded_and_nothing_is_sent(probe_settings, make_offering, base_url):
    make_offering(base_url)

    [record] = run_round()

    assert record.result.error_kind == ErrorKind.REFUSED and not record.result.ok
    assert record.result.http_status is None and record.result.total_ms is None


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["localhost", "2130706433", "127.1", "0x7f.0.0.1"])
def test_host_name_resolving_to_loopback_is_refused_at_connect_time(probe_server, probe_settings, make_offering, host):
    # Each resolves to 127.0.0.1 (or ::1) through the system resolver; only the literal 127.0.0.1 is allowed.
    url = probe_server.endpoint("target", Behaviour()).replace("http://127.0.0.1", f"https://{host}")
    make_offering(url)

    [record] = run_round()

    assert record.result.error_kind == ErrorKind.REFUSED
    assert "loopback" in record.outcome.detail
    assert probe_server.requests == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answer",
    [["10.0.0.7"], ["169.254.169.254"], ["192.168.0.10"], ["fd12::5"], ["8.8.8.8", "10.0.0.7"]],  # every address counts
    ids=["10.x", "metadata", "192.168.x", "ula", "one-of-several"],
)
def test_host_name_resolving_to_a_private_address_is_refused(probe_settings, make_offering, answer):
    """DNS is beyond this machine, so the resolver is replaced; the guard's check and refusal are real."""
    make_offering("https://intranet.example.test/v1")
    asked = []

    async def resolve(host, port):
        asked.append((host, port))
        return answer

    [record] = run_round(resolve=resolve)

    assert record.result.error_kind == ErrorKind.REFUSED
    assert asked == [("intranet.example.test", 443)]


@pytest.mark.django_db
def test_connection_goes_to_the_address_that_was_checked(probe_server, probe_settings, make_offering):
    """The name is resolved once, by the guard, and the connection uses that answer: the system resolver knows
    nothing of `probe.example.test`, so reaching the server proves nothing resolved it a second time (which is
    what a DNS-rebinding attack needs)."""
    probe_settings.PROBE_ALLOWED_HOSTS = ["probe.example.test"]  # allowed, so http to a loopback address is fine
    url = probe_server.endpoint("named", Behaviour()).replace("127.0.0.1", "probe.example.test")
    make_offering(url)
    answers = []

    async def resolve(host, port):
        answers.append(host)
        return ["127.0.0.1"]

    [record] = run_round(resolve=resolve)

    assert record.result.ok
    assert answers == ["probe.example.test"]
    [request] = probe_server.requests_to("named")
    assert request.headers["Host"] == f"probe.example.test:{probe_server.port}"


def test_rebinding_answer_is_refused_however_the_first_lookup_went():
    """A resolver that answers public first and private later: each connection resolves once and checks that answer."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    async def resolve(host, port):
        return next(answers)

    backend = GuardedBackend(allowed_hosts=frozenset(), resolve=resolve)

    async def connect_twice():
        first = await backend.resolve("rebind.example.test", 443)  # what an attacker serves to a pre-check
        assert address_refusal(first[0]) is None
        await backend.connect_tcp("rebind.example.test", 443, timeout=1)

    with pytest.raises(ProbeRefusedError, match="loopback"):
        asyncio.run(connect_twice())


def test_unix_sockets_are_refused():
    backend = GuardedBackend(allowed_hosts=LOCAL)
    with pytest.raises(ProbeRefusedError):
        asyncio.run(backend.connect_unix_socket("/var/run/docker.sock"))


def test_unresolvable_name_is_a_connect_error():
    async def resolve(host, port):
        raise OSError(-2, "Name or service not known")

    backend = GuardedBackend(allowed_hosts=frozenset(), resolve=resolve)
    with pytest.raises(httpcore.ConnectError, match="cannot resolve"):
        asyncio.run(backend.connect_tcp("nowhere.example.test", 443, timeout=1))


@pytest.mark.django_db
def test_redirect_is_not_followed(probe_server, probe_settings, make_offering):
    elsewhere = probe_server.endpoint("elsewhere", Behaviour())
    make_offering(probe_server.endpoint("bouncer", Behaviour(redirect_to=f"{elsewhere}/chat/completions")))

    [record] = run_round()

    assert (record.result.error_kind, record.result.http_status) == (ErrorKind.REFUSED, 302)
    assert len(probe_server.requests_to("bouncer")) == 1
    assert probe_server.requests_to("elsewhere") == []


@pytest.mark.django_db
def test_missing_key_is_skipped_without_a_call(probe_server, probe_settings, make_offering, monkeypatch):
    monkeypatch.delenv(KEY_ENV)
    make_offering(probe_server.endpoint("keyless", Behaviour()))
    make_offering(probe_server.endpoint("unnamed", Behaviour()), key_env="")

    records = run_round()

    assert [r.result.error_kind for r in records] == [ErrorKind.SKIPPED_NO_KEY] * 2
    assert probe_server.requests == []


@pytest.mark.django_db
def test_key_is_stripped_of_surrounding_whitespace(probe_server, probe_settings, make_offering, monkeypatch):
    monkeypatch.setenv(KEY_ENV, f"  {SECRET}\n")
    make_offering(probe_server.endpoint("padded", Behaviour()))

    [record] = run_round()

    assert record.result.ok
    assert probe_server.requests_to("padded")[0].headers["Authorization"] == f"Bearer {SECRET}"


@pytest.mark.django_db
def test_key_that_cannot_be_a_header_is_skipped_and_not_quoted(
    probe_server, probe_settings, make_offering, monkeypatch
):
    # An HTTP library would refuse it with an error that quotes the header value.
    monkeypatch.setenv(KEY_ENV, f"{SECRET}\nX-Injected: 1")
    make_offering(probe_server.endpoint("broken-key", Behaviour()))

    [record] = run_round()

    assert record.result.error_kind == ErrorKind.SKIPPED_NO_KEY
    assert SECRET not in record.outcome.detail
    assert probe_server.requests == []


@pytest.mark.django_db
def test_key_appears_in_no_stored_field_log_record_output_or_page(
    probe_server, probe_settings, make_offering, caplog, capsys, admin_client, api_client
):
    """A careless server echoes the key in error bodies and in a mid-stream error event; it must go nowhere."""
    endpoints = {
        "ok": Behaviour(chunks=3),
        "anthropic-ok": Behaviour(style="anthropic", chunks=3),
        "echo-401": Behaviour(status=401, echo_key=True),
        "echo-403": Behaviour(style="anthropic", status=403, echo_key=True),
        "echo-500": Behaviour(status=500, echo_key=True),
        "echo-event": Behaviour(malformed="error-event", echo_key=True),
        "anthropic-echo-event": Behaviour(style="anthropic", malformed="error-event", echo_key=True),
        "bad-json": Behaviour(malformed="bad-json"),
    }
    for name, behaviour in endpoints.items():
        make_offering(probe_server.endpoint(name, behaviour), style=behaviour.style)
    for logger_name in (None, "httpx", "httpcore"):  # they log requests at DEBUG (settings quiet them to WARNING)
        caplog.set_level(logging.DEBUG, logger=logger_name)

    call_command("probe")  # the command's output goes to the real stdout/stderr, captured by capsys

    # The key did travel, in the request headers only: otherwise this test would prove nothing.
    headers = [json.dumps(r.headers) for r in probe_server.requests]
    assert len(headers) == len(endpoints) and all(SECRET in h for h in headers)
    out, err = capsys.readouterr()
    assert "auth" in out and "[redacted]" in out  # the table shows the scrubbed error detail
    assert SECRET not in out and SECRET not in err
    assert any(r.name.startswith("httpcore") for r in caplog.records)  # DEBUG request logs were captured too
    assert SECRET not in caplog.text
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in repr(record.args)
    rows = list(ProbeResult.objects.values())
    assert len(rows) == len(endpoints)
    assert SECRET not in repr(rows)
    assert SECRET not in api_client.get(reverse("probe-summary")).content.decode()
    assert SECRET not in admin_client.get(reverse("admin:benchmarks_proberesult_changelist")).content.decode()
    for row in rows:
        page = admin_client.get(reverse("admin:benchmarks_proberesult_change", args=[row["id"]]))
        assert page.status_code == 200 and SECRET not in page.content.decode()
