"""Statements prepared once per connection: the same rows as the statement sent as text, one
PREPARE per connection, and prepared again on a new connection."""

from collections.abc import Iterator

import pytest
from django.db import connections, transaction

from catalog.prepared import _numbered, execute_prepared

pytestmark = pytest.mark.django_db

SQL = "SELECT n, n * %s FROM generate_series(1, %s) AS n WHERE n > %s ORDER BY n"


@pytest.fixture
def database() -> Iterator:
    """A connection of its own, which a test may close."""
    default = connections["default"]
    wrapper = type(default)(default.settings_dict)
    yield wrapper
    wrapper.close()


def prepared_statements(database) -> list[str]:
    with database.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def run_prepared(database, parameters: list[int]) -> list[tuple]:
    with database.cursor() as cursor:
        execute_prepared(cursor, SQL, parameters)
        return cursor.fetchall()


def test_a_prepared_statement_gives_the_rows_of_the_statement_as_text(database):
    with database.cursor() as cursor:
        cursor.execute(SQL, [10, 5, 2])
        as_text = cursor.fetchall()

    assert run_prepared(database, [10, 5, 2]) == as_text == [(3, 30), (4, 40), (5, 50)]
    assert run_prepared(database, [2, 3, 0]) == [(1, 2), (2, 4), (3, 6)]


def test_a_statement_is_prepared_once_per_connection(database):
    run_prepared(database, [1, 1, 0])
    run_prepared(database, [1, 2, 0])

    statements = prepared_statements(database)
    assert len(statements) == 1
    assert statements[0].endswith(
        "SELECT n, n * $1 FROM generate_series(1, $2) AS n WHERE n > $3 ORDER BY n"
    )


def test_a_new_connection_prepares_it_again(database):
    run_prepared(database, [1, 1, 0])
    database.close()

    assert run_prepared(database, [3, 2, 0]) == [(1, 3), (2, 6)]
    assert len(prepared_statements(database)) == 1


def test_a_rollback_keeps_the_prepared_statement(database):
    with pytest.raises(ZeroDivisionError), transaction.atomic(using=database.alias):
        run_prepared(database, [1, 1, 0])
        raise ZeroDivisionError

    assert run_prepared(database, [5, 1, 0]) == [(1, 5)]


def test_placeholders_are_numbered_in_order() -> None:
    assert _numbered("SELECT %s, %s WHERE a = %s") == "SELECT $1, $2 WHERE a = $3"


def test_a_percent_sign_other_than_a_placeholder_is_refused() -> None:
    with pytest.raises(ValueError, match="no %"):
        _numbered("SELECT 'a%%' LIKE %s")
