"""The performance harness: seed a synthetic registry into its own PostgreSQL database, measure, report.

    python -m perf.run [--scale small|full] [--out report.json] [--keep] [--reuse] [--only api,analytics,...]

Needs PostgreSQL (the server DATABASE_URL names, default postgres://postgres@127.0.0.1:5432) and Redis (REDIS_URL,
default redis://127.0.0.1:6379/0; cache keys prefixed `fg-perf`, Celery queue `fg-perf`), and `wrk` for the load
figure (Debian: apt-get install -y wrk). It creates the database `fg_perf_run` (PERF_DATABASE_NAME), fills it at the
chosen scale, starts gunicorn (2 workers) and a Celery worker on it, measures every figure, stops them and drops the
database (unless --keep). Progress and a readable table go to stderr; the JSON report to stdout (and --out).

`--scale small` (a twentieth of the rows, shorter runs) takes under a minute; `full` (the issue's scale) ~5 minutes.
`--reuse` measures a database kept by an earlier `--keep` run without seeding it again (for iterating on a fix).
"""

import argparse
import datetime
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PHASES = ["api", "analytics", "pages", "load", "refresh", "probes", "worker"]


@dataclass(frozen=True)
class Plan:
    """Repetitions per scale: enough for a median and p95 at full scale, few enough for a minute at small."""

    api: int
    cold: int
    cached: int
    page_cold: int
    page_warm: int
    browser: int
    load_seconds: int
    refresh: int
    probes: int


PLANS = {
    "full": Plan(
        api=15, cold=5, cached=100, page_cold=3, page_warm=20, browser=3, load_seconds=20, refresh=3, probes=3
    ),
    "small": Plan(api=7, cold=3, cached=30, page_cold=2, page_warm=10, browser=2, load_seconds=5, refresh=2, probes=2),
}
STARTED = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def environment() -> None:
    """The harness's own environment, set before Django reads its settings; the processes it starts inherit it."""
    from perf.probes import key_environment

    os.environ["DJANGO_SETTINGS_MODULE"] = "perf.settings"
    os.environ["DJANGO_DEBUG"] = "false"  # production behaviour: no query log, no debug pages
    os.environ["DJANGO_SECRET_KEY"] = "perf-harness-only-" + os.urandom(8).hex()
    os.environ["CACHE_KEY_PREFIX"] = "fg-perf"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ["LOG_LEVEL"] = "WARNING"  # a probe round logs a line per probe
    os.environ["ANALYTICS_CACHE_WARM"] = "false"  # this process measures cold computation; see the pages phase
    os.environ.update(key_environment())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m perf.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--out", type=Path, help="also write the JSON report to this file")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the kept database again, without seeding")
    parser.add_argument("--only", default=",".join(PHASES), help=f"comma-separated phases: {','.join(PHASES)}")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium time-to-chart figure")
    args = parser.parse_args(argv)
    phases = [p for p in args.only.split(",") if p]
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    plan = PLANS[args.scale]
    environment()

    from tests.upstream import Upstream  # a thread of this process; the Celery worker fetches from it too

    upstream = Upstream()
    os.environ["OPENROUTER_MODELS_URL"] = upstream.url("/openrouter.json")
    os.environ["LITELLM_PRICES_URL"] = upstream.url("/litellm.json")
    try:
        report, figures = run(args, phases, plan, upstream)
    finally:
        upstream.close()
    from perf.figures import table

    print("\n" + table(figures) + "\n", file=sys.stderr)
    body = json.dumps(report, indent=2, default=str)
    print(body)
    if args.out:
        args.out.write_text(body + "\n")
        say(f"report written to {args.out}")
    return 0


def run(args, phases: list[str], plan: Plan, upstream) -> tuple[dict, list]:
    from perf.db import perf_database
    from perf.seed import SCALES

    scale = SCALES[args.scale]
    name = os.environ.get("PERF_DATABASE_NAME", "fg_perf_run")
    say(f"database {name}: {'reusing it' if args.reuse else 'a fresh copy of the migrated template'}")
    with perf_database(name, keep=args.keep, reuse=args.reuse):
        import django

        django.setup()
        from django.db import connection

        from perf import servers
        from perf.figures import machine

        report = {
            "harness": "python -m perf.run",
            "scale": scale.name,
            "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "database": name,
        }
        if not args.reuse:
            from perf.seed import seed

            say(f"seeding the {scale.name} registry with COPY")
            start = time.perf_counter()
            report["rows"] = seed(scale, progress=sys.stderr.isatty())
            report["seed_seconds"] = round(time.perf_counter() - start, 1)
            say(f"seeded in {report['seed_seconds']} s: {report['rows']}")
        connection.close()  # the children get their own connections; this one reconnects when needed

        children = {**os.environ, "ANALYTICS_CACHE_WARM": "true"}
        figures, memory = [], []
        worker = None
        if {"pages", "worker"} & set(phases):
            worker = servers.start_celery_worker(children, queue="fg-perf")
        try:
            if "api" in phases:
                from perf import api

                say("API lists against the baseline views")
                figures += api.measure(repeat=plan.api)
            if "analytics" in phases:
                from perf import analytics

                say("analytics endpoints, cold and cached")
                figures += analytics.measure(repeat_cold=plan.cold, repeat_cached=plan.cached)
            if {"pages", "load"} & set(phases):
                figures += web_phases(phases, plan, children, worker, memory, browser=not args.no_browser)
            if "refresh" in phases:
                from perf import refresh

                say("price refresh: seeding the upstream fixtures")
                refresh.serve_upstreams(upstream)
                say("price refresh: first runs and re-runs (each repetition rolled back)")
                figures += refresh.measure(repeat=plan.refresh)
            if "probes" in phases or "worker" in phases:
                figures += probe_phases(phases, plan, worker, memory, upstream)
        finally:
            if worker is not None:
                worker.stop()
        figures += memory
        connection.close()
    report["duration_s"] = round(time.perf_counter() - STARTED, 1)
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["figures"] = [f.as_json() for f in figures]
    return report, figures


