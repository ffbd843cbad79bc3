from import_export import fields

from models_registry.imports import RegistryResource, RowWidget
from pricing.models import Offering, PricePoint


class PricePointResource(RegistryResource):
    offering = fields.Field(attribute="offering", column_name="offering", widget=RowWidget(Offering))

    class Meta(RegistryResource.Meta):
        model = PricePoint
        import_id_fields = ["offering", "effective_from", "off_peak"]
        fields = [
            "offering",
            "effective_from",
            "effective_to",
            "input_per_mtok",
            "output_per_mtok",
            "cached_input_per_mtok",
            "off_peak",
            "note",
            "source_url",
            "source_note",
        ]
        export_order = fields
