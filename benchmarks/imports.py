from import_export import fields
from import_export.widgets import ForeignKeyWidget

from benchmarks.models import Benchmark, BenchmarkScore
from models_registry.imports import RegistryResource
from models_registry.models import AIModel


class BenchmarkScoreResource(RegistryResource):
    model = fields.Field(attribute="model", column_name="model", widget=ForeignKeyWidget(AIModel, field="slug"))
    benchmark = fields.Field(
        attribute="benchmark", column_name="benchmark", widget=ForeignKeyWidget(Benchmark, field="slug")
    )

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
