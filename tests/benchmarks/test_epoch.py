"""The `epoch` source: Epoch AI's Benchmarking Hub zip, parsed purely, then refreshed for real against a local server
serving the recorded zip (tests/fixtures/epoch_hub/, a few real rows): scores once, proposals, bad upstreams."""

import csv
import datetime
import io
from collections import Counter

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from benchmarks.models import Benchmark, BenchmarkScore
from benchmarks.reference import HERE as BENCHMARK_REFERENCE
from benchmarks.services import epoch_model_index, epoch_proposal_candidates, epoch_refresh, source_names
from benchmarks.sources.epoch import EpochVersion, Target, benchmark_map, parse
from models_registry.models import AIModel, Lab, ModelProposal, SourceRun
from models_registry.services import model_proposal_accept, model_proposal_reject
from pricing.sources.base import SourceError
from tests.upstream import Answer, epoch_hub_text, epoch_hub_zip

DAY1, DAY2 = datetime.date(2026, 12, 1), datetime.date(2026, 12, 2)
TARGETS = {
    "GPQA diamond": Target("gpqa-diamond"),
    "SWE-Bench verified": Target("swe-bench-verified", "resolved"),
    "Terminal Bench": Target("terminal-bench-2"),
}


MAGISTRAL = ["magistral-small-2506", "mistralai/Magistral-Small-2506"]  # one release group, no model yet


def records_by_version(batch) -> dict[tuple[str, str], float]:
    return {(r.upstream_id, r.benchmark): r.value for r in batch.records}


# --- parse(): pure ---------------------------------------------------------------------------------------------


def test_parse_reads_each_mapped_benchmarks_scores_as_percentages_with_the_versions():
    batch = parse(epoch_hub_zip(), targets=TARGETS)
    scores = records_by_version(batch)
    assert scores[("gpt-5-2025-08-07_high", "gpqa-diamond")] == pytest.approx(86.174242)
    assert scores[("gpt-5-2025-08-07_medium", "gpqa-diamond")] == pytest.approx(85.353535)
    assert scores[("glm-5", "swe-bench-verified")] == pytest.approx(72.077922)
    assert scores[("gpt-5-2025-08-07_medium", "terminal-bench-2")] == pytest.approx(49.6)
    assert len(batch.records) == 12  # 7 GPQA + 3 SWE-bench + 2 Terminal Bench (+ the Warp row under no model: skipped)
    assert batch.rejected == []
    assert {r.evaluated_by for r in batch.records} == {"epoch-ai"}
    assert {(r.benchmark, r.metric) for r in batch.records} == {
        ("gpqa-diamond", "pass@1"),
        ("swe-bench-verified", "resolved"),
        ("terminal-bench-2", "pass@1"),
    }
    assert all(r.reported_on is None for r in batch.records)  # first seen counts
    glm = batch.versions["glm-5"]
    assert (glm.organization, glm.country, glm.release_date) == ("Z.ai (Zhipu AI)", "China", datetime.date(2026, 2, 11))
    assert batch.versions["magistral-small-2506"].display_name == "Magistral Small"
    low = batch.versions["gpt-5-2025-08-07_low"]
    assert (low.model_group, low.release_date) == ("GPT-5", datetime.date(2025, 8, 7))  # as _high's and _medium's


def test_parse_skips_benchmarks_not_in_the_map():
    batch = parse(epoch_hub_zip(), targets={"GPQA diamond": Target("gpqa-diamond")})
    assert {r.benchmark for r in batch.records} == {"gpqa-diamond"}  # SWE-bench, Terminal Bench, Chess: not mapped
    assert batch.rejected == []


