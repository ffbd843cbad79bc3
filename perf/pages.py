"""The overview page `/` over HTTP from gunicorn: server time cold, after a data change, and warm; and the time
from navigation to the gap chart drawn in headless Chromium (when Playwright and Debian's chromium are there)."""

import shutil

import httpx

from models_registry.cache_version import registry_data_changed
from perf.figures import Figure, figure, timed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def measure(base: str, *, repeat_cold: int, repeat_warm: int, browser_runs: int) -> list[Figure]:
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
