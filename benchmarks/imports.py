from import_export import fields

from benchmarks.models import Benchmark, BenchmarkScore
from models_registry.imports import RegistryResource, RowWidget
from models_registry.models import AIModel


class BenchmarkScoreResource(RegistryResource):
    model = fields.Field(attribute="model", column_name="model", widget=RowWidget(AIModel, field="slug"))
    benchmark = fields.Field(attribute="benchmark", column_name="benchmark", widget=RowWidget(Benchmark, field="slug"))

    class Meta(RegistryResource.Meta):
        model = BenchmarkScore
        import_id_fields = ["model", "benchmark", "metric", "evaluated_by", "reported_on"]
        fields = [
            "model",
            "benchmark",
            "metric",
            "value",
            "evaluated_by",
            "reported_on",
            "note",
            "source_url",
            "source_note",
        ]
        export_order = fields
