"""The service's own processes, started the way production runs them: gunicorn (2 sync workers) and a Celery worker.

Both get the benchmark's environment (perf.settings, its database, its Redis queue) and are stopped by their own
process id. Their peak memory is read from /proc (VmHWM) while they still run.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from perf.figures import child_pids, peak_rss_mb

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOG_DIR = PROJECT_DIR / "perf" / "out"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A child process with a log file in perf/out/, stopped with SIGTERM (then SIGKILL) by its pid."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = LOG_DIR / f"{name}.log"
        with self.log_path.open("w") as log:
            self.popen = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def worker_pids(self) -> list[int]:
        return child_pids(self.pid)

    def peak_rss(self) -> dict:
        """Peak RSS (MB) of the main process and of each child (the workers that serve requests or run tasks)."""
        children = {pid: peak_rss_mb(pid) for pid in self.worker_pids()}
        return {"main_mb": peak_rss_mb(self.pid), "workers_mb": [v for v in children.values() if v is not None]}

    def check(self) -> None:
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited ({self.popen.returncode}); see {self.log_path}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


def start_gunicorn(env: dict[str, str], *, workers: int = 2) -> tuple[Process, str]:
    """gunicorn config.wsgi with `workers` sync workers on a free loopback port; returns it and its base URL."""
    port = free_port()
    process = Process(
        "gunicorn",
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers)],
        env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        process.check()
        try:
            if httpx.get(f"{base}/api/v1/", timeout=5).status_code == 200 and len(process.worker_pids()) >= workers:
                return process, base
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.stop()
            raise RuntimeError(f"gunicorn did not answer; see {process.log_path}")
        time.sleep(0.2)


def start_celery_worker(env: dict[str, str], *, queue: str, concurrency: int = 2) -> Process:
    """A prefork Celery worker consuming `queue` only (so no other worker on the same Redis takes its tasks)."""
    node = f"perf-{os.getpid()}@localhost"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-n", node]
    command += ["--pool=prefork", f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip"]
    process = Process("celery", command, env)
    process.node = node
    return process


def wait_for_worker(process: Process, *, timeout: float = 60) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while not app.control.ping(destination=[process.node], timeout=0.5):
        process.check()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the Celery worker did not answer; see {process.log_path}")
