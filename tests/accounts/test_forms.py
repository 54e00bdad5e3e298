"""The log-in form's lock under simultaneous attempts, against real PostgreSQL."""

import threading

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory

from accounts.forms import ThrottledAuthenticationForm
from accounts.models import LoginFailure

ATTEMPTS = 16


class CountingBackend(ModelBackend):
    """Django's backend, counting the passwords it is asked to check."""

    checks = 0
    _lock = threading.Lock()

    def authenticate(self, request, username=None, password=None, **kwargs):
        with CountingBackend._lock:
            CountingBackend.checks += 1
        return super().authenticate(request, username=username, password=password, **kwargs)


@pytest.fixture
def counting_backend(settings):
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.CountingBackend"]
    CountingBackend.checks = 0
    return CountingBackend


def attempt_all_at_once(username: str, password: str, count: int) -> list[bool]:
    """`count` log-in forms for `username` checked by as many threads, released together."""
    start = threading.Barrier(count)
    results: list[bool] = []

    def attempt(number: int) -> None:
        request = RequestFactory().post("/", REMOTE_ADDR=f"198.51.100.{number}")
        form = ThrottledAuthenticationForm(
            request, data={"username": username, "password": password}
        )
        try:
            start.wait()
            results.append(form.is_valid())
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_simultaneous_wrong_passwords_check_no_more_than_the_limit(settings, counting_backend):
    settings.SONGREC_LOGIN_FAILURES_PER_ACCOUNT = 5
    User.objects.create_user("alice", "alice@example.com", "correct horse battery staple")

    results = attempt_all_at_once("alice", "wrong", ATTEMPTS)

    assert results == [False] * ATTEMPTS
    assert counting_backend.checks == 5
    assert LoginFailure.objects.filter(username="alice").count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_success_among_simultaneous_attempts_clears_the_count(settings, counting_backend):
    settings.SONGREC_LOGIN_FAILURES_PER_ACCOUNT = 5
    User.objects.create_user("alice", "alice@example.com", "correct horse battery staple")

    results = attempt_all_at_once("alice", "correct horse battery staple", 3)

    assert results == [True] * 3
    assert counting_backend.checks == 3
    assert not LoginFailure.objects.exists()
