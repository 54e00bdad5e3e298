"""The query of `/api/playlist`, parsed and checked apart from the view that answers it."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from playlists.selectors import MAX_SONGS

MAX_PROPOSALS = 100
DEFAULT_PROPOSALS = 20
# Ids fit PostgreSQL's bigint; longer digit strings would fail in the database, not here.
_ID = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class PlaylistQuery:
    """The song ids asked about (in order, repeats dropped) and how many proposals; `error`
    says what is wrong with the query instead."""

    ids: tuple[int, ...] = ()
    n: int = DEFAULT_PROPOSALS
    error: str = ""


def parse_playlist_query(query: Mapping[str, str]) -> PlaylistQuery:
    """`songs`: 1 to MAX_SONGS comma-separated song ids; `n`: 1 to MAX_PROPOSALS (default
    DEFAULT_PROPOSALS)."""
    raw_songs = query.get("songs", "").strip()
    if not raw_songs:
        return PlaylistQuery(error="songs is required: comma-separated song ids.")
    parts = [part.strip() for part in raw_songs.split(",")]
    if not all(_ID.fullmatch(part) for part in parts):
        return PlaylistQuery(error="songs must be comma-separated song ids (whole numbers).")
    ids = tuple(dict.fromkeys(int(part) for part in parts))
    if len(ids) > MAX_SONGS:
        return PlaylistQuery(error=f"songs may list at most {MAX_SONGS} ids.")
    raw_n = query.get("n", str(DEFAULT_PROPOSALS)).strip()
    if not re.fullmatch(r"[0-9]{1,3}", raw_n) or not 1 <= int(raw_n) <= MAX_PROPOSALS:
        return PlaylistQuery(error=f"n must be a whole number from 1 to {MAX_PROPOSALS}.")
    return PlaylistQuery(ids=ids, n=int(raw_n))