@pytest.mark.parametrize(
    "metadata, reason",
    [
        (
            lambda text: text.replace("GPQA diamond,", "GPQA Diamond (198 questions),", 1),
            "GPQA diamond: mapped to gpqa-diamond, but benchmark_metadata.csv does not list it (renamed or withdrawn"
            " upstream? correct EPOCH_BENCHMARK_MAP)",
        ),
        (
            lambda text: text.replace("mean_score,1,0.25", "mean_score,one,0.25", 1),
            "GPQA diamond: its scale in benchmark_metadata.csv, 'one', is not a positive number",
        ),
        (
            lambda text: text.replace("mean_score,1,0.25", "mean_score,0,0.25", 1),
            "GPQA diamond: its scale in benchmark_metadata.csv, '0', is not a positive number",
        ),
        (
            lambda text: text.replace("gpqa_diamond.csv,mean_score", ",mean_score", 1),
            "GPQA diamond: its source_file in benchmark_metadata.csv is empty",
        ),
    ],
    ids=["renamed", "scale-not-a-number", "scale-zero", "no-source-file"],
)
def test_a_mapped_benchmark_the_metadata_lacks_or_garbles_is_refused_with_the_reason(metadata, reason):
    edited = metadata(epoch_hub_text("benchmark_metadata.csv"))
    batch = parse(epoch_hub_zip(benchmark_metadata_csv=edited), targets=TARGETS)
    assert [(r.upstream_id, r.reason) for r in batch.rejected] == [("GPQA diamond", reason)]
    assert {r.benchmark for r in batch.records} == {"swe-bench-verified", "terminal-bench-2"}  # the others still read


def test_a_body_that_is_not_a_zip_is_a_source_error():
    with pytest.raises(SourceError, match="epoch: the answer is not a zip file"):
        parse(b"<html>maintenance</html>", targets=TARGETS)
    with pytest.raises(SourceError, match="not a zip file"):
        parse(epoch_hub_zip()[:200], targets=TARGETS)  # cut short


@pytest.mark.parametrize("missing", ["benchmark_metadata", "model_metadata", "gpqa_diamond"])
def test_a_missing_metadata_or_mapped_benchmark_file_is_a_source_error(missing):
    with pytest.raises(SourceError, match=f"the zip has no {missing}.csv"):
        parse(epoch_hub_zip(**{f"{missing}_csv": None}), targets=TARGETS)


def test_a_renamed_score_column_is_a_source_error_naming_it():
    renamed = epoch_hub_text("gpqa_diamond.csv").replace("Model version,mean_score,", "Model version,score_mean,", 1)
    with pytest.raises(SourceError, match=r"gpqa_diamond.csv has no column\(s\) 'mean_score'"):
        parse(epoch_hub_zip(gpqa_diamond_csv=renamed), targets=TARGETS)
    no_org = epoch_hub_text("model_metadata.csv").replace(",organization,", ",org,", 1)
    with pytest.raises(SourceError, match=r"model_metadata.csv has no column\(s\) 'organization'"):
        parse(epoch_hub_zip(model_metadata_csv=no_org), targets=TARGETS)


def test_a_score_outside_0_1_after_scaling_is_refused_with_the_reason():
    as_percent = epoch_hub_text("benchmark_metadata.csv").replace("mean_score,1,0.25", "mean_score,100,0.25")
    batch = parse(epoch_hub_zip(benchmark_metadata_csv=as_percent), targets=TARGETS)
    assert {r.benchmark for r in batch.records} == {"swe-bench-verified", "terminal-bench-2"}
    reasons = {r.upstream_id: r.reason for r in batch.rejected}
    assert len(reasons) == 7
    assert "x scale 100 = 86.1742, outside 0-1" in reasons["gpt-5-2025-08-07_high"]
    not_a_number = epoch_hub_text("swe_bench_verified.csv").replace(",0.7207792207792207,", ",n/a,", 1)
    batch = parse(epoch_hub_zip(swe_bench_verified_csv=not_a_number), targets=TARGETS)
    assert [(r.upstream_id, r.reason) for r in batch.rejected] == [
        ("glm-5", "SWE-Bench verified: mean_score 'n/a' is not a number")
    ]


def test_the_benchmark_map_setting_takes_slugs_or_benchmark_and_metric():
    assert benchmark_map({"A": "gpqa-diamond", "B": {"benchmark": "hle", "metric": "pass@2"}}) == {
        "A": Target("gpqa-diamond", "pass@1"),
        "B": Target("hle", "pass@2"),
    }
    for bad in (["gpqa"], {"A": "Not A Slug"}, {"A": {"benchmark": "x", "scale": 2}}):
        with pytest.raises(ImproperlyConfigured, match="EPOCH_BENCHMARK_MAP"):
            benchmark_map(bad)


