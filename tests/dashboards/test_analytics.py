"""Hand-computed cases for the pure analytics (no database). Every expected number is worked out in a comment."""

import numpy as np
import pytest

from dashboards.analytics import (
    blended_price,
    catch_up_lags,
    cost_ratio,
    frontier_steps,
    model_price_at,
    scores_known,
    scores_used,
)
from dashboards.analytics.payloads import cost_body, gap_body, used_scores
from tests.dashboards.world import BENCHMARK_ID, World, d

AS_OF = d("2024-07-01")


def lower_is_better_world() -> World:
    """An error-rate benchmark (lower is better) in a US-vs-CN world.

    US frontier: u1 30 (01-10), u2 20 (03-01); u3 25 (06-01) is no step.
    CN frontier: c1 35 (02-01), c2 29 (04-01), ca 21 (05-01; cz scores the same that day, ca is first);
    c5 21 (06-15) only equals the frontier; c4 10 is released 2024-08-01, after AS_OF.
    """
    w = World()
    for slug, country, released in [
        ("u1", "US", "2024-01-10"),
        ("u2", "US", "2024-03-01"),
        ("u3", "US", "2024-06-01"),
        ("c1", "CN", "2024-02-01"),
        ("c2", "CN", "2024-04-01"),
        ("cz", "CN", "2024-05-01"),
        ("ca", "CN", "2024-05-01"),
        ("c5", "CN", "2024-06-15"),
        ("c4", "CN", "2024-08-01"),
        ("fr", "FR", "2024-01-01"),
    ]:
        w.model(slug, country, released)
    w.score("u1", 30).score("u1", 15, reported="2024-08-01")  # u1's own later report is not known at AS_OF
    w.score("u2", 20).score("u2", 18, by="evals-org", reported="2024-04-01")  # own report beats a later one
    w.score("u3", 25)
    w.score("c1", 35).score("c2", 29).score("cz", 21).score("ca", 21).score("c5", 21).score("c4", 10)
    w.score("fr", 1)
    # Prices (blended = (3 * in + out) / 4):
    u1 = w.offering("u1", available_from="2024-01-10")
    w.price(u1, "2024-01-10", 10, 30).price(u1, "2024-05-01", 5, 15)  # 15.0, cut to 7.5 on 05-01
    u2 = w.offering("u2", available_from="2024-03-01")
    w.price(u2, "2024-03-01", 20, 40)  # 25.0 first-party
    u2_host = w.offering("u2", first_party=False, available_from="2024-04-01")
    w.price(u2_host, "2024-04-01", 8, 8)  # 8.0 at a third-party host
    c1 = w.offering("c1")
    w.price(c1, "2024-02-01", 1, 2)  # 1.25
    c2 = w.offering("c2")
    w.price(c2, "2024-04-01", 2, 4).price(c2, "2024-04-01", 0.5, 1, off_peak=True)  # 2.5; off-peak 0.625
    c4 = w.offering("c4")
    w.price(c4, "2024-06-01", 0.1, 0.1)  # priced before release, but c4 is released after AS_OF
    return w


def gap_of(w: World, *, a="US", b="CN", as_of=AS_OF, evaluated_by=None) -> dict:
    return gap_body(
        used_scores(w.scores_frame(), benchmark_id=BENCHMARK_ID, metric="m", as_of=as_of, evaluated_by=evaluated_by),
        a=a,
        b=b,
        as_of=as_of,
        higher_is_better=False,
    )


def cost_of(w: World, *, threshold=None, providers="first_party", include_off_peak=False, as_of=AS_OF) -> dict:
    return cost_body(
        used_scores(w.scores_frame(), benchmark_id=BENCHMARK_ID, metric="m", as_of=as_of, evaluated_by=None),
        w.prices_frame(),
        a="US",
        b="CN",
        as_of=as_of,
        higher_is_better=False,
        threshold=threshold,
        providers=providers,
        include_off_peak=include_off_peak,
    )


