"""PostgreSQL restarts under traffic: requests fail cleanly meanwhile, recover at once, and nothing is lost.

gunicorn (2 sync workers, persistent connections with health checks, as in production) and a Celery worker
(prefork) run on a private PostgreSQL (tests/reliability/services.py) that the test restarts while a reader
and a writer keep calling the web: with a clean shutdown (`fast`: sessions are ended), with a crash
(`immediate`: crash recovery on start), and once while the site is idle, so that both gunicorn workers hold a
connection that died with the server when the next requests arrive. Every request carries a tag, and
gunicorn's access log names the worker that answered it.
"""

import datetime
import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import httpx
import pytest

from tests.conftest import PROJECT_DIR
from tests.reliability.services import celery_client, service_env, wait_until

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = 2.0  # how long the database stays down
REQUEST_BOUND_SECONDS = 10.0  # no request, failing or not, takes longer (never a hang)
WORKER_BACKLOG_SECONDS = 120.0  # time for the worker to run the warms queued ahead of a task
SEQ_HEADER = "X-Test-Seq"
# gunicorn's access log: worker pid, the request's tag, status. gunicorn reads GUNICORN_CMD_ARGS itself.
ACCESS_LOG = f"--access-logfile - --access-logformat 'served %(p)s seq=%({{{SEQ_HEADER.lower()}}}i)s %(s)s'"
WEB_APP = "fg-restart-web"  # gunicorn's application_name in pg_stat_activity
EVALUATED_BY = "restart-test"  # the writer's scores

READS = [
    "/",  # the overview's analytics: computed from the database again after every write (the version moves)
    "/models/?country=CN",
    "/api/v1/models/?country=CN",
    f"/api/v1/scores/?evaluated_by={EVALUATED_BY}&ordering=-reported_on",
    f"/api/v1/analytics/gap/?benchmark=gpqa-diamond&evaluated_by={EVALUATED_BY}",
]
WRITE_URL = "/api/v1/scores/"


@dataclass
class Outcome:
    seq: int
    url: str
    started: float
    elapsed: float
    status: int | None  # None: no HTTP answer at all (connection error or client timeout)
    content_type: str = ""
    body: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (200, 201)


def brief(outcomes: list[Outcome]) -> list[tuple]:
    """What a failure message needs of the requests that did not answer normally."""
    return [
        (o.seq, o.url, o.status, round(o.elapsed, 2), o.content_type, (o.body or o.error)[:150])
        for o in outcomes
        if not o.ok
    ]


def score(number: int) -> dict:
    """Write number `number`: a score of its own (its own reported_on), so each write is one row or none."""
    return {
        "model": "deepseek-r1",
        "benchmark": "gpqa-diamond",
        "metric": "pass@1",
        "value": 50 + number % 40,
        "evaluated_by": EVALUATED_BY,
        "reported_on": (datetime.date(2000, 1, 1) + datetime.timedelta(days=number)).isoformat(),
        "source_note": f"restart write {number}",
    }


@dataclass
class Traffic:
    """A reader (READS in turn) and a writer (a new score each time), each in a loop on its own thread."""

    base_url: str
    token: str
    outcomes: list[Outcome] = field(default_factory=list)
    writes: dict[int, Outcome] = field(default_factory=dict)  # write number -> outcome
    stopped: threading.Event = field(default_factory=threading.Event)
    flowing: threading.Event = field(default_factory=threading.Event)
    _in_flight: int = 0
    _seq: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        self.flowing.set()
        self._threads = [threading.Thread(target=loop, daemon=True) for loop in (self._read, self._write)]
        for thread in self._threads:
            thread.start()

    def pause(self) -> None:
        """No request from now on until resume(); returns once those in flight have answered."""
        self.flowing.clear()
        wait_until(lambda: self._in_flight == 0, timeout=REQUEST_BOUND_SECONDS * 2, what="requests to finish")

    def resume(self) -> None:
        self.flowing.set()

    def stop(self) -> None:
        self.stopped.set()
        self.flowing.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_BOUND_SECONDS * 3)

    def since(self, moment: float) -> list[Outcome]:
        with self._lock:
            return [o for o in self.outcomes if o.started >= moment]

    def between(self, start: float, end: float) -> list[Outcome]:
        """The requests in flight at some moment between `start` and `end`."""
        with self._lock:
            return [o for o in self.outcomes if o.started < end and o.started + o.elapsed >= start]

    def _running(self) -> bool:
        self.flowing.wait()
        return not self.stopped.is_set()

    def _call(self, client: httpx.Client, method: str, url: str, **kwargs) -> Outcome:
        with self._lock:
            self._seq += 1
            self._in_flight += 1
            seq = self._seq
        started = time.monotonic()
        headers = {SEQ_HEADER: str(seq), **kwargs.pop("headers", {})}
        try:
            response = client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            outcome = Outcome(seq, url, started, time.monotonic() - started, None, error=repr(exc))
        else:
            elapsed = time.monotonic() - started
            content_type = response.headers.get("content-type", "")
            outcome = Outcome(seq, url, started, elapsed, response.status_code, content_type, response.text)
        with self._lock:
            self.outcomes.append(outcome)
            self._in_flight -= 1
        return outcome

    def _read(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=REQUEST_BOUND_SECONDS * 2) as client:
            while self._running():
                for url in READS:
                    self._call(client, "GET", url)

    def _write(self) -> None:
        headers = {"Authorization": f"Token {self.token}"}
        with httpx.Client(base_url=self.base_url, timeout=REQUEST_BOUND_SECONDS * 2) as client:
            number = 0
            while self._running():
                number += 1
                self.writes[number] = self._call(client, "POST", WRITE_URL, json=score(number), headers=headers)
                time.sleep(0.02)


