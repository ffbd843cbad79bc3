"""List pages read `.values_list()` rows through each serializer's RowReader (models_registry/api/reading.py): the
same output as the serializer, field by field, and the same JSON and CSV bodies, for every resource of /api/v1/."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from config.api_urls import router
from models_registry.api import viewsets as api_viewsets
from models_registry.api.reading import row_reader
from models_registry.api.renderers import ApiJSONRenderer
from pricing.api.serializers import OfferingSerializer
from tests.api_helpers import csv_rows, list_url
from tests.factories import (
    AIModelFactory,
    BenchmarkFactory,
    BenchmarkScoreFactory,
    LabFactory,
    ModelProposalFactory,
    OfferingFactory,
    PricePointFactory,
    ProbeResultFactory,
    ProviderFactory,
    SourceRunFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db

ROUTES = [pytest.param(viewset, basename, id=prefix) for prefix, viewset, basename in router.registry]
UTC = datetime.UTC

# Output fields each resource shows both empty (None) and filled in the world below: the reader's None handling
# and its conversion are both exercised.
NULLABLE = {
    "lab": ["parent", "founded_year"],
    "aimodel": ["release_date", "parameters_total_b", "parameters_active_b", "context_window"],
    "timelineevent": [],
    "sourcerun": ["finished_at"],
    "provider": ["lab"],
    "offering": ["available_from", "retired_on"],
    "pricepoint": ["effective_to", "cached_input_per_mtok", "retrieved_at", "source_run"],
    "benchmark": [],
    "benchmarkscore": ["source_run"],
    "modelproposal": ["lab", "release_date", "model", "source_run"],
    "proberesult": ["http_status", "ttft_ms", "total_ms", "input_tokens", "output_tokens", "output_tokens_per_s"],
}


@pytest.fixture
def world(db):
    """Rows of every resource with empty and filled optional fields, decimals of several scales, dates, timestamps
    with and without microseconds, non-ASCII and JSON-hostile text (U+2028, quotes, control characters)."""
    parent = LabFactory(slug="deepseek", name="DeepSeek", country="CN", founded_year=2023, website="")
    lab = LabFactory(
        slug="deepseek-labs", name="深度求索 Labs", country="CN", parent=parent, headquarters_city="Hangzhou 杭州"
    )
    us = LabFactory(slug="openai", name="OpenAI", country="US", website="https://openai.com")
    run = SourceRunFactory(
        finished_at=datetime.datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
        unmatched=["x/unknown"],
        rejected=[{"id": "y", "reason": 'a "quoted"\u2028reason'}],
        status="ok",
    )
    SourceRunFactory(started_at=datetime.datetime(2025, 3, 2, tzinfo=UTC), error="timed out\nafter 30 s")
    r1 = AIModelFactory(
        slug="deepseek-r1",
        lab=lab,
        parameters_total_b=Decimal("671"),
        parameters_active_b=Decimal("37.5"),
        context_window=131072,
        aliases=["deepseek/deepseek-r1", "deepseek-reasoner"],
        reasoning=True,
        open_weights=True,
        license="MIT",
        source_note="line one\u2029line two \x07 bell",
    )
    gpt = AIModelFactory(slug="gpt-4o", lab=us, release_date=None, source_url="https://example.com/a?b=c&d=é")
    ModelProposalFactory(lab=us, model=gpt, source_run=run, country="US", organization="OpenAI «Labs»")
    ModelProposalFactory(
        source="openrouter", lab=None, release_date=None, country="", upstream_id="z-ai/glm-6", status="rejected"
    )
    TimelineEventFactory(country="CN", title="Export rule — «tier 2»")
    TimelineEventFactory(country="", date=datetime.date(2024, 12, 31))
    host = ProviderFactory(slug="together", country="US", lab=None)
    own = ProviderFactory(slug="deepseek-api", country="CN", lab=lab)
    first = OfferingFactory(model=r1, provider=own, available_from=datetime.date(2025, 1, 20))
    hosted = OfferingFactory(model=r1, provider=host, retired_on=datetime.date(2025, 9, 1))
    OfferingFactory(model=gpt, provider=ProviderFactory(slug="openai-api", lab=us))
    PricePointFactory(
        offering=first,
        input_per_mtok=Decimal("0.55"),
        output_per_mtok=Decimal("2.19"),
        cached_input_per_mtok=Decimal("0.14"),
        retrieved_at=datetime.datetime(2025, 2, 1, 8, 30, tzinfo=UTC),
        source_run=run,
    )
    PricePointFactory(  # a blended price with more places than the columns: (3 * 0.00000001 + 0.00000003) / 4
        offering=hosted,
        input_per_mtok=Decimal("0.00000001"),
        output_per_mtok=Decimal("0.00000003"),
        effective_to=datetime.date(2025, 6, 1),
        off_peak=True,
        note="night 夜",
    )
    PricePointFactory(offering=hosted, effective_from=datetime.date(2025, 6, 1), input_per_mtok=Decimal("1234.5"))
    bench = BenchmarkFactory(slug="aime-2025", scale_min=0.0, scale_max=100.0, url="https://example.com/aime")
    BenchmarkFactory(slug="elo", higher_is_better=True, scale_min=800.5, scale_max=2000.0)
    BenchmarkScoreFactory(model=r1, benchmark=bench, value=79.8, source_run=run)  # self-reported
    BenchmarkScoreFactory(model=r1, benchmark=bench, value=74.25, evaluated_by="openai", metric="pass@8")
    ProbeResultFactory(offering=first, http_status=200, started_at=datetime.datetime(2025, 5, 1, 1, 2, 3, tzinfo=UTC))
    ProbeResultFactory(
        offering=hosted,
        ok=False,
        error_kind="timeout",
        http_status=None,
        ttft_ms=None,
        total_ms=None,
        input_tokens=None,
        output_tokens=None,
        output_tokens_per_s=None,
        started_at=timezone.now(),
    )


@pytest.mark.parametrize("viewset, basename", ROUTES)
def test_list_rows_read_from_columns_equal_the_serializers_field_by_field(world, viewset, basename):
    reader = row_reader(viewset.serializer_class)
    assert reader is not None, f"{viewset.serializer_class.__name__} has a field no column gives; see read_sources"
    queryset = viewset().get_queryset().order_by("pk")
    expected = viewset.serializer_class(queryset, many=True).data
    read = reader.represent(reader.rows(queryset))
    assert len(read) == len(expected) >= 2
    for want, have in zip(expected, read, strict=True):
        assert list(have) == list(want)  # the same fields in the same order
        for name, value in want.items():
            assert (have[name], type(have[name])) == (value, type(value)), f"{basename}.{name}"
    for name in NULLABLE[basename]:
        shown = [row[name] for row in expected]
        assert None in shown and any(v is not None for v in shown), f"the world leaves {basename}.{name} untested"
    decimals = [n for n, f in viewset.serializer_class().fields.items() if type(f).__name__ == "DecimalField"]
    assert all(isinstance(row[n], str | None) for row in read for n in decimals)  # decimals as strings


@pytest.mark.parametrize("viewset, basename", ROUTES)
def test_list_answers_are_the_serializers_answers_byte_for_byte(world, api_client, monkeypatch, viewset, basename):
    """The JSON of a page equals DRF's renderer on the serializer's page, and the CSV export the serializer's."""
    urls = {"json": list_url(basename, page_size=2), "csv": list_url(basename, format="csv")}
    read = {kind: api_client.get(url) for kind, url in urls.items()}
    monkeypatch.setattr(api_viewsets, "row_reader", lambda serializer_class: None)  # the serializer's path
    serialized = {kind: api_client.get(url) for kind, url in urls.items()}

    assert read["json"].status_code == serialized["json"].status_code == 200
    assert read["json"].content == JSONRenderer().render(serialized["json"].data)
    assert json.loads(read["json"].content)["next"] == json.loads(serialized["json"].content)["next"]
    assert read["csv"].content == serialized["csv"].content
    assert len(csv_rows(read["csv"])) >= 2


