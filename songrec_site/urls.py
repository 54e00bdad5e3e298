from django.contrib import admin
from django.urls import include, path

from songrec_site.api import api
from songrec_site.favicon import favicon
from songrec_site.health import healthz

urlpatterns = [
    # Normally answered by HealthCheckMiddleware, before host checks; here for reverse().
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # The JSON API, its schema (api/openapi.json) and docs (api/docs): songrec_site/api.py.
    path("api/", api.urls),
    path("", include("catalog.urls")),
    path("", include("recommendations.urls")),
    path("", include("accounts.urls")),
    path("", include("playlists.urls")),
]