def test_frontier_steps_only_on_strict_improvements_for_lower_is_better():
    w = lower_is_better_world()
    steps = frontier_steps(scores_used(scores_known(w.scores_frame(), as_of=AS_OF)), higher_is_better=False)
    rows = [(r.country, r.date.date().isoformat(), r.value, r.model) for r in steps.itertuples()]
    assert rows == [
        ("CN", "2024-02-01", 35.0, "c1"),
        ("CN", "2024-04-01", 29.0, "c2"),
        ("CN", "2024-05-01", 21.0, "ca"),  # same day as cz, same score: the first slug
        ("FR", "2024-01-01", 1.0, "fr"),
        ("US", "2024-01-10", 30.0, "u1"),
        ("US", "2024-03-01", 20.0, "u2"),
    ]


def test_gap_series_flips_sign_for_lower_is_better_and_counts_lead_days():
    body = gap_of(lower_is_better_world())
    series = [(p["date"], p["a_value"], p["b_value"], p["gap"], p["lead_days"]) for p in body["series"]]
    assert series == [
        # Both frontiers exist from 02-01. US 30 vs CN 35: US ahead by 5; US reached 35 on 01-10: 22 days.
        ("2024-02-01", 30.0, 35.0, 5.0, 22),
        # US 20 vs 35: ahead by 15; US first reached 35 on 01-10: Jan 10 -> Mar 1 (2024 is leap) = 51 days.
        ("2024-03-01", 20.0, 35.0, 15.0, 51),
        # CN 29: US first reached 29 on 03-01 (u1's 30 does not): 31 days.
        ("2024-04-01", 20.0, 29.0, 9.0, 31),
        # CN 21: US reached 21 on 03-01: 61 days.
        ("2024-05-01", 20.0, 21.0, 1.0, 61),
        # as_of: Mar 1 -> Jul 1 = 122 days. c4 (10, released 08-01) is not known yet.
        ("2024-07-01", 20.0, 21.0, 1.0, 122),
    ]
    assert body["current"] == {
        "date": "2024-07-01",
        "a_value": 20.0,
        "b_value": 21.0,
        "gap": 1.0,
        "lead_days": 122,
        "a_model": "u2",
        "b_model": "ca",
    }


def test_gap_and_lead_are_negated_when_the_countries_swap():
    body = gap_of(lower_is_better_world(), a="CN", b="US")
    assert [(p["date"], p["gap"], p["lead_days"]) for p in body["series"]] == [
        ("2024-02-01", -5.0, -22),
        ("2024-03-01", -15.0, -51),
        ("2024-04-01", -9.0, -31),
        ("2024-05-01", -1.0, -61),
        ("2024-07-01", -1.0, -122),
    ]


def test_catch_up_lags_matched_and_unmatched():
    lags = gap_of(lower_is_better_world())["lags"]
    assert lags == [
        # u1's 30 (01-10): CN reached <= 30 with c2 (29) on 04-01: 21 + 29 + 31 + 1 = 82 days.
        {
            "a_model": "u1",
            "a_date": "2024-01-10",
            "value": 30.0,
            "b_model": "c2",
            "b_date": "2024-04-01",
            "lag_days": 82,
            "matched": True,
        },
        # u2's 20 (03-01): CN's best by AS_OF is 21, so unmatched; lower bound AS_OF - 03-01 = 122 days
        # (c4's 10 would match it, but c4 is released after AS_OF).
        {
            "a_model": "u2",
            "a_date": "2024-03-01",
            "value": 20.0,
            "b_model": None,
            "b_date": None,
            "lag_days": 122,
            "matched": False,
        },
    ]


def test_catch_up_lags_are_negative_when_the_other_side_was_there_first():
    lags = gap_of(lower_is_better_world(), a="CN", b="US")["lags"]
    # c1 35 (02-01): US had 30 on 01-10: -22. c2 29 (04-01): US 20 on 03-01: -31. ca 21 (05-01): -61.
    assert [(lag["a_model"], lag["b_model"], lag["lag_days"], lag["matched"]) for lag in lags] == [
        ("c1", "u1", -22, True),
        ("c2", "u2", -31, True),
        ("ca", "u2", -61, True),
    ]


