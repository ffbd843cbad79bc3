"""`manage.py refresh <source> ...` / `refresh --all`: the scheduled refresh, in the foreground.

Lives in benchmarks because it names price and score sources alike (benchmarks may import pricing).
"""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from benchmarks.services import source_names, source_refresh
from models_registry.models import SourceRun
from pricing.services import source_refresh_lock
from pricing.sources.base import SourceUnavailable

SHOWN = 10  # unmatched ids / refused records listed per source at normal verbosity


class Command(BaseCommand):
    help = (
        "Refresh prices and scores from their upstreams now (what the schedule runs), with a progress bar and a "
        "summary. Sources: openrouter, litellm, epoch and each configured score source. Exits non-zero if any failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", metavar="source", help="source name(s); see --all")
        parser.add_argument(
            "--all",
            dest="all_sources",
            action="store_true",
            help="refresh every source; a failing one never stops the rest",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="fetch and compare, print what would change, write nothing"
        )

    def handle(self, *args, sources: list[str], all_sources: bool, dry_run: bool, verbosity: int, **options):
        try:
            known = source_names()
        except ImproperlyConfigured as exc:
            raise CommandError(f"The score sources are misconfigured: {exc}") from exc
        if all_sources == bool(sources):
            raise CommandError(f"Name one or more sources, or give --all. Known sources: {', '.join(known)}")
        unknown = [name for name in sources if name not in known]
        if unknown:
            raise CommandError(f"Unknown source(s): {', '.join(unknown)}. Known sources: {', '.join(known)}")
        chosen = known if all_sources else list(dict.fromkeys(sources))
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing will be written."))

        failed = []
        bar = tqdm(total=2 * len(chosen), unit="step", file=self.stderr._out, disable=None, leave=False)
        for position, name in enumerate(chosen):
            bar.set_description(name)
            started = time.monotonic()
            run, error = self._refresh_one(name, dry_run=dry_run, bar=bar)
            bar.n = 2 * (position + 1)
            bar.refresh()
            lines = self._summary(name, run, error, seconds=time.monotonic() - started, verbosity=verbosity)
            if dry_run or verbosity >= 2:
                lines += [f"    {change}" for change in (run.changes if run is not None else [])]
            tqdm.write("\n".join(lines), file=self.stdout._out)
            if error or (run is not None and run.status == SourceRun.Status.FAILED):
                failed.append(name)
        bar.close()
        if failed:
            raise CommandError(f"{len(failed)} of {len(chosen)} source(s) failed: {', '.join(failed)}")
        self.stdout.write(
            self.style.SUCCESS(f"Refreshed {len(chosen)} source(s)" + (" (dry run)." if dry_run else "."))
        )

    def _refresh_one(self, name: str, *, dry_run: bool, bar: tqdm) -> tuple[SourceRun | None, str]:
        def progress(stage: str) -> None:
            bar.set_description(f"{name}: {stage}")
            if stage == "write":
                bar.update(1)

        if dry_run:  # writes nothing, so it need not wait for a running refresh
            return self._call(name, dry_run=True, progress=progress)
        with source_refresh_lock(name) as acquired:
            if not acquired:
                return None, "a refresh of this source is already running elsewhere; skipped"
            return self._call(name, dry_run=False, progress=progress)

    def _call(self, name: str, *, dry_run: bool, progress) -> tuple[SourceRun | None, str]:
        try:
            return source_refresh(source=name, dry_run=dry_run, progress=progress), ""
        except SourceUnavailable as exc:  # the failed run is recorded; the schedule will retry
            return exc.run, ""
        except Exception as exc:  # one broken source never stops the others
            return None, f"{type(exc).__name__}: {exc}"

    def _summary(self, name: str, run: SourceRun | None, error: str, *, seconds: float, verbosity: int) -> list[str]:
        if run is None:
            return [self.style.ERROR(f"{name:<14} failed   {error}")]
        style = {"ok": self.style.SUCCESS, "partial": self.style.WARNING}.get(run.status, self.style.ERROR)
        where = f"run #{run.pk}" if run.pk else "not saved"
        proposed = f", proposed {run.proposed_count}" if run.proposed_count else ""  # model proposals added
        lines = [
            style(f"{name:<14} {run.status:<8}")
            + f" created {run.created_count}, updated {run.updated_count}, unchanged {run.unchanged_count},"
            f" unmatched {run.unmatched_count}, rejected {run.rejected_count}{proposed}  ({where}, {seconds:.1f}s)"
        ]
        if run.error:
            lines.append(self.style.ERROR(f"    error: {run.error}"))
        limit = None if verbosity >= 2 else SHOWN
        for item in run.rejected[:limit]:
            lines.append(f"    rejected {item['id']}: {item['reason']}")
        if run.unmatched:
            shown = run.unmatched[:limit]
            more = (
                f" ... and {len(run.unmatched) - len(shown)} more (-v 2 lists all)"
                if len(shown) < len(run.unmatched)
                else ""
            )
            lines.append(f"    unmatched: {', '.join(shown)}{more}")
        if limit is not None and len(run.rejected) > limit:
            lines.append(f"    ... and {len(run.rejected) - limit} more rejected (-v 2 lists all)")
        return lines
