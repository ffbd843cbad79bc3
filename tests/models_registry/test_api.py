"""REST API of the registry: labs/, models/, events/, source-runs/, plus the behaviour every resource shares
(pagination, CSV export, ordering, auth, throttling), tested here once on real endpoints."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import resolve
from rest_framework.test import APIClient

from models_registry.api.errors import unmatched_api_url
from models_registry.models import AIModel, Lab, SourceRun, TimelineEvent
from tests.api_helpers import (
    assert_list_and_detail_queries_bounded,
    csv_rows,
    detail_url,
    list_url,
    make_user,
    results,
    slugs,
    token_client,
    writer_client,
)
from tests.factories import (
    AIModelFactory,
    BenchmarkScoreFactory,
    LabFactory,
    PricePointFactory,
    ProbeResultFactory,
    SourceRunFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def labs():
    us = LabFactory(slug="openai", name="OpenAI", country="US", headquarters_city="San Francisco", founded_year=2015)
    cn = LabFactory(slug="deepseek", name="DeepSeek", country="CN", headquarters_city="Hangzhou", founded_year=2023)
    sub = LabFactory(slug="qwen", name="Qwen team", country="CN", parent=LabFactory(slug="alibaba", name="Alibaba"))
    return {"us": us, "cn": cn, "sub": sub}


@pytest.fixture
def models(labs):
    return {
        "gpt": AIModelFactory(
            slug="gpt-4.1", name="GPT-4.1", lab=labs["us"], release_date=datetime.date(2025, 4, 14), reasoning=False
        ),
        "o3": AIModelFactory(
            slug="o3", name="o3", lab=labs["us"], release_date=datetime.date(2025, 4, 16), reasoning=True
        ),
        "r1": AIModelFactory(
            slug="deepseek-r1",
            name="DeepSeek-R1",
            lab=labs["cn"],
            release_date=datetime.date(2025, 1, 20),
            open_weights=True,
            reasoning=True,
            aliases=["deepseek/deepseek-r1"],
        ),
        "undated": AIModelFactory(slug="qwen-next", name="Qwen Next", lab=labs["sub"], release_date=None),
    }


# --- reading -----------------------------------------------------------------------------------------------


def test_model_detail_is_found_by_a_dotted_slug_and_names_its_lab_and_country(api_client, models):
    response = api_client.get(detail_url("aimodel", "gpt-4.1"))
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "gpt-4.1"
    assert (body["lab"], body["lab_name"], body["country"]) == ("openai", "OpenAI", "US")


def test_unknown_slug_answers_404(api_client, models):
    assert api_client.get(detail_url("aimodel", "no-such-model")).status_code == 404


def test_lab_output_names_its_parent_by_slug(api_client, labs):
    body = api_client.get(detail_url("lab", "qwen")).json()
    assert body["parent"] == "alibaba"
    assert body["country"] == "CN"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "CN"}, ["deepseek-r1", "qwen-next"]),
        ({"country": "cn"}, ["deepseek-r1", "qwen-next"]),
        ({"lab": "openai"}, ["gpt-4.1", "o3"]),
        ({"open_weights": "true"}, ["deepseek-r1"]),
        ({"reasoning": "true"}, ["deepseek-r1", "o3"]),
        ({"reasoning": "false", "country": "US"}, ["gpt-4.1"]),
        ({"released_after": "2025-04-15"}, ["o3"]),
        ({"released_before": "2025-04-14"}, ["deepseek-r1", "gpt-4.1"]),
        ({"released": "false"}, ["qwen-next"]),
    ],
)
def test_model_filters_keep_only_matching_models(api_client, models, params, expected):
    assert slugs(api_client.get(list_url("aimodel", **params))) == expected


def test_model_search_matches_name_lab_and_alias(api_client, models):
    assert slugs(api_client.get(list_url("aimodel", search="deepseek"))) == ["deepseek-r1"]
    assert slugs(api_client.get(list_url("aimodel", search="OpenAI"))) == ["gpt-4.1", "o3"]


def test_model_ordering_by_public_names(api_client, models):
    ordered = slugs(api_client.get(list_url("aimodel", ordering="-release_date", released="true")))
    assert ordered == ["o3", "gpt-4.1", "deepseek-r1"]
    by_country = slugs(api_client.get(list_url("aimodel", ordering="country,-slug")))
    assert by_country == ["qwen-next", "deepseek-r1", "o3", "gpt-4.1"]


def test_unknown_ordering_field_answers_400_naming_the_choices(api_client, models):
    response = api_client.get(list_url("aimodel", ordering="lab__secret"))
    assert response.status_code == 400
    assert "release_date" in response.json()["ordering"][0]
    assert api_client.get(list_url("aimodel", ordering=",")).status_code == 400
    assert api_client.get(list_url("aimodel", ordering="")).status_code == 200  # empty: the default order


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "CN"}, ["deepseek", "qwen"]),
        ({"parent": "alibaba"}, ["qwen"]),
        ({"founded_after": "2020"}, ["deepseek"]),
        ({"founded_before": "2020"}, ["openai"]),
        ({"search": "hangzhou"}, ["deepseek"]),
    ],
)
def test_lab_filters_and_search(api_client, labs, params, expected):
    assert slugs(api_client.get(list_url("lab", **params))) == expected


def test_event_filters_by_kind_country_and_dates(api_client):
    TimelineEventFactory(date=datetime.date(2022, 10, 7), title="Oct 7 controls", kind="export-control", country="US")
    TimelineEventFactory(date=datetime.date(2025, 1, 20), title="R1 released", kind="model-release", country="CN")
    TimelineEventFactory(date=datetime.date(2025, 2, 26), title="Off-peak discount", kind="price-cut", country="CN")

    def titles(**params):
        return slugs(api_client.get(list_url("timelineevent", **params)), "title")

    assert titles(kind="export-control") == ["Oct 7 controls"]
    assert titles(country="cn") == ["R1 released", "Off-peak discount"]
    assert titles(date_after="2025-01-21") == ["Off-peak discount"]
    assert titles(date_before="2025-01-20", ordering="-date") == ["R1 released", "Oct 7 controls"]
    assert titles(search="discount") == ["Off-peak discount"]
    assert api_client.get(list_url("timelineevent", kind="coup")).status_code == 400


def test_source_runs_are_listed_filtered_and_read_only(api_client):
    now = datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)
    SourceRunFactory(source="openrouter", status="ok", started_at=now, created_count=3)
    SourceRunFactory(source="litellm", status="failed", started_at=now - datetime.timedelta(days=2), error="timeout")
    assert slugs(api_client.get(list_url("sourcerun", source="litellm")), "status") == ["failed"]
    assert slugs(api_client.get(list_url("sourcerun", status="ok")), "source") == ["openrouter"]
    assert slugs(api_client.get(list_url("sourcerun", started_after="2025-06-01")), "source") == ["openrouter"]
    assert slugs(api_client.get(list_url("sourcerun", search="timeout")), "source") == ["litellm"]
    superuser = token_client(User.objects.create_superuser("root", password="pw-for-tests-only"))
    assert superuser.post(list_url("sourcerun"), {"source": "x", "started_at": now.isoformat()}).status_code == 405
    run = SourceRun.objects.get(source="openrouter")
    assert superuser.delete(detail_url("sourcerun", run.pk)).status_code == 405
    assert SourceRun.objects.count() == 2


# --- pagination and CSV (shared by every list) ------------------------------------------------------------


def test_page_size_is_bounded_and_malformed_pages_answer_400(api_client):
    LabFactory.create_batch(3)
    assert len(results(api_client.get(list_url("lab", page_size=2)))) == 2
    assert len(results(api_client.get(list_url("lab", page_size=500)))) == 3
    for bad in ("501", "0", "-1", "abc", "2.5", "1e3", ""):
        response = api_client.get(list_url("lab", page_size=bad))
        assert response.status_code == 400, bad
        assert "page_size" in response.json()
    assert api_client.get(list_url("lab", page="x")).status_code == 400
    assert api_client.get(list_url("lab", page="0")).status_code == 400
    assert api_client.get(list_url("lab", page="99")).status_code == 404
    assert len(results(api_client.get(list_url("lab", page="last", page_size=2)))) == 1


def test_default_page_holds_50_rows_and_pages_do_not_overlap(api_client):
    LabFactory.create_batch(60, name="Same name")  # equal sort keys: the pk breaks ties
    first = api_client.get(list_url("lab", ordering="name")).json()
    second = api_client.get(list_url("lab", ordering="name", page=2)).json()
    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert len(second["results"]) == 10
    assert not {r["slug"] for r in first["results"]} & {r["slug"] for r in second["results"]}


def test_csv_export_holds_every_filtered_row_not_one_page(api_client):
    cn = LabFactory(slug="cn-lab", country="CN")
    AIModelFactory.create_batch(60, lab=cn)
    AIModelFactory.create_batch(5)  # US: filtered out
    response = api_client.get(list_url("aimodel", country="CN", format="csv", page_size=1))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="models.csv"'
    rows = csv_rows(response)
    assert len(rows) == 60
    assert {row["country"] for row in rows} == {"CN"}
    header = response.content.decode().splitlines()[0].split(",")
    assert header[:5] == ["slug", "name", "lab", "lab_name", "country"]


def test_csv_cells_join_lists_and_defuse_formulas(api_client, labs):
    AIModelFactory(slug="m1", name="=HYPERLINK(1)", lab=labs["us"], aliases=["a/one", "a/two"], open_weights=True)
    (row,) = csv_rows(api_client.get(list_url("aimodel", format="csv")))
    assert row["aliases"] == "a/one; a/two"
    assert row["name"] == "'=HYPERLINK(1)"
    assert row["open_weights"] == "true"


def test_csv_request_with_bad_input_still_answers_json_400(api_client):
    response = api_client.get(list_url("aimodel", format="csv", released_after="yesterday"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "released_after" in response.json()


def test_csv_is_offered_on_lists_only(api_client, models):
    response = api_client.get(detail_url("aimodel", "o3") + "?format=csv")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "CSV is for lists" in response.json()["format"][0]
    assert api_client.get(detail_url("aimodel", "o3") + "?format=xml").status_code == 404  # no such format at all


@pytest.mark.parametrize(
    ("basename", "make", "key"),
    [
        ("lab", lambda: LabFactory.create_batch(101, parent=LabFactory()), "slug"),
        ("aimodel", lambda: AIModelFactory.create_batch(101), "slug"),
        ("timelineevent", lambda: TimelineEventFactory.create_batch(101), "pk"),
        ("sourcerun", lambda: SourceRunFactory.create_batch(101), "pk"),
    ],
)
def test_registry_endpoints_run_a_fixed_number_of_queries(
    api_client, django_assert_max_num_queries, basename, make, key
):
    rows = make()
    assert_list_and_detail_queries_bounded(api_client, basename, getattr(rows[0], key), django_assert_max_num_queries)


# --- writing -----------------------------------------------------------------------------------------------

LAB = {"slug": "moonshot", "name": "Moonshot AI", "country": "CN", "website": "https://moonshot.ai"}


def test_anonymous_writes_answer_401_and_write_nothing(api_client, labs):
    assert api_client.post(list_url("lab"), LAB, format="json").status_code == 401
    assert api_client.patch(detail_url("lab", "openai"), {"name": "x"}, format="json").status_code == 401
    assert api_client.delete(detail_url("lab", "openai")).status_code == 401
    assert not Lab.objects.filter(slug="moonshot").exists()
    assert Lab.objects.get(slug="openai").name == "OpenAI"


def test_token_without_the_model_permission_answers_403(labs):
    client = token_client(make_user("models_registry.add_aimodel"))  # a permission on another model
    assert client.post(list_url("lab"), LAB, format="json").status_code == 403
    assert client.delete(detail_url("lab", "openai")).status_code == 403
    assert client.get(list_url("lab")).status_code == 200  # reading needs no permission
    assert Lab.objects.count() == 4


def test_each_write_needs_its_own_permission(labs):
    client = writer_client("models_registry", "lab", "add")
    assert client.post(list_url("lab"), LAB, format="json").status_code == 201
    assert client.patch(detail_url("lab", "moonshot"), {"name": "Kimi"}, format="json").status_code == 403
    assert client.delete(detail_url("lab", "moonshot")).status_code == 403


def test_lab_create_update_delete_with_token_and_permission(labs):
    client = writer_client("models_registry", "lab")
    response = client.post(list_url("lab"), {**LAB, "country": "cn", "parent": "deepseek"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["country"] == "CN"
    assert Lab.objects.get(slug="moonshot").parent.slug == "deepseek"

    response = client.patch(detail_url("lab", "moonshot"), {"name": "Moonshot", "parent": None}, format="json")
    assert response.status_code == 200
    assert (Lab.objects.get(slug="moonshot").name, Lab.objects.get(slug="moonshot").parent) == ("Moonshot", None)

    assert client.put(detail_url("lab", "moonshot"), {**LAB, "name": "Put"}, format="json").status_code == 200
    assert client.delete(detail_url("lab", "moonshot")).status_code == 204
    assert not Lab.objects.filter(slug="moonshot").exists()


def test_api_edits_are_kept_in_history_with_the_user(labs):
    client = writer_client("models_registry", "lab")
    client.patch(detail_url("lab", "openai"), {"name": "OpenAI Inc."}, format="json")
    latest = Lab.history.filter(slug="openai").latest("history_date")
    assert (latest.name, latest.history_user.username) == ("OpenAI Inc.", "w-lab")


def test_deleting_a_lab_that_still_has_models_answers_409(models):
    client = writer_client("models_registry", "lab")
    response = client.delete(detail_url("lab", "openai"))
    assert response.status_code == 409
    assert "AI models" in response.json()["detail"]
    assert Lab.objects.filter(slug="openai").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**LAB, "country": "XX"}, "country"),
        ({**LAB, "slug": "Moon Shot"}, "slug"),
        ({**LAB, "slug": "openai"}, "slug"),  # taken
        ({**LAB, "parent": "no-such-lab"}, "parent"),
        ({**LAB, "founded_year": "soon"}, "founded_year"),
        ({**LAB, "founded_year": 10**12}, "founded_year"),
        ({**LAB, "website": "not a url"}, "website"),
        ({**LAB, "name": ["a list"]}, "name"),
        ({**LAB, "name": "nul\x00byte"}, "name"),
        ({"slug": "moonshot"}, "name"),
    ],
)
def test_bad_lab_input_answers_400_with_field_errors_and_writes_nothing(labs, payload, field):
    client = writer_client("models_registry", "lab")
    response = client.post(list_url("lab"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Lab.objects.filter(slug__in=["moonshot", "Moon Shot"]).exists()


def test_a_lab_cannot_become_its_own_parent(labs):
    client = writer_client("models_registry", "lab")
    response = client.patch(detail_url("lab", "openai"), {"parent": "openai"}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()


MODEL = {"slug": "kimi-k2.5", "name": "Kimi K2.5", "lab": "deepseek", "release_date": "2026-01-27"}


def test_model_create_names_its_lab_by_slug(labs):
    client = writer_client("models_registry", "aimodel")
    response = client.post(
        list_url("aimodel"), {**MODEL, "aliases": ["moonshotai/kimi-k2.5"], "parameters_total_b": "1000"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["lab"], body["country"], body["aliases"]) == ("deepseek", "CN", ["moonshotai/kimi-k2.5"])
    assert AIModel.objects.get(slug="kimi-k2.5").lab.slug == "deepseek"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**MODEL, "lab": "no-such-lab"}, "lab"),
        ({**MODEL, "lab": None}, "lab"),
        ({**MODEL, "lab": "deep\x00seek"}, "lab"),  # PostgreSQL refuses NUL in a query: must not reach it
        ({**MODEL, "lab": 42}, "lab"),
        ({**MODEL, "slug": "gpt-4.1"}, "slug"),
        ({**MODEL, "slug": ".dot-first"}, "slug"),
        ({**MODEL, "release_date": "27/01/2026"}, "release_date"),
        ({**MODEL, "release_date": "2026-02-30"}, "release_date"),
        ({**MODEL, "open_weights": "maybe"}, "open_weights"),
        ({**MODEL, "context_window": -5}, "context_window"),
        ({**MODEL, "context_window": "lots"}, "context_window"),
        ({**MODEL, "parameters_total_b": "abc"}, "parameters_total_b"),
        ({**MODEL, "parameters_total_b": "12345678901"}, "parameters_total_b"),
        ({**MODEL, "parameters_total_b": "0"}, "non_field_errors"),  # CheckConstraint: > 0
        ({**MODEL, "parameters_total_b": "10", "parameters_active_b": "20"}, "parameters_active_b"),
        ({**MODEL, "aliases": ["deepseek/deepseek-r1"]}, "aliases"),  # held by deepseek-r1
        ({**MODEL, "aliases": ["x/y", "x/y"]}, "aliases"),
        ({**MODEL, "aliases": [""]}, "aliases"),
        ({**MODEL, "aliases": "x/y"}, "aliases"),
    ],
)
def test_bad_model_input_answers_400_with_field_errors_and_writes_nothing(models, payload, field):
    client = writer_client("models_registry", "aimodel")
    response = client.post(list_url("aimodel"), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert AIModel.objects.count() == 4


def test_model_update_validates_the_row_as_it_would_be_saved(models):
    client = writer_client("models_registry", "aimodel")
    response = client.patch(detail_url("aimodel", "deepseek-r1"), {"parameters_active_b": "900"}, format="json")
    assert response.status_code == 200  # total is empty: nothing to exceed
    client.patch(detail_url("aimodel", "deepseek-r1"), {"parameters_active_b": None}, format="json")
    client.patch(detail_url("aimodel", "deepseek-r1"), {"parameters_total_b": "671"}, format="json")
    response = client.patch(detail_url("aimodel", "deepseek-r1"), {"parameters_active_b": "700"}, format="json")
    assert response.status_code == 400
    assert AIModel.objects.get(slug="deepseek-r1").parameters_active_b is None


def test_malformed_json_answers_400(labs):
    client = writer_client("models_registry", "lab")
    response = client.post(list_url("lab"), data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("depth", [401, 1000, 100_000])
def test_json_nested_too_deep_answers_400_and_writes_nothing(labs, depth):
    """Python's json would hit its recursion limit (a RecursionError, a 500) past ~1,000 levels."""
    client = writer_client("models_registry", "lab")
    body = '{"slug": "deep", "name": "Deep", "country": "US", "source_note": ' + "[" * depth + "]" * depth + "}"
    response = client.post(list_url("lab"), data=body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "nested" in response.json()["detail"]
    assert not Lab.objects.filter(slug="deep").exists()


def test_json_nested_within_the_limit_is_parsed(labs):
    client = writer_client("models_registry", "lab")
    body = '{"slug": "deep", "name": "Deep", "country": "US", "aliases": ' + "[" * 399 + "]" * 399 + "}"
    response = client.post(list_url("lab"), data=body, content_type="application/json")
    assert response.status_code == 400  # parsed, then refused by the serializer like any other bad field
    assert "aliases" in response.json()


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/api/v1/no-such-route/", "/api/v2/labs/", "/api/v1/labs/x/y/z/", "/api/nothing"])
def test_a_url_no_api_route_matches_is_a_json_404_even_with_debug_on(client, settings, debug, path):
    settings.DEBUG = debug
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    strict = Client(enforce_csrf_checks=True)
    assert strict.put(path, data={}, content_type="application/json").status_code == 404  # no CSRF 403 either


def test_a_list_url_without_its_slash_still_redirects(client):
    response = client.get("/api/v1/labs")
    assert (response.status_code, response["Location"]) == (301, "/api/v1/labs/")


def test_event_create_and_duplicate_on_the_same_day_is_400(api_client):
    client = writer_client("models_registry", "timelineevent")
    event = {"date": "2025-01-20", "title": "R1 released", "kind": "model-release", "country": "CN"}
    assert client.post(list_url("timelineevent"), event, format="json").status_code == 201
    response = client.post(list_url("timelineevent"), event, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert (
        client.post(list_url("timelineevent"), {**event, "title": "x", "kind": "coup"}, format="json").status_code
        == 400
    )
    assert (
        client.post(list_url("timelineevent"), {**event, "title": "y", "country": ""}, format="json").status_code == 201
    )
    assert TimelineEvent.objects.count() == 2


# --- authentication, CSRF, throttling ---------------------------------------------------------------------


def test_unknown_token_answers_401_even_for_reads(labs):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(list_url("lab")).status_code == 401


def test_session_writes_need_a_csrf_token(labs):
    user = make_user("models_registry.add_lab")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(list_url("lab"), LAB, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    client.get(list_url("lab"))  # the browsable API sets the csrftoken cookie on an HTML page; take it from a form
    from django.middleware.csrf import _get_new_csrf_string

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post(list_url("lab"), LAB, format="json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201, response.content


def test_anonymous_reads_are_throttled_at_the_configured_rate(api_client, throttle_rates):
    throttle_rates(anon="3/minute")
    for _ in range(3):
        assert api_client.get(list_url("lab")).status_code == 200
    response = api_client.get(list_url("lab"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]


def test_token_users_have_their_own_rate(labs, throttle_rates):
    throttle_rates(anon="1/minute", user="2/minute")
    client = token_client(make_user())
    assert [client.get(list_url("lab")).status_code for _ in range(3)] == [200, 200, 429]


def test_id_routes_leave_room_for_fixed_sub_paths():
    assert resolve("/api/v1/probes/12/").url_name == "proberesult-detail"
    assert resolve("/api/v1/probes/summary/").url_name == "probe-summary"
    assert resolve("/api/v1/probes/latest/").func is unmatched_api_url  # no route of its own: the JSON 404


def test_unknown_query_parameters_answer_400_instead_of_an_unfiltered_list(api_client, models):
    response = api_client.get(list_url("aimodel", contry="CN"))
    assert response.status_code == 400
    assert "country" in response.json()["contry"][0]
    assert api_client.get(detail_url("aimodel", "o3") + "?bogus=1").status_code == 400


def test_repeated_query_parameters_and_unknown_body_fields_answer_400(api_client, labs):
    response = api_client.get(list_url("lab") + "?country=US&country=CN")
    assert response.status_code == 400
    assert "country" in response.json()
    client = writer_client("models_registry", "lab")
    response = client.post(list_url("lab"), {**LAB, "hq_city": "Beijing"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"hq_city": ["Unknown field."]}
    response = client.post(
        list_url("lab"),
        "slug=moonshot&slug=kimi&name=Moonshot&country=CN",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.json() == {"slug": ["Give one value."]}
    # read-only fields sent back (a GET body reused for PUT) are ignored, not refused
    body = api_client.get(detail_url("lab", "openai")).json()
    assert client.put(detail_url("lab", "openai"), {**body, "name": "OpenAI Inc."}, format="json").status_code == 200
    assert not Lab.objects.filter(slug__in=["moonshot", "kimi"]).exists()


def test_csv_export_still_refuses_malformed_page_parameters(api_client, labs):
    assert api_client.get(list_url("lab", format="csv", page="-3")).status_code == 400
    assert api_client.get(list_url("lab", format="csv", page_size="9999")).status_code == 400


def test_search_with_a_nul_character_answers_400_keyed_by_search(api_client, labs):
    response = api_client.get(list_url("lab", search="open\x00ai"))
    assert response.status_code == 400
    assert "search" in response.json()


def test_a_unique_key_race_the_validators_cannot_see_is_still_a_400_and_the_request_survives(monkeypatch):
    """Two requests can both pass validation before either writes; the database's refusal must not be a 500."""
    client = writer_client("models_registry", "timelineevent")
    event = {"date": "2025-01-20", "title": "R1 released", "kind": "model-release"}
    assert client.post(list_url("timelineevent"), event, format="json").status_code == 201
    monkeypatch.setattr(TimelineEvent, "full_clean", lambda self, *args, **kwargs: None)  # the other request's view
    response = client.post(list_url("timelineevent"), event, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert TimelineEvent.objects.count() == 1
    assert client.get(list_url("timelineevent")).json()["count"] == 1  # the connection is still usable


@pytest.mark.parametrize(
    "basename",
    [
        "lab",
        "aimodel",
        "timelineevent",
        "sourcerun",
        "provider",
        "offering",
        "pricepoint",
        "benchmark",
        "benchmarkscore",
        "proberesult",
    ],
)
def test_browsable_api_pages_render_for_a_logged_in_editor(basename):
    """The HTML pages (filter form, ordering links, write forms) work too, for people exploring the API."""
    PricePointFactory()
    BenchmarkScoreFactory()
    ProbeResultFactory()
    TimelineEventFactory()
    SourceRunFactory()
    client = APIClient()
    client.force_login(User.objects.create_superuser("editor", password="pw-for-tests-only"))
    response = client.get(list_url(basename), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<form" in response.content
