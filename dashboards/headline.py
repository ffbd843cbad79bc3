"""The overview's headline: the lead on the capability index in months, beside the field's published estimates."""

from benchmarks.models import CAPABILITY_INDEX_SLUG
from dashboards.cards import DAYS_PER_MONTH

# Published estimates of the US-China gap to compare with (cited by name and date: the pages link no copy).
PUBLISHED_ESTIMATES = [
    {
        "who": "Epoch AI",
        "months": "7",
        "what": "mean lag of China's best model behind the US's on the Epoch Capabilities Index (ECI)",
        "date": "2026-01",
    },
    {
        "who": "NIST CAISI",
        "months": "about 8",
        "what": "DeepSeek V4 Pro behind the US frontier in CAISI's own evaluations",
        "date": "2026-05",
    },
]


def months(days: float) -> float:
    return round(abs(days) / DAYS_PER_MONTH, 1)


def index_headline(summary: dict | None, *, model_names: dict[str, str] | None = None) -> dict | None:
    """From the summary report: who trails on the capability index, by how many months on average since the start
    of the lead summary and now; None without an index row with a lead summary.

    Keys: trailing, leading (None when level on average), mean_months, from, to, current_months, current_leading
    (None when level now), gap (in index points), a_model and b_model (by name where `model_names` has one),
    a_value, b_value."""
    names = model_names or {}
    rows = (summary or {}).get("rows") or []
    if not rows or rows[0]["benchmark"] != CAPABILITY_INDEX_SLUG or rows[0]["lead_summary"] is None:
        return None
    row, lead = rows[0], rows[0]["lead_summary"]
    a, b = summary["a"], summary["b"]

    def side(days: float) -> tuple[str | None, str | None]:
        """(leading, trailing) for a signed lead in days (positive: a ahead)."""
        return (a, b) if days > 0 else (b, a) if days < 0 else (None, None)

    leading, trailing = side(lead["mean_days"])
    current_leading, current_trailing = side(lead["current_days"])
    return {
        "leading": leading,
        "trailing": trailing,
        "mean_months": months(lead["mean_days"]),
        "from": lead["from"],
        "to": lead["to"],
        "current_months": months(lead["current_days"]),
        "current_leading": current_leading,
        "current_trailing": current_trailing,
        "gap": row["gap"],
        "a_model": names.get(row["a_model"], row["a_model"]),
        "b_model": names.get(row["b_model"], row["b_model"]),
        "a_value": row["a_value"],
        "b_value": row["b_value"],
    }
