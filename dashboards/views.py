"""Server-rendered pages: parse the query string, one analytics call per chart, render.

Every chart has the same numbers in a table and a link to the API URL that returned them. Pages only read, so each
runs outside a request transaction (`non_atomic_requests`): on SQLite, whose transactions take the write lock when
they begin, a slow page then never holds up other requests.
"""

from datetime import date

from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from rest_framework.exceptions import ValidationError

from benchmarks.models import CAPABILITY_INDEX_SLUG
from benchmarks.probes.selectors import probe_summary
from dashboards import charts
from dashboards.cards import summary_cards
from dashboards.forms import BenchmarkForm, model_filter_form
from dashboards.headline import PUBLISHED_ESTIMATES, index_headline
from dashboards.queries import analytics_report
from dashboards.selectors import (
    DEFAULT_BENCHMARK,
    benchmark_names,
    default_benchmark_slug,
    model_names,
    model_page,
    timeline_events,
)
from models_registry.api.filters import AIModelFilter
from models_registry.selectors import aimodel_list

PAIR = ["a", "b", "as_of", "evaluated_by", "independent"]
PRICES = ["providers", "include_off_peak"]


def _params(request: HttpRequest, names: list[str], **fixed) -> dict[str, str]:
    """The non-empty `names` of the query string, plus `fixed` values."""
    params = {name: request.GET[name] for name in names if request.GET.get(name, "").strip()}
    return {**params, **{k: v for k, v in fixed.items() if v is not None}}


def _report(endpoint: str, params: dict[str, str], errors: dict) -> tuple[dict | None, str]:
    """The report and its API URL; bad parameters are collected into `errors` instead of raised."""
    api_url = f"{reverse(f'analytics-{endpoint}')}?{urlencode(params)}"
    try:
        return analytics_report(endpoint, QueryDict(urlencode(params))), api_url
    except ValidationError as exc:
        for name, messages in exc.detail.items():
            known = errors.setdefault(name, [])  # several charts of one page refuse the same parameter: say it once
            known.extend(m for m in map(str, messages) if m not in known)
        return None, api_url


def _benchmark_slug(request: HttpRequest) -> str:
    """The query string's benchmark, else the default (a registry without benchmarks gets the error naming it)."""
    return request.GET.get("benchmark", "").strip() or default_benchmark_slug() or DEFAULT_BENCHMARK


def _form(request: HttpRequest, benchmark: str) -> BenchmarkForm:
    """The controls, showing the values in force: the query string's, else the defaults."""
    return BenchmarkForm(
        {"a": "US", "b": "CN", "providers": "first_party", "benchmark": benchmark, **request.GET.dict()}
    )


def _page(request: HttpRequest, template: str, context: dict, errors: dict) -> HttpResponse:
    return render(request, template, {**context, "errors": errors}, status=400 if errors else 200)


def _events(report: dict | None) -> list[dict]:
    if report is None:
        return []
    return timeline_events(countries=[report["a"], report["b"]], until=date.fromisoformat(report["as_of"]))


def _summary_models(summary: dict | None) -> set[str]:
    """The slugs of every model a summary's rows name."""
    keys = ("a_model", "b_model", "a_cost_model", "b_cost_model")
    return {row[k] for row in (summary or {}).get("rows", []) for k in keys if row[k]}


def _benchmark_names() -> dict[str, str]:
    """Slug -> name of every benchmark, the capability index included."""
    return {**benchmark_names(), CAPABILITY_INDEX_SLUG: "Capability index"}


def _cards(summary: dict | None) -> list[dict]:
    if not summary or not summary["rows"]:
        return []
    names = _benchmark_names()
    return summary_cards(summary, model_names=model_names(_summary_models(summary)), benchmark_names=names)


@transaction.non_atomic_requests
def overview(request: HttpRequest) -> HttpResponse:
    errors: dict = {}
    benchmark = _benchmark_slug(request)
    summary, summary_url = _report("summary", _params(request, PAIR + PRICES), errors)
    index_gap, index_gap_url = _report("gap", _params(request, PAIR, benchmark=CAPABILITY_INDEX_SLUG), errors)
    gap, gap_url = _report("gap", _params(request, PAIR, benchmark=benchmark), errors)
    cost, cost_url = _report("cost-ratio", _params(request, PAIR + PRICES, benchmark=benchmark), errors)
    events = _events(gap)
    context = {
        "nav": "overview",
        "form": _form(request, benchmark),
        "benchmark": benchmark,
        "summary": summary,
        "summary_url": summary_url,
        "headline": index_headline(summary, model_names=model_names(_summary_models(summary))),
        "published_estimates": PUBLISHED_ESTIMATES,
        "index_gap": index_gap,
        "index_gap_url": index_gap_url,
        "index_chart": charts.gap_chart(index_gap, events=events) if index_gap else None,
        "index_url": reverse("capability-index"),
        "cards": _cards(summary),
        "gap": gap,
        "gap_url": gap_url,
        "gap_chart": charts.gap_chart(gap, events=events) if gap else None,
        "cost": cost,
        "cost_url": cost_url,
        "cost_chart": charts.cost_chart(cost, events=events) if cost else None,
        "events": events,
    }
    return _page(request, "dashboards/overview.html", context, errors)