def test_a_model_released_after_as_of_counts_once_as_of_reaches_it():
    body = gap_of(lower_is_better_world(), as_of=d("2024-09-01"))
    # By 09-01 u1's own 08-01 report (15) is known and used, attributed to u1's release (01-10): US's frontier
    # is u1 15 from 01-10. c4 (10, 08-01) is CN's frontier: CN ahead by 5; CN first reached 15 on 08-01:
    # -(Sep 1 - Aug 1) = -31 days.
    assert (body["current"]["gap"], body["current"]["lead_days"], body["current"]["b_model"]) == (-5.0, -31, "c4")
    # u1's 15 is matched by c4: Jan 10 -> Aug 1 = 22 + 29 + 31 + 30 + 31 + 30 + 31 = 204 days.
    assert [(lag["a_model"], lag["value"], lag["b_model"], lag["lag_days"]) for lag in body["lags"]] == [
        ("u1", 15.0, "c4", 204)
    ]


def test_gap_is_zero_with_zero_lead_when_frontiers_are_equal():
    w = World().model("u", "US", "2024-01-01").model("c", "CN", "2024-02-01")
    w.score("u", 50).score("c", 50)
    body = gap_of(w, as_of=d("2024-03-01"))
    assert [(p["date"], p["gap"], p["lead_days"]) for p in body["series"]] == [
        ("2024-02-01", 0.0, 0),
        ("2024-03-01", 0.0, 0),
    ]


def test_score_used_prefers_own_lab_then_latest_then_created_at_then_id():
    w = World().model("x", "US", "2024-01-01").model("y", "US", "2024-01-01").model("z", "US", "2024-01-01")
    # x: the lab's own older report wins over a newer third-party one.
    w.score("x", 70, reported="2024-01-01").score("x", 90, by="evals-org", reported="2024-06-01")
    # y: no own report; same reported_on: the later created_at wins.
    w.score("y", 60, by="org-a", reported="2024-02-01", created="2024-02-01T10:00:00")
    w.score("y", 61, by="org-b", reported="2024-02-01", created="2024-02-01T11:00:00")
    w.score("y", 99, by="org-c", reported="2024-01-15", created="2024-12-01T00:00:00")  # older report
    # z: same reported_on and created_at: the highest id wins.
    w.score("z", 40, by="org-a", reported="2024-03-01", score_id=500)
    w.score("z", 41, by="org-b", reported="2024-03-01", score_id=400)
    used = scores_used(w.scores_frame())
    assert dict(zip(used["model"], used["value"], strict=True)) == {"x": 70.0, "y": 61.0, "z": 40.0}


def test_evaluated_by_filters_scores_before_the_score_used_is_chosen():
    body = gap_of(lower_is_better_world(), evaluated_by="evals-org")
    # Only evals-org's 18 for u2 (2024-04-01 report) is left; CN has no scores from evals-org.
    assert body["series"] == []
    assert body["current"]["a_value"] == 18.0
    assert body["current"]["b_value"] is None
    assert body["current"]["gap"] is None
    assert body["current"]["lead_days"] is None
    assert body["lags"] == [
        {
            "a_model": "u2",
            "a_date": "2024-03-01",
            "value": 18.0,
            "b_model": None,
            "b_date": None,
            "lag_days": 122,
            "matched": False,
        }
    ]


def test_blended_price_weights_input_three_to_one():
    assert blended_price(15.0, 60.0) == 26.25
    assert blended_price(0.55, 2.19) == 0.96


