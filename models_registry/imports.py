"""CSV import/export resources for Django admin (django-import-export)."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from models_registry.models import AIModel, Lab


class RegistryResource(resources.ModelResource):
    """Runs full_clean on every row, so an import validates exactly like the admin form."""

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class AIModelResource(RegistryResource):
    lab = fields.Field(attribute="lab", column_name="lab", widget=ForeignKeyWidget(Lab, field="slug"))

    class Meta(RegistryResource.Meta):
        model = AIModel
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "lab",
            "release_date",
            "open_weights",
            "license",
            "parameters_total_b",
            "parameters_active_b",
            "context_window",
            "reasoning",
            "source_url",
            "source_note",
        ]
        export_order = fields
