"""The PostgreSQL backend's health check: a kept connection the server closed is found unusable
without a statement, and the next request's statement runs on a new one."""

import select

import psycopg2
import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_site_runs_on_the_backend_with_the_socket_health_check():
    assert type(connections["default"]).__module__ == "songrec_site.db.base"


def test_a_kept_connection_is_usable_and_checking_it_sends_nothing(django_assert_num_queries):
    connection.ensure_connection()

    with django_assert_num_queries(0):
        assert connection.is_usable()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_the_server_terminated_is_replaced_before_the_next_statement():
    connection.ensure_connection()
    terminated = connection.connection.get_backend_pid()
    with psycopg2.connect(**connection.get_connection_params()) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [terminated])
    other.close()
    # The server's goodbye reaches the socket as the backend exits: wait for it (not for a time).
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    assert poller.poll(10_000)

    assert not connection.is_usable()
    # What Django does before a request's first statement with CONN_HEALTH_CHECKS.
    connection.health_check_enabled, connection.health_check_done = True, False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (replacement,) = cursor.fetchone()

    assert replacement != terminated
