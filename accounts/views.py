from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import selectors, services
from accounts.forms import (
    PasswordChangeRulesForm,
    SetPasswordRulesForm,
    SignUpForm,
    ThrottledAuthenticationForm,
)
from accounts.models import ThrottledRequest
from accounts.redirects import next_url
from catalog.models import Song

FAVOURITES_PER_PAGE = 20
HISTORY_PER_PAGE = 30
FOR_YOU_SHOWN = 30


def _wants_json(request: HttpRequest) -> bool:
    # The favourite script asks for JSON alone; a browser's own form post also accepts HTML.
    return request.accepts("application/json") and not request.accepts("text/html")


# Accounts


def _too_many(request: HttpRequest, what: str, minutes: int, *, for_email: bool) -> HttpResponse:
    context = {"what": what, "minutes": minutes, "for_email": for_email}
    return render(request, "accounts/too_many_requests.html", context, status=429)


@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Sign up and log in at once; with an e-mail address an account already uses, no account
    and a "check your e-mail" page, the address's owner told by mail (the page never says the
    address is taken). Every form sent counts towards the client address's limit."""
    after = next_url(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.user.is_authenticated:
        return HttpResponseRedirect(after)
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        minutes = services.request_throttle(
            action=ThrottledRequest.Action.SIGN_UP,
            limits={request.META.get("REMOTE_ADDR", ""): settings.SONGREC_SIGN_UPS_PER_ADDRESS},
        )
        if minutes is not None:
            return _too_many(request, "sign-ups", minutes, for_email=False)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user = services.user_sign_up(
            username=form.cleaned_data["username"],
            email=email,
            password=form.cleaned_data["password1"],
        )
        if user is None:
            services.sign_up_taken_email_notify(
                email=email,
                log_in_url=request.build_absolute_uri(reverse("accounts:login")),
                reset_url=request.build_absolute_uri(reverse("accounts:password_reset")),
            )
            return render(request, "accounts/sign_up_check_email.html", {"email": email})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_username()}! Your account is ready.")
        return HttpResponseRedirect(after)
    return render(request, "accounts/sign_up.html", {"form": form, "next": after})


class LogInView(auth_views.LoginView):
    """Django's log-in (it only follows a local `next`), refusing after repeated failures."""

    template_name = "accounts/log_in.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeRulesForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, counted per client address and per e-mail address typed: past
    either limit, 429 and no mail."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        minutes = services.request_throttle(
            action=ThrottledRequest.Action.PASSWORD_RESET,
            limits={
                self.request.META.get("REMOTE_ADDR", ""): (
                    settings.SONGREC_PASSWORD_RESETS_PER_ADDRESS
                ),
                form.cleaned_data["email"]: settings.SONGREC_PASSWORD_RESETS_PER_EMAIL,
            },
        )
        if minutes is not None:
            return _too_many(self.request, "password resets", minutes, for_email=True)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordRulesForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# Favourites


def _set_favourite(request: HttpRequest, pk: int, *, favourite: bool) -> HttpResponse:
    song = get_object_or_404(Song, pk=pk)
    back = next_url(request, song.get_absolute_url())
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if favourite:
        services.song_favourite(user=request.user, song=song)
    else:
        services.song_unfavourite(user=request.user, song=song)
    if _wants_json(request):
        return JsonResponse({"song": song.pk, "favourite": favourite})
    return HttpResponseRedirect(back)


@require_POST
def favourite(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_favourite(request, pk, favourite=True)


@require_POST
def unfavourite(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_favourite(request, pk, favourite=False)


@require_safe
@login_required
def favourites(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        selectors.favourites_for_user(user=request.user), FAVOURITES_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(request, "accounts/favourites.html", {"page": page})


# History


@require_safe
@login_required
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.history_for_user(user=request.user), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/history.html", {"page": page})


@require_POST
def history_delete(request: HttpRequest, pk: int) -> HttpResponse:
    back = next_url(request, reverse("accounts:history"))
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    # Only the user's own entries match, so another user's id is simply not found.
    if not services.history_delete(user=request.user, entry_id=pk):
        raise Http404("No such entry in your history.")
    return HttpResponseRedirect(back)


@require_POST
def history_clear(request: HttpRequest) -> HttpResponse:
    back = reverse("accounts:history")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    deleted = services.history_clear(user=request.user)
    messages.success(request, f"History cleared ({deleted} entr{'y' if deleted == 1 else 'ies'}).")
    return HttpResponseRedirect(back)


# For you


@require_safe
@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/for_you.html",
        {"for_you": selectors.for_you_page(user=request.user, limit=FOR_YOU_SHOWN)},
    )
