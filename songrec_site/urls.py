from django.contrib import admin
from django.urls import include, path

from songrec_site.favicon import favicon
from songrec_site.health import healthz

urlpatterns = [
    # Normally answered by HealthCheckMiddleware, before host checks; here for reverse().
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("catalog.urls")),
    path("", include("recommendations.urls")),
    path("", include("accounts.urls")),
]
