"""A search's statements run within SONGREC_SEARCH_TIME_BUDGET_MS each; one past it is cancelled
by PostgreSQL and the search is "too broad"."""

import pytest
from django.db import DataError, connection
from django.urls import reverse

from catalog import api, search, views
from catalog.budget import SearchTooBroad, search_time_budget

SEARCH_URL = reverse("catalog:search")
API_SEARCH_URL = reverse("api:search")
AUTOCOMPLETE_URL = reverse("api:autocomplete")


@pytest.fixture(
    autouse=True,
    params=[
        pytest.param("in a transaction", marks=pytest.mark.django_db),
        # As the site runs requests: each statement its own transaction.
        pytest.param("autocommit", marks=pytest.mark.django_db(transaction=True)),
    ],
)
def statements(request) -> str:
    return request.param


def statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        return cursor.fetchone()[0]


def test_a_statement_past_the_budget_is_too_broad(settings):
    settings.SONGREC_SEARCH_TIME_BUDGET_MS = 20
    before = statement_timeout()

    with pytest.raises(SearchTooBroad), search_time_budget(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")

    # The connection (and a surrounding transaction) goes on, with the timeout it had.
    assert statement_timeout() == before


def test_statements_within_the_budget_run_and_the_timeout_is_put_back(settings):
    settings.SONGREC_SEARCH_TIME_BUDGET_MS = 2000
    before = statement_timeout()

    with search_time_budget():
        assert statement_timeout() == "2s"

    assert statement_timeout() == before


def test_outside_a_transaction_the_budget_costs_no_statement_of_its_own(settings, statements):
    settings.SONGREC_SEARCH_TIME_BUDGET_MS = 2000
    sent = []

    def record(run, sql, parameters, many, context):
        sent.append(sql)
        return run(sql, parameters, many, context)

    with connection.execute_wrapper(record), search_time_budget(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")

    # In a transaction: a savepoint, the budget set, the statement, the budget put back, the
    # savepoint released.
    assert len(sent) == (1 if statements == "autocommit" else 5)


def test_a_budget_of_zero_sets_no_timeout(settings):
    settings.SONGREC_SEARCH_TIME_BUDGET_MS = 0
    before = statement_timeout()

    with search_time_budget():
        assert statement_timeout() == before


def test_other_database_errors_are_not_too_broad(settings):
    settings.SONGREC_SEARCH_TIME_BUDGET_MS = 2000

    with pytest.raises(DataError) as raised, search_time_budget(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")

    assert not isinstance(raised.value, SearchTooBroad)


@pytest.fixture
def slow_search(settings, monkeypatch):
    """Searches whose statements outlast a time budget of 20 ms."""
    settings.SONGREC_SEARCH_TIME_BUDGET_MS = 20

    def slow(*arguments, **keywords):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")

    monkeypatch.setattr(views, "search_paginator", slow)
    monkeypatch.setattr(api, "search_paginator", slow)
    monkeypatch.setattr(api, "song_suggestions", slow)


def test_a_search_out_of_time_says_too_broad_and_is_not_cached(client, songs, slow_search):
    response = client.get(SEARCH_URL, {"q": "hello"})

    assert response.status_code == 200
    assert response.context["too_broad"] is True
    assert "matches too many songs to rank in time" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "X-Cache" in response
    assert client.get(SEARCH_URL, {"q": "hello"})["X-Cache"] == "miss"


def test_api_search_out_of_time_is_a_json_422(client, songs, slow_search):
    response = client.get(API_SEARCH_URL, {"q": "hello"})

    assert response.status_code == 422
    assert response.json() == {"error": search.TOO_BROAD_MESSAGE, "too_broad": True}
    assert "no-store" in response["Cache-Control"]


def test_autocomplete_out_of_time_offers_nothing_and_is_not_cached(client, songs, slow_search):
    response = client.get(AUTOCOMPLETE_URL, {"q": "hello"})

    assert response.json() == {"query": "hello", "results": []}
    assert "no-store" in response["Cache-Control"]
    assert client.get(AUTOCOMPLETE_URL, {"q": "hello"})["X-Cache"] == "miss"
