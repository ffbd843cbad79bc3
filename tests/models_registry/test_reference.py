import csv
import dataclasses
import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from benchmarks.models import BenchmarkScore
from models_registry.loading import ReferenceDataError, load_tables, reference_tables, source_fields
from models_registry.models import AIModel, Lab, TimelineEvent
from pricing.models import Offering, PricePoint

pytestmark = pytest.mark.django_db


def run_load() -> str:
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    return out.getvalue()


def shipped_rows(name: str) -> list[dict]:
    table = next(t for t in reference_tables() if t.path.name == name)
    with table.path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def model_release_date(slug: str) -> str:
    return next(row["release_date"] for row in shipped_rows("models.csv") if row["slug"] == slug)


def test_load_reference_creates_one_row_per_line_of_the_shipped_files():
    output = run_load()
    assert Lab.objects.count() == len(shipped_rows("labs.csv"))
    assert AIModel.objects.count() == len(shipped_rows("models.csv"))
    assert Offering.objects.count() == len(shipped_rows("offerings.csv"))
    undated = [r for r in shipped_rows("scores.csv") if not r["reported_on"] and not model_release_date(r["model"])]
    assert BenchmarkScore.objects.count() == len(shipped_rows("scores.csv")) - len(undated)
    assert f"skipped {len(undated):>4}" in output
    assert TimelineEvent.objects.count() == len(shipped_rows("events.csv"))
    assert f"models.csv       created  {AIModel.objects.count()}" in output


def test_a_price_row_applies_to_every_offering_of_its_model_and_provider():
    run_load()
    expected = sum(
        Offering.objects.filter(model__slug=row["model"], provider__slug=row["provider"]).count()
        for row in shipped_rows("prices.csv")
    )
    assert PricePoint.objects.count() == expected


def test_second_load_changes_nothing():
    run_load()
    before = {m.slug: m.updated_at for m in AIModel.objects.all()}
    output = run_load()
    assert "created    0  updated    0" in output
    assert all(
        line.split()[2:5] == ["0", "updated", "0"] for line in output.splitlines() if line.split()[0].endswith(".csv")
    )
    assert {m.slug: m.updated_at for m in AIModel.objects.all()} == before


def test_an_edited_row_is_reported_as_updated(tmp_path):
    run_load()
    Lab.objects.filter(slug="deepseek").update(headquarters_city="Elsewhere")
    output = run_load()
    assert "labs.csv         created    0  updated    1" in output
    assert Lab.objects.get(slug="deepseek").headquarters_city == "Hangzhou"


def test_every_row_keeps_its_source():
    run_load()
    r1 = AIModel.objects.get(slug="deepseek-r1")
    assert r1.source_note
    assert BenchmarkScore.objects.filter(source_note="").count() == 0
    assert PricePoint.objects.filter(source_note="").count() == 0


def test_source_link_is_the_first_url_of_the_citation():
    assert source_fields("see https://a.test/x (table 2); https://b.test")["source_url"] == "https://a.test/x"
    assert source_fields("arXiv paper (PDF: github.com/deepseek-ai/DeepSeek-R1/blob/main/x.pdf)")["source_url"] == (
        "https://github.com/deepseek-ai/DeepSeek-R1/blob/main/x.pdf"
    )
    assert source_fields("a book, page 3") == {"source_url": "", "source_note": "a book, page 3"}


def copy_tables_with(tmp_path, name: str, edit) -> list:
    """The shipped tables, with `name` copied to tmp_path and changed by edit(rows)."""
    tables = []
    for table in reference_tables():
        if table.path.name == name:
            with table.path.open(newline="") as handle:
                reader = csv.DictReader(handle)
                fields, rows = reader.fieldnames, list(reader)
            edit(rows)
            target = tmp_path / name
            with target.open("w", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)
            table = dataclasses.replace(table, path=target)
        tables.append(table)
    return tables