def test_price_at_a_date_first_party_by_default_and_every_host_on_request():
    w = lower_is_better_world()
    prices = w.prices_frame()
    u1, u2 = w.model_id("u1"), w.model_id("u2")
    assert model_price_at(prices, u1, d("2024-01-09")) is None  # before the offering and its first price
    assert model_price_at(prices, u1, d("2024-04-30")) == 15.0
    assert model_price_at(prices, u1, d("2024-05-01")) == 7.5  # the price cut
    assert model_price_at(prices, u2, d("2024-04-15")) == 25.0
    assert model_price_at(prices, u2, d("2024-04-15"), providers="all") == 8.0  # the cheaper host
    assert model_price_at(prices, u2, d("2024-03-15"), providers="all") == 25.0  # host not live yet


def test_off_peak_prices_count_only_when_asked_and_only_while_in_force():
    w = World().model("m", "CN", "2024-01-01")
    o = w.offering("m")
    w.price(o, "2024-01-01", 2, 4).price(o, "2024-02-01", 0.5, 1, off_peak=True, end="2024-03-01")
    prices, m = w.prices_frame(), w.model_id("m")
    assert model_price_at(prices, m, d("2024-02-15")) == 2.5
    assert model_price_at(prices, m, d("2024-02-15"), include_off_peak=True) == 0.625
    assert model_price_at(prices, m, d("2024-03-01"), include_off_peak=True) == 2.5  # effective_to is exclusive


def test_off_peak_alone_is_no_price():
    w = World().model("m", "CN", "2024-01-01")
    o = w.offering("m")
    w.price(o, "2024-01-01", 0.5, 1, off_peak=True)
    assert model_price_at(w.prices_frame(), w.model_id("m"), d("2024-02-01"), include_off_peak=True) is None


def test_retired_offering_and_ended_price_stop_counting():
    w = World().model("m", "US", "2024-01-01")
    old = w.offering("m", available_from="2024-01-01", retired_on="2024-03-01")
    w.price(old, "2024-01-01", 1, 1)  # 1.0 until the offering retires on 03-01
    new = w.offering("m", available_from="2024-03-01")
    w.price(new, "2024-03-01", 2, 2)  # 2.0
    w.price(new, "2024-04-01", 4, 4, end="2024-05-01")  # 4.0 in April only; then the earlier point is in force
    prices, m = w.prices_frame(), w.model_id("m")
    got = {day: model_price_at(prices, m, d(day)) for day in ["2024-02-29", "2024-03-01", "2024-04-15", "2024-05-01"]}
    assert got == {"2024-02-29": 1.0, "2024-03-01": 2.0, "2024-04-15": 4.0, "2024-05-01": 2.0}


def test_default_threshold_is_the_weaker_best_priced_score_and_fixes_the_series():
    body = cost_of(lower_is_better_world())
    # Priced at AS_OF: US u1 (30), u2 (20) -> best 20; CN c1 (35), c2 (29) -> best 29 (ca, cz have no price,
    # c4 is not released). The weaker is the larger error: 29.
    assert body["threshold"] == 29.0
    # Reaching <= 29: US u2 at 25.0 first-party from 03-01; CN c2 at 2.5 from 04-01. Both exist from 04-01.
    assert body["series"] == [
        {"date": "2024-04-01", "a_price": 25.0, "a_model": "u2", "b_price": 2.5, "b_model": "c2", "ratio": 10.0},
        {"date": "2024-07-01", "a_price": 25.0, "a_model": "u2", "b_price": 2.5, "b_model": "c2", "ratio": 10.0},
    ]
    assert body["current"] == body["series"][-1]


def test_third_party_host_cheaper_than_first_party_counts_with_providers_all():
    body = cost_of(lower_is_better_world(), providers="all")
    assert body["threshold"] == 29.0
    # u2 at the host: 8.0 from 04-01 (before that, 25.0 first-party, but CN has no cost until 04-01).
    assert [(p["date"], p["a_price"], p["b_price"], p["ratio"]) for p in body["series"]] == [
        ("2024-04-01", 8.0, 2.5, 3.2),
        ("2024-07-01", 8.0, 2.5, 3.2),
    ]


