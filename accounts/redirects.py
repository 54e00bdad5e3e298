"""Where a page sends its visitor next: the `next` parameter, when it stays on this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, default: str) -> str:
    """The `next` parameter (posted or in the query) if it is a URL on this site, else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
