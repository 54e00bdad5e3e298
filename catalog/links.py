"""Links to songs and artists, built without a `reverse()` per link.

A song page links to about a dozen songs and a search page to twenty, each with its artist:
`reverse()` per link is a sizeable share of rendering such a page (docs/benchmarks.md). The
URL of a view with one argument is the same text around that argument, so it is reversed once
per URL configuration and script prefix (both keys of the memo: tests that swap the URLconf get
a new resolver, and a site mounted under a prefix its own) and the argument put in place.

Song pages are served by another app, which names its view here (`register_song_view`, from its
AppConfig.ready()): the catalogue does not know who serves them. Views without arguments, the
site's navigation on every page, are reversed once per URL configuration and script prefix too
(`view_url`).
"""

from functools import lru_cache
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.resolvers import URLResolver

# Stands in for the argument: digits, so that it fits an <int:...> as well as a <path:...>.
_PLACEHOLDER = "9876543210123"
# What reverse() leaves unquoted in a path (RFC 3986's sub-delims and pchar extras).
_SAFE = "!$&'()*+,;=/~:@"
_song_view: str | None = None


def register_song_view(view_name: str) -> None:
    """Name the view (taking a song's primary key) that serves song pages."""
    global _song_view
    _song_view = view_name


@lru_cache(maxsize=128)
def _around(
    view_name: str, resolver: URLResolver, prefix: str, with_argument: bool
) -> tuple[str, str]:
    url = reverse(
        view_name, urlconf=resolver.urlconf_name, args=[_PLACEHOLDER] if with_argument else []
    )
    head, _, tail = url.partition(_PLACEHOLDER)
    return head, tail


def _parts(view_name: str, *, with_argument: bool = True) -> tuple[str, str]:
    """The URL of `view_name` before and after its one argument (the whole URL and "" for a view
    without arguments), in the current URL configuration and script prefix."""
    return _around(view_name, get_resolver(get_urlconf()), get_script_prefix(), with_argument)


def view_url(view_name: str) -> str:
    """What reverse(view_name) returns, for a view without arguments: the links every page's
    header and navigation carry (`{% view_url %}`)."""
    return _parts(view_name, with_argument=False)[0]


def song_url(pk: int) -> str:
    """The song page of song `pk`: what reverse() of the registered song view returns."""
    if _song_view is None:
        raise ImproperlyConfigured("No installed app registered the view of song pages.")
    return pk_url(_song_view, pk)


def pk_url(view_name: str, pk: int) -> str:
    """What reverse(view_name, args=[pk]) returns, for a view taking one whole number (a song's
    primary key): the links other apps put on each song listed (`catalog_links.pk_url`)."""
    head, tail = _parts(view_name)
    return f"{head}{int(pk)}{tail}"


def artist_url(artist_norm: str) -> str:
    """The page of the artist with normalised name `artist_norm`: what
    reverse("catalog:artist", args=[artist_norm]) returns."""
    if not artist_norm or "\n" in artist_norm:
        # What the <path:...> pattern does not match: reverse() says why.
        return reverse("catalog:artist", args=[artist_norm])
    head, tail = _parts("catalog:artist")
    return f"{head}{quote(artist_norm, safe=_SAFE)}{tail}"
