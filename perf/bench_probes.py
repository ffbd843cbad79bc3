"""Probe fan-out benchmark: a round over many slow endpoints should take about as long as the slowest few.

    python -m perf.bench_probes [--endpoints 200] [--providers 25] [--delay 0.3] [--per-provider N]
                                [--round-cap N] [--database-url URL]

Starts the local OpenAI-compatible SSE server of the tests (tests/probe_server.py), points `--endpoints`
probe-enabled offerings on `--providers` providers at it, each answering its first token `--delay` seconds
after the request, and times one full round through the service (key lookup, URL guard, concurrent
probes, bulk insert), as the beat task runs it. A second scenario puts every endpoint on ONE provider to
show the per-provider cap at work. It then times the summary selector over a week of results for those
offerings. Prints JSON. Target: the 200 x 300 ms round in under 3 s.

Database: a throw-away SQLite file unless --database-url (or PERF_DATABASE_URL) names another; the rows
it creates there are deleted at the end.
"""

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
KEY_ENV = "FG_BENCH_PROBE_KEY"


def setup_django(database_url: str | None) -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tempfile.mkdtemp(prefix='fg-bench-')}/probes.sqlite3"
    os.environ["PROBE_ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ[KEY_ENV] = "sk-bench-not-a-real-key"
    os.environ.pop("REDIS_URL", None)  # local-memory cache: the benchmark needs no Redis
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logging.disable(logging.INFO)  # 400 log lines a round would be measured too


def _serve(behaviours: dict[str, dict], conn, stop) -> None:
    """Child process: the local SSE server, so its threads do not share the probing process's GIL."""
    from tests.probe_server import Behaviour, ProbeServer

    with ProbeServer() as server:
        for name, fields in behaviours.items():
            server.endpoint(name, Behaviour(**fields))
        conn.send(server.origin)
        stop.wait()


@contextmanager
def server_process(behaviours: dict[str, dict]):
    """Run the server in a spawned process; yield its origin (http://127.0.0.1:PORT)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    stop = context.Event()
    process = context.Process(target=_serve, args=(behaviours, child, stop), daemon=True)
    process.start()
    try:
        if not parent.poll(30):
            raise RuntimeError("the probe server did not start")
        yield parent.recv()
    finally:
        stop.set()
        process.join(10)
        if process.is_alive():
            process.kill()


def seed(origin: str, *, endpoints: int, providers: int, tag: str):
    from tests.factories import OfferingFactory, ProviderFactory

    made = []
    for p in range(providers):
        provider = ProviderFactory(slug=f"{tag}-{p}", base_url=f"{origin}/{tag}-{p}/v1", api_key_env=KEY_ENV)
        for i in range(p, endpoints, providers):
            made.append(OfferingFactory(provider=provider, probe_enabled=True, provider_model_id=f"{tag}-model-{i}"))
    return made


def timed_round(offerings) -> dict:
    from benchmarks.probes.selectors import probe_target_list
    from benchmarks.probes.services import probe_run

    targets = probe_target_list(offering_ids=[o.id for o in offerings])
    started, cpu_started = time.perf_counter(), time.process_time()
    records = probe_run(targets=targets)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    ttfts = [r.outcome.ttft_ms for r in records if r.outcome.ok]
    return {
        "probes": len(records),
        "ok": len(ttfts),
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),  # of this process: the probing side's own cost
        "ttft_ms_p50": round(statistics.median(ttfts), 1) if ttfts else None,
        "ttft_ms_max": round(max(ttfts), 1) if ttfts else None,
    }


def timed_summary(offerings) -> dict:
    import datetime

    from django.utils import timezone

    from benchmarks.models import ProbeResult
    from benchmarks.probes.selectors import probe_summary

    now = timezone.now()
    rows = [
        ProbeResult(
            offering=o,
            started_at=now - datetime.timedelta(minutes=30 * k),
            ok=k % 20 != 0,
            error_kind="" if k % 20 else "http_5xx",
            ttft_ms=200 + (k * 37) % 900 if k % 20 else None,
            total_ms=1500,
            output_tokens=64,
            output_tokens_per_s=20 + (k * 13) % 80 if k % 20 else None,
        )
        for o in offerings
        for k in range(7 * 48)  # a week of half-hourly rounds
    ]
    ProbeResult.objects.bulk_create(rows, batch_size=5000)
    started = time.perf_counter()
    summaries = probe_summary(now=now)
    wall = time.perf_counter() - started
    return {"results": len(rows), "offerings": len(summaries), "wall_s": round(wall, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--providers", type=int, default=25)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds before each first token")
    parser.add_argument("--per-provider", type=int, help="PROBE_CONCURRENCY_PER_PROVIDER (default: the setting's)")
    parser.add_argument("--round-cap", type=int, help="PROBE_MAX_CONCURRENCY (default: the setting's)")
    parser.add_argument("--database-url", default=os.environ.get("PERF_DATABASE_URL"))
    args = parser.parse_args()
    if args.per_provider:
        os.environ["PROBE_CONCURRENCY_PER_PROVIDER"] = str(args.per_provider)
    if args.round_cap:
        os.environ["PROBE_MAX_CONCURRENCY"] = str(args.round_cap)
    setup_django(args.database_url)

    from django.conf import settings
    from django.db import connection

    from models_registry.models import AIModel, Lab
    from pricing.models import Offering, Provider

    tag = f"bench-{uuid.uuid4().hex[:6]}"
    report = {
        "database": connection.vendor,
        "endpoints": args.endpoints,
        "delay_ms": round(args.delay * 1000),
        "per_provider_cap": settings.PROBE_CONCURRENCY_PER_PROVIDER,
        "round_cap": settings.PROBE_MAX_CONCURRENCY,
        "target_s": 3.0,
    }
    behaviour = {"first_token_delay": args.delay, "chunks": 8}
    names = [f"{tag}-{p}" for p in range(args.providers)] + [f"{tag}-one-0"]
    try:
        with server_process(dict.fromkeys(names, behaviour)) as origin:
            spread = seed(origin, endpoints=args.endpoints, providers=args.providers, tag=tag)
            report["spread"] = {"providers": args.providers, **timed_round(spread)}
            report["met"] = report["spread"]["wall_s"] < report["target_s"]
            one = seed(origin, endpoints=args.endpoints, providers=1, tag=f"{tag}-one")
            report["one_provider"] = {"providers": 1, **timed_round(one)}
        report["summary_week"] = timed_summary(spread)
    finally:
        offerings = Offering.objects.filter(provider__slug__startswith=tag)
        model_ids = list(offerings.values_list("model_id", flat=True))
        lab_ids = list(AIModel.objects.filter(id__in=model_ids).values_list("lab_id", flat=True))
        offerings.delete()  # probe results cascade
        Provider.objects.filter(slug__startswith=tag).delete()
        AIModel.objects.filter(id__in=model_ids).delete()
        Lab.objects.filter(id__in=lab_ids, models__isnull=True).delete()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
