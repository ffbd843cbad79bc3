"""Helpers shared by the benchmarks: a throw-away PostgreSQL database and timing figures."""

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def scratch_database(name: str, *, keep: bool = False) -> Iterator[str]:
    """Create database `name` (dropped first if it exists) on the server of $DATABASE_URL, point
    $DATABASE_URL at it, and drop it afterwards unless `keep`. Never touches the database $DATABASE_URL names."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (postgres://...); the benchmark makes its own db.")
    if urlsplit(url).path.lstrip("/") == name:
        raise SystemExit(f"DATABASE_URL already names {name!r}; point it at another database on the same server.")
    admin = _with_database(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = _with_database(url, name)
    try:
        yield os.environ["DATABASE_URL"]
    finally:
        os.environ["DATABASE_URL"] = url
        if not keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def timings(run: Callable[[], object], *, repeat: int, before: Callable[[], object] | None = None) -> dict:
    """Seconds taken by `run` over `repeat` calls (`before` runs untimed ahead of each), as JSON-ready figures."""
    seconds = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    return {
        "runs": repeat,
        "median_ms": round(statistics.median(seconds) * 1000, 2),
        "p95_ms": round(seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))] * 1000, 2),
        "max_ms": round(seconds[-1] * 1000, 2),
    }
