"""The site's own pages (outside /admin/ and /api/), found in the URLconf."""

from django.urls import URLResolver, get_resolver

from benchmarks.models import Benchmark
from models_registry.models import AIModel


def page_urls() -> list[str]:
    """Every page outside /admin/ and /api/, its URL arguments filled from existing rows."""
    values = {"benchmark": Benchmark.objects.first().slug, "slug": AIModel.objects.first().slug}
    urls = []
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern)
        if route.startswith(("admin/", "api/")):
            continue
        for inner in pattern.url_patterns if isinstance(pattern, URLResolver) else [pattern]:
            names = list(inner.pattern.regex.groupindex)
            assert set(names) <= set(values), f"fill the URL arguments {names} of {inner}"
            urls.append("/" + route + str(inner.pattern).replace("<slug_dots:", "<"))
    filled = []
    for url in urls:
        for name, value in values.items():
            url = url.replace(f"<{name}>", value)
        filled.append(url)
    return filled
