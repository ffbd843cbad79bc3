"""A separate PostgreSQL database for benchmarks, so a perf run never touches the dev or test data.

Call `use_perf_database()` before `django.setup()`: it points DATABASE_URL at the perf database
(PERF_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/frontier_gap_perf), creating it
if needed, and migrates it.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/frontier_gap_perf"


def use_perf_database(*, fresh: bool = False) -> str:
    url = os.environ.get("PERF_DATABASE_URL", DEFAULT_URL)
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=PROJECT_DIR,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )
    return url
