"""A time budget for the statements of a search, so that no query can keep PostgreSQL busy for
long: past SONGREC_SEARCH_TIME_BUDGET_MS, PostgreSQL cancels the statement (statement_timeout)
and the search answers "too broad" instead of waiting, or failing with a 500."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction

# PostgreSQL's SQLSTATE for a statement cancelled, by statement_timeout among others.
QUERY_CANCELED = "57014"


class SearchTooBroad(Exception):
    """A search's statement ran out of its time budget."""


@contextmanager
def search_time_budget() -> Iterator[None]:
    """Run the statements inside with SONGREC_SEARCH_TIME_BUDGET_MS each at most (0: no limit);
    raise SearchTooBroad when one runs out.

    Outside a transaction, as the site's requests run, each statement carries the limit itself
    (`_limited`): no round trips to set it and put it back. Inside one, the limit is set for the
    statements inside and put back afterwards.

    Everything the search reads must be read inside: a queryset evaluated later runs without
    the budget. PostgreSQL only; elsewhere the statements run unlimited."""
    milliseconds = settings.SONGREC_SEARCH_TIME_BUDGET_MS
    if connection.vendor != "postgresql" or not milliseconds:
        yield
        return
    try:
        if connection.get_autocommit():
            with connection.execute_wrapper(_limited(milliseconds)):
                yield
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), "
                    "set_config('statement_timeout', %s, true)",
                    [f"{milliseconds}ms"],
                )
                (previous, _) = cursor.fetchone()
                yield
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) == QUERY_CANCELED:
            raise SearchTooBroad from error
        raise


def _limited(milliseconds: int):
    """An execute wrapper that sends each statement after SET LOCAL statement_timeout, in one
    message: PostgreSQL runs the two as one transaction, which the limit ends with."""
    prefix = f"SET LOCAL statement_timeout = {int(milliseconds)}; "

    def execute(run, sql, parameters, many, context):
        return run(prefix + sql, parameters, many, context)

    return execute
