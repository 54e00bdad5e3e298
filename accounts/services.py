"""Writes: accounts, favourites, history, failed log-ins and throttled requests. Callers pass
valid input."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import selectors
from accounts.models import Favourite, HistoryEntry, LoginFailure, ThrottledRequest
from catalog.models import Song

# The first key of PostgreSQL's two-key advisory locks taken by `_counting_lock`: ours alone.
COUNTING_LOCK_NAMESPACE = 0x534F4E47
# Other databases (SQLite, the quick start) serve from one process: a lock of its own suffices.
_process_counting_lock = threading.Lock()


def user_sign_up(*, username: str, email: str, password: str) -> AbstractBaseUser | None:
    """Create an active user with a hashed password; validation is the form's job.

    None, and no account, when an account already uses `email` (any case).
    """
    users = get_user_model().objects
    if users.filter(email__iexact=email).exists():
        return None
    return users.create_user(username=username, email=email, password=password)


def sign_up_taken_email_notify(*, email: str, log_in_url: str, reset_url: str) -> None:
    """Tell the owner of `email` that someone tried to sign up with it, and how to get in."""
    context = {"email": email, "log_in_url": log_in_url, "reset_url": reset_url}
    send_mail(
        subject=render_to_string("accounts/sign_up_taken_subject.txt", context).strip(),
        message=render_to_string("accounts/sign_up_taken_email.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def song_favourite(*, user: AbstractBaseUser, song: Song) -> Favourite:
    """Keep `song` for `user`; favouriting it again returns the existing favourite."""
    favourite, _ = Favourite.objects.get_or_create(user=user, song=song)
    return favourite


def song_unfavourite(*, user: AbstractBaseUser, song: Song) -> bool:
    """Drop `song` from `user`'s favourites; False if it was not one."""
    deleted, _ = Favourite.objects.filter(user=user, song=song).delete()
    return deleted > 0


def _history_record(*, user: AbstractBaseUser, kind: str, **fields: object) -> HistoryEntry:
    # The next page of the same search, a reload or the same-artist toggle repeat the newest
    # entry: move it to now rather than filling the history with copies.
    newest = HistoryEntry.objects.filter(user=user).order_by("-created_at", "-pk").first()
    repeats_newest = newest is not None and all(
        getattr(newest, name) == value for name, value in {"kind": kind, **fields}.items()
    )
    if repeats_newest:
        newest.created_at = timezone.now()
        newest.save(update_fields=["created_at"])
        return newest
    entry = HistoryEntry.objects.create(user=user, kind=kind, **fields)
    _history_prune(user=user)
    return entry


def _history_prune(*, user: AbstractBaseUser) -> None:
    """Delete `user`'s entries beyond the newest SONGREC_HISTORY_KEPT, in one statement that
    walks their `history_newest` index."""
    kept = settings.SONGREC_HISTORY_KEPT
    beyond = HistoryEntry.objects.filter(user=user).order_by("-created_at", "-pk")[kept:]
    HistoryEntry.objects.filter(user=user, pk__in=beyond.values("pk")).delete()


def history_record_search(
    *, user: AbstractBaseUser, query: str = "", artist: str = "", track: str = ""
) -> HistoryEntry:
    """Record that `user` searched with these fields (a repeat of the newest entry moves it)."""
    return _history_record(
        user=user,
        kind=HistoryEntry.Kind.SEARCH,
        song_id=None,
        query=query,
        artist=artist,
        track=track,
    )


def history_record_view(*, user: AbstractBaseUser, song: Song) -> HistoryEntry:
    """Record that `user` opened `song`'s page (a repeat of the newest entry moves it)."""
    return _history_record(user=user, kind=HistoryEntry.Kind.VIEW, song_id=song.key)


def history_delete(*, user: AbstractBaseUser, entry_id: int) -> bool:
    """Delete one of `user`'s own history entries; False if they have none with that id."""
    deleted, _ = HistoryEntry.objects.filter(user=user, pk=entry_id).delete()
    return deleted > 0


def history_clear(*, user: AbstractBaseUser) -> int:
    """Delete all of `user`'s history; returns how many entries went."""
    deleted, _ = HistoryEntry.objects.filter(user=user).delete()
    return deleted


@contextmanager
def _counting_lock(*keys: str) -> Iterator[None]:
    """A transaction in which no other process checks or counts any of `keys` at the same time.

    On PostgreSQL, advisory locks on the keys, held until the transaction ends (always taken in
    the same order, so two requests never deadlock); elsewhere a lock of this process.
    """
    if connection.vendor != "postgresql":
        with _process_counting_lock, transaction.atomic():
            yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [COUNTING_LOCK_NAMESPACE, key]
            )
        yield


def login_attempt_reserve(*, username: str, address: str | None) -> tuple[str, int] | None:
    """Count a log-in attempt for `username` from `address` as a failure, before its password is
    checked, unless either is locked already: then nothing is counted and the refusal is returned
    (as `selectors.login_retry_after`). Checking and counting are one step for every process, so
    no more attempts than the limit are ever let through to the password check.
    `login_failures_clear` forgets the attempt when the password was right."""
    keys = [f"login-account:{username.casefold()}"]
    if address:
        keys.append(f"login-address:{address}")
    with _counting_lock(*keys):
        refusal = selectors.login_retry_after(username=username, address=address)
        if refusal is None:
            login_failure_record(username=username, address=address)
        return refusal


def login_failure_record(*, username: str, address: str | None) -> LoginFailure:
    """Count a failed log-in for `username` (case-folded) from `address`.

    Failures older than the lockout window no longer count, so they are deleted here.
    """
    now = timezone.now()
    window = timedelta(minutes=settings.SONGREC_LOGIN_LOCKOUT_MINUTES)
    LoginFailure.objects.filter(created_at__lte=now - window).delete()
    key = username.casefold()[: LoginFailure._meta.get_field("username").max_length]
    return LoginFailure.objects.create(username=key, address=address, created_at=now)


def login_failures_clear(*, username: str) -> None:
    """Forget `username`'s failures after a successful log-in (the address's still count)."""
    LoginFailure.objects.filter(username=username.casefold()).delete()


def request_throttle(*, action: str, limits: dict[str, int]) -> int | None:
    """Count one `action` (a ThrottledRequest.Action) against each key of `limits` (a client
    address, an e-mail address) unless a key has reached its limit within the window
    (SONGREC_THROTTLE_WINDOW_MINUTES): then count nothing and return the whole minutes until it
    opens again. Requests older than the window are deleted here."""
    window = timedelta(minutes=settings.SONGREC_THROTTLE_WINDOW_MINUTES)
    keys = {key.casefold()[:320]: limit for key, limit in limits.items() if key}
    with _counting_lock(*(f"{action}:{key}" for key in keys)):
        minutes = selectors.throttle_retry_after(action=action, limits=keys, window=window)
        if minutes is not None:
            return minutes
        now = timezone.now()
        ThrottledRequest.objects.filter(action=action, created_at__lte=now - window).delete()
        ThrottledRequest.objects.bulk_create(
            ThrottledRequest(action=action, key=key, created_at=now) for key in keys
        )
    return None
