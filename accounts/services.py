"""Writes: accounts, favourites, history and failed log-ins. Callers pass valid input."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from accounts.models import Favourite, HistoryEntry, LoginFailure
from catalog.models import Song


def user_sign_up(*, username: str, email: str, password: str) -> AbstractBaseUser:
    """Create an active user with a hashed password; validation is the form's job."""
    return get_user_model().objects.create_user(username=username, email=email, password=password)


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
    return HistoryEntry.objects.create(user=user, kind=kind, **fields)


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
