import pytest

from tests.probe_server import ProbeServer

SECRET = "sk-fg-test-9f8e7d6c5b4a3210-SECRET"  # a known key string, searched for in every output
KEY_ENV = "FG_TEST_PROBE_API_KEY"


@pytest.fixture
def probe_server():
    """The local OpenAI- and Anthropic-compatible streaming server (tests/probe_server.py)."""
    with ProbeServer() as server:
        yield server


@pytest.fixture
def probe_settings(settings, monkeypatch):
    """Probes may reach 127.0.0.1 over http; short timeouts; the test key is in KEY_ENV."""
    settings.PROBE_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PROBE_CONNECT_TIMEOUT = 2.0
    settings.PROBE_READ_TIMEOUT = 1.0
    settings.PROBE_TOTAL_TIMEOUT = 3.0
    settings.PROBE_MAX_BYTES = 256 * 1024
    settings.PROBE_CONCURRENCY_PER_PROVIDER = 8
    settings.PROBE_MAX_CONCURRENCY = 64
    monkeypatch.setenv(KEY_ENV, SECRET)
    return settings


@pytest.fixture
def make_offering(db):
    """make_offering(base_url, style=..., provider=..., key_env=..., **offering fields) -> a probe-enabled Offering."""
    from tests.factories import OfferingFactory, ProviderFactory

    def make(base_url=None, *, style="openai", provider=None, key_env=KEY_ENV, **fields):
        if provider is None:
            provider = ProviderFactory(base_url=base_url, api_style=style, api_key_env=key_env)
        fields.setdefault("probe_enabled", True)
        return OfferingFactory(provider=provider, **fields)

    return make
