"""A round of probes: storage, concurrency, 429 back-off, targets, pruning, tasks and the probe command."""

import datetime
import io
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from benchmarks.models import ProbeResult
from benchmarks.probes import tasks
from benchmarks.probes.selectors import probe_target_list
from benchmarks.probes.services import backoff_cache_key, probe_results_prune, probe_run
from config.celery import app, single_flight
from tests.benchmarks.conftest import KEY_ENV
from tests.factories import OfferingFactory, ProbeResultFactory, ProviderFactory
from tests.probe_server import Behaviour

pytestmark = pytest.mark.django_db
ErrorKind = ProbeResult.ErrorKind


def provider_at(base_url: str):
    return ProviderFactory(base_url=base_url, api_key_env=KEY_ENV)


def run_round():
    return probe_run(targets=probe_target_list())


def test_round_stores_one_result_per_offering_with_its_measurements(probe_server, probe_settings, make_offering):
    fast = make_offering(probe_server.endpoint("fast", Behaviour(first_token_delay=0.1, chunks=5)))
    claude = make_offering(probe_server.endpoint("claude", Behaviour(style="anthropic", chunks=4)), style="anthropic")
    broken = make_offering(probe_server.endpoint("broken", Behaviour(status=503)))
    make_offering(probe_server.endpoint("disabled", Behaviour()), probe_enabled=False)

    records = run_round()

    results = {r.offering_id: r for r in ProbeResult.objects.all()}
    assert set(results) == {fast.id, claude.id, broken.id}
    assert [r.result.pk for r in records] == [results[r.target.offering_id].pk for r in records]
    assert results[fast.id].ok and results[fast.id].output_tokens == 5 and results[fast.id].ttft_ms >= 100
    assert results[claude.id].ok and results[claude.id].input_tokens == 17
    assert (results[broken.id].ok, results[broken.id].error_kind, results[broken.id].http_status) == (
        False,
        ErrorKind.HTTP_5XX,
        503,
    )
    assert probe_server.requests_to("disabled") == []


def test_slow_endpoints_are_probed_concurrently(probe_server, probe_settings, make_offering):
    # 20 endpoints on 4 providers, each taking 500 ms before its first token: 10 s one after another.
    for p in range(4):
        provider = provider_at(probe_server.endpoint(f"slow-{p}", Behaviour(first_token_delay=0.5)))
        for _ in range(5):
            make_offering(provider=provider)

    started = time.monotonic()
    records = run_round()
    elapsed = time.monotonic() - started

    assert len(records) == 20 and all(r.outcome.ok for r in records)
    assert elapsed < 2.0  # about one slow probe, far below 20 * 0.5 s
    assert all(r.outcome.ttft_ms >= 500 for r in records)


def test_concurrency_per_provider_is_bounded(probe_server, probe_settings, make_offering):
    probe_settings.PROBE_CONCURRENCY_PER_PROVIDER = 2
    provider = provider_at(probe_server.endpoint("capped", Behaviour(first_token_delay=0.3)))
    for _ in range(6):
        make_offering(provider=provider)

    started = time.monotonic()
    records = run_round()
    elapsed = time.monotonic() - started

    assert all(r.outcome.ok for r in records)
    assert probe_server.max_in_flight["capped"] == 2
    assert elapsed >= 3 * 0.3  # three waves of two


def test_provider_answering_429_is_backed_off_for_the_round_and_its_retry_after(
    probe_server, probe_settings, make_offering
):
    probe_settings.PROBE_CONCURRENCY_PER_PROVIDER = 1  # one at a time, so the 429 comes before the others start
    limited = provider_at(probe_server.endpoint("limited", Behaviour(status=429, retry_after="120")))
    for _ in range(3):
        make_offering(provider=limited)
    healthy = make_offering(probe_server.endpoint("healthy", Behaviour()))

    first = run_round()

    assert len(probe_server.requests_to("limited")) == 1
    limited_results = [r.result for r in first if r.target.provider == limited.slug]
    assert [r.error_kind for r in limited_results] == [ErrorKind.RATE_LIMITED] * 3
    assert sorted(r.http_status or 0 for r in limited_results) == [0, 0, 429]  # two were never sent
    assert cache.get(backoff_cache_key(limited.slug)) is not None

    second = run_round()  # within the Retry-After: no call at all

    assert len(probe_server.requests_to("limited")) == 1
    assert [r.result.error_kind for r in second if r.target.provider == limited.slug] == [ErrorKind.RATE_LIMITED] * 3
    assert ProbeResult.objects.filter(offering=healthy, ok=True).count() == 2
    assert len(probe_server.requests_to("healthy")) == 2


