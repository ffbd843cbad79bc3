"""REST routes of this app: (prefix, viewset, basename), registered on the /api/v1/ router.

Id lookups match digits only, so a fixed sub-path such as `probes/summary/` can sit beside `probes/{id}/`.
"""

from benchmarks.api.views import BenchmarkScoreViewSet, BenchmarkViewSet, ProbeResultViewSet

routes: list = [
    ("benchmarks", BenchmarkViewSet, "benchmark"),
    ("scores", BenchmarkScoreViewSet, "benchmarkscore"),
    ("probes", ProbeResultViewSet, "proberesult"),
]
