"""Reads: the playlist being made (kept in the session), saved playlists, and proposals."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet

from catalog.models import Song
from playlists.models import Playlist
from recommendations.selectors import SummedNeighbour, summed_neighbours

# The most songs a playlist holds, and so the most seeds a ranking sums over.
MAX_SONGS = 50
SESSION_KEY = "playlist"
DEFAULT_TITLE = "My playlist"


@dataclass(frozen=True)
class Draft:
    """The playlist being made, kept in the session: its song keys in order, its title, and the
    saved playlist it was opened from (None: not saved yet)."""

    keys: tuple[int, ...] = ()
    title: str = DEFAULT_TITLE
    saved_id: int | None = None


def draft(session: Mapping[str, object]) -> Draft:
    """The session's playlist; an empty one when there is none or it is malformed."""
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return Draft()
    keys = stored.get("keys", [])
    saved_id = stored.get("saved_id")
    title = stored.get("title")
    return Draft(
        keys=tuple(key for key in keys if isinstance(key, int))[:MAX_SONGS]
        if isinstance(keys, list)
        else (),
        title=title if isinstance(title, str) and title else DEFAULT_TITLE,
        saved_id=saved_id if isinstance(saved_id, int) else None,
    )


def songs_by_keys(keys: Sequence[int]) -> list[Song]:
    """The songs with these keys, in that order (keys of no song are skipped)."""
    by_key = Song.objects.in_bulk(keys, field_name="key")
    return [by_key[key] for key in keys if key in by_key]


def songs_by_ids(ids: Sequence[int]) -> tuple[list[Song], list[int]]:
    """The songs with these ids in that order, and the ids of no song."""
    by_id = Song.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id], [pk for pk in ids if pk not in by_id]


def proposals(*, keys: Iterable[int], limit: int = 20) -> list[SummedNeighbour]:
    """Songs to add to a playlist of songs `keys`, best first: the active build's neighbours of
    those songs ranked by summed similarity (each song weighing 1), the playlist's own songs
    left out, each with the song of the playlist contributing most (`because`). One query."""
    chosen = list(dict.fromkeys(keys))
    return summed_neighbours(seeds=dict.fromkeys(chosen, 1.0), exclude=chosen, limit=limit)


def playlists_for_user(*, user: AbstractBaseUser) -> QuerySet[Playlist]:
    """The user's saved playlists, last changed first, each with `song_count`."""
    return (
        Playlist.objects.filter(user=user)
        .annotate(song_count=Count("entries"))
        .order_by("-updated_at", "-pk")
    )


def playlist_for_user(*, user: AbstractBaseUser, playlist_id: int) -> Playlist | None:
    """The user's own playlist with that id; None for anyone else's, or none."""
    if not user.is_authenticated:
        return None
    return Playlist.objects.filter(user=user, pk=playlist_id).first()


def playlist_keys(playlist: Playlist) -> list[int]:
    """The song keys of a saved playlist, in order."""
    return list(playlist.entries.order_by("position").values_list("song_id", flat=True))