def test_429_without_retry_after_backs_off_only_for_the_round(probe_server, probe_settings, make_offering):
    probe_settings.PROBE_CONCURRENCY_PER_PROVIDER = 1
    limited = provider_at(probe_server.endpoint("limited", Behaviour(status=429)))
    for _ in range(2):
        make_offering(provider=limited)

    run_round()
    run_round()

    assert len(probe_server.requests_to("limited")) == 2  # one per round
    assert cache.get(backoff_cache_key(limited.slug)) is None


def test_retry_after_is_capped(probe_server, probe_settings, make_offering):
    probe_settings.PROBE_BACKOFF_MAX_SECONDS = 60
    make_offering(probe_server.endpoint("greedy", Behaviour(status=429, retry_after="999999")))

    [record] = run_round()

    until = datetime.datetime.fromisoformat(cache.get(backoff_cache_key(record.target.provider)))
    assert until <= timezone.now() + datetime.timedelta(seconds=61)


def test_targets_are_live_enabled_offerings_or_the_ids_asked_for():
    today = timezone.now().date()
    enabled = OfferingFactory(probe_enabled=True)
    disabled = OfferingFactory(probe_enabled=False)
    retired = OfferingFactory(probe_enabled=True, retired_on=today - datetime.timedelta(days=1))
    future = OfferingFactory(probe_enabled=True, available_from=today + datetime.timedelta(days=3))
    other = OfferingFactory(probe_enabled=True)

    assert {t.offering_id for t in probe_target_list()} == {enabled.id, other.id}
    assert [t.offering_id for t in probe_target_list(provider=other.provider.slug)] == [other.id]
    explicit = probe_target_list(offering_ids=[disabled.id, retired.id, future.id])
    assert [t.offering_id for t in explicit] == [disabled.id]
    [target] = probe_target_list(offering_ids=[enabled.id])
    assert (target.base_url, target.api_key_env, target.model_id) == (
        enabled.provider.base_url,
        enabled.provider.api_key_env,
        enabled.provider_model_id,
    )


def test_prune_deletes_only_results_past_retention_in_batches(settings):
    settings.PROBE_RETENTION_DAYS = 30
    now = timezone.now()
    old = ProbeResultFactory.create_batch(5, started_at=now - datetime.timedelta(days=31))
    kept = ProbeResultFactory.create_batch(2, started_at=now - datetime.timedelta(days=29))

    assert probe_results_prune(batch_size=2) == 5

    assert sorted(ProbeResult.objects.values_list("id", flat=True)) == sorted(r.id for r in kept)
    assert not ProbeResult.objects.filter(id__in=[r.id for r in old]).exists()
    assert probe_results_prune() == 0  # idempotent


def test_scheduled_task_probes_enabled_offerings(probe_server, probe_settings, make_offering):
    make_offering(probe_server.endpoint("scheduled", Behaviour()))

    assert tasks.probe_run_enabled.apply().get() == 1
    assert ProbeResult.objects.get().ok


def test_scheduled_task_skips_while_another_round_runs(probe_server, probe_settings, make_offering):
    make_offering(probe_server.endpoint("scheduled", Behaviour()))

    with single_flight("probe-run-enabled", timeout=60):
        assert tasks.probe_run_enabled.apply().get() == 0

    assert not ProbeResult.objects.exists()
    assert probe_server.requests == []


def test_offerings_task_probes_the_ids_given(probe_server, probe_settings, make_offering):
    wanted = make_offering(probe_server.endpoint("wanted", Behaviour()))
    make_offering(probe_server.endpoint("unwanted", Behaviour()))

    assert tasks.probe_offerings.apply(args=[[wanted.id]]).get() == 1
    assert list(ProbeResult.objects.values_list("offering_id", flat=True)) == [wanted.id]


