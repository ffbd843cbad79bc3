"""Malformed CSV against the admin import (django-import-export) of models, prices and scores.

A valid file is broken in one cell (hypothesis, and every column with the usual suspects) or in its structure,
then uploaded through the admin as a staff user would. The preview either shows errors naming the row and the
column, with no confirm button, or it offers the import; nothing is written by a preview, and a file with any
bad row can never be confirmed.
"""

import csv
import datetime
import io
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from benchmarks.models import BenchmarkScore
from models_registry.models import AIModel
from pricing.models import Offering, PricePoint
from tests.factories import BenchmarkFactory, LabFactory, OfferingFactory
from tests.security.nasty import nasty_text
from tests.security.test_bad_input_reference import database_state

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=int(os.environ.get("SECURITY_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BOOLEAN_SPELLINGS = {"", "1", "0", "true", "false", "yes", "no"}


@dataclass
class ImportCase:
    model: type[models.Model]
    rows: Callable[[int], list[dict[str, str]]]  # n valid rows with distinct keys, against the fixture's rows

    @property
    def url(self) -> str:
        return f"/admin/{self.model._meta.app_label}/{self.model._meta.model_name}/import/"

    @property
    def header(self) -> list[str]:
        resource = admin.site._registry[self.model].resource_classes[0]
        return list(resource._meta.fields)


def model_rows(count: int) -> list[dict[str, str]]:
    common = {"lab": "deepseek", "release_date": "2026-01-01", "open_weights": "1", "license": "MIT"}
    extra = {"parameters_total_b": "671", "parameters_active_b": "37", "context_window": "128000", "reasoning": "1"}
    cite = {"source_url": "https://example.org/r9", "source_note": "paper"}
    return [
        {"slug": f"deepseek-r{n}", "name": f"DeepSeek-R{n}", **common, **extra, **cite} for n in range(9, 9 + count)
    ]


def price_rows(count: int) -> list[dict[str, str]]:
    first = Offering.objects.order_by("pk").first()  # made by the fixture
    return [
        {
            "offering": str(first.pk),
            "effective_from": (datetime.date(2026, 1, 1) + datetime.timedelta(days=n)).isoformat(),
            "effective_to": "",
            "input_per_mtok": "0.55",
            "output_per_mtok": "2.19",
            "cached_input_per_mtok": "0.14",
            "off_peak": "0",
            "note": "list price",
            "source_url": "https://example.org/pricing",
            "source_note": "pricing page",
        }
        for n in range(count)
    ]


def score_rows(count: int) -> list[dict[str, str]]:
    return [
        {
            "model": "deepseek-r1",
            "benchmark": "gpqa-diamond",
            "metric": "pass@1",
            "value": f"{70 + n / 10:.1f}",
            "evaluated_by": "deepseek",
            "reported_on": (datetime.date(2025, 1, 22) + datetime.timedelta(days=n)).isoformat(),
            "note": "",
            "source_url": "https://example.org/paper",
            "source_note": "paper, table 4",
        }
        for n in range(count)
    ]


CASES = {"models": ImportCase(AIModel, model_rows), "prices": ImportCase(PricePoint, price_rows)}
CASES["scores"] = ImportCase(BenchmarkScore, score_rows)


@pytest.fixture
def registry(db):
    lab = LabFactory(slug="deepseek", country="CN")
    model = AIModel.objects.create(slug="deepseek-r1", name="DeepSeek-R1", lab=lab)
    OfferingFactory(model=model)
    BenchmarkFactory(slug="gpqa-diamond", name="GPQA Diamond", scale_min=0, scale_max=100)


def upload(header: list[str], rows: list[dict[str, str]]) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)  # "\r\n" lines: a cell holding "\r" or "\n" gets quoted
    writer.writeheader()
    writer.writerows(rows)
    return named(out.getvalue().encode())


def named(content: bytes) -> io.BytesIO:
    data = io.BytesIO(content)
    data.name = "import.csv"
    return data


def preview(client, case: ImportCase, content: io.BytesIO):
    """Upload as a staff user would; returns (the response, the import result or None, a confirm form offered)."""
    before = database_state()
    response = client.post(case.url, {"format": "0", "import_file": content, "resource": "0"})
    assert response.status_code == 200
    assert database_state() == before  # a preview writes nothing
    context = response.context
    return response, context.get("result"), "confirm_form" in context


def errors_of_row(result, number: int) -> dict[str, list[str]]:
    """{column: [message]} shown for data row `number` (1-based); row errors (exceptions) under "__row__"."""
    shown: dict[str, list[str]] = {}
    for row in result.invalid_rows:
        if row.number == number:
            for field, messages in row.field_specific_errors.items():
                shown.setdefault(field, []).extend(map(str, messages))
            if row.non_field_specific_errors:
                shown.setdefault("__all__", []).extend(map(str, row.non_field_specific_errors))
    for line, errors in result.row_errors():
        if line == number:
            shown.setdefault("__row__", []).extend(str(e.error) for e in errors)
    return shown


def check_cells(client, case: ImportCase, changes: list[tuple[str, str]]) -> list[dict[str, list[str]] | None]:
    """Break one cell per row (row i gets changes[i] = (column, value)) and preview. Returns per row the errors
    shown for it, or None when the row was accepted."""
    rows = case.rows(len(changes))
    for row, (column, value) in zip(rows, changes, strict=True):
        row[column] = value
    response, result, offered = preview(client, case, upload(case.header, rows))
    assert result is not None, response.context["form"].errors  # these files are well-formed CSV
    assert not result.base_errors, [str(e.error) for e in result.base_errors]
    if not (result.has_errors() or result.has_validation_errors()):
        assert offered
        return [None] * len(changes)
    assert not offered  # a file with a bad row cannot be confirmed
    found = []
    for number in range(1, len(changes) + 1):
        shown = errors_of_row(result, number)
        if shown:
            assert set(shown) - {"__all__"}, f"the errors of row {number} name no column: {shown}"
            assert "__row__" not in shown, f"an unexplained exception: {shown}"
        found.append(shown or None)
    return found


@pytest.fixture
def staff_importer(client, registry):
    from tests.security.conftest import make_user, model_permissions

    perms = [p for m in (AIModel, PricePoint, BenchmarkScore) for p in model_permissions(m, "view", "add", "change")]
    client.force_login(make_user("importer", staff=True, perms=perms))
    return client


def assert_only_that_cell_is_refused(client, case: ImportCase, column: str, index: int, value: str) -> None:
    """Break row `index`'s `column` among 3 valid rows: only that row may be refused, naming that column (or the
    other field of a rule over two, CROSS_FIELD)."""
    valid = case.rows(3)
    changes = [(column, valid[i][column]) if i != index else (column, value) for i in range(3)]
    shown = check_cells(client, case, changes)
    assert shown[:index] + shown[index + 1 :] == [None, None]  # only the changed row is refused
    if shown[index] is not None and "__all__" not in shown[index]:
        assert shown[index].keys() & {column, *CROSS_FIELD.get(column, ())}, shown


@HYPOTHESIS
@given(data=st.data())
def test_a_bad_cell_is_shown_with_its_row_and_column_and_nothing_is_written(staff_importer, data):
    name = data.draw(st.sampled_from(sorted(CASES)), label="import")
    case = CASES[name]
    column = data.draw(st.sampled_from(case.header), label="column")
    index = data.draw(st.integers(0, 2), label="row index")
    value = data.draw(nasty_text, label="value")
    assume(value != case.rows(3)[index][column])
    assert_only_that_cell_is_refused(staff_importer, case, column, index, value)


def test_a_total_below_the_active_parameters_is_refused_on_the_rule_s_other_field(staff_importer):
    """Found by the fuzz above: a total of 1 is refused as "Active parameters cannot exceed the total."."""
    assert_only_that_cell_is_refused(staff_importer, CASES["models"], "parameters_total_b", 0, "1")


# A rule over two fields reports on one of them: a total of 1 (billion parameters) under the row's active count
# is "Active parameters cannot exceed the total." on parameters_active_b; a price's start is checked against its
# offering's retirement.
CROSS_FIELD = {"parameters_total_b": {"parameters_active_b"}, "offering": {"effective_from"}}


def expected_invalid(model: type[models.Model], column: str, value: str) -> bool:
    """What the admin's own form field would refuse (plus booleans in other words, and unknown related rows)."""
    field = model._meta.get_field(column)
    if "\x00" in value:
        return True
    if isinstance(field, models.BooleanField):
        return value.strip().lower() not in BOOLEAN_SPELLINGS
    if isinstance(field, models.ForeignKey):
        lookup = "slug" if hasattr(field.related_model, "slug") else "pk"
        try:
            return bool(value.strip()) and not field.related_model.objects.filter(**{lookup: value.strip()}).exists()
        except (ValueError, ValidationError):
            return True
    form_field = field.formfield()
    if form_field is None or (not value.strip() and not form_field.required):
        return False
    try:
        form_field.clean(value)
    except forms.ValidationError:
        return True
    return False


USUAL_SUSPECTS = ["", " ", "\x00", "x" * 5000, "-1", "1.5", "1e400", "NaN", "2025-02-30", "maybe", "no-such-slug"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_column_refuses_what_the_admin_form_refuses(staff_importer, name):
    """One upload per value: row i has the value in column i, so every column is tried at once."""
    case = CASES[name]
    for value in USUAL_SUSPECTS:
        shown = check_cells(staff_importer, case, [(column, value) for column in case.header])
        for column, errors in zip(case.header, shown, strict=True):
            if expected_invalid(case.model, column, value):
                assert errors is not None, f"{column}={value!r} was accepted"
                assert column in errors or "__all__" in errors, (column, value, errors)


@st.composite
def broken_files(draw, text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    line = draw(st.integers(0, len(lines) - 1), label="line")
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
def test_a_structurally_broken_file_is_refused_or_previewed_never_written(staff_importer, data):
    case = CASES[data.draw(st.sampled_from(sorted(CASES)), label="import")]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=case.header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(case.rows(3))
    content = data.draw(broken_files(out.getvalue()))
    response, result, offered = preview(staff_importer, case, named(content))
    if result is None:
        assert not offered and response.context["form"].errors
    elif result.has_errors() or result.has_validation_errors():
        assert not offered
        assert not result.base_errors or all(str(e.error) for e in result.base_errors)
    else:
        assert offered
