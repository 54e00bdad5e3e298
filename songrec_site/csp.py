"""The Content-Security-Policy header (settings.CONTENT_SECURITY_POLICY) on every answer.

Django 5.2 has no CSP support of its own. The policy allows scripts, styles and images from the
site only: no inline script, no inline style, no event-handler attribute. Templates load their
scripts and styles from static files, and set sizes through SVG attributes, not `style=`.

With DEBUG on, error answers go without it: Django's debug pages style themselves inline.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if (
            policy
            and HEADER not in response
            and not (settings.DEBUG and response.status_code >= 400)
        ):
            response[HEADER] = policy
        return response