def test_a_serializer_with_a_field_no_column_gives_lists_through_the_serializer():
    class WithoutSources(OfferingSerializer):
        read_sources: dict = {}  # is_first_party is a model property: no column holds it

    assert row_reader(WithoutSources) is None
    assert row_reader(OfferingSerializer) is not None


PAYLOAD = {
    "text": 'quote " backslash \\ slash / é 深 \u2028 \u2029 \x00 \x1f \x7f \t\n',
    "lazy": gettext_lazy("Not found."),
    "error": ErrorDetail("Unknown field.", code="invalid"),
    "numbers": [0, -1, 2**63 - 1, 1.5, 79.8, 0.1 + 0.2, 1e16, True, False, None],
    "decimal": Decimal("12.50"),
    "when": [
        datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime.datetime(2025, 1, 2, 3, 4, 5, 600, tzinfo=UTC),
        datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
        datetime.datetime(2025, 1, 2, 3, 4, 5),
        datetime.date(2025, 1, 2),
        datetime.time(3, 4, 5, 600),
    ],
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "nested": {"rows": [{"a": [1, {"b": None}]}], "empty": {}, "tuple": (1, 2)},
}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PAYLOAD, id="mixed"),
        pytest.param({"big": 2**70}, id="past-64-bits"),
        pytest.param(None, id="none"),
        pytest.param([], id="empty"),
    ],
)
def test_the_orjson_renderer_writes_what_drfs_json_renderer_writes(data):
    assert ApiJSONRenderer().render(data) == JSONRenderer().render(data)


def test_the_orjson_renderer_indents_as_drf_does_when_asked():
    media_type = "application/json; indent=2"
    assert ApiJSONRenderer().render(PAYLOAD, media_type) == JSONRenderer().render(PAYLOAD, media_type)
    assert b"\n  " in ApiJSONRenderer().render(PAYLOAD, media_type)
