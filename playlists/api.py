"""The playlists' JSON API: /api/playlist (a router songrec_site/api.py mounts). Its parameters
are declared as a schema: they validate the query and make the OpenAPI schema."""

import re
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from catalog.api import ApiError, SongBrief
from playlists import selectors
from playlists.selectors import MAX_SONGS

MAX_PROPOSALS = 100
DEFAULT_PROPOSALS = 20
# Ids fit PostgreSQL's bigint; longer digit strings would fail in the database, not here.
_IDS = re.compile(r"[0-9]{1,18}(,[0-9]{1,18})*")

router = Router(tags=["playlists"])


class PlaylistParameters(Schema):
    songs: str = Field(
        description=f"The playlist's song ids, comma-separated: 1 to {MAX_SONGS} (repeats count "
        "once)."
    )
    n: int = Field(
        DEFAULT_PROPOSALS, ge=1, le=MAX_PROPOSALS, description="How many songs to propose."
    )

    @field_validator("songs")
    @classmethod
    def song_ids(cls, songs: str) -> str:
        songs = songs.replace(" ", "")
        if not songs:
            raise ValueError("songs is required: comma-separated song ids.")
        if not _IDS.fullmatch(songs):
            raise ValueError("songs must be comma-separated song ids (whole numbers).")
        if len(set(songs.split(","))) > MAX_SONGS:
            raise ValueError(f"songs may list at most {MAX_SONGS} ids.")
        return songs

    def ids(self) -> tuple[int, ...]:
        """The song ids in their order, repeats dropped."""
        return tuple(dict.fromkeys(int(part) for part in self.songs.split(",")))


class Proposal(SongBrief):
    url: str = Field(description="The song's page, absolute.")
    score: float = Field(description="Summed similarity to the playlist's songs.")
    because: SongBrief = Field(description="The playlist's song contributing most.")
    seed_count: int = Field(description="How many of the playlist's songs it neighbours.")


class PlaylistProposals(Schema):
    songs: list[int] = Field(description="The playlist's song ids, as understood.")
    proposals: list[Proposal] = Field(description="Best first.")


class UnknownSongs(ApiError):
    unknown_ids: list[int] = Field(description="The ids of no song.")


@router.api_operation(
    ["GET", "HEAD"],
    "/playlist",
    url_name="playlist",
    response={200: PlaylistProposals, 400: ApiError | UnknownSongs},
    summary="Songs to add to a playlist",
)
def playlist(request: HttpRequest, parameters: Query[PlaylistParameters]) -> Any:
    """The active build's neighbours of the playlist's songs, ranked by summed similarity (the
    "for you" ranking), the songs themselves left out. Unknown ids are a 400 naming them: an id
    typed wrong should not silently change the proposals."""
    songs, unknown = selectors.songs_by_ids(parameters.ids())
    if unknown:
        listed = ", ".join(str(pk) for pk in unknown)
        return JsonResponse(
            {"error": f"No song with id {listed}.", "unknown_ids": unknown}, status=400
        )
    ranked = selectors.proposals(keys=[song.key for song in songs], limit=parameters.n)
    return {
        "songs": [song.pk for song in songs],
        "proposals": [
            {
                "id": item.song.pk,
                "artist": item.song.artist,
                "title": item.song.title,
                "url": request.build_absolute_uri(item.song.get_absolute_url()),
                "score": item.score,
                "because": item.because,
                "seed_count": item.seed_count,
            }
            for item in ranked
        ],
    }
