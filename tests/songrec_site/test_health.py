"""/healthz: 200 when the database and Redis answer, 503 with the failing part named."""

import socket

import pytest

REDIS_TEST_URL = "redis://localhost:6379/12"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_redis_answer(client, settings):
    settings.REDIS_URL = REDIS_TEST_URL

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["redis"].startswith("error: ")


@pytest.mark.django_db
def test_healthz_answers_any_host_over_plain_http(client, settings):
    settings.REDIS_URL = REDIS_TEST_URL
    settings.ALLOWED_HOSTS = ["songrec.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="192.0.2.5:8000")

    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="192.0.2.5:8000").status_code == 400
