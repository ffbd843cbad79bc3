"""The capability index: recovered from worlds generated with known capabilities, difficulties and slopes; a tiny
world checked by hand; anchoring, the raw fallback, tolerance and the lead summary (no database)."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from dashboards.analytics.capability_index import (
    _Problem,
    anchored_scale,
    bootstrap_intervals,
    capability_index,
    fit,
    observations,
    refit,
    resample,
    start,
)
from dashboards.analytics.frontier import frontier_steps
from dashboards.analytics.gap import gap_at, lead_summary
from dashboards.analytics.lags import catch_up_lags
from tests.dashboards.world import d

START = np.datetime64("2023-01-01")


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def observation_frame(rows: list[tuple[str, str, float]], *, higher_is_better: bool = True) -> pd.DataFrame:
    """(model, benchmark, value in 0-100) rows on benchmarks scaled 0-100."""
    df = pd.DataFrame(rows, columns=["model", "benchmark", "value"])
    return df.assign(scale_min=0.0, scale_max=100.0, higher_is_better=higher_is_better)


def synthetic_world(seed: int, *, models: int = 80, benchmarks: int = 14, noise: float = 0.02):
    """Models of two countries whose capability grows 0.006 a day, the US 120 days ahead of CN, each scored with
    noise on 6 to 10 of `benchmarks` whose difficulties span the capabilities. Returns (observations, truth) where
    truth has model, country, release_date and the true capability."""
    rng = np.random.default_rng(seed)
    days = np.sort(rng.integers(0, 1200, models))
    country = np.where(np.arange(models) % 2 == 0, "US", "CN")
    capability = 0.006 * (days + np.where(country == "US", 120, 0)) - 3.5 + rng.normal(0, 0.05, models)
    difficulty = np.linspace(-5, 5, benchmarks)
    alpha = rng.uniform(0.6, 2.0, benchmarks)
    rows = []
    for m in range(models):
        for b in rng.choice(benchmarks, size=rng.integers(6, 11), replace=False):
            y = sigmoid(alpha[b] * (capability[m] - difficulty[b])) + rng.normal(0, noise)
            rows.append((f"m{m:03d}", f"b{b:02d}", float(np.clip(y, 0, 1) * 100)))
    truth = pd.DataFrame(
        {
            "model": [f"m{m:03d}" for m in range(models)],
            "country": country,
            "release_date": (START + days).astype("datetime64[s]"),
            "capability": capability,
        }
    )
    return observation_frame(rows), truth


def lead_of(truth: pd.DataFrame, values: pd.Series, as_of) -> dict:
    used = truth.assign(value=values.to_numpy())
    return lead_summary(frontier_steps(used), a="US", b="CN", as_of=as_of)


@pytest.mark.parametrize("seed", [1, 2, 3, 5])
def test_the_fit_recovers_the_ranking_and_the_lead_of_a_generated_world(seed):
    """Spearman >= 0.99 against the true capabilities, and the mean lead within 5 days of the one the true
    capabilities give. (With 6-10 benchmarks a model and 2 points of noise the fitted C is off by ~0.02, which the
    world's 0.006 a day turns into a few days; single dates such as the start can move by a model's spacing.)"""
    obs, truth = synthetic_world(seed)
    result = capability_index(obs, anchors={"m000": 100.0, "m079": 150.0})
    fitted = truth.merge(result.models, on="model")
    assert len(fitted) == len(truth)  # every model has >= 6 benchmarks
    rho = spearmanr(fitted["index"], fitted["capability"]).statistic
    assert rho >= 0.99
    as_of = d("2026-06-01")
    true_lead = lead_of(fitted, fitted["capability"], as_of)
    fitted_lead = lead_of(fitted, fitted["index"], as_of)
    assert true_lead["mean_days"] > 60  # the world has a lead worth measuring
    assert abs(fitted_lead["mean_days"] - true_lead["mean_days"]) <= 5
    start_shift = (pd.Timestamp(fitted_lead["from"]) - pd.Timestamp(true_lead["from"])).days
    assert abs(start_shift) <= 60


def test_the_difficulty_ladder_follows_the_true_difficulties():
    obs, _ = synthetic_world(4)
    ladder = capability_index(obs, anchors={"m000": 100.0, "m079": 150.0}).benchmarks
    # b00 is the easiest benchmark generated, b13 the hardest; the ladder is sorted by difficulty.
    assert list(ladder["benchmark"]) == [f"b{b:02d}" for b in range(14)]


def tiny_world() -> pd.DataFrame:
    """Three models on two benchmarks, generated exactly (no noise) from C = -1, 0, 1; D(b1) = 0, D(b2) = 0.5;
    alpha 1 on both. b1 and b2 are scored by three models each: the reference is the first slug, b1."""
    c = {"m1": -1.0, "m2": 0.0, "m3": 1.0}
    dd = {"b1": 0.0, "b2": 0.5}
    return observation_frame([(m, b, 100 * sigmoid(cm - db)) for m, cm in c.items() for b, db in dd.items()])


def test_a_tiny_world_checked_by_hand():
    # Without ridge the 6 observations pin the 6 parameters: after the shift that puts D(b1) at 0 the fit is the
    # truth. Anchors m1 -> 100 and m3 -> 120 map C to 110 + 10 C: m2 lands on 110; D(b2) on 110 + 10 * 0.5 = 115;
    # slope = alpha / 10 = 0.1.
    result = capability_index(tiny_world(), anchors={"m1": 100.0, "m3": 120.0}, min_benchmarks=2, ridge=0.0)
    assert result.scale.name == "anchored"
    index = dict(zip(result.models["model"], result.models["index"], strict=True))
    assert index == pytest.approx({"m3": 120.0, "m2": 110.0, "m1": 100.0}, abs=1e-4)
    assert list(result.models["model"]) == ["m3", "m2", "m1"]  # by index, descending
    ladder = result.benchmarks.set_index("benchmark")
    assert ladder.loc["b1", "difficulty"] == pytest.approx(110.0, abs=1e-4)
    assert ladder.loc["b2", "difficulty"] == pytest.approx(115.0, abs=1e-4)
    assert ladder.loc["b2", "slope"] == pytest.approx(0.1, abs=1e-5)
    assert result.figures["reference_benchmark"] == "b1"
    assert result.figures["rmse"] == pytest.approx(0.0, abs=1e-5)
    assert (result.figures["observations"], result.figures["models"], result.figures["benchmarks"]) == (6, 3, 2)


def test_the_ridge_pulls_parameters_towards_zero():
    loose = capability_index(tiny_world(), anchors={}, min_benchmarks=2, ridge=0.0)
    tight = capability_index(tiny_world(), anchors={}, min_benchmarks=2, ridge=10.0)
    spread = {r: res.models["index"].max() - res.models["index"].min() for r, res in [(0, loose), (10, tight)]}
    assert spread[0] == pytest.approx(2.0, abs=1e-3)
    assert spread[10] < spread[0]


def test_without_both_anchors_the_scale_is_raw_capability():
    result = capability_index(tiny_world(), anchors={"m1": 100.0, "gone": 120.0}, min_benchmarks=2, ridge=0.0)
    assert result.scale.name == "raw"
    index = dict(zip(result.models["model"], result.models["index"], strict=True))
    assert index == pytest.approx({"m1": -1.0, "m2": 0.0, "m3": 1.0}, abs=1e-4)
    assert result.benchmarks.set_index("benchmark").loc["b2", "difficulty"] == pytest.approx(0.5, abs=1e-4)


def test_lower_is_better_benchmarks_count_as_one_minus_the_share():
    flipped = tiny_world().assign(value=lambda df: 100 - df["value"], higher_is_better=False)
    result = capability_index(flipped, anchors={"m1": 100.0, "m3": 120.0}, min_benchmarks=2, ridge=0.0)
    assert dict(zip(result.models["model"], result.models["index"].round(3), strict=True))["m2"] == 110.0


def test_models_with_too_few_benchmarks_then_benchmarks_with_one_model_are_left_out():
    obs = observation_frame(
        [("a", "b1", 50), ("a", "b2", 40), ("b", "b1", 60), ("b", "b2", 45), ("b", "b3", 10), ("c", "b1", 70)]
    )
    fitted = observations(obs, min_benchmarks=2)
    # c has one benchmark (left out); then b3 has one model (b) left, so it goes too.
    assert list(fitted.models) == ["a", "b"]
    assert list(fitted.benchmarks) == ["b1", "b2"]
    assert fitted.y.min() >= 0.001 and fitted.y.max() <= 0.999
    assert observations(obs, min_benchmarks=4) is None
    assert capability_index(obs, min_benchmarks=4) is None


def test_benchmarks_are_counted_after_the_models_with_too_few_are_left_out():
    # y has 3 benchmarks (< 4) and goes first; then b5 has one model left (m1) and goes too. Counted the other way
    # round, b5 would still have 2 models (m1, y) and stay.
    rows = [(m, f"b{b}", 50) for m in ("m1", "m2", "m3") for b in (1, 2, 3, 4)]
    rows += [("m1", "b5", 50), ("y", "b1", 50), ("y", "b2", 50), ("y", "b5", 50)]
    fitted = observations(observation_frame(rows), min_benchmarks=4)
    assert list(fitted.models) == ["m1", "m2", "m3"]
    assert list(fitted.benchmarks) == ["b1", "b2", "b3", "b4"]


def test_scores_at_the_ends_of_the_scale_are_clipped():
    obs = observation_frame([("a", "b1", 0), ("a", "b2", 100), ("b", "b1", 100), ("b", "b2", 0)])
    assert sorted(observations(obs, min_benchmarks=2).y) == [0.001, 0.001, 0.999, 0.999]


def test_the_fit_starts_from_seeded_capabilities_and_difficulties_and_slopes_of_one():
    obs = observations(tiny_world(), min_benchmarks=2)  # 3 models, 2 benchmarks: b1 is the reference
    rng = np.random.default_rng(42)
    c, d = rng.normal(0, 0.1, 3), rng.normal(0, 0.1, 2)
    assert start(obs).tolist() == [*c, *d, 1.0]  # C, D, then b2's alpha


@pytest.mark.parametrize("ridge", [0.0, 0.1])
def test_the_analytic_jacobian_matches_central_differences(ridge):
    obs = observations(synthetic_world(6, models=12, benchmarks=10)[0])
    problem = _Problem(obs, ridge)
    rng = np.random.default_rng(7)
    free_alphas = len(obs.benchmarks) - 1
    theta = np.concatenate([rng.normal(0, 1, problem.size - free_alphas), rng.uniform(0.5, 2.0, free_alphas)])
    h = 1e-6
    steps = np.eye(problem.size) * h
    numeric = np.column_stack(
        [(problem.residuals(theta + step) - problem.residuals(theta - step)) / (2 * h) for step in steps]
    )
    np.testing.assert_allclose(problem.jacobian(theta).toarray(), numeric, rtol=0, atol=1e-8)


def test_a_bootstrap_sample_draws_each_models_own_observations_and_keeps_their_count():
    obs = observations(synthetic_world(5, models=40)[0])
    own = {(m, b, y) for m, b, y in zip(obs.model_idx, obs.bench_idx, obs.y, strict=True)}
    counts = np.bincount(obs.model_idx)
    rng = np.random.default_rng(0)
    repeated = False
    for _ in range(5):
        sample = resample(obs, rng)
        assert np.bincount(sample.model_idx, minlength=len(obs.models)).tolist() == counts.tolist()
        drawn = list(zip(sample.model_idx, sample.bench_idx, sample.y, strict=True))
        assert set(drawn) <= own  # each row one of its model's own observations
        repeated |= len(set(drawn)) < len(drawn)
    assert repeated  # with replacement


def test_bootstrap_intervals_are_the_5th_and_95th_percentiles_of_seeded_anchored_refits():
    obs = observations(synthetic_world(5, models=40)[0])
    fitted = fit(obs)
    anchors = {"m000": 100.0, "m039": 150.0}
    rng = np.random.default_rng(12345)
    indexes = []
    for _ in range(5):  # each draw: a resample, refitted from the central fit, anchored on its own
        drawn = refit(fitted, resample(obs, rng))
        scale = anchored_scale(drawn, anchors)
        indexes.append(scale.offset + scale.slope * drawn.capability)
    expected_low, expected_high = np.percentile(indexes, [5, 95], axis=0)
    low, high = bootstrap_intervals(fitted, anchors, draws=5)
    others = ~np.isin(obs.models, list(anchors))
    assert np.isnan(low[~others]).all() and np.isnan(high[~others]).all()
    assert low[others].tolist() == expected_low[others].tolist()
    assert high[others].tolist() == expected_high[others].tolist()


def test_bootstrap_intervals_hold_the_central_index_and_skip_the_anchors():
    obs, _ = synthetic_world(5, models=40)
    result = capability_index(obs, anchors={"m000": 100.0, "m039": 150.0}, bootstrap=30)
    rows = result.models.set_index("model")
    assert rows.loc[["m000", "m039"], ["ci_low", "ci_high"]].isna().all().all()
    others = rows.drop(index=["m000", "m039"])
    assert (others["ci_low"] <= others["index"] + 1e-6).all()
    assert (others["ci_high"] >= others["index"] - 1e-6).all()
    assert (others["ci_high"] - others["ci_low"]).median() > 0
    again = capability_index(obs, anchors={"m000": 100.0, "m039": 150.0}, bootstrap=30).models.set_index("model")
    assert again["ci_low"].equals(rows["ci_low"])  # seeded: the same intervals every time


def test_the_order_the_scores_arrive_in_changes_nothing():
    """Rows come in database-id order, which differs between two databases holding the same scores: the fit, the
    ladder and the seeded intervals are the same whatever the order."""
    obs, _ = synthetic_world(5, models=40)
    anchors = {"m000": 100.0, "m039": 150.0}
    result = capability_index(obs, anchors=anchors, bootstrap=20)
    for seed in (1, 2):
        shuffled = capability_index(obs.sample(frac=1, random_state=seed), anchors=anchors, bootstrap=20)
        pd.testing.assert_frame_equal(shuffled.models, result.models, check_exact=True)
        pd.testing.assert_frame_equal(shuffled.benchmarks, result.benchmarks, check_exact=True)
        assert shuffled.figures == result.figures


def frontier(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """Steps out of (model, country, release date, value) rows."""
    used = pd.DataFrame(rows, columns=["model", "country", "release_date", "value"])
    used["release_date"] = pd.to_datetime(used["release_date"]).astype("datetime64[s]")
    return frontier_steps(used)


TOLERANCE_WORLD = [
    ("u1", "US", "2025-01-01", 10.0),
    ("c1", "CN", "2025-02-01", 8.0),
    ("u2", "US", "2025-03-01", 12.0),
    ("c2", "CN", "2025-05-01", 11.0),
]


def test_sides_exactly_within_tolerance_are_level():
    steps = frontier(TOLERANCE_WORLD)
    at = [np.datetime64("2025-06-01", "s")]
    # US 12 vs CN 11: a gap of exactly 1.
    assert gap_at(steps, at, a="US", b="CN", tolerance=1.0)["lead_days"].tolist() == [0]
    # Just outside: US ahead; its frontier reached 11 - 0.5 = 10.5 with u2 on 03-01: 92 days before 06-01.
    assert gap_at(steps, at, a="US", b="CN", tolerance=0.5)["lead_days"].tolist() == [92]
    # No tolerance: US first reached 11 on 03-01 as well.
    assert gap_at(steps, at, a="US", b="CN")["lead_days"].tolist() == [92]
    assert gap_at(steps, at, a="US", b="CN", tolerance=1.0)["gap"].tolist() == [1.0]  # the gap is unchanged


def test_tolerance_lets_a_frontier_reach_a_value_from_just_below():
    steps = frontier(TOLERANCE_WORLD)
    as_of = d("2025-06-01")
    exact = catch_up_lags(steps, a="US", b="CN", as_of=as_of).set_index("a_model")
    # CN never reached 12 (u2): unmatched, lag as_of - 03-01 = 92 days and growing.
    assert (exact.loc["u2", "matched"], exact.loc["u2", "lag_days"]) == (False, 92)
    within = catch_up_lags(steps, a="US", b="CN", as_of=as_of, tolerance=1.0).set_index("a_model")
    # With tolerance 1, CN's 11 (c2, 05-01) reaches u2's 12: 61 days after 03-01.
    assert (within.loc["u2", "matched"], within.loc["u2", "b_model"], within.loc["u2", "lag_days"]) == (True, "c2", 61)


def test_lead_summary_starts_at_the_later_second_step_and_averages_every_day():
    steps = frontier(TOLERANCE_WORLD)
    summary = lead_summary(steps, a="US", b="CN", as_of=d("2025-05-03"))
    # Second steps: US 03-01 (u2), CN 05-01 (c2): from 05-01. On 05-01..05-03 US (12) leads CN (11): US first
    # reached 11 on 03-01, so the lead is 61, 62, 63 days.
    assert summary == {
        "from": "2025-05-01",
        "to": "2025-05-03",
        "mean_days": 62.0,
        "min_days": 61,
        "max_days": 63,
        "current_days": 63,
    }
    assert lead_summary(steps, a="US", b="CN", as_of=d("2025-04-01")) is None  # CN has one step by then
    level = lead_summary(steps, a="US", b="CN", as_of=d("2025-05-03"), tolerance=1.0)
    assert (level["mean_days"], level["current_days"]) == (0.0, 0)