def test_the_default_map_writes_each_benchmark_into_the_metric_its_shipped_scores_use():
    """A refresh must extend the series the shipped scores (and the analytics' default metric) use, not start
    another one nothing reads: SWE-bench Verified is `resolved`, not pass@1."""
    with (BENCHMARK_REFERENCE / "scores.csv").open(newline="") as handle:
        shipped = list(csv.DictReader(handle))
    for name, target in benchmark_map().items():
        metrics = Counter(row["metric"] for row in shipped if row["benchmark"] == target.benchmark)
        assert metrics, f"{name}: no shipped score on {target.benchmark}"
        assert target.metric == metrics.most_common(1)[0][0], f"{name} -> {target}, shipped: {dict(metrics)}"


# --- release groups: pure, over a given model index ---------------------------------------------------------------

RELEASED = datetime.date(2025, 11, 6)


def hub_version(model_version: str, group: str = "", released=RELEASED, display: str = "") -> EpochVersion:
    return EpochVersion(model_version, display, group, "Moonshot", "China", released)


def by_id(*versions: EpochVersion) -> dict[str, EpochVersion]:
    return {v.model_version: v for v in versions}


def test_a_version_matches_through_its_release_group_only_when_the_group_names_one_model():
    versions = by_id(
        hub_version("kimi-k2-thinking", "Kimi K2 Thinking"),
        hub_version("accounts/fireworks/models/kimi-k2-thinking", "Kimi K2 Thinking"),  # the same model via a host
        hub_version("kimi-k2-thinking-0905", "Kimi K2 Thinking", datetime.date(2025, 9, 5)),  # another release
        hub_version("kimi-k2-thinking-turbo"),  # no group: stands alone
        hub_version("k3_high", "K3"),
        hub_version("k3-pro_high", "K3"),
        hub_version("k3_low", "K3"),  # its matched siblings name two models
    )
    kimi, k3, k3_pro = ({"id": n, "slug": slug} for n, slug in enumerate(["kimi-k2-thinking", "k3", "k3-pro"]))
    index = epoch_model_index(
        versions=versions, models={"kimi-k2-thinking": kimi, "k3_high": k3, "k3-pro_high": k3_pro}
    )
    assert index["accounts/fireworks/models/kimi-k2-thinking"] is kimi
    assert {"kimi-k2-thinking-0905", "kimi-k2-thinking-turbo", "k3_low"}.isdisjoint(index)


def test_unmatched_release_groups_are_proposed_once_under_their_first_version_and_named_after_the_group():
    versions = by_id(
        hub_version("kimi-k2-thinking", "Kimi K2 Thinking", display="Kimi K2 Thinking"),
        hub_version("accounts/fireworks/models/kimi-k2-thinking", "Kimi K2 Thinking", display="Kimi K2 (Fireworks)"),
        hub_version("kimi-k2-thinking-turbo", released=None, display="Kimi K2 Thinking Turbo"),  # no group
        hub_version("kimi-dev"),  # no group, no display name
        hub_version("k3_high", "K3"),
        hub_version("k3_low", "K3"),  # a sibling is a model's: not a new model
    )
    unmatched = [*versions, "not-described"]  # every version, and one model_metadata.csv does not list
    candidates = epoch_proposal_candidates(versions=versions, unmatched=unmatched, models={"k3_high": {"id": 1}})
    assert [(c.upstream_id, c.name, c.other_ids, c.release_date) for c in candidates] == [
        ("accounts/fireworks/models/kimi-k2-thinking", "Kimi K2 Thinking", ("kimi-k2-thinking",), RELEASED),
        ("kimi-k2-thinking-turbo", "Kimi K2 Thinking Turbo", (), None),
        ("kimi-dev", "kimi-dev", (), RELEASED),
    ]
    assert candidates[0].organization == "Moonshot"
    again = epoch_proposal_candidates(versions=versions, unmatched=reversed(unmatched), models={"k3_high": {"id": 1}})
    assert sorted(c.upstream_id for c in again) == sorted(c.upstream_id for c in candidates)  # same ids each run


