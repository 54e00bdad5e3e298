from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.http import HttpRequest

from accounts import selectors, services

LOCKED_ACCOUNT_MESSAGE = (
    "Too many failed log-ins for this account. Try again in %(minutes)s, or reset your password."
)
LOCKED_ADDRESS_MESSAGE = "Too many failed log-ins from your network. Try again in %(minutes)s."


def client_address(request: HttpRequest | None) -> str | None:
    """The address the request came from: behind SONGREC_PROXY_COUNT proxies, the X-Forwarded-For
    entry the outermost one added (entries before it come from the client and prove nothing);
    REMOTE_ADDR without proxies, or when the header has fewer entries (a request that reached
    the site directly)."""
    if request is None:
        return None
    proxies = settings.SONGREC_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class SignUpForm(UserCreationForm):
    """A user name, an e-mail address for password resets, and a password typed twice."""

    email = forms.EmailField(
        label="E-mail",
        help_text="Only for resetting your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"])
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account already uses this e-mail address: log in, or reset its password.",
                code="duplicate_email",
            )
        return email


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's log-in form, refusing accounts and addresses with too many recent failures.

    A refused attempt is not checked at all, so guessing on stops working until the lockout ends.
    """

    throttled = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username is None:
            return super().clean()
        address = client_address(self.request)
        refusal = selectors.login_retry_after(username=username, address=address)
        if refusal is not None:
            scope, minutes = refusal
            self.throttled = True
            message = LOCKED_ACCOUNT_MESSAGE if scope == "account" else LOCKED_ADDRESS_MESSAGE
            raise forms.ValidationError(
                message,
                code="throttled",
                params={"minutes": f"{minutes} minute{'s' if minutes != 1 else ''}"},
            )
        try:
            cleaned_data = super().clean()
        except forms.ValidationError:
            services.login_failure_record(username=username, address=address)
            raise
        # Only a real success clears the count: a post without a password raises nothing here.
        if self.get_user() is not None:
            services.login_failures_clear(username=username)
        return cleaned_data
