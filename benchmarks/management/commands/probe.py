"""`manage.py probe [--provider X] [--offering ID ...]`: run probes now and store them as the beat task does."""

import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from benchmarks.probes.selectors import probe_target_list
from benchmarks.probes.services import ProbeRecord, probe_run
from pricing.models import Provider

COLUMNS = ["offering", "provider", "model id", "result", "http", "ttft ms", "total ms", "tokens", "tok/s", "detail"]


def _number(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def result_rows(records: list[ProbeRecord]) -> list[list[str]]:
    return [
        [
            str(r.target.offering_id),
            r.target.provider,
            r.target.model_id,
            "ok" if r.outcome.ok else r.outcome.error_kind,
            "-" if r.outcome.http_status is None else str(r.outcome.http_status),
            _number(r.outcome.ttft_ms),
            _number(r.outcome.total_ms),
            "-" if r.outcome.output_tokens is None else str(r.outcome.output_tokens),
            _number(r.outcome.output_tokens_per_s, 1),
            "" if r.outcome.ok else r.outcome.detail,
        ]
        for r in records
    ]


def format_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS) - 1)]
    lines = []
    for row in [COLUMNS, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Probe offerings' live endpoints now (time to first token, speed, errors) and store the results, "
        "as the scheduled task does. Default: every live probe-enabled offering."
    )

    def add_arguments(self, parser):
        parser.add_argument("--provider", metavar="SLUG", help="Only this provider's probe-enabled offerings.")
        parser.add_argument(
            "--offering",
            metavar="ID",
            type=int,
            action="append",
            dest="offerings",
            help="Probe this offering (repeatable), even if probe_enabled is off. Retired offerings are refused.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, provider=None, offerings=None, no_progress=False, **options):
        if provider and not Provider.objects.filter(slug=provider).exists():
            raise CommandError(f"Unknown provider {provider!r}.")
        targets = probe_target_list(provider=provider, offering_ids=offerings)
        if offerings:
            missing = sorted(set(offerings) - {t.offering_id for t in targets})
            if missing:
                raise CommandError(
                    f"No live offering with id {', '.join(map(str, missing))}"
                    + (f" at provider {provider!r}" if provider else "")
                    + ". Nothing was probed."
                )
        if not targets:
            self.stdout.write("Nothing to probe: no live probe-enabled offering matches.")
            return
        # tqdm redraws its line with "\r"; Django's OutputWrapper would add a newline to every write.
        stream = getattr(self.stderr, "_out", sys.stderr)
        with tqdm(total=len(targets), file=stream, unit="probe", disable=no_progress) as bar:
            records = probe_run(targets=targets, on_outcome=lambda target, outcome: bar.update(1))
        self.stdout.write(format_table(result_rows(records)))
        tally = Counter("ok" if r.outcome.ok else r.outcome.error_kind for r in records)
        stored = sum(r.result is not None for r in records)
        summary = ", ".join(f"{kind} {count}" for kind, count in sorted(tally.items()))
        self.stdout.write(self.style.SUCCESS(f"Stored {stored} probe results ({summary})."))
