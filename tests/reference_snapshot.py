"""Take the rows a loader writes once, and put them back per test: a cheap `reference_data` fixture.

`take` runs the loader inside a transaction that it rolls back, and keeps every row it added (of every model,
history and auto-created many-to-many tables included) as one INSERT per table with its rows' values already
prepared for the database. `restore` runs those again (primary keys included, parents before children) and moves
the primary-key sequences past them (PostgreSQL; SQLite's AUTOINCREMENT follows explicit keys by itself), so rows a
test creates afterwards get fresh keys. Plain SQL on both databases: no signals fire, and the timestamps are those
of the session's load; the snapshot holds whatever the loader and its signals wrote.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    insert: str  # INSERT INTO table (columns) VALUES (%s, ...)
    rows: list[tuple]  # values as prepared for the database


@dataclass(frozen=True)
class Snapshot:
    tables: list[Table]  # in insertion order: parents first


def _concrete_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy and m._meta.managed]


def _parents_first(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """Models ordered so that every model comes after those its foreign keys point to (self-references aside)."""
    ordered: list[type[models.Model]] = []
    pending = list(found)
    while pending:
        for model in pending:
            parents = {f.related_model for f in model._meta.concrete_fields if f.is_relation} - {model}
            if not (parents & set(pending)):
                ordered.append(model)
                pending.remove(model)
                break
        else:  # a cycle between models: keep the rest as found (constraints are deferred to commit anyway)
            ordered += pending
            break
    return ordered


def _self_parents_first(model: type[models.Model], rows: list[dict]) -> list[dict]:
    """Rows of a self-referencing table (a lab's parent lab) ordered so that each row's parent comes first."""
    links = [f.attname for f in model._meta.concrete_fields if f.is_relation and f.related_model is model]
    if not links:
        return rows
    pk = model._meta.pk.attname
    placed, ordered, pending = set(), [], list(rows)
    while pending:
        ready = [r for r in pending if all(r[a] is None or r[a] in placed or r[a] == r[pk] for a in links)]
        if not ready:
            return ordered + pending
        for row in ready:
            placed.add(row[pk])
            ordered.append(row)
            pending.remove(row)
    return ordered


def take(load: Callable[[], None]) -> Snapshot:
    """Run `load` in a rolled-back transaction and return the rows it added."""
    every = _concrete_models()
    with transaction.atomic():
        before = {m: set(m._base_manager.values_list("pk", flat=True)) for m in every}
        load()
        tables = []
        for model in _parents_first(every):
            fields = model._meta.concrete_fields
            rows = list(model._base_manager.order_by("pk").values(*(f.attname for f in fields)))
            added = [r for r in rows if r[model._meta.pk.attname] not in before[model]]
            if added:
                tables.append(_table(model, _self_parents_first(model, added)))
        transaction.set_rollback(True)
    return Snapshot(tables)


def _table(model: type[models.Model], rows: list[dict]) -> Table:
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    insert = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    prepared = [tuple(f.get_db_prep_save(row[f.attname], connection) for f in fields) for row in rows]
    return Table(model, insert, prepared)


def restore(snapshot: Snapshot) -> None:
    """Insert the snapshot's rows and move the key sequences past them."""
    with connection.cursor() as cursor:
        for table in snapshot.tables:
            cursor.executemany(table.insert, table.rows)
        for sql in connection.ops.sequence_reset_sql(no_style(), [table.model for table in snapshot.tables]):
            cursor.execute(sql)
