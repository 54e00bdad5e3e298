"""Writes: the playlist being made (in the session) and saved playlists. Callers pass valid
input; the session's playlist is checked by `selectors.draft` whenever it is read."""

from collections.abc import MutableMapping, Sequence
from dataclasses import replace

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from playlists.models import TITLE_LENGTH, Playlist, PlaylistEntry
from playlists.selectors import MAX_SONGS, SESSION_KEY, Draft, draft


def _draft_store(session: MutableMapping[str, object], value: Draft) -> Draft:
    session[SESSION_KEY] = {
        "keys": list(value.keys),
        "title": value.title,
        "saved_id": value.saved_id,
    }
    return value


def draft_add(*, session: MutableMapping[str, object], song_key: int) -> bool:
    """Append a song to the session's playlist; False if it is there already or the playlist
    is full (MAX_SONGS)."""
    current = draft(session)
    if song_key in current.keys or len(current.keys) >= MAX_SONGS:
        return False
    _draft_store(session, replace(current, keys=(*current.keys, song_key)))
    return True


def draft_drop(*, session: MutableMapping[str, object], song_key: int) -> bool:
    """Take a song out of the session's playlist; False if it was not in it."""
    current = draft(session)
    if song_key not in current.keys:
        return False
    kept = tuple(key for key in current.keys if key != song_key)
    _draft_store(session, replace(current, keys=kept))
    return True


def draft_clear(*, session: MutableMapping[str, object]) -> None:
    """Forget the session's playlist (a saved one stays saved)."""
    session.pop(SESSION_KEY, None)


def draft_open(*, session: MutableMapping[str, object], playlist: Playlist, keys: Sequence[int]):
    """Make a saved playlist (with its song keys) the session's playlist, to change it."""
    _draft_store(session, Draft(keys=tuple(keys), title=playlist.title, saved_id=playlist.pk))


def playlist_save(
    *, user: AbstractBaseUser, title: str, keys: Sequence[int], playlist: Playlist | None = None
) -> Playlist:
    """Save songs `keys` in order as `user`'s playlist `title`: a new one, or `playlist` (theirs)
    with its songs replaced."""
    title = title.strip()[:TITLE_LENGTH]
    with transaction.atomic():
        if playlist is None:
            playlist = Playlist.objects.create(user=user, title=title)
        else:
            playlist.title = title
            playlist.updated_at = timezone.now()
            playlist.save(update_fields=["title", "updated_at"])
            playlist.entries.all().delete()
        unique_keys = list(dict.fromkeys(keys))[:MAX_SONGS]
        PlaylistEntry.objects.bulk_create(
            PlaylistEntry(playlist=playlist, song_id=key, position=position)
            for position, key in enumerate(unique_keys)
        )
    return playlist


def draft_save(
    *, session: MutableMapping[str, object], user: AbstractBaseUser, title: str
) -> Playlist:
    """Save the session's playlist for `user`: over the saved playlist it was opened from when
    that is theirs, else as a new one; the session's playlist then stands for the saved one."""
    current = draft(session)
    existing = None
    if current.saved_id is not None:
        existing = Playlist.objects.filter(user=user, pk=current.saved_id).first()
    playlist = playlist_save(user=user, title=title, keys=current.keys, playlist=existing)
    _draft_store(session, replace(current, title=playlist.title, saved_id=playlist.pk))
    return playlist


def playlist_rename(*, user: AbstractBaseUser, playlist_id: int, title: str) -> bool:
    """Rename one of `user`'s playlists; False if they have none with that id."""
    renamed = Playlist.objects.filter(user=user, pk=playlist_id).update(
        title=title.strip()[:TITLE_LENGTH], updated_at=timezone.now()
    )
    return renamed > 0


def playlist_delete(*, user: AbstractBaseUser, playlist_id: int) -> bool:
    """Delete one of `user`'s playlists; False if they have none with that id."""
    deleted, _ = Playlist.objects.filter(user=user, pk=playlist_id).delete()
    return deleted > 0


def draft_retitle(*, session: MutableMapping[str, object], title: str) -> None:
    """Give the session's playlist a new title (a saved playlist renamed)."""
    _draft_store(session, replace(draft(session), title=title.strip()[:TITLE_LENGTH]))
