"""Load sourced CSV tables into the registry: all or nothing, with counts and row-level errors.

Each app ships its tables in `<app>/reference/*.csv` and describes them in `<app>/reference/__init__.py`
as a list `TABLES` of `Table`s; `reference_tables()` collects them in INSTALLED_APPS order, which is
the order the apps depend on each other.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.utils.module_loading import module_has_submodule

from models_registry.validators import constraint_fields

_URL = re.compile(r"https?://[^\s,;()\[\]<>\"']+|(?<![\w./])github\.com/[^\s,;()\[\]<>\"']+")


# The change reason of every history row the loader writes: a person's edit after the last such row is theirs.
LOAD_REASON = "load_reference"

# Rows found by slug during one load (labs for models, models for scores ...); cleared per load.
_slug_cache: dict[type[models.Model], dict[str, models.Model]] = {}


class SkipRow(Exception):  # noqa: N818 (not an error: a row left out on purpose)
    """A row that is sound but cannot count anywhere (the reason says why): left out and reported, not an error."""


class CellError(Exception):
    """A cell that cannot be read: names the column."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass(frozen=True)
class Record:
    """One row to write: `lookup` finds it again (its natural key), `values` are the other fields."""

    lookup: dict
    values: dict


@dataclass(frozen=True)
class Table:
    """A CSV file and how each of its rows becomes one or more Records of `model`."""

    path: Path
    model: type[models.Model]
    columns: tuple[str, ...]
    records: Callable[[dict[str, str]], Iterable[Record]]


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # "<row> <field>,<field>": edited by a person, left as they are
    left: int = 0  # differing rows not updated because only missing rows were asked for


@dataclass(frozen=True)
class LoadOptions:
    """`overwrite_edits`: replace what a person edited since the last load with the shipped values.
    `only_missing`: create the rows that are not there, touch no existing row."""

    overwrite_edits: bool = False
    only_missing: bool = False