def create_writer_token(database_url: str) -> str:
    """A user allowed to add scores, and its API token, in the private database (through the product's models)."""
    code = (
        "from django.contrib.auth.models import Permission, User\n"
        "from rest_framework.authtoken.models import Token\n"
        "user = User.objects.create_user('restart-writer')\n"
        "user.user_permissions.add(Permission.objects.get(codename='add_benchmarkscore'))\n"
        "print(Token.objects.create(user=user).key)\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=PROJECT_DIR,
        env=service_env(database_url=database_url, redis_url=""),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.split()[-1]


class ConnectionWatch:
    """Samples gunicorn's connections (by application_name) in pg_stat_activity, 5 times a second."""

    def __init__(self, server):
        self.server = server
        self.samples: list[tuple[int, int]] = []  # (connections, of which idle inside a transaction)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def sample(self) -> tuple[int, int] | None:
        try:
            rows = self.server.execute(
                "SELECT count(*), count(*) FILTER (WHERE state LIKE 'idle in transaction%') FROM pg_stat_activity"
                f" WHERE application_name = '{WEB_APP}'"
            )
        except Exception:  # the server is down: nothing to count
            return None
        return rows[0]

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self.sample() or (0, 0))
            time.sleep(0.2)


def assert_clean_error(outcome: Outcome) -> None:
    """A failure while the database is away: a quick 5xx that says nothing of the cause, JSON under /api/."""
    assert outcome.status is not None and 500 <= outcome.status < 600, brief([outcome])
    assert "Traceback" not in outcome.body and "OperationalError" not in outcome.body, brief([outcome])
    if outcome.url.startswith("/api/"):
        assert outcome.content_type.startswith("application/json"), brief([outcome])
        assert "detail" in json.loads(outcome.body), brief([outcome])
    else:
        assert outcome.content_type.startswith("text/html"), brief([outcome])


def served_by(log: str) -> dict[int, int]:
    """Request tag -> the pid of the gunicorn worker that answered it, from the access log."""
    answered = {}
    for line in log.splitlines():
        if line.startswith("served <"):
            pid, seq = line.split(" ")[1:3]
            if seq.startswith("seq=") and seq[4:].isdigit():
                answered[int(seq[4:])] = int(pid.strip("<>"))
    return answered


def count_labs(client, *, timeout: float = REQUEST_BOUND_SECONDS) -> object:
    """A task that reads the database on the worker: its result, or the exception it failed with."""
    return client.send_task("config.celery.debug_count_labs").get(timeout=timeout, propagate=False)


def stored_writes(postgres) -> dict[str, tuple[int, int]]:
    """The writer's rows: source note -> (rows, creations in the change history)."""
    rows = postgres.execute(
        "SELECT s.source_note, count(DISTINCT s.id), count(h.history_id) FROM benchmarks_benchmarkscore s"
        " LEFT JOIN benchmarks_historicalbenchmarkscore h ON h.id = s.id AND h.history_type = '+'"
        f" WHERE s.evaluated_by = '{EVALUATED_BY}' GROUP BY s.source_note",
        dbname=postgres.test_db,
    )
    return {note: (count, created) for note, count, created in rows}


