"""Real answers against the generated OpenAPI schema, checked the way a generated client would read them.

Every list (all pages), one detail per list, and every analytics endpoint for every benchmark of the shipped
reference data, read anonymously, are validated by openapi-core with the strict policies: a field the schema
does not declare, a declared field that is missing, a wrong type or format, a value matching both branches of a
`oneOf`, an undeclared status code or content type are each a failure. The request is validated too, so the
query parameters the server takes (e.g. `ordering=a,-b`) must be what the schema declares.
"""

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from drf_spectacular.generators import SchemaGenerator
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.exceptions import InvalidParameter
from openapi_core.validation.response.exceptions import InvalidData

HOST = "http://testserver"
# Non-default values of the analytics parameters, each sent where the endpoint declares it.
VARIANT = {"providers": "all", "include_off_peak": "true", "as_of": "2025-01-01", "independent": "true"}
STRICT = Config(additional_properties_default_policy="forbid", response_properties_default_policy="required")


@pytest.fixture(scope="module")
def schema_dict() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(scope="module")
def openapi(schema_dict) -> OpenAPI:
    return OpenAPI.from_dict(schema_dict, config=STRICT)


def _get_paths(schema_dict: dict, *, detail: bool) -> list[str]:
    return sorted(
        path
        for path, item in schema_dict["paths"].items()
        if "get" in item and ("{" in path) == detail and "/analytics/" not in path
    )


def _validate(openapi: OpenAPI, client, url: str) -> dict | list:
    """GET `url` anonymously, assert a 200, validate request and response against the schema; the JSON body."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    parts = urlsplit(url)
    request = MockRequest(HOST, "get", parts.path, args=dict(parse_qsl(parts.query)))
    openapi.validate_request(request)
    openapi.validate_response(
        request,
        MockResponse(
            response.content, status_code=response.status_code, content_type=response["Content-Type"].split(";")[0]
        ),
    )
    return response.json()


def _all_pages(openapi: OpenAPI, client, url: str) -> list[dict]:
    rows = []
    while url:
        page = _validate(openapi, client, url)
        rows += page["results"]
        url = page["next"] and page["next"].removeprefix(HOST)
    return rows


def test_every_list_and_detail_answer_matches_the_schema(reference_data, openapi, schema_dict, api_client):
    lists = _get_paths(schema_dict, detail=False)
    details = {path.rsplit("{", 1)[0]: path for path in _get_paths(schema_dict, detail=True)}
    assert "/api/v1/labs/" in lists and "/api/v1/probes/summary/" in lists
    for path in lists:
        if path not in details:  # not a list of rows (e.g. probes/summary/): one answer
            _validate(openapi, api_client, path)
            continue
        rows = _all_pages(openapi, api_client, f"{path}?page_size=100")
        for parameter in schema_dict["paths"][path]["get"]["parameters"]:
            if parameter["name"] == "ordering":  # its example names two fields: `-a,b`
                _validate(openapi, api_client, f"{path}?ordering={parameter['example']}&page_size=5")
        if rows:
            key = details[path].rsplit("{", 1)[1].rstrip("}/")
            _validate(openapi, api_client, f"{path}{rows[0][key]}/")


def test_every_analytics_answer_matches_the_schema_for_every_benchmark(
    reference_data, openapi, schema_dict, api_client, throttle_rates
):
    throttle_rates(anon="1000000/minute")
    analytics = sorted(path for path in schema_dict["paths"] if "/analytics/" in path)
    assert len(analytics) >= 5
    benchmarks = [row["slug"] for row in _all_pages(openapi, api_client, "/api/v1/benchmarks/?page_size=500")]
    assert benchmarks
    for path in analytics:
        parameters = {p["name"] for p in schema_dict["paths"][path]["get"]["parameters"]}
        if "benchmark" not in parameters:
            _validate(openapi, api_client, path)
            variant = "&".join(f"{name}={value}" for name, value in VARIANT.items() if name in parameters)
            if variant:
                _validate(openapi, api_client, f"{path}?{variant}")
            continue
        for slug in benchmarks:
            _validate(openapi, api_client, f"{path}?benchmark={slug}")


def test_the_validator_refuses_an_answer_the_schema_does_not_describe(reference_data, openapi, api_client):
    """The checks above can fail: the same real lab answer, bent three ways, is refused."""
    response = api_client.get("/api/v1/labs/?page_size=1")
    request = MockRequest(HOST, "get", "/api/v1/labs/", args={"page_size": "1"})
    good = response.json()
    openapi.validate_response(request, MockResponse(response.content))
    bent = [
        {**good["results"][0], "undeclared": 1},  # a field the schema does not name
        {key: value for key, value in good["results"][0].items() if key != "name"},  # a declared field missing
        {**good["results"][0], "website": 42},  # a wrong type
    ]
    for row in bent:
        with pytest.raises(InvalidData):
            openapi.validate_response(request, MockResponse(json.dumps({**good, "results": [row]}).encode()))


def test_a_blank_url_matches_exactly_one_branch_a_client_can_pick(openapi, schema_dict):
    """`""` is a valid value of every blank-allowed URL field; with `oneOf` it matched both branches and a strict
    client refused it. Every such field is `anyOf` (and so is any other undiscriminated union)."""
    unions = []

    def walk(node):
        if isinstance(node, dict):
            if "oneOf" in node and "discriminator" not in node:
                unions.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema_dict)
    assert unions == []
    lab = schema_dict["components"]["schemas"]["Lab"]["properties"]
    assert {"type": "string", "maxLength": 0} in lab["website"]["anyOf"]


def test_ordering_is_one_comma_separated_string_of_the_listed_names(schema_dict, openapi):
    for path, item in schema_dict["paths"].items():
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter["name"] == "ordering":
                assert parameter["schema"]["type"] == "string", path
                assert "explode" not in parameter and "style" not in parameter, path
    valid = MockRequest(HOST, "get", "/api/v1/labs/", args={"ordering": "-founded_year,name"})
    openapi.validate_request(valid)
    for bad in ("nonsense", "name,", "name,,slug", "--name"):
        with pytest.raises(InvalidParameter):
            openapi.validate_request(MockRequest(HOST, "get", "/api/v1/labs/", args={"ordering": bad}))


def test_a_nullable_nested_object_accepts_null(schema_dict, openapi):
    """`{allOf: [$ref], nullable: true}` refuses `null` under OpenAPI 3.0.3 (nullable counts only beside a type):
    every nullable nested object is a union with `null` instead, so the `null` the API sends validates."""
    assert not [node for node in _nodes(schema_dict) if node.get("nullable") and "allOf" in node]
    lead = schema_dict["components"]["schemas"]["GapResponse"]["properties"]["lead_summary"]
    assert lead["anyOf"][0] == {"$ref": "#/components/schemas/LeadSummary"}


def _nodes(node):
    """Every object of the document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)