@pytest.mark.parametrize(
    ("name", "row", "column", "value", "message"),
    [
        ("labs.csv", 3, "country", "XX", "country"),
        ("models.csv", 5, "lab", "no-such-lab", "no lab with slug 'no-such-lab'"),
        ("models.csv", 7, "release_date", "2025-13-40", "is not a date"),
        ("prices.csv", 4, "input_per_mtok", "-3", "cannot be negative"),
        ("prices.csv", 4, "output_per_mtok", "cheap", "is not a number"),
        ("scores.csv", 10, "value", "101", "outside"),
        ("providers.csv", 2, "api_key_env", "sk-live-abc", "NAME of an environment variable"),
    ],
)
def test_a_bad_cell_names_file_row_and_field_and_writes_nothing(tmp_path, name, row, column, value, message):
    def edit(rows):
        rows[row - 2][column] = value  # row numbers count the header as row 1

    tables = copy_tables_with(tmp_path, name, edit)
    with pytest.raises(ReferenceDataError) as info:
        load_tables(tables)
    assert any(e.startswith(f"{name}, row {row}, field {column!r}") and message in e for e in info.value.errors), (
        info.value.errors
    )
    assert Lab.objects.count() == 0
    assert AIModel.objects.count() == 0
    assert BenchmarkScore.objects.count() == 0


def test_a_bad_file_on_a_second_load_leaves_the_first_load_as_it_was(tmp_path):
    run_load()
    before = list(PricePoint.objects.order_by("id").values_list("id", "input_per_mtok"))

    def edit(rows):
        rows[0]["input_per_mtok"] = "7"  # a valid change ...
        rows[1]["input_per_mtok"] = "-1"  # ... in the same file as a bad one

    with pytest.raises(ReferenceDataError):
        load_tables(copy_tables_with(tmp_path, "prices.csv", edit))
    assert list(PricePoint.objects.order_by("id").values_list("id", "input_per_mtok")) == before


def test_a_file_missing_a_column_is_refused(tmp_path):
    table = next(t for t in reference_tables() if t.path.name == "labs.csv")
    broken = tmp_path / "labs.csv"
    shutil.copy(table.path, broken)
    broken.write_text(broken.read_text().replace("slug,name,country", "slug,name,nation", 1))
    with pytest.raises(ReferenceDataError) as info:
        load_tables([dataclasses.replace(table, path=broken)])
    assert "labs.csv, header: missing column(s) country" in info.value.errors[0]


def test_command_reports_errors_as_a_command_error(tmp_path, monkeypatch):
    tables = copy_tables_with(tmp_path, "labs.csv", lambda rows: rows[0].update(country="XX"))
    monkeypatch.setattr("models_registry.management.commands.load_reference.reference_tables", lambda: tables)
    with pytest.raises(CommandError, match=r"nothing was written:\nlabs.csv, row 2, field 'country'"):
        run_load()
    assert Lab.objects.count() == 0


def test_an_undated_score_takes_its_models_release_date_and_says_so(tmp_path):
    run_load()
    undated = [r for r in shipped_rows("scores.csv") if not r["reported_on"] and model_release_date(r["model"])]
    assert undated, "the shipped data has undated scores of dated models"
    for row in undated:
        score = BenchmarkScore.objects.get(model__slug=row["model"], benchmark__slug=row["benchmark"])
        assert score.reported_on.isoformat() == model_release_date(row["model"])
        assert "reported_on unknown" in score.note


def test_a_score_with_neither_date_is_skipped_and_reported():
    output = run_load()
    skipped = [r for r in shipped_rows("scores.csv") if not r["reported_on"] and not model_release_date(r["model"])]
    assert skipped
    assert output.count("skipped scores.csv, row") == len(skipped)
    for row in skipped:
        assert not BenchmarkScore.objects.filter(model__slug=row["model"], benchmark__slug=row["benchmark"]).exists()


def run_load_with(*args: str) -> str:
    out = io.StringIO()
    call_command("load_reference", *args, stdout=out)
    return out.getvalue()


