"""The capability index on the shipped reference data: the fit and the bootstrap, timed on the pure functions.

    python -m perf.index_reference [--repeat 5]

Loads the reference data into a temporary SQLite file (about 10 s), builds the fit's input once, then times the
central fit (issue 13: < 0.3 s) and `ci=true` with 100 bootstrap draws (< 10 s). Prints JSON to stdout.
"""

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m perf.index_reference", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of the central fit (the bootstrap runs twice)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'reference.sqlite3'}"
        os.environ.pop("REDIS_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from datetime import UTC, datetime

        from django.core.management import call_command

        from dashboards.analytics.capability_index import DEFAULT_ANCHORS, capability_index
        from dashboards.analytics.index_scores import index_inputs
        from dashboards.analytics.payloads import scores_used_at
        from dashboards.selectors import benchmark_scores_frame, index_benchmarks_frame

        print("loading the reference data ...", file=sys.stderr)
        call_command("migrate", verbosity=0)
        call_command("load_reference", stdout=io.StringIO())
        today = datetime.now(UTC).date()
        benchmarks = index_benchmarks_frame()
        metrics = dict(zip(benchmarks["benchmark_id"], benchmarks["metric"], strict=True))
        scores = benchmark_scores_frame(metrics=metrics, countries=None, as_of=today)
        inputs = index_inputs(scores_used_at(scores, as_of=today, evaluated_by=None), benchmarks)

        def timed(runs: int, **options) -> list[float]:
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                result = capability_index(inputs, anchors=DEFAULT_ANCHORS, **options)
                samples.append(time.perf_counter() - started)
            return samples, result

        print("timing the central fit ...", file=sys.stderr)
        fit_samples, result = timed(args.repeat)
        print("timing ci=true (100 bootstrap draws) ...", file=sys.stderr)
        ci_samples, _ = timed(2, bootstrap=100)
        report = {
            "as_of": today.isoformat(),
            "fit": result.figures,
            "scale": result.scale.name,
            "central fit s": {
                "median": round(statistics.median(fit_samples), 3),
                "target": "< 0.3",
                "runs": len(fit_samples),
            },
            "ci=true, 100 draws s": {"median": round(statistics.median(ci_samples), 2), "target": "< 10", "runs": 2},
        }
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
