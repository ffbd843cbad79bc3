"""CSV import/export resources for Django admin (django-import-export)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from import_export import fields, resources, widgets

from models_registry.models import AIModel, Lab

# django-import-export's own widgets read "maybe" as False and "1.5" as 1, and let a bad number or an unknown
# related row escape as an error that names no column. These refuse with a ValueError, which the import reports
# as an error of that row's field; a NUL character (PostgreSQL cannot store one) is refused before any query.


def _text(value) -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise ValueError("contains a NUL character")
    return text


def _number(value) -> Decimal | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    return number


class StrictBooleanWidget(widgets.BooleanWidget):
    TRUE, FALSE = ("1", "true", "yes"), ("0", "false", "no")

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if not text:
            return None
        if text in self.TRUE or text in self.FALSE:
            return text in self.TRUE
        raise ValueError(f"{value!r} is not true or false (1/0, true/false, yes/no)")


class StrictIntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        number = _number(value)
        if number is None:
            return None
        if number != number.to_integral_value() or number.adjusted() > 18:
            raise ValueError(f"{_text(value)!r} is not a whole number in range")
        return int(number)


class StrictDecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        return _number(value)


class StrictFloatWidget(widgets.FloatWidget):
    def clean(self, value, row=None, **kwargs):
        number = _number(value)
        if number is not None and number.adjusted() > 300:  # beyond a float: it would read as infinity
            raise ValueError(f"{_text(value)!r} is too large")
        return None if number is None else float(number)


class StrictTextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        _text(value)
        return super().clean(value, row, **kwargs)


class RowWidget(widgets.ForeignKeyWidget):
    """A related row by `field` (a slug, or the id); an unknown value is an error of this column."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        try:
            return super().clean(text, row, **kwargs)
        except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
            raise ValueError(f"no {self.model._meta.verbose_name} with {self.field} {text!r}") from None


class RegistryResource(resources.ModelResource):
    """Runs full_clean on every row, so an import validates exactly like the admin form."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "BooleanField": StrictBooleanWidget,
        "DecimalField": StrictDecimalWidget,
        "FloatField": StrictFloatWidget,
        "CharField": StrictTextWidget,
        "TextField": StrictTextWidget,
        "URLField": StrictTextWidget,
        **{
            name: StrictIntegerWidget
            for name in ("IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField")
        },
    }

    def get_instance(self, instance_loader, row):
        """A key cell that cannot be read is an error of its column (the library would report it for none)."""
        errors = {}
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                field.clean(row)
            except ValueError as exc:
                errors[field.attribute] = [str(exc)]
        if errors:
            raise ValidationError(errors)
        return super().get_instance(instance_loader, row)

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class AIModelResource(RegistryResource):
    lab = fields.Field(attribute="lab", column_name="lab", widget=RowWidget(Lab, field="slug"))

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
