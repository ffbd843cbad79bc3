"""Score used: one score per (model, benchmark, metric) out of every report of it."""

import pandas as pd

KEY = ["model_id", "benchmark_id", "metric"]


def scores_used(scores: pd.DataFrame) -> pd.DataFrame:
    """The score used for each (model, benchmark, metric) in `scores` (SCORE_COLUMNS).

    The model's own lab's latest report if it has one, else the latest report by anyone; ties on
    `reported_on` go to the latest `created_at`, then the highest `score_id`. Returns one row per key,
    with the same columns.
    """
    own = scores["evaluated_by"] == scores["lab"]
    ranked = scores.assign(_own=own).sort_values(
        ["_own", "reported_on", "created_at", "score_id"], ascending=False, kind="stable"
    )
    return ranked.drop_duplicates(KEY, keep="first").drop(columns="_own").sort_values(KEY, kind="stable")