def test_prune_task_uses_the_retention_setting(settings):
    settings.PROBE_RETENTION_DAYS = 7
    ProbeResultFactory(started_at=timezone.now() - datetime.timedelta(days=8))

    assert tasks.probe_results_prune.apply().get() == 1


def test_default_schedules_name_registered_tasks():
    app.loader.import_default_modules()
    probe_entries = {name: spec for name, spec in settings.DEFAULT_PERIODIC_TASKS.items() if "probe" in name}

    assert {spec["task"] for spec in probe_entries.values()} == {
        "benchmarks.probes.tasks.probe_run_enabled",
        "benchmarks.probes.tasks.probe_results_prune",
    }
    for spec in probe_entries.values():
        assert spec["task"] in app.tasks
        assert spec["expires"] > 0
    assert probe_entries["probe-run-enabled"]["crontab"] == {"minute": "*/30"}


def test_command_prints_a_table_and_stores_results(probe_server, probe_settings, make_offering):
    good = make_offering(probe_server.endpoint("good", Behaviour(chunks=4)))
    bad = make_offering(probe_server.endpoint("bad", Behaviour(status=401)))
    out, err = io.StringIO(), io.StringIO()

    call_command("probe", stdout=out, stderr=err)

    lines = out.getvalue().splitlines()
    assert lines[0].split()[:4] == ["offering", "provider", "model", "id"]
    good_row = next(line for line in lines if line.startswith(f"{good.id} "))
    bad_row = next(line for line in lines if line.startswith(f"{bad.id} "))
    assert " ok " in good_row and good.provider_model_id in good_row
    assert " auth " in bad_row and " 401 " in bad_row
    assert "Stored 2 probe results (auth 1, ok 1)." in out.getvalue()
    assert "2/2" in err.getvalue()  # the progress bar reached the end
    assert ProbeResult.objects.count() == 2


def test_command_filters_by_provider_and_offering(probe_server, probe_settings, make_offering):
    one = make_offering(probe_server.endpoint("one", Behaviour()))
    two = make_offering(probe_server.endpoint("two", Behaviour()), probe_enabled=False)

    call_command("probe", "--provider", one.provider.slug, "--no-progress", stdout=io.StringIO())
    call_command("probe", "--offering", str(two.id), "--no-progress", stdout=io.StringIO())

    assert sorted(ProbeResult.objects.values_list("offering_id", flat=True)) == sorted([one.id, two.id])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--provider", "no-such-provider"], "Unknown provider"),
        (["--offering", "999999"], "No live offering with id 999999"),
        (["--offering", "abc"], "invalid int value"),
    ],
)
def test_command_refuses_bad_arguments_and_writes_nothing(probe_settings, make_offering, args, message):
    make_offering("http://127.0.0.1:9/v1")

    with pytest.raises(CommandError, match=message):
        call_command("probe", *args, stdout=io.StringIO())

    assert not ProbeResult.objects.exists()


def test_command_says_when_there_is_nothing_to_probe(probe_settings):
    out = io.StringIO()
    call_command("probe", stdout=out)
    assert "Nothing to probe" in out.getvalue()


@pytest.fixture
def eager_tasks():
    """Queued tasks run here, whatever the broker (a real Celery setting, switched for one test)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_admin_action_probes_the_selected_offerings_after_commit(
    probe_server, probe_settings, make_offering, admin_client, eager_tasks, django_capture_on_commit_callbacks
):
    chosen = make_offering(probe_server.endpoint("chosen", Behaviour()))
    make_offering(probe_server.endpoint("other", Behaviour()))

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            reverse("admin:pricing_offering_changelist"),
            {"action": "probe_now", "_selected_action": [chosen.id]},
            follow=True,
        )
    assert len(callbacks) == 1  # queued once the admin's transaction commits, not before
    assert not ProbeResult.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()  # the commit: the (eager) task probes and stores

    assert "Queued probes of 1 offerings" in response.content.decode()
    assert list(ProbeResult.objects.values_list("offering_id", flat=True)) == [chosen.id]
    assert probe_server.requests_to("other") == []
