"""CSV import/export resources for Django admin (django-import-export)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from import_export import fields, resources, widgets

from models_registry.models import AIModel, Lab
from models_registry.validators import constraint_fields

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
    """Text stripped of surrounding whitespace, as the admin form strips it (a name of " " is no name)."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(None if value is None else _text(value), row, **kwargs)


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

    def before_import(self, dataset, **kwargs):
        if not any(str(name or "").strip() for name in dataset.headers or []):
            dataset.wipe()  # the library would zip each row with no header at all, and fail (a 500)
            raise ValueError("The first line must name the columns; it is empty.")
        super().before_import(dataset, **kwargs)

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

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """full_clean, with a broken table rule reported on the columns it reads (the admin form, and Django,
        report a CheckConstraint for no field at all)."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=errors.keys(), validate_unique=validate_unique, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for constraint in instance._meta.constraints:
            try:
                constraint.validate(type(instance), instance, exclude=set(errors))
            except ValidationError as exc:
                columns = [name for name in constraint_fields(constraint) if name in self.fields]
                for name in columns or [NON_FIELD_ERRORS]:
                    errors.setdefault(name, []).extend(exc.messages)
        if errors:
            raise ValidationError(errors)

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
