"""Requests whose path or query string holds characters no database column can hold get a 400
before any view sees them.

PostgreSQL's text refuses NUL, and a lone surrogate cannot be encoded for it at all: a view that
passed such a value on to a query would fail with a 500 (and a traceback in the log) on every
request. Form fields refuse NUL themselves (Django's ProhibitNullCharactersValidator), but views
also read `request.GET` directly, and URL patterns such as `<path:artist_norm>` capture anything.
Refusing them here, once, keeps every view from having to. Request bodies are left to the forms.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import bad_request

from songrec_site.api_errors import API_PREFIX

# NUL, and the UTF-16 surrogates that only a broken decoder would let through.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REFUSAL = "The URL holds a NUL or another character that cannot be stored."


def holds_unstorable(request: HttpRequest) -> bool:
    """Whether the path or any key or value of the query string holds an unstorable character."""
    if UNSTORABLE.search(request.path):
        return True
    return any(
        UNSTORABLE.search(key) or any(UNSTORABLE.search(value) for value in values)
        for key, values in request.GET.lists()
    )


class RejectUnstorableInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if holds_unstorable(request):
            if request.path.startswith(API_PREFIX):
                return JsonResponse({"error": REFUSAL}, status=400)
            return bad_request(request, ValueError(REFUSAL))
        return self.get_response(request)
