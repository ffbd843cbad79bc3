"""The benchmark database: a separate PostgreSQL database, created fresh, migrated, and dropped afterwards.

The harness never touches the database DATABASE_URL names: it makes its own (`fg_perf_run` by default) on the
same server and points DATABASE_URL at it for itself and every process it starts (gunicorn, Celery).

Migrating an empty database takes ~10 s, a sixth of the small run, so the migrated schema is kept as a template
database, `fg_perf_template_<hash of the migration files>`, and each run's database is a copy of it (CREATE DATABASE
... TEMPLATE, well under a second). A template of older migrations is dropped when a new one is made.
"""

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PREFIX = "fg_perf_"


def database_url(name: str, *, server_url: str | None = None) -> str:
    """`server_url` (default: $DATABASE_URL, else the local server) with its database replaced by `name`."""
    url = server_url or os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benchmarks need PostgreSQL; DATABASE_URL is {url.split(':', 1)[0]}:...")
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def _checked_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith(PREFIX) or not name.replace("_", "").isalnum():
        raise SystemExit(f"A benchmark database is named {PREFIX}<letters/digits>, not {name!r}.")
    return name


def drop_database(url: str) -> None:
    name = _checked_name(url)
    with _admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> None:
    """Apply every migration to the database at `url` (in a subprocess: this process may have set Django up)."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=PROJECT_DIR,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(PROJECT_DIR.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(PROJECT_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _template(url: str) -> str:
    """The name of a migrated template database for the current migrations, made (and older ones dropped) if needed."""
    name = f"{PREFIX}template_{_migrations_digest()}"
    with _admin(url) as conn:
        existing = [
            row[0]
            for row in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{PREFIX}template_%"])
        ]
        for stale in existing:
            if stale != name:
                conn.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
    if name not in existing:
        template_url = database_url(name, server_url=url)
        with _admin(url) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            migrate(template_url)
        except BaseException:
            drop_database(template_url)
            raise
    return name


@contextmanager
def perf_database(name: str, *, keep: bool = False, reuse: bool = False) -> Iterator[str]:
    """Point $DATABASE_URL at database `name`, a fresh copy of the migrated template (dropped first if it exists),
    and drop it on the way out unless `keep`. With `reuse`, an existing `name` is kept and migrated instead. Yields
    its URL."""
    url = database_url(name)
    original = os.environ.get("DATABASE_URL")
    if original and urlsplit(original).path.lstrip("/") == name:
        raise SystemExit(f"DATABASE_URL already names {name!r}; point it at another database on the same server.")
    _checked_name(url)
    if reuse:
        migrate(url)
    else:
        template = _template(url)
        drop_database(url)
        with _admin(url) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    os.environ["DATABASE_URL"] = url
    try:
        yield url
    finally:
        if original is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = original
        if not keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)
