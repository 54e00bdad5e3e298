"""Pages for visitors who are not signed in, rendered once per active build and kept in the cache.

Song pages, search results, artist pages and the JSON API read the same for every
anonymous visitor: the active build's recommendations and the catalogue, nothing of theirs. The
middleware keeps their answers in the cache (CACHE_URL) for SONGREC_PAGE_CACHE_SECONDS under a
key made of the active build's id and the full path, and answers repeats from it before
sessions, CSRF, authentication and the view run. Activating another build changes the key, so
pages of the old one stop being served within a second (see
`recommendations.selectors.active_build_id` for how soon each process learns of it).

A request is served from the cache when it is a GET or HEAD of one of SHARED_VIEWS and carries
neither a session cookie (signed-in visitors have one: their pages show their favourites and
record their history) nor a messages cookie (a message waiting for this visitor). An answer is
stored when it is a 200 that sets no cookie (signing in would set the session cookie) and is not
marked private, no-store or no-cache. So no stored page holds a CSRF token: the only forms with
one (log out, the favourite heart) are shown to signed-in visitors, and rendering
`{% csrf_token %}` sets the CSRF cookie, which keeps the answer out of the cache.

The shared cache holds each page compressed (zlib, fastest level: pages shrink several times
over, so Redis's memory holds that many more; compressing costs a little once per page,
decompressing far less per hit: docs/benchmarks.md, page_cost); each process's own copies are
kept as they are sent.

Views answered from the cache do not run, so their signals (`song_page_viewed`,
`song_search_done`) are sent on misses only; their receivers act for signed-in visitors only.
"""

import hashlib
import logging
import zlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re

from recommendations.selectors import active_build_id

logger = logging.getLogger(__name__)

# The views whose answers depend on the path, the catalogue and the active build only.
SHARED_VIEWS = frozenset(
    {
        "catalog:search",
        "catalog:artist",
        "recommendations:song",
        # The JSON API (songrec_site/api.py).
        "api:search",
        "api:autocomplete",
        "api:song_recommendations",
    }
)
PRIVATE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})
# The cache of each process's own copies of pages (see `local_copies`).
LOCAL_PAGES = "local_pages"


def page_cache_key(*, build_id: int | None, full_path: str) -> str:
    """The cache key of an anonymous visitor's answer to `full_path` (path and query string)
    while build `build_id` is active (None: no build yet)."""
    digest = hashlib.blake2b(full_path.encode(), digest_size=16).hexdigest()
    # "zpage": pages stored compressed (under "page", earlier releases stored them as sent).
    return f"zpage:{build_id or 0}:{digest}"


def local_copies() -> BaseCache | None:
    """This process's own copies of the pages it served lately, in front of a shared cache: a hit
    on one needs no round trip to Redis. None without a LOCAL_PAGES cache in the settings, or when
    the default cache is this process's memory already.

    Safe because a page's key names the active build: a copy can be older than the shared page
    by at most its own timeout, and activating a build moves every process to new keys."""
    if LOCAL_PAGES not in settings.CACHES or isinstance(caches["default"], LocMemCache):
        return None
    return caches[LOCAL_PAGES]


def is_shared_request(request: HttpRequest) -> bool:
    """Whether the answer to `request` may come from, or go to, the shared cache."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in SHARED_VIEWS


def is_storable(response: HttpResponse) -> bool:
    """Whether `response` is the same for every anonymous visitor and complete in memory."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = {
        directive.split("=")[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return not directives & PRIVATE_DIRECTIVES


class AnonymousPageCacheMiddleware:
    """Answers anonymous visitors from the cache (see the module's docstring).

    Place it after SecurityMiddleware (HTTPS redirect and headers apply to cached answers too)
    and before SessionMiddleware (a hit needs no session). Answers it considers carry
    `X-Cache: hit` or `X-Cache: miss`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.seconds = settings.SONGREC_PAGE_CACHE_SECONDS
        if not self.seconds:
            raise MiddlewareNotUsed

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_shared_request(request):
            return self.get_response(request)
        # Host validation happens in CommonMiddleware, which a hit never reaches.
        request.get_host()
        local = local_copies()
        try:
            key = page_cache_key(build_id=active_build_id(), full_path=request.get_full_path())
            stored = local.get(key) if local else None
            if stored is None:
                shared = cache.get(key)
                if shared is not None:
                    compressed, headers = shared
                    stored = (zlib.decompress(compressed), headers)
                    if local:
                        local.set(key, stored)
        except Exception:
            # Whatever the cache backend raises: without the cache, pages are rendered as usual.
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and is_storable(response):
            try:
                headers = list(response.items())
                cache.set(key, (zlib.compress(response.content, 1), headers), self.seconds)
                if local:
                    local.set(key, (response.content, headers))
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
        response["X-Cache"] = "miss"
        return response
