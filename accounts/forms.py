from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
    UserCreationForm,
)

from accounts import services

LOCKED_ACCOUNT_MESSAGE = (
    "Too many failed log-ins for this account. Try again in %(minutes)s, or reset your password."
)
LOCKED_ADDRESS_MESSAGE = "Too many failed log-ins from your network. Try again in %(minutes)s."


class PasswordRulesOnFirstField:
    """Says what breaks the password rules under the password, where its help lists the rules,
    instead of under its confirmation, where Django's password forms put it."""

    def validate_password_for_user(self, user: Any, password_field_name: str = "password2") -> None:
        first = password_field_name.removesuffix("2") + "1"
        super().validate_password_for_user(user, password_field_name=first)  # type: ignore[misc]


class SignUpForm(PasswordRulesOnFirstField, UserCreationForm):
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
        # Whether an account already uses the address is not said here: see views.sign_up.
        return get_user_model().objects.normalize_email(self.cleaned_data["email"])


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's log-in form, refusing accounts and addresses with too many recent failures.

    Each attempt is counted before its password is checked (services.login_attempt_reserve), and
    a refused attempt is not checked at all, so guessing on, however many at once, stops working
    at the limit until the lockout ends. The client address is REMOTE_ADDR, as
    songrec_site.client_address leaves it.
    """

    throttled = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            # Nothing to check: neither counted nor clearing the count.
            return super().clean()
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        refusal = services.login_attempt_reserve(username=username, address=address or None)
        if refusal is not None:
            scope, minutes = refusal
            self.throttled = True
            message = LOCKED_ACCOUNT_MESSAGE if scope == "account" else LOCKED_ADDRESS_MESSAGE
            raise forms.ValidationError(
                message,
                code="throttled",
                params={"minutes": f"{minutes} minute{'s' if minutes != 1 else ''}"},
            )
        # A wrong password raises here, leaving the attempt counted as a failure.
        cleaned_data = super().clean()
        services.login_failures_clear(username=username)
        return cleaned_data


class AdminLogInForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's log-in (staff accounts only), counted and locked as the site's."""


class PasswordChangeRulesForm(PasswordRulesOnFirstField, PasswordChangeForm):
    """Django's password change, the rules' errors under the new password."""


class SetPasswordRulesForm(PasswordRulesOnFirstField, SetPasswordForm):
    """Django's new password after a reset, the rules' errors under the new password."""