def edit_release_date_through_the_api(slug: str, value: str) -> None:
    from tests.api_helpers import detail_url, writer_client

    client = writer_client("models_registry", "aimodel", "change")
    response = client.patch(detail_url("aimodel", slug), {"release_date": value}, format="json")
    assert response.status_code == 200, response.content


def test_a_row_a_person_edited_since_the_last_load_is_kept_and_reported():
    run_load()
    shipped = model_release_date("deepseek-v3.2")
    edit_release_date_through_the_api("deepseek-v3.2", "2025-11-30")
    output = run_load()
    assert "kept 1 edited row: models.csv deepseek-v3.2 release_date" in output
    assert "models.csv       created    0  updated    0" in output
    assert AIModel.objects.get(slug="deepseek-v3.2").release_date.isoformat() == "2025-11-30"
    assert "kept 1 edited row" in run_load()  # still kept: the loader did not write it
    assert shipped != "2025-11-30"


def test_overwrite_edits_puts_the_shipped_value_back_and_later_loads_change_nothing():
    run_load()
    edit_release_date_through_the_api("deepseek-v3.2", "2025-11-30")
    output = run_load_with("--overwrite-edits")
    assert "kept" not in output
    assert "models.csv       created    0  updated    1" in output
    assert AIModel.objects.get(slug="deepseek-v3.2").release_date.isoformat() == model_release_date("deepseek-v3.2")
    latest = AIModel.history.filter(slug="deepseek-v3.2").latest("history_date")
    assert (latest.history_user, latest.history_change_reason) == (None, "load_reference")
    again = run_load()
    assert "kept" not in again and "updated    1" not in again


def test_an_edit_before_the_last_load_is_not_protected_by_that_load():
    """A person's edit that the loader has since overwritten is history: a new difference is the loader's to fix."""
    run_load()
    edit_release_date_through_the_api("deepseek-v3.2", "2025-11-30")
    run_load_with("--overwrite-edits")
    AIModel.objects.filter(slug="deepseek-v3.2").update(name="Changed without history")
    output = run_load()
    assert "kept" not in output
    assert AIModel.objects.get(slug="deepseek-v3.2").name == "DeepSeek-V3.2"


def test_only_missing_creates_missing_rows_and_changes_no_existing_row():
    run_load()
    TimelineEvent.objects.order_by("id").first().delete()
    Lab.objects.filter(slug="deepseek").update(headquarters_city="Elsewhere")
    output = run_load_with("--only-missing")
    assert "events.csv       created    1" in output
    assert "left 1 existing row(s)" in output
    assert TimelineEvent.objects.count() == len(shipped_rows("events.csv"))
    assert Lab.objects.get(slug="deepseek").headquarters_city == "Elsewhere"


def test_only_missing_on_an_empty_registry_loads_everything():
    """The alias tables fill in rows that labs.csv and models.csv created in the same load: not existing rows."""
    output = run_load_with("--only-missing")
    assert "left" not in output
    assert AIModel.objects.count() == len(shipped_rows("models.csv"))
    for row in shipped_rows("model_aliases.csv"):
        assert AIModel.objects.get(slug=row["model"]).aliases == row["aliases"].split("|")
    for row in shipped_rows("lab_aliases.csv"):
        assert Lab.objects.get(slug=row["lab"]).aliases == row["aliases"].split("|")
    assert "created    0" in run_load_with("--only-missing")


def test_only_missing_and_overwrite_edits_together_are_refused():
    with pytest.raises(CommandError, match="cannot be combined"):
        run_load_with("--only-missing", "--overwrite-edits")
    assert Lab.objects.count() == 0


def test_a_kept_edit_does_not_stop_a_bad_file_from_writing_nothing(tmp_path):
    run_load()
    edit_release_date_through_the_api("deepseek-v3.2", "2025-11-30")
    tables = copy_tables_with(tmp_path, "labs.csv", lambda rows: rows[0].update(country="XX"))
    with pytest.raises(ReferenceDataError):
        load_tables(tables)
    assert AIModel.objects.get(slug="deepseek-v3.2").release_date.isoformat() == "2025-11-30"
