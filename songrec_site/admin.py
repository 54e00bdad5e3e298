"""The admin site: Django's, its log-in form going through the log-in locks."""

from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse

from accounts.forms import AdminLogInForm


class SiteAdmin(AdminSite):
    """Staff start builds here: their password is the site's most valuable, so its log-in is
    counted and locked as the site's own (accounts.forms.ThrottledAuthenticationForm)."""

    login_form = AdminLogInForm

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response