def test_requests_fail_cleanly_while_postgres_restarts_then_recover_at_once_and_no_write_is_lost(
    private_postgres, private_redis, start_web, start_worker
):
    database_url = private_postgres.url(private_postgres.test_db)
    token = create_writer_token(database_url)
    labs = private_postgres.execute("SELECT count(*) FROM models_registry_lab", dbname=private_postgres.test_db)[0][0]
    web = start_web(
        database_url=f"{database_url}?application_name={WEB_APP}",
        redis_url=private_redis.url(0),
        API_THROTTLE_ANON="100000/minute",
        API_THROTTLE_USER="100000/minute",
        GUNICORN_CMD_ARGS=ACCESS_LOG,
    )
    # The worker also runs the analytics warm that each write queues, so it meets the restarts mid-task too.
    # Two pool processes, as on a 2-core deployment: a long analytics task (the index's bootstrap, seconds) on one
    # leaves the other to answer the probe task within its bound.
    worker = start_worker(database_url=database_url, redis_url=private_redis.url(0), pool="prefork", concurrency=2)
    tasks = celery_client(private_redis.url(0))
    assert count_labs(tasks) == labs
    gunicorn_workers = web.worker_pids()
    watch = ConnectionWatch(private_postgres)
    traffic = Traffic(web.base_url, token)
    restarts, task_while_down = [], {}
    watch.start()
    traffic.start()
    try:
        wait_until(lambda: len(traffic.since(0)) >= 20, timeout=60, what="traffic to flow")
        for mode in ("fast", "immediate"):
            time.sleep(1.5)  # normal service before each restart
            down = time.monotonic()
            private_postgres.stop(mode)
            task_while_down[mode] = count_labs(tasks)
            time.sleep(max(0.0, down + OUTAGE_SECONDS - time.monotonic()))
            private_postgres.start()
            up = time.monotonic()
            restarts.append((mode, down, up))
            time.sleep(2)  # normal service again
        # While idle: each gunicorn worker keeps a connection that the restart ends, unknown to it.
        traffic.pause()
        private_postgres.stop("fast")
        private_postgres.start()
        quiet_up = time.monotonic()
        traffic.resume()
        time.sleep(2)
    finally:
        traffic.stop()
        watch.stop()

    hung = [o for o in traffic.since(0) if o.elapsed > REQUEST_BOUND_SECONDS]
    assert not hung, brief(hung)
    for mode, down, up in restarts:
        before = [o for o in traffic.since(down - 1.5) if o.started + o.elapsed < down]
        assert before and all(o.ok for o in before), brief(before)
        failed = [o for o in traffic.between(down, up) if not o.ok]
        assert failed, f"{mode}: no request met the stopped database; the test tested nothing"
        for outcome in failed:
            assert_clean_error(outcome)
        # Recovery is immediate: every request that starts once PostgreSQL accepts connections again succeeds.
        after = [o for o in traffic.since(up) if o.started < up + 2]
        assert {o.url for o in after} >= {*READS, WRITE_URL}, f"{mode}: too little traffic after the restart"
        assert all(o.ok for o in after), f"{mode}: failing after the restart: {brief(after)}"
    # The health check finds the dead connections before use: the first requests after an idle restart succeed.
    after_quiet = traffic.since(quiet_up)
    assert after_quiet and all(o.ok for o in after_quiet), brief(after_quiet)

    # No gunicorn worker was stuck, killed or restarted: the same two answered after each restart.
    log = web.log_path.read_text()
    assert "WORKER TIMEOUT" not in log and log.count("Booting worker") == len(gunicorn_workers), log[-3000:]
    assert web.worker_pids() == gunicorn_workers
    answered = served_by(log)
    for _mode, _down, up in restarts:
        assert {answered.get(o.seq) for o in traffic.since(up) if o.started < up + 2} == set(gunicorn_workers)
    assert {answered.get(o.seq) for o in after_quiet} == set(gunicorn_workers)
    # At most one connection per gunicorn worker at any time, and none left inside a transaction.
    assert watch.samples and max(count for count, _idle in watch.samples) <= len(gunicorn_workers), watch.samples
    final = watch.sample()
    assert final is not None and final[1] == 0, final

    # The Celery worker: a task that met the stopped database failed at once (no hang), and the same worker
    # runs the next one.
    for mode, result in task_while_down.items():
        assert isinstance(result, Exception) and "OperationalError" in type(result).__name__, (mode, result)
    # The writes above queued analytics warms (an index fit and its bootstrap, seconds each on a loaded machine)
    # ahead of this task: it waits its turn, so the bound here is liveness, not a request's latency.
    assert count_labs(tasks, timeout=WORKER_BACKLOG_SECONDS) == labs
    assert worker.process.poll() is None

    # Every accepted write is in the database, once; a failed one is absent or there once (never doubled).
    stored = stored_writes(private_postgres)
    accepted = {n for n, o in traffic.writes.items() if o.status == 201}
    refused = set(traffic.writes) - accepted
    assert accepted and refused, "writes went through, and some met the stopped database"
    for number in accepted:
        assert stored.get(f"restart write {number}") == (1, 1), (number, traffic.writes[number].seq)
    for number in refused:
        assert stored.get(f"restart write {number}", (0, 0)) in {(0, 0), (1, 1)}, brief([traffic.writes[number]])
        assert_clean_error(traffic.writes[number])
    assert set(stored) <= {f"restart write {n}" for n in traffic.writes}
