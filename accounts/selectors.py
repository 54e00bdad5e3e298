"""Reads of a user's favourites, history and recommendations, and of log-in lockouts."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Favourite, HistoryEntry, LoginFailure, ThrottledRequest
from catalog.models import Song
from recommendations.selectors import active_build, summed_neighbours

FAVOURITE_WEIGHT = 1.0
# Opening a song page says less than keeping the song.
VIEW_WEIGHT = 0.5
RECENT_VIEWS_COUNTED = 20


def favourites_for_user(*, user: AbstractBaseUser) -> QuerySet[Favourite]:
    """The user's favourites, newest first, each with its song loaded."""
    return Favourite.objects.filter(user=user).select_related("song").order_by("-created_at", "-pk")


def favourite_keys(*, user: AbstractBaseUser) -> set[int]:
    """Keys of every song the user keeps, for marking hearts."""
    return set(Favourite.objects.filter(user=user).values_list("song_id", flat=True))


def history_for_user(*, user: AbstractBaseUser) -> QuerySet[HistoryEntry]:
    """The user's searches and song views, newest first, with the songs of views loaded."""
    return (
        HistoryEntry.objects.filter(user=user).select_related("song").order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class ForYou:
    """One recommendation for a user.

    `because` is the song of theirs that contributes most to `score` (the summed similarity of
    the recommended song to their favourites and, at a lower weight, their recent views);
    `because_favourite` says whether it is a favourite or a song they opened; `seed_count` is how
    many of their songs it neighbours.
    """

    song: Song
    score: float
    because: Song
    because_favourite: bool
    seed_count: int


def for_you(*, user: AbstractBaseUser, limit: int = 20) -> list[ForYou]:
    """Songs to recommend to `user` from the active build, best first; [] for no seeds.

    Seeds are the user's favourites (weight 1) and their last RECENT_VIEWS_COUNTED distinct song
    views that are not favourites (weight VIEW_WEIGHT). A song's score is the sum over seeds of
    seed weight × similarity (`recommendations.selectors.summed_neighbours`); songs already
    favourited are left out. Two queries: the seeds, then the ranking with its songs.
    """
    seeds, favourites = _seeds(user)
    ranked = summed_neighbours(seeds=seeds, exclude=favourites, limit=limit)
    return [
        ForYou(
            song=item.song,
            score=item.score,
            because=item.because,
            because_favourite=item.because.key in favourites,
            seed_count=item.seed_count,
        )
        for item in ranked
    ]


def _seeds(user: AbstractBaseUser) -> tuple[dict[int, float], set[int]]:
    """The user's seeds (song key: weight) and their favourites' keys, in one query."""
    favourite_table = Favourite._meta.db_table
    history_table = HistoryEntry._meta.db_table
    sql = f"""
        SELECT song_key, 1 FROM {favourite_table} WHERE user_id = %(user_id)s
        UNION ALL
        SELECT song_key, 0 FROM (
            SELECT h.song_key FROM {history_table} h
            WHERE h.user_id = %(user_id)s AND h.kind = %(view)s AND NOT EXISTS (
                SELECT 1 FROM {favourite_table} f
                WHERE f.user_id = %(user_id)s AND f.song_key = h.song_key
            )
            GROUP BY h.song_key ORDER BY MAX(h.created_at) DESC LIMIT %(recent_views)s
        ) recent
    """
    parameters = {
        "user_id": user.pk,
        "view": HistoryEntry.Kind.VIEW,
        "recent_views": RECENT_VIEWS_COUNTED,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
    favourites = {key for key, favourite in rows if favourite}
    seeds = {key: FAVOURITE_WEIGHT if favourite else VIEW_WEIGHT for key, favourite in rows}
    return seeds, favourites


@dataclass(frozen=True)
class ForYouPage:
    """Recommendations for a user, and when there are none, why: `has_seeds` (a favourite or a
    song view to start from) and `has_active_build` (recommendations computed at all)."""

    recommendations: list[ForYou]
    has_seeds: bool
    has_active_build: bool


def for_you_page(*, user: AbstractBaseUser, limit: int = 20) -> ForYouPage:
    """`for_you` for a page or a panel; the empty-state checks run only when it found nothing."""
    recommendations = for_you(user=user, limit=limit)
    if recommendations:
        return ForYouPage(recommendations, has_seeds=True, has_active_build=True)
    return ForYouPage(
        recommendations,
        has_seeds=Favourite.objects.filter(user=user).exists()
        or HistoryEntry.objects.filter(user=user, kind=HistoryEntry.Kind.VIEW).exists(),
        has_active_build=active_build() is not None,
    )


def login_retry_after(*, username: str, address: str | None) -> tuple[str, int] | None:
    """Whether log-ins for `username` or from `address` are refused now, and for how long.

    Returns None when both are allowed, else ("account" or "address", whole minutes to wait).
    A key is refused while it has at least the configured number of failures within the
    lockout window; it opens again when the oldest of those leaves the window.
    """
    window = timedelta(minutes=settings.SONGREC_LOGIN_LOCKOUT_MINUTES)
    now = timezone.now()
    limits = [
        ("account", {"username": username.casefold()}, settings.SONGREC_LOGIN_FAILURES_PER_ACCOUNT)
    ]
    if address:
        limits.append(
            ("address", {"address": address}, settings.SONGREC_LOGIN_FAILURES_PER_ADDRESS)
        )
    for scope, lookup, limit in limits:
        minutes = _minutes_locked(LoginFailure.objects.filter(**lookup), limit, window, now)
        if minutes is not None:
            return scope, minutes
    return None


def throttle_retry_after(*, action: str, limits: dict[str, int], window: timedelta) -> int | None:
    """Whole minutes until `action` is allowed again for every key of `limits` (key: how many
    within `window`), or None if it is allowed now."""
    now = timezone.now()
    waits = [
        _minutes_locked(ThrottledRequest.objects.filter(action=action, key=key), limit, window, now)
        for key, limit in limits.items()
    ]
    return max((minutes for minutes in waits if minutes is not None), default=None)


def _minutes_locked(events: QuerySet, limit: int, window: timedelta, now: datetime) -> int | None:
    """Whole minutes until fewer than `limit` of `events` fall within `window`, or None if fewer
    already do."""
    # The limit-th newest event: while it is inside the window, the key has `limit` of them.
    recent = (
        events.filter(created_at__gt=now - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    oldest_counted = next(iter(recent[max(limit, 1) - 1 : max(limit, 1)]), None)
    if oldest_counted is None:
        return None
    return max(1, math.ceil((oldest_counted + window - now).total_seconds() / 60))