# --- the real refresh against a local server ---------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def hub_zip(upstream, settings, fast_retries):
    """The recorded zip at a local URL, mapped onto three benchmarks."""
    settings.EPOCH_BENCHMARKS_URL = upstream.serve(
        "/hub.zip", Answer(body=epoch_hub_zip(), content_type="application/zip")
    )
    settings.EPOCH_BENCHMARK_MAP = {
        name: {"benchmark": target.benchmark, "metric": target.metric} for name, target in TARGETS.items()
    }
    return upstream


@pytest.fixture
def hub(hub_zip, db):
    """The recorded zip, the three mapped benchmarks, and a small registry: gpt-5 (matched by its Epoch aliases),
    glm-5 (by slug), deepseek-r1 (by alias); Magistral Small is unknown but its lab is not."""
    for slug in ("gpqa-diamond", "swe-bench-verified", "terminal-bench-2"):
        Benchmark.objects.create(slug=slug, name=slug, category="science", scale_min=0, scale_max=100)
    labs = {
        slug: Lab.objects.create(slug=slug, name=name, country=country)
        for slug, name, country in [
            ("openai", "OpenAI", "US"),
            ("zhipu", "Zhipu AI (Z.ai)", "CN"),
            ("deepseek", "DeepSeek", "CN"),
            ("mistral", "Mistral AI", "FR"),
        ]
    }
    for slug, lab, aliases in [
        ("gpt-5", "openai", ["gpt-5-2025-08-07_high", "gpt-5-2025-08-07_medium"]),
        ("glm-5", "zhipu", []),
        ("deepseek-r1", "deepseek", ["DeepSeek-R1"]),
    ]:
        AIModel.objects.create(slug=slug, name=slug, lab=labs[lab], release_date=DAY1, aliases=aliases)
    return hub_zip


def stored_scores() -> set[tuple]:
    return set(BenchmarkScore.objects.values_list("model__slug", "benchmark__slug", "value", "reported_on"))


def epoch_series(model: str, benchmark: str) -> list[tuple[float, datetime.date]]:
    scores = BenchmarkScore.objects.filter(model__slug=model, benchmark__slug=benchmark, evaluated_by="epoch-ai")
    return list(scores.order_by("reported_on").values_list("value", "reported_on"))


def newest_reported_on(benchmark: str) -> datetime.date:
    return BenchmarkScore.objects.filter(benchmark__slug=benchmark).latest("reported_on").reported_on


