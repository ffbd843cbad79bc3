"""The overview's capability-index headline and the /index/ page, on the shipped reference data."""

import re

from dashboards.headline import index_headline


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_overview_leads_with_the_index_lead_in_months_and_the_index_page_shows_the_fit(client, reference_data):
    summary = client.get("/api/v1/analytics/summary/").json()
    headline = index_headline(summary)
    lead = summary["rows"][0]["lead_summary"]
    page = client.get("/")
    assert page.status_code == 200
    text = text_of(page.content.decode())
    trailing = "CN" if lead["mean_days"] > 0 else "US"
    months = round(abs(lead["mean_days"]) / 30.44, 1)
    assert f"{trailing} trails by {months} months on the capability index" in text
    assert f"mean since {lead['from']}" in text
    assert f"{headline['current_months']} months" in text
    assert "Epoch AI (2026-01): 7 months" in text and "NIST CAISI (2026-05): about 8 months" in text
    assert 'id="index-chart"' in page.content.decode()
    assert "/api/v1/analytics/gap/?benchmark=capability-index" in page.content.decode()
    assert 1 <= months <= 24  # the field's estimates are 4 to 14 months; a 617-day headline would fail here

    index = client.get("/index/")
    assert index.status_code == 200
    body = index.content.decode()
    fit = client.get("/api/v1/analytics/capability-index/", {"ci": "true"}).json()
    top = fit["models"][0]
    assert top["name"] in body and f"{top['ci_low']:.1f} \u2013 {top['ci_high']:.1f}" in body
    assert f"<dd>{fit['fit']['observations']}</dd>" in body
    assert all(f">{b['benchmark']}</a>" in body for b in fit["benchmarks"])
    assert "/api/v1/analytics/capability-index/?ci=true" in body
    assert 'id="index-scatter"' in body


def test_a_registry_without_an_index_lead_says_why(client, db):
    text = text_of(client.get("/").content.decode())
    assert "No capability index lead yet" in text or "No benchmark" in text
    assert client.get("/index/").status_code == 200
