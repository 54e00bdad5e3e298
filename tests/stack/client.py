"""A small HTTP client for the stack tests: a browser's cookies, CSRF and log-in, over loopback."""

import functools
import http.client
import http.cookiejar
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str
    url: str


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *arguments, **keywords):
        return None


class SourceHTTPSHandler(urllib.request.HTTPSHandler):
    """HTTPS from a chosen loopback address (127.0.0.0/8 is all this machine's), so a test can be
    several clients as a proxy in front of the site sees them."""

    def __init__(self, *, context: ssl.SSLContext, source: str = "") -> None:
        super().__init__(context=context)
        self.source = source

    def https_open(self, request):
        connection = functools.partial(
            http.client.HTTPSConnection,
            source_address=(self.source, 0) if self.source else None,
        )
        return self.do_open(connection, request, context=self._context)


class Browser:
    """Keeps cookies between requests and fills in Django's CSRF token on forms.

    `base` is where requests go; `headers` are sent with each (a test that talks to gunicorn
    directly says X-Forwarded-Proto: https, as Caddy would, and `origin` is then the https://
    one). `context` verifies HTTPS; `source` is the address HTTPS requests come from.
    """

    def __init__(
        self,
        base: str,
        *,
        headers: dict[str, str] | None = None,
        context: ssl.SSLContext | None = None,
        follow: bool = True,
        origin: str = "",
        source: str = "",
    ) -> None:
        self.base = base.rstrip("/")
        self.origin = origin or self.base
        self.headers = headers or {}
        # Secure cookies go back over plain HTTP too: gunicorn is behind a TLS proxy here.
        self.cookies = http.cookiejar.CookieJar(
            http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http"))
        )
        handlers = [urllib.request.HTTPCookieProcessor(self.cookies)]
        if context is not None:
            handlers.append(SourceHTTPSHandler(context=context, source=source))
        if not follow:
            handlers.append(NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, data: dict[str, str] | None = None, **headers: str) -> Reply:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path, data=body, headers={**self.headers, **headers}
        )
        try:
            with self.opener.open(request, timeout=30) as reply:
                return Reply(reply.status, dict(reply.headers), reply.read().decode(), reply.url)
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read().decode(), error.url)

    def get(self, path: str) -> Reply:
        return self.request(path)

    def post_form(self, path: str, fields: dict[str, str], *, form_path: str = "") -> Reply:
        """Open the form's page, then post `fields` with its CSRF token, as a browser does."""
        page = self.get(form_path or path)
        token = CSRF_FIELD.search(page.text)
        assert token, f"no CSRF token on {form_path or path} ({page.status})"
        return self.request(
            path,
            {"csrfmiddlewaretoken": token.group(1), **fields},
            Origin=self.origin,
            Referer=self.origin + (form_path or path),
        )

    def log_in(self, username: str, password: str, *, path: str = "/accounts/log-in/") -> Reply:
        return self.post_form(path, {"username": username, "password": password})

    def cookie(self, name: str) -> http.cookiejar.Cookie | None:
        return next((cookie for cookie in self.cookies if cookie.name == name), None)
