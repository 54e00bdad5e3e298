"""The JSON API under /api/: one django-ninja API mounting each app's router, its OpenAPI schema
(/api/openapi.json) and its browsable docs (/api/docs, Swagger UI from ninja's static files).

Errors answer {"error": "..."} like every other error under /api/ (songrec_site/api_errors.py):
a parameter the schemas refuse is a 400 naming it, not ninja's 422 list of pydantic errors.

Another app's endpoints join with a `Router` in its own `api.py` and one `api.add_router` line
below; URL names are "api:<url_name>" (what SONGREC_RATE_LIMITS and the page cache's
SHARED_VIEWS name).
"""

from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from catalog.api import router as catalog_router
from playlists.api import router as playlists_router
from recommendations.api import router as recommendations_router

DESCRIPTION = """\
Search songrec's catalogue and read each song's recommendations: the songs that share the most
playlists with it. Answers are JSON; every error is `{"error": "..."}` with its status (400 for a
bad parameter, 404, 405, 422 for a search that ran out of time, 429 past a rate limit with
`Retry-After`). Paths take no trailing slash.
"""


class SongrecApi(NinjaAPI):
    def get_content_type(self) -> str:
        # JSON is UTF-8 by definition (RFC 8259): the same header as the site's other JSON answers.
        return self.renderer.media_type

    def get_openapi_schema(self, **keywords: Any) -> OpenAPISchema:
        """The schema, without the HEAD twins of the GET operations: HEAD answers what GET does
        without the body, as HTTP says, and two operations may not share an operationId."""
        schema = super().get_openapi_schema(**keywords)
        for operations in schema["paths"].values():
            operations.pop("head", None)
        return schema


api = SongrecApi(
    title="songrec API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    # The schema and the docs page answer GET and HEAD only, like the operations.
    docs_decorator=require_safe,
)
api.add_router("", catalog_router)
api.add_router("", recommendations_router)
api.add_router("", playlists_router)


def parameter_error(error: dict[str, Any]) -> str:
    """One sentence for one refused parameter (a pydantic error), naming it."""
    name = str(error["loc"][-1]) if error.get("loc") else "the request"
    context = error.get("ctx", {})
    kind = error["type"]
    if kind == "value_error":
        return str(context["error"])
    if kind == "string_too_long":
        return f"{name} must be {context['max_length']} characters or fewer."
    if kind in ("int_parsing", "int_from_float"):
        return f"{name} must be a whole number."
    if kind == "greater_than_equal":
        return f"{name} must be a whole number, {context['ge']} or more."
    if kind == "less_than_equal":
        return f"{name} must be a whole number, {context['le']} or fewer."
    if kind == "literal_error":
        return f"{name} must be {context['expected'].replace(chr(39), '')}."
    if kind == "missing":
        return f"{name} is required."
    return f"{name}: {error['msg']}."


@api.exception_handler(ValidationError)
def refused_parameter(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    return JsonResponse({"error": parameter_error(exc.errors[0])}, status=400)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
    return JsonResponse({"error": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> JsonResponse:
    return JsonResponse({"error": "Not found."}, status=404)
