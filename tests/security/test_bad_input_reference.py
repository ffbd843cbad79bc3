"""Malformed CSV against the reference loader (`models_registry/loading.py`, the tables in `<app>/reference/`).

A small, consistent slice of the shipped tables is loaded first. Then hypothesis breaks one cell (or the file
itself) of one table and loads that table again: the load either succeeds, or it is refused with messages
that name the file, the row and the field, and the database is exactly as it was.
"""

import csv
import dataclasses
import io
import itertools
import math
import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from models_registry.loading import ReferenceDataError, Table, load_tables, reference_tables
from tests.security.nasty import nasty_text

pytestmark = pytest.mark.django_db

# SECURITY_FUZZ_EXAMPLES=1000 for a deeper run.
HYPOTHESIS = settings(
    max_examples=int(os.environ.get("SECURITY_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REGISTRY_APPS = ("models_registry", "pricing", "benchmarks")
# The natural key of each table (models_registry/reference/README.md). Changing one names a different row, which
# may then break a rule on other fields (a second live offering under one API id): any named field will do there.
KEY_COLUMNS = {
    "labs.csv": {"slug"},
    "models.csv": {"slug"},
    "events.csv": {"date", "title"},
    "providers.csv": {"slug"},
    "offerings.csv": {"provider", "provider_model_id", "available_from"},
    "prices.csv": {"model", "provider", "effective_from", "off_peak"},
    "benchmarks.csv": {"slug"},
    "scores.csv": {"model", "benchmark", "metric", "evaluated_by", "reported_on"},
    "lab_aliases.csv": {"lab"},
    "model_aliases.csv": {"model"},
}


@dataclasses.dataclass
class CsvTable:
    table: Table
    header: list[str]
    rows: list[dict[str, str]]


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def shipped_slice() -> dict[str, CsvTable]:
    """Every shipped table, cut down to rows that refer only to each other (a few offerings and what they need)."""
    tables = {t.path.name: CsvTable(t, *read(t.path)) for t in reference_tables()}
    offerings = tables["offerings.csv"].rows[:6]
    priced = {row["model"] for row in tables["prices.csv"].rows}
    aliased = next(row["model"] for row in tables["model_aliases.csv"].rows if row["model"] not in priced)
    models = {row["model"] for row in offerings} | {aliased}  # a model with aliases, and no prices to bring in
    keep = {  # file -> (which rows, at most how many)
        "labs.csv": (lambda row: True, None),
        "models.csv": (lambda row: row["slug"] in models, None),
        "events.csv": (lambda row: True, 5),
        "providers.csv": (lambda row: True, None),
        "offerings.csv": (lambda row: row in offerings, None),
        "prices.csv": (lambda row: row["model"] in models, 12),
        "benchmarks.csv": (lambda row: True, None),
        "scores.csv": (lambda row: row["model"] in models, 12),
        "lab_aliases.csv": (lambda row: True, None),
        "model_aliases.csv": (lambda row: row["model"] in models, None),
    }
    assert set(keep) == set(tables), "a new reference table: say which of its rows the slice keeps"
    for name, csv_table in tables.items():
        wanted, at_most = keep[name]
        csv_table.rows = [row for row in csv_table.rows if wanted(row)][:at_most]
        assert csv_table.rows, name
    return tables


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> list[int]:
    """Write the CSV; returns the line number the csv module reports for each row (cells may span lines)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [reader.line_num for _ in reader]


def database_state() -> dict[str, list[tuple]]:
    """Every registry row, sorted: what a refused load must leave untouched."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in REGISTRY_APPS and not model.__name__.startswith("Historical"):
            state[model._meta.label] = sorted(map(repr, model.objects.values_list()))
    return state


def assert_no_non_finite_number_stored() -> None:
    for model in apps.get_models():
        if model._meta.app_label not in REGISTRY_APPS:
            continue
        for field in model._meta.concrete_fields:
            if field.get_internal_type() == "FloatField":
                for value in model.objects.values_list(field.name, flat=True):
                    assert value is None or math.isfinite(value), (model.__name__, field.name, value)


@pytest.fixture
def loaded(tmp_path) -> dict[str, CsvTable]:
    tables = shipped_slice()
    for name, csv_table in tables.items():
        path = tmp_path / name
        write(path, csv_table.header, csv_table.rows)
        csv_table.table = dataclasses.replace(csv_table.table, path=path)
    load_tables([t.table for t in tables.values()])
    return tables


counter = itertools.count()


def load_changed(tmp_path: Path, csv_table: CsvTable, rows: list[dict[str, str]]) -> tuple[list[int], Table]:
    path = tmp_path / f"{next(counter)}" / csv_table.table.path.name
    path.parent.mkdir()
    lines = write(path, csv_table.header, rows)
    return lines, dataclasses.replace(csv_table.table, path=path)


def check_changed_cell(loaded, tmp_path, name: str, index: int, column: str, value: str) -> None:
    """Load `name` with one cell changed: refused with the row and the field and nothing written, or accepted sanely."""
    csv_table = loaded[name]
    rows = [dict(row) for row in csv_table.rows]
    rows[index][column] = value
    lines, table = load_changed(tmp_path, csv_table, rows)
    before = database_state()
    try:
        load_tables([table])
    except ReferenceDataError as exc:
        assert all(error.startswith(f"{name}, row ") for error in exc.errors), exc.errors
        on_row = [e for e in exc.errors if e.startswith(f"{name}, row {lines[index]}, field")]
        if column in KEY_COLUMNS[name]:
            assert on_row, exc.errors
        else:
            assert any(re.match(rf"fields? ('[a-z_]+', )*{column!r}", e.split(", ", 2)[2]) for e in on_row), exc.errors
        assert database_state() == before
    else:
        assert_no_non_finite_number_stored()  # an accepted value is a sane one


@HYPOTHESIS
@given(data=st.data())
def test_a_bad_cell_is_named_by_file_row_and_field_and_nothing_is_written(loaded, tmp_path, data):
    name = data.draw(st.sampled_from(sorted(loaded)), label="file")
    index = data.draw(st.integers(0, len(loaded[name].rows) - 1), label="row index")
    column = data.draw(st.sampled_from(loaded[name].header), label="column")
    value = data.draw(nasty_text, label="value")
    assume(value != loaded[name].rows[index][column])
    check_changed_cell(loaded, tmp_path, name, index, column, value)


USUAL_SUSPECTS = ["", "\x00", "x" * 5000, "1e400", "-1", "NaN", "2025-02-30", "no-such-slug", "Not A Slug"]


@pytest.mark.parametrize("name", sorted(KEY_COLUMNS))
def test_every_column_of_every_table_refuses_the_usual_suspects(loaded, tmp_path, name):
    """Hypothesis samples; this walks every column of every table with the values that break things most often."""
    for column in loaded[name].header:
        for value in USUAL_SUSPECTS:
            if value != loaded[name].rows[0][column]:
                check_changed_cell(loaded, tmp_path, name, 0, column, value)


def csv_text(csv_table: CsvTable) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csv_table.header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_table.rows)
    return out.getvalue()


@st.composite
def broken_files(draw, text: str) -> bytes:
    """The file's text with a structural fault: cut short, a stray quote, an extra or missing cell, bad bytes."""
    lines = text.splitlines(keepends=True)
    line = draw(st.integers(1, len(lines) - 1), label="line")
    fault = draw(st.sampled_from(["truncate", "quote", "extra cell", "missing cell", "bad bytes", "nul", "noise"]))
    raw = [chunk.encode() for chunk in lines]
    at = draw(st.integers(0, max(0, len(raw[line]) - 1)), label="offset")
    if fault == "truncate":
        raw = [*raw[:line], raw[line][:at]]
    elif fault == "quote":
        raw[line] = raw[line][:at] + b'"' + raw[line][at:]
    elif fault == "extra cell":
        raw[line] = raw[line].rstrip(b"\n") + b",surplus\n"
    elif fault == "missing cell":
        raw[line] = raw[line].rstrip(b"\n").rsplit(b",", 1)[0] + b"\n"
    elif fault == "bad bytes":
        raw[line] = raw[line][:at] + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80"])) + raw[line][at:]
    elif fault == "nul":
        raw[line] = raw[line][:at] + b"\x00" + raw[line][at:]
    else:
        raw[line] = draw(st.binary(max_size=80)) + b"\n"
    return b"".join(raw)


@HYPOTHESIS
@given(data=st.data())
def test_a_structurally_broken_file_is_refused_with_its_row_or_loads_what_it_says(loaded, tmp_path, data):
    name = data.draw(st.sampled_from(sorted(loaded)), label="file")
    csv_table = loaded[name]
    content = data.draw(broken_files(csv_text(csv_table)))
    path = tmp_path / f"{next(counter)}" / name
    path.parent.mkdir()
    path.write_bytes(content)
    before = database_state()
    try:
        load_tables([dataclasses.replace(csv_table.table, path=path)])
    except ReferenceDataError as exc:
        assert all(error.startswith(f"{name}, row ") or error.startswith(f"{name}, header") for error in exc.errors), (
            exc.errors
        )
        assert database_state() == before
    else:
        assert_no_non_finite_number_stored()


def test_a_missing_file_is_refused_by_name(loaded, tmp_path):
    table = dataclasses.replace(loaded["labs.csv"].table, path=tmp_path / "gone" / "labs.csv")
    with pytest.raises(ReferenceDataError) as info:
        load_tables([table])
    assert info.value.errors[0].startswith("labs.csv: cannot be read")
