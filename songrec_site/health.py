"""/healthz: whether this process reaches the database and Redis (200 if both, 503 if not)."""

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

HEALTH_PATH = "/healthz"
REDIS_TIMEOUT_SECONDS = 1.0


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok"


def _redis_state() -> str:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except Exception as error:
        return f"error: {type(error).__name__}"
    finally:
        client.close()
    return "ok"


def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_state(), "redis": _redis_state()}
    healthy = all(state == "ok" for state in checks.values())
    response = JsonResponse({"status": "ok" if healthy else "error", **checks})
    response.status_code = 200 if healthy else 503
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers /healthz before host validation, sessions and CSRF.

    Container and load-balancer checks call the container by its address, not by a name in
    ALLOWED_HOSTS, and over plain HTTP; first in MIDDLEWARE, this answers them all the same.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