def refresh_command(*args) -> str:
    out = io.StringIO()
    call_command("refresh", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_epoch_is_a_known_source_next_to_the_price_sources():
    assert source_names()[:3] == ["epoch", "litellm", "openrouter"]


@pytest.mark.django_db
def test_scores_land_once_with_the_best_version_and_a_rerun_writes_nothing(hub):
    run = epoch_refresh(today=DAY1)
    assert (run.status, run.created_count, run.unchanged_count, run.rejected_count) == ("ok", 7, 0, 0)
    assert run.unmatched == MAGISTRAL  # gpt-5's _low matches through its release group, below
    assert stored_scores() == {
        ("gpt-5", "gpqa-diamond", 86.174242, DAY1),  # the high effort beats medium's 85.35 and low's 82.07
        ("gpt-5", "swe-bench-verified", 73.553719, DAY1),
        ("gpt-5", "terminal-bench-2", 49.6, DAY1),
        ("glm-5", "gpqa-diamond", 87.817259, DAY1),
        ("glm-5", "swe-bench-verified", 72.077922, DAY1),
        ("glm-5", "terminal-bench-2", 52.4, DAY1),
        ("deepseek-r1", "gpqa-diamond", 69.223485, DAY1),
    }
    score = BenchmarkScore.objects.get(model__slug="gpt-5", benchmark__slug="gpqa-diamond")
    assert (score.evaluated_by, score.metric, score.source_run_id) == ("epoch-ai", "pass@1", run.pk)
    assert "model version gpt-5-2025-08-07_high" in score.note
    assert hub.hits["/hub.zip"] == 1

    for day in (DAY1, DAY2):  # the same day, and the next: nothing changed upstream, nothing is written
        again = epoch_refresh(today=day)
        assert (again.status, again.created_count, again.updated_count, again.unchanged_count) == ("ok", 0, 0, 7)
        assert again.proposed_count == 0
    assert BenchmarkScore.objects.count() == 7
    assert ModelProposal.objects.count() == 1


@pytest.mark.django_db
def test_a_version_no_alias_names_counts_for_the_model_its_release_group_matches(hub):
    """gpt-5-2025-08-07_low is in no alias, but Epoch puts it in GPT-5's model_group on GPT-5's date, beside
    _high and _medium, which gpt-5 holds: it is gpt-5 at another reasoning effort, not a model to propose."""
    run = epoch_refresh(today=DAY1)
    assert "gpt-5-2025-08-07_low" not in run.unmatched
    assert list(ModelProposal.objects.values_list("upstream_id", flat=True)) == ["magistral-small-2506"]
    assert epoch_series("gpt-5", "gpqa-diamond") == [(86.174242, DAY1)]  # the highest version wins: _high

    better = epoch_hub_text("gpqa_diamond.csv").replace(",0.8207070707070707,", ",0.9,", 1)  # _low now leads
    hub.serve("/hub.zip", Answer(body=epoch_hub_zip(gpqa_diamond_csv=better)))
    run = epoch_refresh(today=DAY2)
    assert (run.created_count, run.unmatched) == (1, MAGISTRAL)
    assert epoch_series("gpt-5", "gpqa-diamond") == [(86.174242, DAY1), (90.0, DAY2)]
    score = BenchmarkScore.objects.get(model__slug="gpt-5", benchmark__slug="gpqa-diamond", reported_on=DAY2)
    assert score.source_note == "epoch refresh: upstream model gpt-5-2025-08-07_low"  # the version it came from
    assert "model version gpt-5-2025-08-07_low" in score.note


@pytest.mark.django_db
def test_a_release_group_whose_matched_versions_name_two_models_leaves_the_others_unmatched(hub):
    gpt5 = AIModel.objects.get(slug="gpt-5")
    gpt5.aliases = ["gpt-5-2025-08-07_high"]
    gpt5.save()
    AIModel.objects.create(slug="gpt-5-medium", name="GPT-5 medium", lab=gpt5.lab, aliases=["gpt-5-2025-08-07_medium"])
    run = epoch_refresh(today=DAY1)
    assert run.unmatched == ["gpt-5-2025-08-07_low", *MAGISTRAL]  # _low could be either: an admin decides
    assert epoch_series("gpt-5", "gpqa-diamond") == [(86.174242, DAY1)]
    assert epoch_series("gpt-5-medium", "gpqa-diamond") == [(85.353535, DAY1)]
    # Not proposed either: its group already has models.
    assert list(ModelProposal.objects.values_list("upstream_id", flat=True)) == ["magistral-small-2506"]


@pytest.mark.django_db
def test_an_unmatched_release_group_whose_organisation_names_a_lab_becomes_one_proposal(hub):
    """Magistral Small's two versions (Mistral's API and the open weights through a host) share Epoch's
    model_group and date: one model, one proposal, under the group's first version id and the group's name."""
    run = epoch_refresh(today=DAY1)
    assert run.unmatched == MAGISTRAL and run.proposed_count == 1
    proposal = ModelProposal.objects.get()
    assert (proposal.source, proposal.upstream_id, proposal.name, proposal.lab.slug) == (
        "epoch",
        "magistral-small-2506",
        "Magistral Small",
        "mistral",
    )
    assert (proposal.organization, proposal.country.code, proposal.release_date) == (
        "Mistral AI",
        "FR",
        datetime.date(2025, 6, 10),
    )
    assert (proposal.status, proposal.source_run_id, proposal.model) == ("pending", run.pk, None)
    assert AIModel.objects.count() == 3  # nothing but accepting creates a model


@pytest.mark.django_db
def test_accepting_a_group_proposal_makes_every_version_of_the_group_match_on_the_next_run(hub):
    epoch_refresh(today=DAY1)
    model = model_proposal_accept(proposal_id=ModelProposal.objects.get().pk)
    assert (model.slug, model.name, model.lab.slug, model.aliases) == (
        "magistral-small",
        "Magistral Small",
        "mistral",
        ["magistral-small-2506"],
    )
    assert model.release_date == datetime.date(2025, 6, 10)
    run = epoch_refresh(today=DAY2)
    assert (run.created_count, run.unchanged_count, run.unmatched, run.proposed_count) == (1, 7, [], 0)
    # Both versions now count for the model: the open-weights run (matched through its group) scores higher.
    score = BenchmarkScore.objects.get(model=model, benchmark__slug="gpqa-diamond")
    assert (score.value, score.reported_on) == (49.873737, DAY2)
    assert score.source_note == "epoch refresh: upstream model mistralai/Magistral-Small-2506"


@pytest.mark.django_db
def test_a_rejected_group_is_not_proposed_again(hub):
    epoch_refresh(today=DAY1)
    model_proposal_reject(proposal_id=ModelProposal.objects.get().pk)
    run = epoch_refresh(today=DAY2)
    assert run.unmatched == MAGISTRAL and run.proposed_count == 0  # the group's representative id is the same
    assert list(ModelProposal.objects.values_list("status", flat=True)) == ["rejected"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, error",
    [
        (b"not a zip at all", "not a zip file"),
        (epoch_hub_zip(benchmark_metadata_csv=None), "the zip has no benchmark_metadata.csv"),
        (
            epoch_hub_zip(gpqa_diamond_csv=epoch_hub_text("gpqa_diamond.csv").replace(",mean_score,", ",mean,", 1)),
            "gpqa_diamond.csv has no column(s) 'mean_score'",
        ),
    ],
    ids=["not-a-zip", "no-metadata", "renamed-column"],
)
def test_a_broken_zip_fails_the_run_and_keeps_the_last_good_data(hub, body, error):
    epoch_refresh(today=DAY1)
    before = stored_scores()
    hub.serve("/hub.zip", Answer(body=body, content_type="application/zip"))
    run = epoch_refresh(today=DAY2)
    assert run.status == SourceRun.Status.FAILED and error in run.error
    assert (run.created_count, run.proposed_count) == (0, 0)
    assert stored_scores() == before
    assert ModelProposal.objects.count() == 1


@pytest.mark.django_db
def test_scores_outside_0_1_are_refused_with_the_reason_and_the_rest_still_land(hub):
    as_percent = epoch_hub_text("benchmark_metadata.csv").replace("mean_score,1,0,1,2024", "mean_score,100,0,1,2024")
    hub.serve("/hub.zip", Answer(body=epoch_hub_zip(benchmark_metadata_csv=as_percent)))
    run = epoch_refresh(today=DAY1)
    assert run.status == SourceRun.Status.PARTIAL and run.rejected_count == 3
    assert all("outside 0-1" in item["reason"] for item in run.rejected)
    assert not BenchmarkScore.objects.filter(benchmark__slug="swe-bench-verified").exists()
    assert BenchmarkScore.objects.count() == 5


@pytest.mark.django_db
def test_a_mapped_benchmark_renamed_upstream_makes_the_run_partial_and_names_it(hub):
    renamed = epoch_hub_text("benchmark_metadata.csv").replace("Terminal Bench,", "Terminal-Bench 2.0,", 1)
    hub.serve("/hub.zip", Answer(body=epoch_hub_zip(benchmark_metadata_csv=renamed)))
    run = epoch_refresh(today=DAY1)
    assert (run.status, run.rejected_count, run.created_count) == (SourceRun.Status.PARTIAL, 1, 5)
    assert run.rejected[0]["id"] == "Terminal Bench"
    assert "mapped to terminal-bench-2, but benchmark_metadata.csv does not list it" in run.rejected[0]["reason"]
    assert not BenchmarkScore.objects.filter(benchmark__slug="terminal-bench-2").exists()


@pytest.mark.django_db
def test_refresh_epoch_dry_run_lists_what_it_would_write_and_propose_and_writes_nothing(hub):
    out = refresh_command("epoch", "--dry-run")
    assert "epoch          ok       created 7, updated 0, unchanged 0, unmatched 2, rejected 0, proposed 1" in out
    assert "+ gpt-5 gpqa-diamond pass@1 by epoch-ai on" in out
    assert (
        "? propose magistral-small-2506 as a model of mistral (Magistral Small, released 2025-06-10, "
        "with mistralai/Magistral-Small-2506)"
    ) in out
    assert not SourceRun.objects.exists()
    assert not BenchmarkScore.objects.exists() and not ModelProposal.objects.exists()


@pytest.mark.django_db
def test_the_reference_models_match_epochs_versions_by_their_seeded_aliases(reference_data, hub_zip):
    BenchmarkScore.objects.all().delete()
    run = epoch_refresh(today=DAY1)
    assert run.unmatched == MAGISTRAL  # gpt-5's versions (_low by its group), DeepSeek-R1 and glm-5 all match
    assert ("gpt-5", "gpqa-diamond", 86.174242, DAY1) in stored_scores()
    assert ModelProposal.objects.get().lab.slug == "mistral"


@pytest.mark.django_db
def test_the_first_refresh_over_the_shipped_scores_adds_nothing_where_epoch_gives_the_same_value_unrounded(
    reference_data, hub_zip
):
    """The shipped epoch-ai scores are Epoch's values rounded to one decimal (gpt-5 GPQA 86.2, run 2025-10-29;
    Epoch's zip says 0.86174242...): the same result, so no row dated today, and the benchmark's freshness stays."""
    shipped = {
        ("gpt-5", "gpqa-diamond"): [(86.2, datetime.date(2025, 10, 29))],
        ("gpt-5", "swe-bench-verified"): [(58.8, datetime.date(2025, 8, 7)), (73.6, datetime.date(2026, 2, 6))],
        ("glm-5", "gpqa-diamond"): [(87.8, datetime.date(2026, 2, 12))],
        ("glm-5", "swe-bench-verified"): [(72.1, datetime.date(2026, 2, 15))],
        ("deepseek-r1", "gpqa-diamond"): [(69.2, datetime.date(2025, 5, 26))],
    }
    assert {key: epoch_series(*key) for key in shipped} == shipped
    newest = {slug: newest_reported_on(slug) for slug in ("gpqa-diamond", "swe-bench-verified")}

    run = epoch_refresh(today=DAY1)
    assert (run.status, run.unchanged_count, run.created_count, run.updated_count) == ("ok", 5, 2, 0)
    assert {key: epoch_series(*key) for key in shipped} == shipped
    assert {slug: newest_reported_on(slug) for slug in newest} == newest
    # Epoch's Terminal-Bench results are new to the registry: those land.
    assert epoch_series("glm-5", "terminal-bench-2") == [(52.4, DAY1)]

    # A value that differs at the decimals the shipped one was written with is a change: it lands, dated the day seen.
    moved = epoch_hub_text("gpqa_diamond.csv").replace(",0.8617424242424242,", ",0.8631,", 1)
    hub_zip.serve("/hub.zip", Answer(body=epoch_hub_zip(gpqa_diamond_csv=moved)))
    run = epoch_refresh(today=DAY2)
    assert (run.created_count, run.unchanged_count) == (1, 6)
    assert epoch_series("gpt-5", "gpqa-diamond") == [(86.2, datetime.date(2025, 10, 29)), (86.31, DAY2)]
    assert newest_reported_on("gpqa-diamond") == DAY2


@pytest.mark.django_db
def test_the_epoch_task_refreshes_once_per_lock_and_retries_only_when_unreachable(hub, settings):
    from celery.exceptions import Retry

    from benchmarks.tasks import epoch_refresh as epoch_task
    from pricing.services import source_refresh_lock
    from tests.upstream import unused_port_url

    run_id = epoch_task.apply(throw=True).get()
    assert SourceRun.objects.get(pk=run_id).created_count == 7
    with source_refresh_lock("epoch"):
        assert epoch_task.apply(throw=True).get() is None  # already running elsewhere: skipped
    settings.EPOCH_BENCHMARKS_URL = unused_port_url("/hub.zip")
    with pytest.raises(Retry):
        epoch_task.apply(throw=True).get()
    assert SourceRun.objects.filter(source="epoch", status="failed").count() == 1
