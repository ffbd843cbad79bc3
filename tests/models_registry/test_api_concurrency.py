"""A PATCH racing another transaction on the same row keeps the other's write (no lost update).

The serializer validates and saves the whole row, so an update that read the row before another transaction
changed a different field would write that field back as it was. The API reads the row FOR UPDATE instead. The
race is made deterministic: another connection holds the row lock with its change uncommitted, the PATCH runs in
a thread until it waits on that lock, then the other transaction commits.
"""

import threading

import psycopg
import pytest
from django.db import connection

from models_registry.models import AIModel
from tests.api_helpers import detail_url, writer_client
from tests.conftest import database_url_of_test_db
from tests.factories import AIModelFactory
from tests.reliability.services import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_on_a_lock(monitor: psycopg.Connection) -> bool:
    sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    return monitor.execute(sql).fetchone()[0] > 0


@pytest.mark.parametrize("method", ["patch", "put"])
def test_an_update_waits_for_a_concurrent_write_to_the_row_and_keeps_it(method):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (DATABASE_URL)")
    model = AIModelFactory(slug="deepseek-r1", license="", source_note="before")
    client = writer_client("models_registry", "aimodel", "change")
    body = {"license": "MIT"}
    if method == "put":  # the required fields; source_note is left out, so the row's own value must stay
        body |= {"slug": model.slug, "name": model.name, "lab": model.lab.slug}
    answers = []

    def update() -> None:
        try:
            answers.append(getattr(client, method)(detail_url("aimodel", model.slug), body, format="json"))
        finally:
            connection.close()  # this thread's connection

    url = database_url_of_test_db()
    table = AIModel._meta.db_table
    with psycopg.connect(url, autocommit=True) as monitor, psycopg.connect(url) as other:
        other.execute(f"UPDATE {table} SET source_note = 'edited meanwhile' WHERE slug = 'deepseek-r1'")
        thread = threading.Thread(target=update)
        thread.start()
        wait_until(lambda: waiting_on_a_lock(monitor), timeout=30, what="the update to wait for the row lock")
        other.commit()
        thread.join(timeout=30)

    assert answers and answers[0].status_code == 200, answers and answers[0].content
    model.refresh_from_db()
    assert (model.license, model.source_note) == ("MIT", "edited meanwhile")