def test_off_peak_discount_left_out_by_default_and_counted_on_request():
    assert cost_of(lower_is_better_world())["current"]["b_price"] == 2.5
    body = cost_of(lower_is_better_world(), include_off_peak=True)
    assert (body["current"]["b_price"], body["current"]["ratio"]) == (0.625, 40.0)  # 25 / 0.625


def test_price_cut_makes_a_new_cost_point():
    body = cost_of(lower_is_better_world(), threshold=30)
    # Reaching <= 30: US u1 (15.0; 7.5 from 05-01) and u2 (25.0): u1 is cheaper. CN: c2 only (2.5 from 04-01).
    assert [(p["date"], p["a_price"], p["a_model"], p["b_price"], p["ratio"]) for p in body["series"]] == [
        ("2024-04-01", 15.0, "u1", 2.5, 6.0),
        ("2024-05-01", 7.5, "u1", 2.5, 3.0),
        ("2024-07-01", 7.5, "u1", 2.5, 3.0),
    ]


def test_equal_prices_go_to_the_better_score_then_the_first_slug():
    w = World().model("b", "US", "2024-01-01").model("a", "US", "2024-01-01").model("c", "US", "2024-01-01")
    w.model("k", "CN", "2024-01-01")
    w.score("b", 80).score("a", 70).score("c", 80).score("k", 60)
    for slug in ["a", "b", "c", "k"]:
        w.price(w.offering(slug), "2024-01-01", 1, 1)
    body = cost_body(
        used_scores(w.scores_frame(), benchmark_id=BENCHMARK_ID, metric="m", as_of=d("2024-02-01"), evaluated_by=None),
        w.prices_frame(),
        a="US",
        b="CN",
        as_of=d("2024-02-01"),
        higher_is_better=True,
        threshold=60,
        providers="first_party",
        include_off_peak=False,
    )
    assert body["current"]["a_model"] == "b"  # b and c score 80 (better than a's 70); b is the first slug


def test_no_priced_model_on_a_side_gives_a_null_threshold_and_an_empty_series():
    w = World().model("u", "US", "2024-01-01").model("c", "CN", "2024-01-01")
    w.score("u", 50).score("c", 40)
    w.price(w.offering("u"), "2024-01-01", 1, 1)
    body = cost_body(
        used_scores(w.scores_frame(), benchmark_id=BENCHMARK_ID, metric="m", as_of=d("2024-02-01"), evaluated_by=None),
        w.prices_frame(),
        a="US",
        b="CN",
        as_of=d("2024-02-01"),
        higher_is_better=True,
        threshold=None,
        providers="first_party",
        include_off_peak=False,
    )
    assert body["threshold"] is None
    assert body["series"] == []
    assert body["current"] == {
        "date": "2024-02-01",
        "a_price": None,
        "a_model": None,
        "b_price": None,
        "b_model": None,
        "ratio": None,
    }


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(26.25, 0.96, 27.34375), (1.0, 0.0, None), (None, 1.0, None), (1.0, None, None)],
)
def test_cost_ratio_is_null_when_a_side_is_missing_or_free(a, b, expected):
    ratio = cost_ratio(np.nan if a is None else a, np.nan if b is None else b)
    assert (None if np.isnan(ratio) else float(ratio)) == expected


def test_lags_ignore_steps_after_as_of():
    w = lower_is_better_world()
    # Steps as known on 09-01 (US: u1 15 from 01-10; CN reaches 10 with c4 on 08-01), lags asked at 07-01.
    steps = frontier_steps(scores_used(scores_known(w.scores_frame(), as_of=d("2024-09-01"))), higher_is_better=False)
    lags = catch_up_lags(steps, a="US", b="CN", as_of=AS_OF, higher_is_better=False)
    # c4's step (08-01) lies after AS_OF: u1's 15 is unmatched, lower bound Jan 10 -> Jul 1 = 173 days.
    assert lags[["a_model", "b_model", "lag_days", "matched"]].to_dict("records") == [
        {"a_model": "u1", "b_model": None, "lag_days": 173, "matched": False}
    ]
