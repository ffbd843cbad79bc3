"""Probe figures: a round over 200 slow endpoints (a local SSE server adding 300 ms before the first token), and
the probe reads at 1,000,000 stored results (the status page's summary, the daily prune).

The server runs in its own process (tests/probe_server.py), so its threads do not share the prober's GIL. The round
goes through the service as the beat task runs it: key lookup, URL guard, concurrent streams, one bulk insert.
"""

import multiprocessing
import statistics
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

from perf.figures import Figure, figure, timed

KEY_ENV = "FG_PERF_PROBE_API_KEY"  # named like a key variable (*_API_KEY), as providers must
ENDPOINTS, PROVIDERS, DELAY = 200, 25, 0.3


def _serve(names: list[str], delay: float, conn, stop) -> None:
    """Child process: the local SSE server with one endpoint per provider."""
    from tests.probe_server import Behaviour, ProbeServer

    with ProbeServer() as server:
        for name in names:
            server.endpoint(name, Behaviour(first_token_delay=delay, chunks=8))
        conn.send(server.origin)
        stop.wait()


@contextmanager
def probe_server(names: list[str], *, delay: float = DELAY):
    """Run the server in a spawned process; yields its origin (http://127.0.0.1:PORT)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    stop = context.Event()
    process = context.Process(target=_serve, args=(names, delay, child, stop), daemon=True)
    process.start()
    try:
        if not parent.poll(60):
            raise RuntimeError("the probe server did not start")
        yield parent.recv()
    finally:
        stop.set()
        process.join(10)
        if process.is_alive():
            process.kill()


def provider_names() -> list[str]:
    return [f"perf-probe-{p}" for p in range(PROVIDERS)]


def seed_endpoints(origin: str) -> list[int]:
    """25 providers at the local server and 200 probe targets spread over them; returns the offering ids."""
    from models_registry.models import AIModel
    from pricing.models import Offering, Provider

    providers = Provider.objects.bulk_create(
        Provider(slug=name, name=name, country="US", base_url=f"{origin}/{name}/v1", api_key_env=KEY_ENV)
        for name in provider_names()
    )
    model_ids = list(AIModel.objects.order_by("id").values_list("id", flat=True)[:ENDPOINTS])
    offerings = Offering.objects.bulk_create(
        Offering(
            model_id=model_ids[i % len(model_ids)],
            provider=providers[i % PROVIDERS],
            provider_model_id=f"perf-probe-model-{i}",
        )
        for i in range(ENDPOINTS)
    )
    return [o.id for o in offerings]


def measure_round(offering_ids: list[int], *, repeat: int) -> Figure:
    from benchmarks.probes.selectors import probe_target_list
    from benchmarks.probes.services import probe_run

    walls, cpus, ttfts, oks = [], [], [], []
    for _ in range(repeat):
        targets = probe_target_list(offering_ids=offering_ids)
        started, cpu_started = time.perf_counter(), time.process_time()
        records = probe_run(targets=targets)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
        ok = [r.outcome.ttft_ms for r in records if r.outcome.ok]
        oks.append(len(ok))
        ttfts.extend(ok)
    return figure(
        f"probe round: {ENDPOINTS} endpoints at +{DELAY * 1000:.0f} ms",
        walls,
        unit="s",
        digits=3,
        limit=3,
        probes=len(offering_ids),
        ok_per_round=oks,
        providers=PROVIDERS,
        per_provider_cap=settings.PROBE_CONCURRENCY_PER_PROVIDER,
        round_cap=settings.PROBE_MAX_CONCURRENCY,
        prober_cpu_s_median=round(statistics.median(cpus), 3),
        ttft_ms_median=round(statistics.median(ttfts), 1) if ttfts else None,
    )


def measure_reads(*, repeat: int) -> list[Figure]:
    """The status page's summary (every probed offering, 24 h and 7 d windows) and the daily prune (rolled back)."""
    from benchmarks.models import ProbeResult
    from benchmarks.probes.selectors import probe_summary
    from benchmarks.probes.services import probe_results_prune

    results = ProbeResult.objects.count()
    summary = figure(
        f"probes summary (status page), {results:,} results",
        timed(probe_summary, repeat=repeat),
        unit="ms",
        scale=1000,
    )
    deleted, seconds = [], []
    for _ in range(repeat):
        with transaction.atomic():
            start = time.perf_counter()
            deleted.append(probe_results_prune())
            seconds.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    prune = figure(
        f"probes prune past {settings.PROBE_RETENTION_DAYS} days", seconds, unit="s", digits=3, deleted=deleted[0]
    )
    return [summary, prune]


def key_environment() -> dict[str, str]:
    """What a process that probes the local server needs in its environment (set before Django reads settings)."""
    return {KEY_ENV: "sk-perf-not-a-real-key", "PROBE_ALLOWED_HOSTS": "127.0.0.1"}
