from django.core.management.base import BaseCommand, CommandError

from models_registry.loading import ReferenceDataError, TableCounts, load_tables, reference_tables
from models_registry.models import Lab


class Command(BaseCommand):
    help = "Load the shipped, sourced reference data (labs, models, prices, scores, events). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into an empty registry (no lab yet): a container start never overwrites admin edits.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Lab.objects.exists():
            self.stdout.write("The registry holds data already: reference data not loaded (--if-empty).")
            return
        tables = reference_tables()
        self.stdout.write(f"Loading {len(tables)} reference tables ...")

        def show(name: str, counts: TableCounts) -> None:
            self.stdout.write(
                f"  {name:<16} created {counts.created:>4}  updated {counts.updated:>4}"
                f"  unchanged {counts.unchanged:>4}" + (f"  skipped {len(counts.skipped):>4}" if counts.skipped else "")
            )
            for line in counts.skipped:
                self.stdout.write(f"    skipped {line}")

        try:
            load_tables(tables, on_table=show)
        except ReferenceDataError as exc:
            shown = exc.errors[:50]
            more = f"\n... and {len(exc.errors) - len(shown)} more" if len(exc.errors) > len(shown) else ""
            raise CommandError(
                f"Reference data has {len(exc.errors)} bad value(s); nothing was written:\n" + "\n".join(shown) + more
            ) from exc
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