def web_phases(phases, plan: Plan, env, worker, memory: list, *, browser: bool) -> list:
    from perf import servers
    from perf.figures import Figure

    figures = []
    say("starting gunicorn (2 workers)")
    web, base = servers.start_gunicorn(env)
    try:
        if "pages" in phases:
            from perf import pages

            say("overview page: cold, after a data change, warm")
            if worker is not None:
                servers.wait_for_worker(worker)
            figures += pages.measure(
                base,
                repeat_cold=plan.page_cold,
                repeat_warm=plan.page_warm,
                browser_runs=plan.browser if browser else 0,
                wait_warmed=(lambda: wait_warmed(worker)) if worker is not None else None,
            )
        if "load" in phases:
            from perf import load

            if load.wrk_available():
                if worker is not None:  # the index intervals' warm takes minutes of a core at full scale
                    say("load: waiting for the worker to finish its warms, so wrk has the machine to itself")
                    wait_idle(worker, timeout=LOAD_IDLE_TIMEOUT, queued=True)
                say(f"load: wrk for {plan.load_seconds} s on the API list, then on the baseline view")
                figures += load.measure(base, seconds=plan.load_seconds)
            else:
                say("load: skipped, wrk is missing (Debian: apt-get install -y wrk)")
                figures.append(
                    Figure("load models/?page_size=50 throughput", None, "req/s", extra={"skipped": "wrk missing"})
                )
        rss = web.peak_rss()
        memory.append(
            Figure(
                "peak RSS, gunicorn web worker",
                max(rss["workers_mb"], default=None),
                "MB",
                extra={"workers_mb": rss["workers_mb"], "master_mb": rss["main_mb"], "during": phases_run(phases)},
            )
        )
    finally:
        web.stop()
    return figures


def phases_run(phases) -> str:
    return ", ".join(p for p in ("pages", "load") if p in phases)


def probe_phases(phases, plan: Plan, worker, memory: list, upstream) -> list:
    from perf import probes, servers
    from perf.figures import Figure

    figures = []
    with probes.probe_server(probes.provider_names()) as origin:
        ids = probes.seed_endpoints(origin)
        if "probes" in phases:
            say(f"probe rounds: {probes.ENDPOINTS} endpoints at +{probes.DELAY * 1000:.0f} ms")
            figures.append(probes.measure_round(ids, repeat=plan.probes))
            say("probe reads: status summary and prune")
            figures += probes.measure_reads(repeat=plan.probes)
        if "worker" in phases and worker is not None:
            from config.celery import app

            servers.wait_for_worker(worker)
            say("through the Celery worker: a probe round and an openrouter refresh (committed)")
            if "refresh" not in phases:
                from perf import refresh

                refresh.serve_upstreams(upstream)
            timings = {}
            for label, task, task_args in (
                ("probe round", "benchmarks.probes.tasks.probe_offerings", [ids]),
                ("openrouter refresh", "pricing.tasks.price_refresh_from_source", ["openrouter"]),
            ):
                start = time.perf_counter()
                app.send_task(task, args=task_args).get(timeout=300)
                timings[label] = round(time.perf_counter() - start, 3)
            time.sleep(1)  # let a cache warm queued by the refresh start; its peak memory counts too
            wait_idle(worker)
            rss = worker.peak_rss()
            memory.append(
                Figure(
                    "peak RSS, Celery worker process",
                    max(rss["workers_mb"], default=None),
                    "MB",
                    extra={
                        "workers_mb": rss["workers_mb"],
                        "main_mb": rss["main_mb"],
                        "tasks_s": timings,
                        "concurrency": 2,
                    },
                )
            )
    return figures


LOAD_IDLE_TIMEOUT = 900  # seconds the load phase waits for an idle worker


def wait_warmed(worker, timeout: float = 120) -> None:
    """Until the warm queued by a data change has started (its pending flag cleared) and the worker is idle."""
    from django.core.cache import cache

    from dashboards.warming import PENDING_KEY

    deadline = time.monotonic() + timeout
    while cache.get(PENDING_KEY) is not None:
        if time.monotonic() > deadline:
            raise RuntimeError("the Celery worker never started the analytics warm")
        time.sleep(0.05)
    wait_idle(worker, timeout=timeout)


def wait_idle(worker, timeout: float = 120, *, queued: bool = False) -> None:
    """Until the worker runs no task (a queued cache warm, for one); with `queued`, nor holds one it has taken (the
    index intervals' warm, queued with a countdown after the default warm)."""
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        inspect = app.control.inspect(destination=[worker.node], timeout=1)
        held = [inspect.active() or {}]
        if queued:
            held += [inspect.reserved() or {}, inspect.scheduled() or {}]
        if not any(tasks for answer in held for tasks in answer.values()):
            return
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
