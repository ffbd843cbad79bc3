"""Real services for fault and load tests, run as subprocesses the test owns.

Fault tests stop and start PRIVATE instances (a Redis and a PostgreSQL on free ports, started from the
machine's binaries), never the machine's shared services, which other test runs use at the same time.
The web (gunicorn) and the Celery worker run as subprocesses with DATABASE_URL / REDIS_URL pointing at
whichever instances a test chooses, in production mode (DEBUG=false).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx

from tests.conftest import PROJECT_DIR

T = TypeVar("T")

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
TEST_SECRET_KEY = "reliability-tests-only-0f3b9c7e2d1a48b6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], T], *, timeout: float, interval: float = 0.1, what: str = "condition") -> T:
    """Poll `predicate` until it returns something truthy (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def rss_bytes(pid: int) -> int:
    """Resident set size of a live process (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise ValueError(f"no VmRSS for {pid}")


def child_pids(pid: int) -> list[int]:
    """Direct children of `pid` (gunicorn's workers, Celery's pool processes)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children.extend(int(p) for p in text)
    return sorted(children)


def missing_binaries() -> str | None:
    """Why private instances cannot be started here, or None when they can."""
    if not shutil.which("redis-server"):
        return "redis-server is not installed (apt-get install redis-server)"
    for name in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / name).exists():
            return f"{PG_BIN / name} is missing (apt-get install postgresql-15, or set PG_BIN)"
    if os.geteuid() != 0 and _postgres_user_id() != os.geteuid():
        return "initdb must run as the postgres user: run the tests as root or as postgres"
    return None


def _postgres_user_id() -> int | None:
    import pwd

    try:
        return pwd.getpwnam("postgres").pw_uid
    except KeyError:
        return None


def _stop_process(process: subprocess.Popen, *, timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


class PrivateRedis:
    """A redis-server on a free port, owned by the test: stop(), start() again on the same port, kill().

    Not persistent by default (like a restarted cache: empty after a restart). `persistent=True` keeps an
    append-only file in `workdir`, fsynced on every write, so queued and unacknowledged Celery messages
    survive a crash as they would on a broker configured for durability.
    """

    def __init__(self, workdir: Path, *, persistent: bool = False):
        self.workdir = workdir
        self.persistent = persistent
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / f"redis-{self.port}.log"

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        durability = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else ["--appendonly", "no"]
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [
                    *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                    *durability,
                    *("--dir", str(self.workdir), "--daemonize", "no"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self.ping, timeout=30, what=f"redis on port {self.port}")

    def stop(self) -> None:
        """A clean shutdown (SIGTERM)."""
        if self.process:
            _stop_process(self.process)

    def kill(self) -> None:
        """A crash (SIGKILL): nothing is flushed beyond what was already fsynced."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=20)

    def ping(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            return False
        try:
            return bool(self.client().ping())
        except Exception:
            return False

    def client(self, db: int = 0):
        import redis

        return redis.Redis.from_url(self.url(db), socket_connect_timeout=2, socket_timeout=5)


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary directory, on a free port, run as the postgres OS user with trust
    auth: start(), stop(mode), restart(mode). Data files live as long as the object (close() removes them)."""

    def __init__(self):
        self.datadir = Path(tempfile.mkdtemp(prefix="fg-reliability-pg-"))
        self.port = free_port()
        self.log_path = self.datadir / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.datadir, user="postgres", group="postgres")
        self._as_postgres(
            [
                *(str(PG_BIN / "initdb"), "-D", str(self.datadir / "data"), "-U", "postgres", "--auth=trust"),
                *("-E", "UTF8", "--no-sync", "--locale=C.UTF-8"),
            ]
        )

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log_path), "-o", options)

    def stop(self, mode: str = "fast") -> None:
        """mode: fast (end sessions, clean shutdown) or immediate (a crash: recovery on the next start)."""
        self._pg_ctl("stop", "-w", "-t", "60", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def running(self) -> bool:
        result = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"], check=False, timeout=30
        )
        return result.returncode == 0

    def execute(self, sql: str, dbname: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=10) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def close(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.datadir, ignore_errors=True)

    def _pg_ctl(self, *args: str) -> None:
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.datadir / "data"), *args])

    def _as_postgres(self, command: list[str]) -> None:
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            log = self.log_path.read_text() if self.log_path.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}\n{log[-3000:]}")


def service_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a web or worker subprocess: production mode (DEBUG=false) on the given services."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": TEST_SECRET_KEY,
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain http on loopback; TLS is the proxy's job
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def collect_static() -> None:
    """DEBUG=false serves hashed static files from STATIC_ROOT, as production does after collectstatic."""
    env = service_env(database_url="sqlite:///:memory:", redis_url="")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=PROJECT_DIR, env=env, check=True
    )


def migrate(database_url: str) -> None:
    env = service_env(database_url=database_url, redis_url="")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=PROJECT_DIR, env=env, check=True)


class Gunicorn:
    """The WSGI app under gunicorn (sync workers, as in docker-compose), on a free loopback port."""

    def __init__(self, env: dict[str, str], log_path: Path, *, workers: int = 2, timeout: int = 30):
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.timeout = timeout
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{self.port}"]
        command += ["-w", str(self.workers), "--timeout", str(self.timeout), "--graceful-timeout", "5"]
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                httpx.get(f"{self.base_url}/static/css/site.css", timeout=2)
            except httpx.HTTPError:
                return False
            return len(self.worker_pids()) == self.workers

        wait_until(answers, timeout=90, interval=0.2, what="gunicorn to answer")

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid) if self.process and self.process.poll() is None else []

    def stop(self) -> None:
        if self.process:
            _stop_process(self.process, timeout=30)


class CeleryWorker:
    """`celery -A config worker` in a subprocess; ready once its log says so."""

    def __init__(self, env: dict[str, str], log_path: Path, *, pool: str = "solo", concurrency: int = 1):
        self.env = env
        self.log_path = log_path
        self.pool = pool
        self.concurrency = concurrency
        self.node = f"reliability-{os.getpid()}-{free_port()}@localhost"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={self.pool}", "-n", self.node]
        command += ["--concurrency", str(self.concurrency), "--loglevel=INFO", "--without-gossip", "--without-mingle"]
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited:\n{self.log()[-3000:]}")
            return " ready." in self.log()

        wait_until(ready, timeout=90, interval=0.2, what="the celery worker to be ready")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pids(self) -> list[int]:
        """The worker's main process and its pool processes (prefork)."""
        if not self.process or self.process.poll() is not None:
            return []
        return [self.process.pid, *child_pids(self.process.pid)]

    def stop(self) -> None:
        if self.process:
            _stop_process(self.process, timeout=30)


def celery_client(redis_url: str):
    """A Celery app that only sends tasks to, and reads results from, the broker at `redis_url`."""
    from celery import Celery

    # Not the current app: shared_task proxies in this process (dashboards.tasks and the like) must keep sending to
    # the project's broker after the private one this client talks to is gone.
    return Celery("reliability-client", broker=redis_url, backend=redis_url, set_as_current=False)
