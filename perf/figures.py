"""Figures of the report: a measured value with its spread, target, baseline and verdict; timing; the machine."""

import os
import platform
import re
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Figure:
    """One measured figure. `value` is what the target is judged on (the median, unless said otherwise).

    `baseline` is the same measurement of the named baseline (a dict with its own name/value/median/p95);
    `ratio` = value / baseline value. `passed` is None where the issue sets no target (reported for information).
    """

    name: str
    value: float | None
    unit: str
    target: str | None = None
    passed: bool | None = None
    median: float | None = None
    p95: float | None = None
    runs: int | None = None
    baseline: dict | None = None
    ratio: float | None = None
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        body = {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "target": self.target,
            "pass": self.passed,
            "median": self.median,
            "p95": self.p95,
            "runs": self.runs,
        }
        if self.baseline is not None:
            body["baseline"] = self.baseline
            body["ratio"] = self.ratio
        return {**body, **self.extra}


def spread(samples: Sequence[float], *, scale: float = 1.0, digits: int = 1) -> dict:
    """median, p95 (nearest rank), min, max and runs of `samples` times `scale`, rounded."""
    ordered = sorted(s * scale for s in samples)
    if not ordered:
        return {"median": None, "p95": None, "min": None, "max": None, "runs": 0}
    rank = max(0, min(len(ordered) - 1, -(-95 * len(ordered) // 100) - 1))
    return {
        "median": round(statistics.median(ordered), digits),
        "p95": round(ordered[rank], digits),
        "min": round(ordered[0], digits),
        "max": round(ordered[-1], digits),
        "runs": len(ordered),
    }


def timed(run: Callable[[], object], *, repeat: int, before: Callable[[], object] | None = None) -> list[float]:
    """Seconds taken by each of `repeat` calls of `run` (`before` runs untimed ahead of each)."""
    seconds = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return seconds


def figure(
    name: str,
    samples: Sequence[float],
    *,
    unit: str,
    scale: float = 1.0,
    digits: int = 1,
    limit: float | None = None,
    target: str | None = None,
    **extra: Any,
) -> Figure:
    """A figure judged on the median of `samples` (times `scale`) against `limit` (strictly below), if any."""
    s = spread(samples, scale=scale, digits=digits)
    passed = None if limit is None or s["median"] is None else s["median"] < limit
    if target is None and limit is not None:
        target = f"< {limit:g} {unit}"
    return Figure(
        name, s["median"], unit, target, passed, s["median"], s["p95"], s["runs"], extra={**extra, "max": s["max"]}
    )


def versus_baseline(
    name: str,
    samples: Sequence[float],
    baseline_name: str,
    baseline_samples: Sequence[float],
    *,
    unit: str,
    scale: float = 1.0,
    max_ratio: float | None = None,
    **extra: Any,
) -> Figure:
    """A figure judged on median(samples) / median(baseline_samples) <= max_ratio."""
    fig = figure(name, samples, unit=unit, scale=scale, **extra)
    base = spread(baseline_samples, scale=scale)
    fig.baseline = {"name": baseline_name, "value": base["median"], "median": base["median"], "p95": base["p95"]}
    fig.ratio = round(fig.value / base["median"], 2) if fig.value is not None and base["median"] else None
    if max_ratio is not None:
        fig.target = f"<= {max_ratio:g}x baseline"
        fig.passed = fig.ratio is not None and fig.ratio <= max_ratio
    return fig


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident set size of process `pid` so far (VmHWM), in MB; None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def child_pids(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(p) for p in children.read().split()]
    except OSError:
        return []


def _version(command: list[str], pattern: str) -> str | None:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(pattern, out)
    return found.group(1) if found else out.strip() or None


def machine() -> dict:
    """What the figures ran on: CPUs, memory, load, and the versions of the moving parts."""
    from django.db import connection

    cpu_model = None
    try:
        with open("/proc/cpuinfo") as info:
            cpu_model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), None)
    except OSError:
        pass
    ram_gb = None
    try:
        with open("/proc/meminfo") as info:
            ram_gb = round(int(next(line for line in info if line.startswith("MemTotal")).split()[1]) / 1024**2, 1)
    except (OSError, StopIteration):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis_version = None
    try:
        from django_redis import get_redis_connection

        redis_version = get_redis_connection("default").info("server").get("redis_version")
    except Exception:  # the report still says which parts it could not name
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "ram_gb": ram_gb,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "redis": redis_version,
        "wrk": _version(["wrk", "--version"], r"wrk (\S+)"),
    }


def table(figures: Sequence[Figure]) -> str:
    """The figures as a fixed-width text table."""
    rows = [["figure", "value", "p95", "runs", "target", "baseline", "ratio", "pass"]]
    for f in figures:
        base = f.baseline["value"] if f.baseline else None
        verdict = {True: "PASS", False: "FAIL", None: "info"}[f.passed]
        rows.append(
            [
                f.name,
                _num(f.value, f.unit),
                _num(f.p95, f.unit),
                "" if f.runs is None else str(f.runs),
                f.target or "",
                _num(base, f.unit),
                "" if f.ratio is None else f"{f.ratio:g}x",
                verdict,
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    return f"{value:,.1f} {unit}" if isinstance(value, float) and value % 1 else f"{value:,.0f} {unit}"
