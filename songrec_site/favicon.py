"""/favicon.ico, which browsers ask for whatever the page links: the site's SVG icon."""

from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    # Temporary: in production the icon's name carries its hash, which changes with the icon.
    return HttpResponseRedirect(static("favicon.svg"))
