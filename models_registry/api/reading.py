"""The read-only path of list pages: a serializer's output built from `.values_list()` rows, without model instances.

ModelSerializer makes a model instance per row and walks each field's `source` through it, ~60 us a row at 17
fields. `row_reader(serializer_class)` instead derives, once per class, from the serializer's own fields:

- the column of each field: its `source` followed through the model's forward relations (`lab.name` ->
  `lab__name`; a slug relation -> `<fk>__<slug_field>`; a primary-key relation -> the foreign key's column;
  `<country field>.code` -> the column, which holds the code);
- the function turning the column's value into the field's output: the field's own `to_representation`, or none
  where that is the identity on what the column holds (`str()` of a text column, `int()` of an integer column).

None stays None without a call, as in `Serializer.to_representation`. A field the derivation cannot follow (a
method field, a model property, a nullable hop on the way to a plain field) is named in the serializer's
`read_sources`: an annotation of the list's queryset, or `FromColumns` (columns and the function the model itself
uses on them). A serializer with a field that is neither has no reader, and its list goes through the serializer.
tests/test_api_reading.py holds every list endpoint's reader to its serializer, field by field.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django_countries.fields import CountryField
from rest_framework import serializers


@dataclass(frozen=True)
class FromColumns:
    """A field computed from columns: `function(*values of paths)`, then the field's `to_representation` (a method
    field's output is the function's). Use the function the model or serializer uses, so both agree by construction.
    """

    paths: tuple[str, ...]
    function: Callable[..., Any]


# DRF field classes whose `to_representation` is the identity on the values a column of these model fields holds.
_IDENTITY_ON = (
    (serializers.CharField, (models.CharField, models.TextField)),  # str(value)
    (serializers.IntegerField, (models.IntegerField, models.AutoField)),  # int(value)
    (serializers.BooleanField, (models.BooleanField,)),  # True/False stay themselves
    (serializers.FloatField, (models.FloatField,)),  # float(value)
)


@dataclass(frozen=True)
class _Output:
    name: str
    columns: tuple[int, ...]  # indexes into the values_list row
    combine: Callable[..., Any] | None  # FromColumns.function, else None (one column)
    convert: Callable[[Any], Any] | None  # applied to a non-None value; None: the value as it is


class RowReader:
    """Turns a queryset into `.values_list()` rows and each row into the serializer's output dict."""

    def __init__(self, paths: Sequence[str], outputs: Sequence[_Output]):
        self.paths = tuple(paths)
        self._outputs = tuple(outputs)
        self.names = [output.name for output in outputs]
        one_column = all(output.combine is None for output in outputs)
        self._plain = [(o.name, o.columns[0], o.convert) for o in outputs] if one_column else None

    def rows(self, queryset: QuerySet) -> QuerySet:
        """`queryset` (filtered, ordered) as tuples of this reader's columns; still lazy, so it can be paginated."""
        return queryset.values_list(*self.paths)

    def represent(self, rows) -> list[dict]:
        """The serializer's output for each row of `rows` (from `rows()`), keys in the serializer's order."""
        if self._plain is None:
            return [self._represent_one(row) for row in rows]
        plain = self._plain  # every field one column: the common case, kept to one comprehension
        return [
            {
                name: (None if (v := row[i]) is None else v if convert is None else convert(v))
                for name, i, convert in plain
            }
            for row in rows
        ]

    def _represent_one(self, row: tuple) -> dict:
        out = {}
        for output in self._outputs:
            if output.combine is None:
                value = row[output.columns[0]]
            else:
                value = output.combine(*(row[index] for index in output.columns))
            out[output.name] = value if output.convert is None or value is None else output.convert(value)
        return out


@functools.cache
def row_reader(serializer_class: type[serializers.ModelSerializer]) -> RowReader | None:
    """The reader of `serializer_class`'s output, or None when one of its fields cannot be read from columns."""
    serializer = serializer_class()
    model = serializer.Meta.model
    read_sources = getattr(serializer_class, "read_sources", {})
    paths: dict[str, int] = {}
    outputs = []

    def column(path: str) -> int:
        return paths.setdefault(path, len(paths))

    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        source = read_sources.get(name)
        if isinstance(source, FromColumns):
            convert = None if isinstance(field, serializers.SerializerMethodField) else field.to_representation
            outputs.append(_Output(name, tuple(column(p) for p in source.paths), source.function, convert))
            continue
        if isinstance(source, str):  # an annotation of the list's queryset
            outputs.append(_Output(name, (column(source),), None, field.to_representation))
            continue
        derived = _column_of(model, field)
        if derived is None:
            return None
        path, model_field = derived
        outputs.append(_Output(name, (column(path),), None, _converter(field, model_field)))
    return RowReader(list(paths), outputs)


def _column_of(model: type[models.Model], field: serializers.Field) -> tuple[str, models.Field] | None:
    """The ORM path of `field`'s value and the model field at its end, or None if `source` does not lead to one
    column whose value the serializer would show through `to_representation`."""
    attrs = list(field.source_attrs)
    is_relation = isinstance(field, serializers.RelatedField)
    if isinstance(field, serializers.SlugRelatedField):
        attrs.append(field.slug_field)
    elif isinstance(field, serializers.PrimaryKeyRelatedField):
        if field.pk_field is not None:
            return None
    elif is_relation or isinstance(field, serializers.ManyRelatedField | serializers.BaseSerializer):
        return None
    if not attrs:  # source="*"
        return None
    path = []
    for position, attr in enumerate(attrs):
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return None
        path.append(attr)
        rest = attrs[position + 1 :]
        if model_field.is_relation:
            if not (model_field.concrete and (model_field.many_to_one or model_field.one_to_one)):
                return None  # reverse or many-to-many: not one column
            if not rest:  # the foreign key's own column: only a primary-key relation shows it as it is
                return ("__".join(path), model_field) if isinstance(field, serializers.PrimaryKeyRelatedField) else None
            if model_field.null and not (is_relation and len(rest) == 1):
                return None  # a missing row makes the serializer skip or fail the field, not show None
            model = model_field.related_model
            continue
        if not rest or (rest == ["code"] and isinstance(model_field, CountryField)):  # a country column holds its code
            return "__".join(path), model_field
        return None
    return None


def _converter(field: serializers.Field, model_field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, serializers.RelatedField):
        return None  # the slug or the key, as `to_representation` takes it from the related row
    for drf_class, model_classes in _IDENTITY_ON:
        if type(field).to_representation is drf_class.to_representation and isinstance(model_field, model_classes):
            return None
    return field.to_representation
