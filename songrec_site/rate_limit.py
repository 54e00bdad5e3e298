"""Requests per client address for the views that cost the database the most (searches).

SONGREC_RATE_LIMITS maps view names ("api:autocomplete") to rates ("120/m": requests per
second, minute or hour). Each address gets that many requests to each such view per window of
the rate's length (fixed windows: a burst straddling two windows may get up to twice the rate);
the next ones are answered 429 Too Many Requests with Retry-After, as JSON under /api/ and as a
short page elsewhere. Signed-in visitors count by address too: accounts cost nothing to open,
so counting per account would give one client as many allowances as it has accounts. IPv6
addresses count by their /64 network, which one client usually holds whole.

The counts live in the cache (CACHE_URL): shared by every process on Redis, per process on the
quick start's locmem cache (each process then allows the rate). When the cache fails, requests
are let through and a warning logged: a missing limit is better than a site that refuses all.

Placed after the page cache's middleware, it counts only what reaches the view: pages served
from the cache cost next to nothing and are never counted, nor refused.
"""

import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600}
RATE = re.compile(r"(\d+)/([smh])")


def parse_rate(rate: str) -> tuple[int, int] | None:
    """("60/m" ->) (requests, window seconds); None for "" (no limit)."""
    if not rate:
        return None
    match = RATE.fullmatch(rate.strip())
    if match is None:
        raise ImproperlyConfigured(f"rate limit {rate!r}: expected N/s, N/m or N/h (e.g. 60/m)")
    return int(match[1]), PERIODS[match[2]]


def client_key(address: str) -> str:
    """Whom `address` counts as: itself, or its /64 network for IPv6. REMOTE_ADDR is a valid,
    normalised address by now (songrec_site.client_address: IPv4-mapped ones are IPv4)."""
    if ipaddress.ip_address(address).version == 4:
        return address
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The 429 answer: JSON under /api/, a short page elsewhere; Retry-After in seconds."""
    message = f"Too many requests: try again in {retry_after} seconds."
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"error": message}, status=429)
    else:
        response = HttpResponse(
            render_to_string("429.html", {"retry_after": retry_after}), status=429
        )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class RateLimitMiddleware:
    """Counts requests to the views of SONGREC_RATE_LIMITS per client address (see the module's
    docstring); not used when that setting limits nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limits = {
            view_name: limit
            for view_name, rate in settings.SONGREC_RATE_LIMITS.items()
            if (limit := parse_rate(rate)) is not None
        }
        if not self.limits:
            raise MiddlewareNotUsed

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        view_name = request.resolver_match.view_name
        limit = self.limits.get(view_name)
        if limit is None:
            return None
        requests, seconds = limit
        now = time.time()
        window = int(now // seconds)
        client = client_key(request.META.get("REMOTE_ADDR", ""))
        key = f"ratelimit:{view_name}:{client}:{seconds}:{window}"
        try:
            # add() only creates the count: whichever request comes first in the window.
            cache.add(key, 0, timeout=seconds + 1)
            count = cache.incr(key)
        except ValueError:
            # The count expired between add() and incr(): its window is over.
            return None
        except Exception:
            logger.warning("rate limit not applied: cache unavailable", exc_info=True)
            return None
        if count <= requests:
            return None
        return too_many_requests(request, max(1, math.ceil((window + 1) * seconds - now)))
