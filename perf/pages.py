"""The overview page `/` over HTTP from gunicorn: server time cold, after a data change, and warm; and the time
from navigation to the gap chart drawn in headless Chromium (when Playwright and Debian's chromium are there).

"Cold" bumps the data version without warming: the request computes its analytics itself. "After a data change"
bumps it the way a write does, with ANALYTICS_CACHE_WARM on, waits until the Celery worker has recomputed the
default queries (dashboards/warming.py), then asks for the page; that wait is reported as its own figure.
"""

import shutil
import time
from collections.abc import Callable

import httpx
from django.test import override_settings

from models_registry.cache_version import registry_data_changed
from perf.figures import Figure, figure, timed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def measure(
    base: str, *, repeat_cold: int, repeat_warm: int, browser_runs: int, wait_warmed: Callable[[], None] | None
) -> list[Figure]:
    figures = []
    with httpx.Client(base_url=base, timeout=120) as http:

        def overview() -> None:
            response = http.get("/")
            if response.status_code != 200:
                raise RuntimeError(f"/ answered {response.status_code}")

        overview()  # both workers' imports and connections: the first two requests
        overview()
        cold = timed(overview, repeat=repeat_cold, before=registry_data_changed)
        figures.append(
            figure(
                "overview / cold (computed on the request)",
                cold,
                unit="ms",
                scale=1000,
                note="summary + gap + cost-ratio computed by the request itself; not the judged figure",
            )
        )
        if wait_warmed is not None:
            windows = []

            def change_and_wait_for_the_worker() -> None:
                start = time.perf_counter()
                with override_settings(ANALYTICS_CACHE_WARM=True):
                    registry_data_changed()
                wait_warmed()
                windows.append(time.perf_counter() - start)

            after = timed(overview, repeat=repeat_cold, before=change_and_wait_for_the_worker)
            figures.append(
                figure("overview / after a data change (warmed by the worker)", after, unit="ms", scale=1000, limit=300)
            )
            figures.append(
                figure(
                    "analytics warm by the worker after a change",
                    windows,
                    unit="s",
                    note="how long after a change a visitor would still compute the page (the cold figure)",
                )
            )
        overview()
        warm = timed(overview, repeat=repeat_warm)
        figures.append(figure("overview / warm (cached)", warm, unit="ms", scale=1000, limit=300))
    if browser_runs and shutil.which(CHROMIUM):
        figures.append(chart_drawn(base, runs=browser_runs))
    return figures


def chart_drawn(base: str, *, runs: int) -> Figure:
    """Milliseconds from navigation start to the gap chart existing and drawn (warm server)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return Figure("overview / gap chart drawn in Chromium", None, "ms", extra={"skipped": "playwright missing"})
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page()
            page.goto(f"{base}/", wait_until="commit")
            page.wait_for_function("() => window.Chart && Chart.getChart('gap-chart')", timeout=60_000)
            times.append(page.evaluate("() => performance.now()") / 1000)
            page.close()
        browser.close()
    return figure("overview / gap chart drawn in Chromium", times, unit="ms", scale=1000)
