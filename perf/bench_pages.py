"""The overview page: server time and time to a drawn chart in headless Chromium.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontier_gap python -m perf.bench_pages [--scale full|small]

Creates its own database (`fg_perf_pages` on the server DATABASE_URL names), serves it with gunicorn
(2 workers, no Redis: each worker's local-memory cache), and measures `/` twice: on the shipped reference
data, then on a synthetic registry (perf.seed: 20,000 models at full scale). Prints JSON figures:
server time of the first (cold) request and the median of warm ones, and the time from navigation
start to the gap chart drawn in Chromium. Drops the database at the end.
"""

import argparse
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx

from perf.common import scratch_database

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=PROJECT_DIR,
        env={**env, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{base}/static/css/site.css", timeout=1)
            return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def server_times(base: str, *, warm_runs: int = 10) -> dict:
    """Cold: the first request (analytics computed); warm: later ones (both workers' caches filled)."""
    with httpx.Client(timeout=120) as client:
        start = time.perf_counter()
        assert client.get(f"{base}/").status_code == 200
        cold = time.perf_counter() - start
        client.get(f"{base}/")  # the other worker
        warm = []
        for _ in range(warm_runs):
            start = time.perf_counter()
            client.get(f"{base}/")
            warm.append(time.perf_counter() - start)
    return {"cold_ms": round(cold * 1000, 1), "warm_median_ms": round(statistics.median(warm) * 1000, 1)}


def chart_times(base: str, *, runs: int = 5) -> dict:
    """Milliseconds from navigation start to the gap chart existing and drawn (warm server)."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page()
            page.goto(f"{base}/", wait_until="commit")
            page.wait_for_function("() => window.Chart && Chart.getChart('gap-chart')", timeout=60_000)
            times.append(page.evaluate("() => performance.now()"))
            page.close()
        browser.close()
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def measure(url: str, label: str) -> dict:
    server, base = serve(url)
    try:
        return {"data": label, "server": server_times(base), "chart_drawn": chart_times(base)}
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["full", "small"], default="full")
    args = parser.parse_args()
    results = []
    with scratch_database(os.environ.get("PERF_DATABASE_NAME", "fg_perf_pages")) as url:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("load_reference", stdout=io.StringIO())
        results.append(measure(url, "reference data"))
        from perf.seed import SCALES, seed

        scale = SCALES[args.scale]
        seed(scale, progress=True)
        results.append(measure(url, f"synthetic registry: {scale.models} models, {scale.scores} scores"))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
