"""The scheduled probe round on a real Celery worker, Redis broker and PostgreSQL, against the local SSE server."""

import pytest
from django.core.cache import cache

from benchmarks.models import ProbeResult
from benchmarks.probes.services import backoff_cache_key
from config.celery import app
from tests.benchmarks.conftest import KEY_ENV, SECRET
from tests.factories import OfferingFactory, ProviderFactory
from tests.probe_server import Behaviour

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ErrorKind = ProbeResult.ErrorKind


def test_worker_runs_a_probe_round_and_stores_results(request, monkeypatch, probe_server, tmp_path):
    # The worker reads its settings from the environment it inherits: set them before it starts.
    monkeypatch.setenv("PROBE_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("PROBE_READ_TIMEOUT", "2")
    monkeypatch.setenv(KEY_ENV, SECRET)
    request.getfixturevalue("celery_worker_process")

    def offering(name: str, behaviour: Behaviour):
        provider = ProviderFactory(
            base_url=probe_server.endpoint(name, behaviour), api_style=behaviour.style, api_key_env=KEY_ENV
        )
        return OfferingFactory(provider=provider, probe_enabled=True)

    fast = offering("fast", Behaviour(first_token_delay=0.2, chunks=10, token_interval=0.02))
    claude = offering("claude", Behaviour(style="anthropic", first_token_delay=0.1, chunks=5))
    denied = offering("denied", Behaviour(status=401, echo_key=True))
    limited = offering("limited", Behaviour(status=429, retry_after="600"))
    OfferingFactory(probe_enabled=False, provider=fast.provider, provider_model_id="not-probed")

    assert app.send_task("benchmarks.probes.tasks.probe_run_enabled").get(timeout=60) == 4

    results = {r.offering_id: r for r in ProbeResult.objects.all()}
    assert set(results) == {fast.id, claude.id, denied.id, limited.id}
    assert results[fast.id].ok and 200 <= results[fast.id].ttft_ms < 200 + 300
    assert results[fast.id].output_tokens == 10
    assert results[fast.id].output_tokens_per_s == pytest.approx(50, rel=0.3)
    assert results[claude.id].ok and results[claude.id].input_tokens == 17
    assert (results[denied.id].error_kind, results[denied.id].http_status) == (ErrorKind.AUTH, 401)
    assert (results[limited.id].error_kind, results[limited.id].http_status) == (ErrorKind.RATE_LIMITED, 429)
    assert cache.get(backoff_cache_key(limited.provider.slug)) is not None  # the worker's back-off, in Redis
    worker_log = (tmp_path / "worker.log").read_text()
    assert "probe round:" in worker_log  # the worker logged the round...
    assert SECRET not in worker_log  # ...and not the key the 401 answer echoed
