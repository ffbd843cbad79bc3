"""The overview's per-benchmark cards: a summary row in words a reader can check (units, who leads since when,
which models the cost ratio compares, how fresh each side's scores are). Pure: names come in as dicts."""

from datetime import date, timedelta

from dashboards.analytics.index_scores import INDEX_METRIC, INDEX_TOLERANCE

DAYS_PER_MONTH = 30.44  # DESIGN.md: pages show lead days / 30.44 as months
RATING_METRICS = {"elo", "rating"}  # gaps in rating points, not shares of tasks solved


def gap_text(gap: float, metric: str) -> str:
    """'+2.0 points' on a share-of-tasks benchmark, '+120 Elo' on a rating (always the leader's margin)."""
    if metric.lower() in RATING_METRICS:
        return f"+{abs(gap):.0f} Elo"
    if metric == INDEX_METRIC:
        return f"+{abs(gap):.1f} index points"
    return f"+{abs(gap):.1f} points"


def months(days: int) -> str:
    value = abs(days) / DAYS_PER_MONTH
    return f"{value:.1f} month" + ("" if f"{value:.1f}" == "1.0" else "s")


def lead_texts(row: dict, *, a: str, b: str, as_of: date) -> tuple[str, str]:
    """The lead in words and its explanation (the card's tooltip)."""
    lead = row["lead_days"]
    if lead is None:
        return "No lead known", "One side has no frontier on this benchmark at this date."
    if lead == 0 and row["gap"]:  # on the index, sides within the tolerance are level though the gap is not 0
        return "Level within the tolerance", (
            f"{a}'s and {b}'s best are within the lead's tolerance of each other ({INDEX_TOLERANCE:g} index point on "
            "the anchored index): neither leads, though the gap shows which is ahead by how much."
        )
    if lead == 0:
        return "Level", f"{a} and {b} have the same best score: neither leads."
    leader, trailer = (a, b) if lead > 0 else (b, a)
    reached = as_of - timedelta(days=abs(lead))
    text = f"{leader} first reached {trailer}'s best {months(lead)} ago"
    explanation = (
        f"Lead of {abs(lead)} days ({months(lead)}): {leader}'s models first reached the best score {trailer} has "
        f"as of {as_of.isoformat()} on {reached.isoformat()} (release dates of the models, scores as known on "
        f"{as_of.isoformat()})."
    )
    return text, explanation


def stale_reason(row: dict, *, a: str, b: str, as_of: date, stale_after_days: int) -> str:
    """One line on why a stale benchmark's lead is not to be trusted."""
    sides = [(a, row["a_last_reported"]), (b, row["b_last_reported"])]
    oldest_fresh = as_of - timedelta(days=stale_after_days)
    old = [
        f"{country} has no score" if last is None else f"{country}'s newest score is from {last.isoformat()}"
        for country, last in sides
        if last is None or last < oldest_fresh
    ]
    return (
        f"Stale: {' and '.join(old)}, more than {stale_after_days} days before {as_of.isoformat()}; "
        "the lead says more about who stopped reporting than about capability."
    )


def summary_cards(summary: dict, *, model_names: dict[str, str], benchmark_names: dict[str, str]) -> list[dict]:
    """One card per summary row, in the rows' order. `model_names`/`benchmark_names`: slug -> display name
    (a slug without a name is shown as is)."""
    a, b = summary["a"], summary["b"]
    as_of = date.fromisoformat(summary["as_of"])
    stale_after_days = summary.get("stale_after_days", 180)

    def name(slug: str | None) -> str:
        return "\u2013" if slug is None else model_names.get(slug, slug)  # an en dash, as the templates show

    cards = []
    for row in summary["rows"]:
        gap = row["gap"]
        leader = None if gap is None or gap == 0 else (a if gap > 0 else b)
        lead, lead_title = lead_texts(row, a=a, b=b, as_of=as_of)
        dates = {key: row[key] and date.fromisoformat(row[key]) for key in ("a_last_reported", "b_last_reported")}
        cards.append(
            {
                "row": row,
                "benchmark_name": benchmark_names.get(row["benchmark"], row["benchmark"]),
                "leader": leader,
                "gap_text": "level" if gap == 0 else (None if gap is None else gap_text(gap, row["metric"])),
                "a_model_name": name(row["a_model"]),
                "b_model_name": name(row["b_model"]),
                "lead_text": lead,
                "lead_title": lead_title,
                "a_cost_model_name": name(row.get("a_cost_model")),
                "b_cost_model_name": name(row.get("b_cost_model")),
                "stale_reason": stale_reason({**row, **dates}, a=a, b=b, as_of=as_of, stale_after_days=stale_after_days)
                if row["stale"]
                else None,
            }
        )
    return cards
