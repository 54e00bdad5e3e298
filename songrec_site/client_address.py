"""The client's address, worked out once per request and stored as REMOTE_ADDR.

X-Forwarded-For is believed only when the peer that connected (REMOTE_ADDR as the server saw
it) is one of SONGREC_TRUSTED_PROXIES: then the client is the entry SONGREC_PROXY_COUNT from the
end (the one the outermost proxy added; entries before it are the client's own words). A request
that reaches the server from anywhere else is its peer, whatever headers it sends; so is one
from a trusted peer with fewer entries than proxies (a request from the proxy's machine itself).

The address is validated with `ipaddress` ("a.b.c.d:port" and "[v6]:port" lose their port) and
written back in its normal form, so everything after this middleware (log-in locks, throttles,
rate limits) reads REMOTE_ADDR and nothing else. An address that is not one answers 400.
"""

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class InvalidAddress(ValueError):
    pass


def parse_address(text: str) -> str:
    """`text` as a normalised IP address: "1.2.3.4", "1.2.3.4:80", "::1", "[::1]:80" or "[::1]".

    Raises InvalidAddress for anything else.
    """
    text = text.strip()
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not _is_port(rest)):
            raise InvalidAddress(text)
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
        if not _is_port(":" + port):
            raise InvalidAddress(text)
    else:
        host = text
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise InvalidAddress(text) from None
    if getattr(address, "scope_id", None):
        raise InvalidAddress(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def _is_port(text: str) -> bool:
    return text.startswith(":") and text[1:].isascii() and text[1:].isdigit() and len(text) <= 6


# In SONGREC_TRUSTED_PROXIES, every address not routed on the internet (loopback, the private
# ranges Docker takes compose networks from, link-local, unique local), by `is_private`.
PRIVATE = "private"


@lru_cache(maxsize=4)
def trusted_networks(names: tuple[str, ...]) -> tuple[Network, ...]:
    """SONGREC_TRUSTED_PROXIES parsed, but for PRIVATE; a name that is no network stops the
    site with its name."""
    try:
        return tuple(
            ipaddress.ip_network(name.strip(), strict=False)
            for name in names
            if name.strip() != PRIVATE
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            f"SONGREC_TRUSTED_PROXIES must list IP networks, addresses or {PRIVATE!r}: {error}"
        ) from None


def _is_trusted(address: str, names: tuple[str, ...]) -> bool:
    parsed = ipaddress.ip_address(address)
    if PRIVATE in (name.strip() for name in names) and parsed.is_private:
        return True
    return any(parsed in network for network in trusted_networks(names))


def client_address(meta: dict) -> str:
    """The client's address from a request's META (see the module's docstring).

    Raises InvalidAddress when the address used is not a valid one.
    """
    peer = parse_address(meta.get("REMOTE_ADDR", ""))
    proxies = settings.SONGREC_PROXY_COUNT
    if not proxies or not _is_trusted(peer, tuple(settings.SONGREC_TRUSTED_PROXIES)):
        return peer
    forwarded = [
        entry.strip() for entry in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()
    ]
    if len(forwarded) < proxies:
        return peer
    return parse_address(forwarded[-proxies])


class ClientAddressMiddleware:
    """Sets REMOTE_ADDR to the validated client address, or answers 400 when it is invalid."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        trusted_networks(tuple(settings.SONGREC_TRUSTED_PROXIES))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.META["REMOTE_ADDR"] = client_address(request.META)
        except InvalidAddress as error:
            return HttpResponseBadRequest(
                f"Bad request: the client address {str(error)[:100]!r} (from the connection or "
                "X-Forwarded-For) is not an IP address.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
