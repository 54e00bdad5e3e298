"""Every error under /api/ answers JSON, {"error": "..."}, whoever produced it.

The API's views answer their own errors in JSON, but a request can fail before or around them:
an unknown /api/ path (404: one with a trailing slash is told the URL without), a method the
view does not take (405, a text answer from ninja or an empty one from `require_safe`), a CSRF
failure (403), a refused URL (400, songrec_site.input_guard) or an
uncaught exception (500, Django's handler). Those answers are HTML; this middleware, outermost,
replaces any non-JSON error answer under /api/ by a JSON one with the same status and headers
(such as 405's Allow), so API clients always get something they can parse.
"""

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

API_PREFIX = "/api/"
# Headers of the original answer that still describe the JSON one.
KEPT_HEADERS = ("Allow", "Retry-After", "Vary")
MESSAGES = {
    400: "Bad request.",
    403: "Forbidden: CSRF verification failed or the request is not allowed.",
    404: "No API endpoint at this URL: /api/docs lists them.",
    500: "Internal server error: it has been logged.",
}


def error_message(request: HttpRequest, response: HttpResponse) -> str:
    """What an error answer says, for an API client."""
    if response.status_code == 404 and request.path_info.endswith("/"):
        # Paths under /api/ take no trailing slash: say which URL was meant.
        meant = request.path.rstrip("/")
        try:
            resolve(request.path_info.rstrip("/"))
        except Resolver404:
            pass
        else:
            return f"No API endpoint at this URL: API paths take no trailing slash: {meant}."
    if response.status_code == 405:
        return f"Method not allowed: use {response.get('Allow', 'GET')}."
    if response.status_code in MESSAGES:
        return MESSAGES[response.status_code]
    try:
        return HTTPStatus(response.status_code).phrase + "."
    except ValueError:
        return f"Error {response.status_code}."


def is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class JsonApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or is_json(response)
            or not request.path.startswith(API_PREFIX)
        ):
            return response
        if "Allow" in response:
            # ninja lists the methods from a set, in an order that changes between processes.
            response["Allow"] = ", ".join(sorted(response["Allow"].split(", ")))
        answer = JsonResponse(
            {"error": error_message(request, response)}, status=response.status_code
        )
        for header in KEPT_HEADERS:
            if header in response:
                answer[header] = response[header]
        return answer
