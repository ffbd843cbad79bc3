"""Properties of the analytics that hold for any registry (hypothesis generates the registries)."""

import datetime

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.analytics import catch_up_lags, frontier_steps, gap_series, scores_known, scores_used
from dashboards.analytics.payloads import cost_body, gap_body, used_scores
from tests.dashboards.world import BENCHMARK_ID, World

START = datetime.date(2024, 1, 1)
COUNTRIES = ["US", "CN", "FR"]

model_rows = st.lists(
    st.tuples(
        st.sampled_from(COUNTRIES),
        st.one_of(st.none(), st.integers(0, 300)),  # release day (None: no release date)
        st.lists(  # reports: value, days after release it was reported, by own lab or another org
            st.tuples(st.integers(0, 100).map(float), st.integers(0, 60), st.booleans()), min_size=1, max_size=3
        ),
        st.lists(st.tuples(st.integers(-20, 200), st.integers(1, 40), st.integers(1, 40), st.booleans()), max_size=2),
    ),
    min_size=1,
    max_size=14,
)


def day(offset: int) -> str:
    return (START + datetime.timedelta(days=offset)).isoformat()


def build(rows, *, extra_after: int | None = None, as_of_offset: int = 0) -> World:
    """A world from generated rows; `extra_after` adds, per country, a strong model released after as_of."""
    w = World()
    for n, (country, released, reports, prices) in enumerate(rows):
        slug = f"m{n:02d}"
        w.model(slug, country, day(released) if released is not None else None)
        base = released if released is not None else 0
        for value, delay, own in reports:
            w.score(slug, value, by=None if own else "evals-org", reported=day(base + delay))
        for start, price_in, price_out, first_party in prices:
            o = w.offering(slug, first_party=first_party)
            w.price(o, day(base + start), price_in, price_out)
    if extra_after is not None:
        for country in COUNTRIES:
            slug = f"late-{country.lower()}"
            w.model(slug, country, day(as_of_offset + extra_after))
            w.score(slug, 100.0, reported=day(as_of_offset + extra_after))
            w.score(slug, 0.0, by="evals-org", reported=day(as_of_offset))
            w.price(w.offering(slug), day(as_of_offset - 10), 0.01, 0.01)
    return w


def gap(w: World, *, a: str, b: str, as_of: datetime.date, higher_is_better: bool) -> dict:
    return gap_body(
        used_scores(w.scores_frame(), benchmark_id=BENCHMARK_ID, metric="m", as_of=as_of, evaluated_by=None),
        a=a,
        b=b,
        as_of=as_of,
        higher_is_better=higher_is_better,
    )


def cost(w: World, *, as_of: datetime.date, higher_is_better: bool, providers: str) -> dict:
    return cost_body(
        used_scores(w.scores_frame(), benchmark_id=BENCHMARK_ID, metric="m", as_of=as_of, evaluated_by=None),
        w.prices_frame(),
        a="US",
        b="CN",
        as_of=as_of,
        higher_is_better=higher_is_better,
        threshold=None,
        providers=providers,
        include_off_peak=False,
    )


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rows=model_rows, as_of=st.integers(0, 400), higher_is_better=st.booleans())
def test_gap_of_a_over_b_is_minus_gap_of_b_over_a(rows, as_of, higher_is_better):
    w, when = build(rows), START + datetime.timedelta(days=as_of)
    ab = gap(w, a="US", b="CN", as_of=when, higher_is_better=higher_is_better)
    ba = gap(w, a="CN", b="US", as_of=when, higher_is_better=higher_is_better)
    assert [p["date"] for p in ab["series"]] == [p["date"] for p in ba["series"]]
    for p, q in zip([ab["current"], *ab["series"]], [ba["current"], *ba["series"]], strict=True):
        assert (p["gap"] is None) == (q["gap"] is None)
        if p["gap"] is not None:
            assert p["gap"] == -q["gap"]
            assert p["lead_days"] == -q["lead_days"]
            assert (p["gap"] > 0) == (p["lead_days"] > 0) or p["lead_days"] == 0


@SETTINGS
@given(rows=model_rows, as_of=st.integers(0, 400), higher_is_better=st.booleans())
def test_a_frontier_never_gets_worse(rows, as_of, higher_is_better):
    scores = scores_known(build(rows).scores_frame(), as_of=START + datetime.timedelta(days=as_of))
    steps = frontier_steps(scores_used(scores), higher_is_better=higher_is_better)
    for _country, own in steps.groupby("country"):
        values = own["value"].to_numpy() if higher_is_better else -own["value"].to_numpy()
        assert (np.diff(values) > 0).all()
        assert (np.diff(own["date"].to_numpy()) > np.timedelta64(0)).all()


@SETTINGS
@given(
    rows=model_rows,
    as_of=st.integers(30, 400),
    later=st.integers(1, 100),
    higher_is_better=st.booleans(),
    providers=st.sampled_from(["first_party", "all"]),
)
def test_adding_a_model_released_after_as_of_changes_nothing(rows, as_of, later, higher_is_better, providers):
    when = START + datetime.timedelta(days=as_of)
    plain, extended = build(rows), build(rows, extra_after=later, as_of_offset=as_of)
    options = {"as_of": when, "higher_is_better": higher_is_better}
    assert gap(plain, a="US", b="CN", **options) == gap(extended, a="US", b="CN", **options)
    assert cost(plain, providers=providers, **options) == cost(extended, providers=providers, **options)


@SETTINGS
@given(rows=model_rows, as_of=st.integers(0, 400), higher_is_better=st.booleans())
def test_a_lag_is_never_computed_against_data_after_as_of(rows, as_of, higher_is_better):
    when = START + datetime.timedelta(days=as_of)
    cutoff = np.datetime64(when, "s")
    # Steps built from everything ever known, so data after as_of is there to be (wrongly) used.
    steps = frontier_steps(
        scores_used(build(rows).scores_frame().dropna(subset=["release_date"])), higher_is_better=higher_is_better
    )
    lags = catch_up_lags(steps, a="US", b="CN", as_of=when, higher_is_better=higher_is_better)
    assert (lags["a_date"] <= cutoff).all()
    matched = lags[lags["matched"]]
    assert (matched["b_date"] <= cutoff).all()
    unmatched = lags[~lags["matched"]]
    assert unmatched["b_date"].isna().all()
    assert (unmatched["lag_days"] == (cutoff - unmatched["a_date"]).dt.days).all()
    # and the lags equal those computed from the steps known on as_of alone
    known = steps[steps["date"] <= cutoff]
    again = catch_up_lags(known, a="US", b="CN", as_of=when, higher_is_better=higher_is_better)
    assert lags.equals(again)


@SETTINGS
@given(rows=model_rows, as_of=st.integers(0, 400), higher_is_better=st.booleans())
def test_gap_series_ends_at_as_of_and_its_last_point_is_current(rows, as_of, higher_is_better):
    when = START + datetime.timedelta(days=as_of)
    body = gap(build(rows), a="US", b="CN", as_of=when, higher_is_better=higher_is_better)
    assert body["current"]["date"] == when.isoformat()
    if body["series"]:
        assert body["series"][-1] == body["current"]
        dates = [p["date"] for p in body["series"]]
        assert dates == sorted(set(dates))
    steps = frontier_steps(
        scores_used(scores_known(build(rows).scores_frame(), as_of=when)), higher_is_better=higher_is_better
    )
    assert gap_series(steps, a="US", b="CN", as_of=when, higher_is_better=higher_is_better).shape[0] == len(
        body["series"]
    )
