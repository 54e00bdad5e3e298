"""The recommendations' JSON API: /api/songs/<id>/recommendations (a router songrec_site/api.py
mounts)."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from catalog.api import ApiError, SongBrief
from recommendations.models import Neighbour
from recommendations.selectors import song_with_recommendations
from recommendations.views import RECOMMENDATIONS_SHOWN

router = Router(tags=["recommendations"])


class SongSummary(SongBrief):
    playlist_count: int = Field(description="Playlists the song is in: its popularity.")


class RecommendationOut(Schema):
    id: int = Field(description="The recommended song's id.")
    artist: str
    title: str
    similarity: float = Field(
        ge=0, le=1, description="Jaccard similarity of the two songs' sets of playlists."
    )
    rank: int = Field(ge=1, description="Its place in this list, from 1, as the song page shows.")

    @staticmethod
    def resolve_id(recommendation: Neighbour) -> int:
        return recommendation.neighbour.pk

    @staticmethod
    def resolve_artist(recommendation: Neighbour) -> str:
        return recommendation.neighbour.artist

    @staticmethod
    def resolve_title(recommendation: Neighbour) -> str:
        return recommendation.neighbour.title

    @staticmethod
    def resolve_rank(recommendation: Neighbour) -> int:
        return recommendation.position


class SongRecommendations(Schema):
    song: SongSummary
    recommendations: list[RecommendationOut] = Field(
        description=f"Up to {RECOMMENDATIONS_SHOWN} songs, most similar first."
    )


@router.api_operation(
    ["GET", "HEAD"],
    "/songs/{int:pk}/recommendations",
    url_name="song_recommendations",
    response={200: SongRecommendations, 400: ApiError, 404: ApiError},
    summary="A song's recommendations",
)
def song_recommendations(
    request: HttpRequest,
    pk: int,
    same_artist: Literal["0", "1"] = Query(
        "0", description="1: include songs by the same artist (the song page's toggle)."
    ),
) -> Any:
    """The songs that share the most playlists with song `pk` in the active build; none before
    the first build."""
    song, recommendations = song_with_recommendations(
        pk, include_same_artist=same_artist == "1", limit=RECOMMENDATIONS_SHOWN
    )
    if song is None:
        raise HttpError(404, "No song with that id.")
    return {"song": song, "recommendations": recommendations}
