"""Serializer base: every write is validated by the model layer itself, so the API refuses what admin refuses."""

import copy
import datetime
import numbers
import re
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from models_registry.api.viewsets import query_name_errors
from models_registry.validators import SLUG_PATTERN


class DateTimeInDefaultZone(serializers.DateTimeField):
    """DRF's DateTimeField with the zone fixed to settings.TIME_ZONE when built, instead of looked up per value
    (`timezone.get_current_timezone()`, a thread-local read): the same output, as nothing activates another zone,
    at a tenth of the cost on a page of 100 rows with two timestamps each."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", timezone.get_default_timezone())
        super().__init__(**kwargs)
        self._iso = str(getattr(self, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601

    def to_representation(self, value):
        """DRF's, with its steps for an aware datetime and ISO 8601 output done inline (list pages show two per
        row); anything else goes through DRF's."""
        if self._iso and isinstance(value, datetime.datetime) and value.utcoffset() is not None:
            try:
                text = value.astimezone(self.timezone).isoformat()
            except OverflowError:
                return super().to_representation(value)
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().to_representation(value)


class ApiModelSerializer(serializers.ModelSerializer):
    """The API's ModelSerializer: timestamps through DateTimeInDefaultZone."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeInDefaultZone,
    }

    def get_fields(self) -> dict:
        """ModelSerializer builds every field from the model's metadata for each serializer it makes (one per
        request); build them once per class and hand out copies, made the way DRF clones declared fields."""
        prototypes = type(self).__dict__.get("_field_prototypes")
        if prototypes is None:
            prototypes = super().get_fields()
            type(self)._field_prototypes = prototypes
        return copy.deepcopy(prototypes)


class ModelCleanSerializer(ApiModelSerializer):
    """A ModelSerializer whose `validate` runs `Model.full_clean()` on the row as it would be saved.

    That covers field validators, `Model.clean()` (a score inside its benchmark's scale, unique
    aliases), `validate_unique()` and every `CheckConstraint`/`UniqueConstraint` (conditional ones
    included), and reports them as 400 field errors before anything is written. DRF's own
    unique-together validators are switched off (`Meta.validators = []`): full_clean checks the
    same constraints, with the model's messages.
    """

    class Meta:
        validators: list = []

    def build_standard_field(self, field_name, model_field):
        """Integer bounds are those of PostgreSQL (Django's defaults) on every backend: SQLite would take any
        64-bit number, and the API and its schema should not depend on the database underneath."""
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.IntegerField):
            low, high = BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type(), (None, None))
            if high is not None:
                kwargs["max_value"] = min(kwargs.get("max_value", high), high)
            if low is not None:
                kwargs["min_value"] = max(kwargs.get("min_value", low), low)
        return field_class, kwargs

    def to_internal_value(self, data):
        """Refuse names that are no field at all (`"open_weight": true` would otherwise be dropped silently),
        a number or boolean for a text field (see `text_errors`) and, in form bodies, several values for a
        one-value field. Read-only fields may be sent back and are ignored."""
        if isinstance(data, Mapping):
            errors = {name: ["Unknown field."] for name in data if name not in self.fields}
            for name, value in data.items():
                field = self.fields.get(name)
                if field is not None and not field.read_only and (messages := text_errors(field, value)):
                    errors[name] = messages
            if hasattr(data, "getlist"):
                for name in data:
                    one_value = name in self.fields and not isinstance(self.fields[name], serializers.ListField)
                    if one_value and len(data.getlist(name)) > 1:
                        errors[name] = ["Give one value."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        instance = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(model_errors(exc)) from exc
        return attrs


NOT_TEXT = "Not a valid string: give text in quotes, not a number or a boolean."


def _is_text(field: serializers.Field) -> bool:
    """CharField and its kin (URL, slug, e-mail, regex), and choice fields whose choices are all strings."""
    if isinstance(field, serializers.CharField):
        return True
    return isinstance(field, serializers.ChoiceField) and all(isinstance(key, str) for key in field.choices)


def text_errors(field: serializers.Field, value) -> list[str]:
    """Messages for a JSON number or boolean given to a text field (or as an item of a list of text).

    DRF's CharField turns `42` into `"42"` (and a choice field matches `str(value)`), so a client that sends
    the wrong type would have it stored; the API refuses it instead. `null` is left to the field's own
    `allow_null` check; form bodies only carry strings, so they are unaffected.
    """
    if isinstance(field, serializers.ListField) and isinstance(value, list) and _is_text(field.child):
        return [f"Item {index}: {NOT_TEXT}" for index, item in enumerate(value, start=1) if _not_text(item)]
    return [NOT_TEXT] if _is_text(field) and _not_text(value) else []


def _not_text(value) -> bool:
    return isinstance(value, numbers.Number)  # bool is an int; a Decimal if a parser makes one


def model_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """Django's {field: [ValidationError]} as DRF's {field: [message]}, `__all__` as `non_field_errors`."""
    detail = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return detail


class SlugRelation(serializers.SlugRelatedField):
    """A related row named by its slug. A value that cannot be a slug (a NUL byte, spaces, a number) is refused
    before any query: no row has it, and PostgreSQL would reject a NUL in the query itself."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.match(SLUG_PATTERN, data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "nullable": True})
class OptionalSlugField(SlugRelation):
    """An optional related row named by slug; null or "" (what an HTML form sends) mean none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class StringListField(serializers.ListField):
    """A list of non-blank strings whose errors stay flat: {"aliases": ["Item 2: ..."]}, never nested."""

    def __init__(self, *, max_item_length: int = 200, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=max_item_length))
        super().__init__(**kwargs)

    def run_child_validation(self, data):
        result, errors = [], []
        for index, item in enumerate(data, start=1):
            try:
                result.append(self.child.run_validation(item))
            except serializers.ValidationError as exc:
                messages = exc.detail if isinstance(exc.detail, list) else [exc.detail]
                errors.extend(f"Item {index}: {message}" for message in messages)
        if errors:
            raise serializers.ValidationError(errors)
        return result


class StrictQueryParams(serializers.Serializer):
    """A GET endpoint's query parameters: the declared fields are the ones it takes, and any other name, or one
    given twice, is a 400 (as on the lists), so a typo never quietly answers something else."""

    def to_internal_value(self, data):
        if isinstance(data, QueryDict):
            errors = query_name_errors(data, self.fields)
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
