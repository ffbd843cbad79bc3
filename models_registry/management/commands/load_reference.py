from django.core.management.base import BaseCommand, CommandError

from models_registry.loading import LoadOptions, ReferenceDataError, TableCounts, load_tables, reference_tables
from models_registry.models import Lab


class Command(BaseCommand):
    help = (
        "Load the shipped, sourced reference data (labs, models, prices, scores, events). Idempotent; keeps "
        "rows a person edited since the last load unless --overwrite-edits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into an empty registry (no lab yet): a container start never overwrites admin edits.",
        )
        parser.add_argument(
            "--only-missing",
            action="store_true",
            help="Create the shipped rows the registry lacks and change no existing row (what `make run` does).",
        )
        parser.add_argument(
            "--overwrite-edits",
            action="store_true",
            help="Replace what a person edited (admin, API) since the last load with the shipped values.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Lab.objects.exists():
            self.stdout.write("The registry holds data already: reference data not loaded (--if-empty).")
            return
        if options["only_missing"] and options["overwrite_edits"]:
            raise CommandError("--only-missing changes no existing row: it cannot be combined with --overwrite-edits.")
        tables = reference_tables()
        self.stdout.write(f"Loading {len(tables)} reference tables ...")
        kept: list[str] = []

        def show(name: str, counts: TableCounts) -> None:
            self.stdout.write(
                f"  {name:<16} created {counts.created:>4}  updated {counts.updated:>4}"
                f"  unchanged {counts.unchanged:>4}"
                + (f"  skipped {len(counts.skipped):>4}" if counts.skipped else "")
                + (f"  kept {len(counts.kept):>4}" if counts.kept else "")
                + (f"  left {counts.left:>4}" if counts.left else "")
            )
            for line in counts.skipped:
                self.stdout.write(f"    skipped {line}")
            kept.extend(f"{name} {row}" for row in counts.kept)

        load = LoadOptions(overwrite_edits=options["overwrite_edits"], only_missing=options["only_missing"])
        try:
            report = load_tables(tables, on_table=show, options=load)
        except ReferenceDataError as exc:
            shown = exc.errors[:50]
            more = f"\n... and {len(exc.errors) - len(shown)} more" if len(exc.errors) > len(shown) else ""
            raise CommandError(
                f"Reference data has {len(exc.errors)} bad value(s); nothing was written:\n" + "\n".join(shown) + more
            ) from exc
        if kept:
            rows = "row" if len(kept) == 1 else "rows"
            self.stdout.write(
                self.style.WARNING(f"kept {len(kept)} edited {rows}: " + "; ".join(kept))
                + "\n  (changed by a person since the last load; --overwrite-edits puts the shipped values back)"
            )
        left = sum(counts.left for counts in report.counts.values())
        if left:
            self.stdout.write(
                f"left {left} existing row(s) that differ from the shipped data as they are (--only-missing)"
            )
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
