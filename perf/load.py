"""Throughput under load: wrk (a second process on loopback) against gunicorn's 2 workers, on the API list and on
the bare Django baseline view, one after the other with the same settings."""

import re
import shutil
import subprocess

from perf.figures import Figure

API = "/api/v1/models/?page_size=50"
BASELINE = "/perf/baseline/models/?page_size=50"
MIN_THROUGHPUT_RATIO = 0.7
MAX_P99_RATIO = 3
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk(url: str, *, seconds: int, connections: int) -> dict:
    """Run wrk once; requests/s, latency percentiles (ms), requests, errors and non-2xx answers."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = {
        f"p{p}": round(float(v) * UNITS[u], 2)
        for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "latency_ms": latency,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else None,
    }


def measure(base: str, *, seconds: int, connections: int = 4) -> list[Figure]:
    wrk(base + API, seconds=1, connections=connections)  # warm both workers
    wrk(base + BASELINE, seconds=1, connections=connections)
    api = wrk(base + API, seconds=seconds, connections=connections)
    baseline = wrk(base + BASELINE, seconds=seconds, connections=connections)
    load = {"seconds": seconds, "connections": connections, "gunicorn_workers": 2, "tool": "wrk -t1"}
    throughput = Figure(
        "load models/?page_size=50 throughput",
        api["requests_per_s"],
        "req/s",
        baseline={"name": "bare Django view, same 50 rows", "value": baseline["requests_per_s"]},
        ratio=round(api["requests_per_s"] / baseline["requests_per_s"], 2) if baseline["requests_per_s"] else None,
        runs=1,
        median=api["latency_ms"].get("p50"),
        extra={"load": load, "api": api, "baseline_run": baseline, "median_unit": "ms (latency p50)"},
    )
    p99 = Figure(
        "load models/?page_size=50 latency p99",
        api["latency_ms"].get("p99"),
        "ms",
        median=api["latency_ms"].get("p50"),
        p95=None,
        runs=1,
        baseline={"name": "bare Django view, same 50 rows", "value": baseline["latency_ms"].get("p99")},
        extra={"load": load},
    )
    if p99.baseline["value"]:
        p99.ratio = round(p99.value / p99.baseline["value"], 2)
    # The targets of issue 18: throughput at least 0.7x the bare view's, p99 at most 3x its p99.
    throughput.target, p99.target = f">= {MIN_THROUGHPUT_RATIO}x baseline", f"<= {MAX_P99_RATIO}x baseline"
    throughput.passed = throughput.ratio is not None and throughput.ratio >= MIN_THROUGHPUT_RATIO
    p99.passed = p99.ratio is not None and p99.ratio <= MAX_P99_RATIO
    for fig, run in ((throughput, api), (p99, api)):
        if run["non_2xx"] or run["socket_errors"]:
            fig.extra["errors"] = {"non_2xx": run["non_2xx"], "socket": run["socket_errors"]}
    return [throughput, p99]
