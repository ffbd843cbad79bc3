"""The overview's per-benchmark cards: units, lead in words, the models behind the cost ratio, freshness, and
the footer's newest dates on every page."""

import datetime
import html

import pytest
from django.urls import reverse

from dashboards.cards import gap_text, lead_texts, months, summary_cards
from tests.dashboards.test_freshness import two_sided_world
from tests.dashboards.world import World, d, save_world
from tests.factories import BenchmarkScoreFactory, PricePointFactory

SEED_STORY = {"benchmark": "gpqa-diamond", "evaluated_by": "deepseek", "as_of": "2025-01-31"}


def test_gap_has_its_unit_points_or_elo():
    assert gap_text(2.0, "pass@1") == "+2.0 points"
    assert gap_text(-2.04, "pass@1") == "+2.0 points"  # the leader's margin: the card names the leader
    assert gap_text(120.4, "elo") == "+120 Elo"


def test_lead_reads_as_months_since_the_leader_reached_the_trailers_best():
    as_of = d("2025-01-31")
    text, title = lead_texts({"lead_days": 57, "gap": 2.0}, a="US", b="CN", as_of=as_of)
    assert text == "US first reached CN's best 1.9 months ago"
    assert "57 days" in title and "2024-12-05" in title  # 2025-01-31 - 57 days
    text, _ = lead_texts({"lead_days": -31, "gap": -2.0}, a="US", b="CN", as_of=as_of)
    assert text == "CN first reached US's best 1.0 month ago"
    assert lead_texts({"lead_days": 0, "gap": 0.0}, a="US", b="CN", as_of=as_of)[0] == "Level"
    text, title = lead_texts({"lead_days": 0, "gap": 0.6}, a="US", b="CN", as_of=as_of)  # the index's tolerance
    assert text == "Level within the tolerance" and "neither leads" in title
    assert lead_texts({"lead_days": None, "gap": None}, a="US", b="CN", as_of=as_of)[0] == "No lead known"
    assert months(365) == "12.0 months"


def test_cards_name_models_and_explain_staleness():
    row = {
        "benchmark": "b1",
        "metric": "pass@1",
        "gap": 0.0,
        "lead_days": 0,
        "a_value": 1.0,
        "b_value": 1.0,
        "a_model": "u1",
        "b_model": "c1",
        "threshold": 1.0,
        "cost_ratio": 2.0,
        "a_cost_model": "u2",
        "b_cost_model": "c-unknown",
        "a_last_reported": "2024-01-03",
        "b_last_reported": "2024-06-30",
        "stale": True,
    }
    summary = {"a": "US", "b": "CN", "as_of": "2024-07-02", "stale_after_days": 180, "rows": [row]}
    [card] = summary_cards(summary, model_names={"u1": "U One", "u2": "U Two", "c1": "C One"}, benchmark_names={})
    assert (card["a_model_name"], card["b_model_name"], card["a_cost_model_name"]) == ("U One", "C One", "U Two")
    assert card["b_cost_model_name"] == "c-unknown"  # a slug without a name is shown as is
    assert (card["gap_text"], card["leader"], card["benchmark_name"]) == ("level", None, "b1")
    assert card["stale_reason"] == (
        "Stale: US's newest score is from 2024-01-03, more than 180 days before 2024-07-02; "
        "the lead says more about who stopped reporting than about capability."
    )


@pytest.mark.django_db
def test_overview_cards_say_what_they_mean_on_the_seed_story(client, reference_data):
    page = html.unescape(client.get(reverse("overview"), SEED_STORY).content.decode())
    gpqa = page[page.index('data-benchmark="gpqa-diamond"') :][:3000]
    assert '<span class="country-US">US</span> +2.4 points' in gpqa
    assert "o1 75.7 vs DeepSeek-R1-Zero 73.3" in gpqa
    assert "US first reached CN's best 1.9 months ago" in gpqa
    assert 'title="Lead of 57 days (1.9 months)' in gpqa
    # the cost ratio compares o1 with DeepSeek-R1 (R1-Zero, CN's frontier, has no price)
    assert "Cost ratio US/CN: 27.34\u00d7 (o1 vs DeepSeek-R1) at ≥ 71.5" in gpqa
    assert "US last score: 2025-01-22 · CN last score: 2025-01-22" in gpqa
    codeforces = page[page.index('data-benchmark="codeforces-elo"') :][:600]
    assert "+32 Elo" in codeforces


@pytest.mark.django_db
def test_overview_greys_stale_benchmarks_after_fresh_ones_with_the_reason(client):
    save_world(two_sided_world(), benchmark_slug="aaa-old", higher_is_better=True)
    fresh = World()
    fresh.model("uf", "US", "2024-06-01").model("cf", "CN", "2024-06-02").score("uf", 40).score("cf", 41)
    save_world(fresh, benchmark_slug="zzz-new", higher_is_better=True)
    page = html.unescape(client.get(reverse("overview"), {"as_of": "2024-07-02"}).content.decode())
    assert page.index('data-benchmark="zzz-new"') < page.index('data-benchmark="aaa-old"')
    assert '<article class="card kpi stale" data-benchmark="aaa-old">' in page
    assert '<article class="card kpi" data-benchmark="zzz-new">' in page
    assert "Stale: US's newest score is from 2024-01-03, more than 180 days before 2024-07-02;" in page
    assert "US last score: 2024-01-03 · CN last score: 2024-06-30" in page
    level = html.unescape(client.get(reverse("overview"), {"as_of": "2024-07-01"}).content.decode())
    assert '<article class="card kpi stale"' not in level  # exactly 180 days: not stale


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["overview", "costs", "model-list", "status"])
def test_every_page_footer_says_the_newest_score_and_price(client, name):
    BenchmarkScoreFactory(reported_on=datetime.date(2025, 3, 4))
    BenchmarkScoreFactory(reported_on=datetime.date(2025, 5, 6))
    BenchmarkScoreFactory(reported_on=datetime.date(2999, 1, 1))  # not reported yet: not the newest
    PricePointFactory(effective_from=datetime.date(2025, 2, 1))
    page = client.get(reverse(name)).content.decode()
    assert "newest score reported 2025-05-06, newest price 2025-02-01." in page


@pytest.mark.django_db
def test_footer_dates_are_cached_per_data_version(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    BenchmarkScoreFactory(reported_on=datetime.date(2025, 3, 4))
    client.get(reverse("status"))
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("status"))
    reads = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in reads if 'MAX("benchmarks_benchmarkscore"."reported_on")' in sql], reads
    assert not [sql for sql in reads if 'MAX("pricing_pricepoint"."effective_from")' in sql], reads
    with django_capture_on_commit_callbacks(execute=True):  # a save bumps the data version after commit
        BenchmarkScoreFactory(reported_on=datetime.date(2025, 4, 5))
    assert "newest score reported 2025-04-05" in client.get(reverse("status")).content.decode()
