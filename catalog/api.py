"""The catalogue's JSON API: /api/search and /api/autocomplete (a router songrec_site/api.py
mounts). Parameters and answers are declared as schemas: they validate the input and make the
OpenAPI schema at /api/openapi.json."""

from typing import Any

from django.core.paginator import InvalidPage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import model_validator

from catalog.budget import SearchTooBroad, search_time_budget
from catalog.forms import EMPTY_SEARCH_MESSAGE, MAX_SEARCH_LENGTH
from catalog.models import Song
from catalog.search import (
    SEARCH_RESULTS_COUNTED,
    SONGS_PER_PAGE,
    TOO_BROAD_MESSAGE,
    search_paginator,
)
from catalog.selectors import song_suggestions
from matching.names import match_key

router = Router(tags=["catalogue"])


class ApiError(Schema):
    """Every error answer under /api/ (songrec_site/api.py and api_errors.py make them)."""

    error: str = Field(description="What went wrong, in a sentence.")


class TooBroadError(ApiError):
    too_broad: bool = Field(description="Always true: add a word and search again.")


def _search_text(description: str) -> Any:
    return Field("", max_length=MAX_SEARCH_LENGTH, description=description)


class SearchParameters(Schema):
    q: str = _search_text("Words of the title or the artist, in any order (free text).")
    artist: str = _search_text("Part of the artist's name: matches the artist only.")
    track: str = _search_text("Part of the title: matches the title only.")
    page: int = Field(1, ge=1, description=f"The page of results, {SONGS_PER_PAGE} a page.")

    @model_validator(mode="after")
    def says_something(self) -> "SearchParameters":
        # Judged as the search will: a query of only accents or spaces would match every song.
        if not any(match_key(text) for text in (self.q, self.artist, self.track)):
            raise ValueError(EMPTY_SEARCH_MESSAGE)
        return self


class SongBrief(Schema):
    """A song as every answer names it (other apps' schemas build on it)."""

    id: int
    artist: str
    title: str


class SongLink(SongBrief):
    url: str = Field(description="The song's page, with its recommendations.")

    @staticmethod
    def resolve_url(song: Song) -> str:
        return song.get_absolute_url()


class SearchResult(SongLink):
    playlist_count: int = Field(description="Playlists the song is in: its popularity.")


class SearchPage(Schema):
    query: str = Field(description="The free-text query, as sent.")
    page: int
    num_pages: int
    count: int = Field(description=f"Songs found, counted up to {SEARCH_RESULTS_COUNTED}.")
    count_capped: bool = Field(description="Whether more songs match than `count` (the pages end).")
    near_miss: bool = Field(description="No song has every word: these are the closest spellings.")
    next: str | None = Field(description="The URL of the next page; null on the last.")
    previous: str | None = Field(description="The URL of the previous page; null on the first.")
    results: list[SearchResult] = Field(description="Best match first, then most popular.")


class Suggestions(Schema):
    query: str
    results: list[SongLink]


def _page_url(request: HttpRequest, number: int | None) -> str | None:
    """The URL of this search's page `number` (None: no such page)."""
    if number is None:
        return None
    parameters = request.GET.copy()
    parameters["page"] = str(number)
    return f"{request.path}?{parameters.urlencode()}"


def _too_broad() -> JsonResponse:
    response = JsonResponse({"error": TOO_BROAD_MESSAGE, "too_broad": True}, status=422)
    # A search that ran out of time may fit another time: kept out of every cache.
    patch_cache_control(response, no_store=True)
    return response


@router.api_operation(
    ["GET", "HEAD"],
    "/search",
    url_name="search",
    response={200: SearchPage, 400: ApiError, 422: TooBroadError},
    summary="Search songs",
)
def search(request: HttpRequest, parameters: Query[SearchParameters]) -> Any:
    """Songs whose title or artist hold every word of `q` (anywhere, ignoring case and
    accents), or whose artist and title hold `artist` and `track`; when no song holds the words
    of `q`, the closest spellings (`near_miss`). 422 with `too_broad` when the search runs out
    of its time budget: add a word."""
    try:
        with search_time_budget():
            paginator, near_miss = search_paginator(
                query=parameters.q,
                artist=parameters.artist,
                track=parameters.track,
                page_number=parameters.page,
            )
            page = paginator.page(parameters.page)
            page.object_list = list(page.object_list)
    except InvalidPage:
        raise HttpError(
            400, f"page must be a whole number from 1 to {paginator.num_pages}."
        ) from None
    except SearchTooBroad:
        return _too_broad()
    return {
        "query": parameters.q,
        "page": page.number,
        "num_pages": paginator.num_pages,
        "count": paginator.count,
        "count_capped": paginator.count_capped,
        "near_miss": near_miss,
        "next": _page_url(request, page.next_page_number() if page.has_next() else None),
        "previous": _page_url(
            request, page.previous_page_number() if page.has_previous() else None
        ),
        "results": page.object_list,
    }


@router.api_operation(
    ["GET", "HEAD"],
    "/autocomplete",
    url_name="autocomplete",
    response={200: Suggestions, 400: ApiError},
    summary="Suggest songs as a query is typed",
)
def autocomplete(
    request: HttpRequest,
    response: HttpResponse,
    q: str = Query("", max_length=MAX_SEARCH_LENGTH, description="The text typed so far."),
) -> Any:
    """Up to 8 songs with words starting as typed, else containing every word typed, else the
    closest spellings (for a word of 4 letters or more), most popular first. One or two letters
    alone: among the most popular songs; nothing below two letters, or when the search runs out
    of its time budget."""
    try:
        with search_time_budget():
            suggestions = song_suggestions(text=q)
    except SearchTooBroad:
        patch_cache_control(response, no_store=True)
        return {"query": q, "results": []}
    # Everyone typing the same letters gets the same answer: let browsers keep it a minute.
    response["Cache-Control"] = "public, max-age=60"
    return {"query": q, "results": suggestions}
