"""The PostgreSQL backend's health check: no round trip for a connection that is fine, and a new
connection, not an error, for one the server ended."""

import os
import resource
from collections.abc import Iterator

import pytest
from django.db import connection, connections

from songrec_site.postgresql.base import DatabaseWrapper
from tests.processes import wait_for

pytestmark = pytest.mark.django_db


def production_wrapper() -> DatabaseWrapper:
    """A wrapper for the test database set up as production keeps connections: reused between
    requests and checked before its first use in each."""
    settings = {**connection.settings_dict, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    return DatabaseWrapper(settings)


@pytest.fixture
def kept_connection() -> Iterator[DatabaseWrapper]:
    kept = production_wrapper()
    kept.ensure_connection()
    yield kept
    kept.close()


def backend_pid(wrapper: DatabaseWrapper) -> int:
    return wrapper.connection.info.backend_pid


def last_statement(pid: int) -> str | None:
    """What the server last ran for backend `pid`, as another connection sees it; None once it
    is gone."""
    with connection.cursor() as cursor:
        # The test runs in a transaction, which keeps its first look at the activity otherwise.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row[0] if row else None


def run(wrapper: DatabaseWrapper, sql: str) -> list[tuple]:
    with wrapper.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def next_request(wrapper: DatabaseWrapper) -> None:
    """What Django does to each connection when a request starts."""
    wrapper.close_if_unusable_or_obsolete()


def terminate(wrapper: DatabaseWrapper) -> int:
    """End the server's side of `wrapper`'s connection, as a restart would; its backend's pid."""
    pid = backend_pid(wrapper)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    wait_for(lambda: last_statement(pid) is None, timeout=30, what="the backend to end")
    return pid


def test_the_site_runs_on_this_backend() -> None:
    assert isinstance(connections["default"], DatabaseWrapper)


def test_a_connection_that_is_fine_is_checked_without_asking_the_server(kept_connection):
    run(kept_connection, "SELECT 'before the check'")
    pid = backend_pid(kept_connection)

    next_request(kept_connection)
    kept_connection.close_if_health_check_failed()

    assert kept_connection.health_check_done
    assert backend_pid(kept_connection) == pid
    assert last_statement(pid) == "SELECT 'before the check'"


def test_a_socket_numbered_past_1024_is_checked_without_asking_the_server():
    # select() cannot watch such a socket; a web process holding many connections gets them.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    filler = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    kept = production_wrapper()
    try:
        run(kept, "SELECT 'before the check'")
        assert kept.connection.fileno() > 1024

        assert kept.is_usable()
        assert last_statement(backend_pid(kept)) == "SELECT 'before the check'"
    finally:
        kept.close()
        for descriptor in filler:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_connection_the_server_ended_is_unusable(kept_connection):
    terminate(kept_connection)

    assert not kept_connection.is_usable()


def test_the_first_statement_after_the_server_ended_the_connection_runs_on_a_new_one(
    kept_connection,
):
    ended = terminate(kept_connection)
    next_request(kept_connection)

    assert run(kept_connection, "SELECT 'after'") == [("after",)]
    assert backend_pid(kept_connection) != ended


def test_a_closed_connection_is_unusable(kept_connection):
    kept_connection.connection.close()

    assert not kept_connection.is_usable()
