from django.contrib import messages
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from catalog.budget import SearchTooBroad, search_time_budget
from catalog.forms import MAX_SEARCH_LENGTH, SongSearchForm
from catalog.models import Song
from catalog.pagination import CappedPaginator
from catalog.selectors import (
    artist_songs,
    near_misses,
    random_song,
    song_search,
    song_suggestions,
    substring_searchable,
    within_popular_window,
    word_start_query,
)
from catalog.signals import song_search_done

SONGS_PER_PAGE = 20
# Searches count their matches up to this many; the pages stop there too.
SEARCH_RESULTS_COUNTED = 1000
TOO_BROAD_MESSAGE = "That search matches too many songs to rank in time: add a word or two."


def _matching_songs(form: SongSearchForm) -> QuerySet[Song]:
    return song_search(
        query=form.cleaned_data["q"],
        artist=form.cleaned_data["artist"],
        track=form.cleaned_data["track"],
    )


def _search_paginator(form: SongSearchForm, page_number: str | int) -> tuple[CappedPaginator, bool]:
    """Pages of the songs matching the search, and whether they are near misses; page
    `page_number` is fetched with the count (`CappedPaginator.fetch`).

    A free-text query is first matched at word starts (the selective full-text index), then
    anywhere in the names, then, when no song contains the words, by the closest spellings; one
    of words shorter than TRIGRAM_LENGTH only, at word starts among the most popular songs
    (`within_popular_window`). The artist and track fields say which column to match:
    they get substring matching only.
    """
    query = form.cleaned_data["q"]
    free_text = bool(query) and not (form.cleaned_data["artist"] or form.cleaned_data["track"])
    if free_text and not substring_searchable(query):
        # Words of one or two letters only: they start a large share of the names (or none, and
        # finding out reads as many), and matched anywhere they would read every name.
        songs = Song.objects.none()
        if word_start_query(query):
            songs = within_popular_window(song_search(query=query, word_starts=True))
        return _paginator(songs, page_number), False
    if free_text and word_start_query(query):
        paginator = _paginator(song_search(query=query, word_starts=True), page_number)
        if paginator.count:
            return paginator, False
    paginator = _paginator(_matching_songs(form), page_number)
    if paginator.count == 0 and free_text:
        return _paginator(near_misses(query), page_number), True
    return paginator, False


def _search_page(form: SongSearchForm, page_number: str | int) -> tuple[Page, bool]:
    """The page of results `page_number` asks for (the last or first where it is out of range)
    and whether they are near misses, read within the search's time budget (`SearchTooBroad`)."""
    with search_time_budget():
        paginator, near_miss = _search_paginator(form, page_number)
        page = paginator.get_page(page_number)
        page.object_list = list(page.object_list)
    return page, near_miss


def _uncached(response: HttpResponse) -> HttpResponse:
    """`response`, kept out of every cache: a search that ran out of time may fit another time."""
    patch_cache_control(response, no_store=True)
    return response


def _paginator(songs: QuerySet[Song], page_number: str | int) -> CappedPaginator:
    paginator = CappedPaginator(songs, SONGS_PER_PAGE, cap=SEARCH_RESULTS_COUNTED)
    paginator.fetch(page_number)
    return paginator


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/home.html", {"form": SongSearchForm()})


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SongSearchForm(request.GET)
    page, near_miss, too_broad = None, False, False
    if form.is_valid():
        try:
            page, near_miss = _search_page(form, request.GET.get("page", 1))
        except SearchTooBroad:
            too_broad = True
        song_search_done.send(
            sender=search,
            request=request,
            query=form.cleaned_data["q"],
            artist=form.cleaned_data["artist"],
            track=form.cleaned_data["track"],
        )
    response = render(
        request,
        "catalog/search.html",
        {"form": form, "page": page, "near_miss": near_miss, "too_broad": too_broad},
    )
    return _uncached(response) if too_broad else response


@require_safe
def redirect_to_random_song(request: HttpRequest) -> HttpResponse:
    song = random_song()
    if song is None:
        messages.info(request, "The catalogue is empty for now: there is no song to pick yet.")
        return redirect("catalog:home")
    return redirect(song)


@require_safe
def artist_detail(request: HttpRequest, artist_norm: str) -> HttpResponse:
    songs = artist_songs(artist_norm=artist_norm)
    # Songs come most popular first, so the first one carries the best-known spelling.
    most_popular = songs.first()
    if most_popular is None:
        raise Http404("No artist by that name.")
    page = Paginator(songs, SONGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/artist.html",
        {"artist_name": most_popular.artist, "page": page},
    )


@require_safe
def api_search(request: HttpRequest) -> JsonResponse:
    form = SongSearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form.first_error()}, status=400)
    page_number = request.GET.get("page", 1)
    try:
        with search_time_budget():
            paginator, near_miss = _search_paginator(form, page_number)
            page = paginator.page(page_number)
            results = [
                {
                    "id": song.pk,
                    "artist": song.artist,
                    "title": song.title,
                    "playlist_count": song.playlist_count,
                    "url": song.get_absolute_url(),
                }
                for song in page
            ]
    except InvalidPage:
        return JsonResponse(
            {"error": f"page must be a whole number from 1 to {paginator.num_pages}."},
            status=400,
        )
    except SearchTooBroad:
        return _uncached(JsonResponse({"error": TOO_BROAD_MESSAGE, "too_broad": True}, status=422))
    return JsonResponse(
        {
            "query": form.cleaned_data["q"],
            "page": page.number,
            "num_pages": paginator.num_pages,
            "count": paginator.count,
            "count_capped": paginator.count_capped,
            "near_miss": near_miss,
            "results": results,
        }
    )


@require_safe
def api_autocomplete(request: HttpRequest) -> JsonResponse:
    """Suggestions for the search box: {"query", "results": [{"id", "artist", "title", "url"}]};
    no results when the search runs out of its time budget."""
    text = request.GET.get("q", "")
    if len(text) > MAX_SEARCH_LENGTH:
        return JsonResponse(
            {"error": f"q must be {MAX_SEARCH_LENGTH} characters or fewer."}, status=400
        )
    try:
        with search_time_budget():
            suggestions, too_broad = song_suggestions(text=text), False
    except SearchTooBroad:
        suggestions, too_broad = [], True
    response = JsonResponse(
        {
            "query": text,
            "results": [
                {
                    "id": song.pk,
                    "artist": song.artist,
                    "title": song.title,
                    "url": song.get_absolute_url(),
                }
                for song in suggestions
            ],
        }
    )
    if too_broad:
        return _uncached(response)
    # Everyone typing the same letters gets the same answer: let browsers keep it a minute.
    response["Cache-Control"] = "public, max-age=60"
    return response