@dataclass
class LoadReport:
    counts: dict[str, TableCounts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


class ReferenceDataError(Exception):
    """The files hold bad rows; nothing was written. `errors` name file, row and field."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def reference_tables() -> list[Table]:
    tables = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "reference"):
            module = import_module(f"{config.name}.reference")
            tables.extend(getattr(module, "TABLES", []))
    return tables


def load_tables(
    tables: list[Table],
    *,
    on_table: Callable[[str, TableCounts], None] | None = None,
    options: LoadOptions = LoadOptions(),  # frozen: one shared default is safe
) -> LoadReport:
    """Write every table in one transaction; on any bad row roll back and raise ReferenceDataError.

    A shipped row that a person changed (admin or API: a history row with a user) after the loader last wrote
    it is kept as it is and listed in its table's `kept`, unless `options.overwrite_edits`."""
    report = LoadReport()
    _slug_cache.clear()
    created: set[tuple[type[models.Model], object]] = set()  # (model, pk) this load created
    with transaction.atomic():
        for table in tables:
            counts = _load_table(table, report.errors, options, created)
            report.counts[table.path.name] = counts
            if on_table:
                on_table(table.path.name, counts)
        if report.errors:
            transaction.set_rollback(True)
    if report.errors:
        raise ReferenceDataError(report.errors)
    return report


def _load_table(
    table: Table, errors: list[str], options: LoadOptions, created: set[tuple[type[models.Model], object]]
) -> TableCounts:
    counts = TableCounts()
    existing = _ExistingRows(table.model, protect_edits=not options.overwrite_edits)
    for line, row in _read_rows(table, errors):
        where = f"{table.path.name}, row {line}"
        try:
            records = list(table.records(row))
        except SkipRow as exc:
            counts.skipped.append(f"{where}: {exc}")
            continue
        except CellError as exc:
            errors.append(f"{where}, field {exc.column!r}: {exc.message}")
            continue
        for record in records:
            try:
                outcome = _write(table.model, record, existing, options, created)
            except ValidationError as exc:
                errors.extend(f"{where}, {_field_label(name)}: {' '.join(msgs)}" for name, msgs in _messages(exc))
                continue
            if isinstance(outcome, _Kept):
                counts.kept.append(f"{_row_label(record)} {','.join(outcome.fields)}")
            else:
                setattr(counts, outcome, getattr(counts, outcome) + 1)
    return counts


@dataclass(frozen=True)
class _Kept:
    """A row left as a person edited it: the fields where it differs from the shipped values."""

    fields: list[str]


def _row_label(record: Record) -> str:
    """The row as a reader finds it: its slug, else its natural key's values ("deepseek-reasoner 2025-05-28")."""
    if "slug" in record.lookup:
        return str(record.lookup["slug"])
    return " ".join(str(value) for value in record.lookup.values() if value not in (None, ""))


class _ExistingRows:
    """The table's rows by natural key, read in one query, so each CSV row costs no lookup query."""

    def __init__(self, model: type[models.Model], *, protect_edits: bool = True):
        self.model = model
        self.rows: dict[tuple, models.Model] | None = None
        self.protect_edits = protect_edits
        self._edited: set | None = None

    def edited(self, obj: models.Model) -> bool:
        """Whether a person changed `obj` after the loader last wrote it (one history query per table, made
        the first time a row differs from its shipped values). A row the loader never wrote (loaded before
        the loader marked its writes) counts as edited once any person changed it."""
        if not self.protect_edits:
            return False
        if self._edited is None:
            history = getattr(self.model, "history", None)
            if history is None:  # a table without change history: nobody's edit can be told apart
                self._edited = set()
            else:
                pk = self.model._meta.pk.attname
                rows = history.filter(Q(history_user__isnull=False) | Q(history_change_reason=LOAD_REASON))
                rows = (
                    rows.values(pk)
                    .order_by()
                    .annotate(
                        person=Max("history_date", filter=Q(history_user__isnull=False)),
                        load=Max("history_date", filter=Q(history_change_reason=LOAD_REASON)),
                    )
                )
                self._edited = {
                    row[pk]
                    for row in rows
                    if row["person"] is not None and (row["load"] is None or row["person"] > row["load"])
                }
        return obj.pk in self._edited

    def key(self, lookup: dict) -> tuple:
        return tuple((name, getattr(value, "pk", value)) for name, value in sorted(lookup.items()))

    def get(self, lookup: dict) -> models.Model | None:
        if self.rows is None:
            names = sorted(lookup)
            attnames = [self.model._meta.get_field(name).attname for name in names]
            self.rows = {
                tuple(zip(names, (getattr(obj, a) for a in attnames), strict=True)): obj
                for obj in self.model.objects.all()
            }
        return self.rows.get(self.key(lookup))

    def add(self, lookup: dict, obj: models.Model) -> None:
        if self.rows is not None:
            self.rows[self.key(lookup)] = obj


def _read_rows(table: Table, errors: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a table's CSV with the line each ends on. Every fault is reported with the row it is on (the
    header is row 1): bytes that are not UTF-8, broken quoting, a wrong number of cells, a NUL character."""
    name = table.path.name
    try:
        data = table.path.read_bytes()
    except OSError as exc:
        errors.append(f"{name}: cannot be read: {exc}")
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        errors.append(f"{name}, row {line}: not UTF-8 text (byte {data[exc.start]:#04x})")
        return
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        missing = [c for c in table.columns if c not in (reader.fieldnames or [])]
        if missing:
            errors.append(f"{name}, header: missing column(s) {', '.join(missing)}")
            return
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            if None in row or any(value is None for value in row.values()):
                errors.append(f"{name}, row {reader.line_num}: wrong number of cells")
                continue
            bad = [column for column, value in row.items() if "\x00" in value]
            if bad:  # PostgreSQL cannot store it, and no reference value has one
                where = f"{name}, row {reader.line_num}"
                errors.extend(f"{where}, field {column!r}: contains a NUL character" for column in bad)
                continue
            yield reader.line_num, row
    except csv.Error as exc:
        errors.append(f"{name}, row {start}: not valid CSV ({exc})")


def _write(
    model: type[models.Model],
    record: Record,
    existing: _ExistingRows,
    options: LoadOptions,
    created: set[tuple[type[models.Model], object]],
) -> str | _Kept:
    """Create or update one row. `created` holds the rows this load created: a later table that fills in more of
    such a row (the alias tables do) is not changing an existing row, even with `only_missing`."""
    obj = existing.get(record.lookup)
    if obj is None:
        obj = model(**record.lookup, **record.values)
        outcome = "created"
    else:
        changed = [name for name, value in record.values.items() if _current(obj, name) != value]
        if not changed:
            return "unchanged"
        if options.only_missing and (model, obj.pk) not in created:
            return "left"
        if existing.edited(obj):
            return _Kept(changed)
        for name in changed:
            setattr(obj, name, record.values[name])
        outcome = "updated"
    # Field rules here. Uniqueness and table constraints are checked by the database itself, and
    # related rows were found by their slugs already: one savepoint is far cheaper than the query
    # per rule that full_clean would run.
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    obj._change_reason = LOAD_REASON  # django-simple-history: marks the history row as the loader's
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError(_constraint_errors(model, obj, exc)) from exc
    existing.add(record.lookup, obj)
    if outcome == "created":
        created.add((model, obj.pk))
    return outcome


def _constraint_errors(model: type[models.Model], obj: models.Model, exc: IntegrityError) -> dict[str, list[str]]:
    """The table rules the row breaks, each keyed by the fields it involves ("provider+provider_model_id")."""
    text = str(exc)
    broken = [c for c in model._meta.constraints if c.name in text]  # PostgreSQL names the constraint
    if not broken:  # SQLite does not: ask each rule (only on this error path, so the queries cost nothing usually)
        for constraint in model._meta.constraints:
            try:
                constraint.validate(model, obj)
            except ValidationError:
                broken.append(constraint)
    if not broken:
        return {"row": [f"breaks a table rule: {text.splitlines()[0]}"]}
    return {
        "+".join(constraint_fields(c)) or "row": [
            "breaks a table rule: " + c.get_violation_error_message() % {"name": c.name}
        ]
        for c in broken
    }


def _field_label(name: str) -> str:
    names = name.split("+")
    return f"field {names[0]!r}" if len(names) == 1 else "fields " + ", ".join(repr(n) for n in names)


def _current(obj: models.Model, name: str):
    value = getattr(obj, name)
    return getattr(value, "code", value)  # CountryField gives a Country; compare its code


def _messages(exc: ValidationError) -> Iterator[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            yield ("row" if name == "__all__" else name), errs
    else:
        yield "row", exc.messages


# Cell readers: each raises CellError naming its column.


def text(row: dict[str, str], column: str, *, required: bool = True) -> str:
    value = row[column].strip()
    if required and not value:
        raise CellError(column, "is empty")
    return value


def optional_date(row: dict[str, str], column: str) -> date | None:
    value = row[column].strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CellError(column, f"{value!r} is not a date (YYYY-MM-DD)") from None


def required_date(row: dict[str, str], column: str) -> date:
    value = optional_date(row, column)
    if value is None:
        raise CellError(column, "is empty")
    return value


def optional_decimal(row: dict[str, str], column: str) -> Decimal | None:
    value = row[column].strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(column, f"{value!r} is not a number") from None
    if not number.is_finite():
        raise CellError(column, f"{value!r} is not a finite number")
    return number


def required_decimal(row: dict[str, str], column: str) -> Decimal:
    value = optional_decimal(row, column)
    if value is None:
        raise CellError(column, "is empty")
    return value


def optional_int(row: dict[str, str], column: str) -> int | None:
    value = optional_decimal(row, column)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise CellError(column, f"{row[column]!r} is not a whole number")
    return int(value)


def boolean(row: dict[str, str], column: str) -> bool:
    value = row[column].strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no", ""):
        return False
    raise CellError(column, f"{row[column]!r} is not true or false")


def by_slug(model: type[models.Model], row: dict[str, str], column: str, *, required: bool = True):
    slug = text(row, column, required=required)
    if not slug:
        return None
    cache = _slug_cache.setdefault(model, {})
    if slug not in cache:
        try:
            cache[slug] = model.objects.get(slug=slug)
        except ObjectDoesNotExist:
            raise CellError(column, f"no {model._meta.verbose_name} with slug {slug!r}") from None
    return cache[slug]


def source_fields(citation: str) -> dict[str, str]:
    """The whole citation as the note, and its first URL as the link (bare github.com/... gets https://)."""
    match = _URL.search(citation)
    url = ""
    if match:
        url = match.group(0).rstrip(".")
        if not url.startswith("http"):
            url = f"https://{url}"
    return {"source_url": url[:1000], "source_note": citation.strip()}