@transaction.non_atomic_requests
def gap_detail(request: HttpRequest, benchmark: str) -> HttpResponse:
    errors: dict = {}
    params = _params(request, [*PAIR, "metric"], benchmark=benchmark)
    gap, gap_url = _report("gap", params, errors)
    reverse_gap = None
    if gap:  # the other direction: how long A took to reach B's steps
        reverse_gap, _ = _report("gap", {**params, "a": gap["b"], "b": gap["a"]}, errors)
    events = _events(gap)
    context = {
        "nav": "overview",
        "form": _form(request, benchmark),
        "benchmark": benchmark,
        "benchmark_name": _benchmark_names().get(benchmark, benchmark),
        "gap": gap,
        "reverse_gap": reverse_gap,
        "gap_url": gap_url,
        "gap_chart": charts.gap_chart(gap, events=events) if gap else None,
        "events": events,
    }
    return _page(request, "dashboards/gap.html", context, errors)


@transaction.non_atomic_requests
def costs(request: HttpRequest) -> HttpResponse:
    errors: dict = {}
    benchmark = _benchmark_slug(request)
    cost, cost_url = _report(
        "cost-ratio", _params(request, [*PAIR, *PRICES, "metric", "threshold"], benchmark=benchmark), errors
    )
    countries = ",".join(c for c in (request.GET.get("a", "US"), request.GET.get("b", "CN")) if c.strip())
    scatter, scatter_url = _report(
        "price-performance",
        _params(
            request,
            ["as_of", "evaluated_by", "independent", "metric", *PRICES],
            benchmark=benchmark,
            countries=countries,
        ),
        errors,
    )
    events = _events(cost)
    context = {
        "nav": "costs",
        "form": _form(request, benchmark),
        "benchmark": benchmark,
        "cost": cost,
        "cost_url": cost_url,
        "cost_chart": charts.cost_chart(cost, events=events) if cost else None,
        "scatter": scatter,
        "scatter_url": scatter_url,
        "scatter_chart": charts.scatter_chart(scatter["points"], scatter["frontiers"], metric=scatter["metric"])
        if scatter
        else None,
        "frontier_models": {(p["country"], p["model"]) for pts in scatter["frontiers"].values() for p in pts}
        if scatter
        else set(),
        "events": events,
    }
    return _page(request, "dashboards/costs.html", context, errors)


MODELS_PER_PAGE = 50
MODEL_ORDERINGS = {
    "name": "name",
    "-name": "-name",
    "release_date": "release_date",
    "-release_date": "-release_date",
    "lab": "lab__name",
    "-lab": "-lab__name",
    "country": "lab__country",
    "-country": "-lab__country",
}


@transaction.non_atomic_requests
def model_list(request: HttpRequest) -> HttpResponse:
    """The registry's models, filtered with the API's own FilterSet, searchable and sortable."""
    filterset = AIModelFilter(request.GET, queryset=aimodel_list())
    filter_form = model_filter_form(filterset.form)  # before validation: bound fields copy labels when first made
    valid = filterset.is_valid()
    models = filterset.qs if valid else aimodel_list().none()
    ordering = request.GET.get("ordering", "-release_date")
    models = models.order_by(MODEL_ORDERINGS.get(ordering, "-release_date"), "slug")
    page = Paginator(models, MODELS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("ordering", None)
    context = {
        "nav": "models",
        "filter_form": filter_form,
        "error_labels": [filter_form.fields[name].label for name in filter_form.errors if name in filter_form.fields],
        "ordering": ordering,
        "page": page,
        "query": query.urlencode(),
        "api_url": f"{reverse('aimodel-list')}?{query.urlencode()}",
    }
    errors = {} if valid else filterset.errors
    return _page(request, "dashboards/model_list.html", context, errors)


@transaction.non_atomic_requests
def model_detail(request: HttpRequest, slug: str) -> HttpResponse:
    data = model_page(slug)
    if data is None:
        raise Http404(f"No model {slug!r} in the registry.")
    lines = charts.price_history_lines(data["prices"], until=timezone.now().date())
    context = {
        "nav": "models",
        **data,
        "price_chart": charts.price_history_chart(lines) if lines else None,
        "api_url": reverse("aimodel-detail", args=[slug]),
        "prices_api_url": f"{reverse('pricepoint-list')}?{urlencode({'model': slug})}",
        "probe_summary": probe_summary(model=slug),
    }
    return render(request, "dashboards/model_detail.html", context)


@transaction.non_atomic_requests
def capability_index(request: HttpRequest) -> HttpResponse:
    """Every model's index with its 90% interval, the difficulty ladder and the fit's figures."""
    errors: dict = {}
    params = _params(request, ["as_of", "evaluated_by", "independent", "anchors", "min_benchmarks", "ridge"], ci="true")
    report, api_url = _report("capability-index", params, errors)
    context = {
        "nav": "index",
        "form": _form(request, CAPABILITY_INDEX_SLUG),
        "report": report,
        "api_url": api_url,
        "index_chart": charts.index_chart(report["models"]) if report and report["models"] else None,
    }
    return _page(request, "dashboards/capability_index.html", context, errors)


@transaction.non_atomic_requests
def status(request: HttpRequest) -> HttpResponse:
    """Latency and availability of every probed endpoint over the last 24 hours and 7 days."""
    provider = request.GET.get("provider", "").strip() or None
    context = {
        "nav": "status",
        "rows": probe_summary(provider=provider),
        "provider": provider,
        "api_url": reverse("probe-summary") + (f"?{urlencode({'provider': provider})}" if provider else ""),
    }
    return render(request, "dashboards/status.html", context)
