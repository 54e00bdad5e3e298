from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from catalog.budget import SearchTooBroad, search_time_budget
from catalog.forms import SongSearchForm
from catalog.search import SONGS_PER_PAGE, search_paginator
from catalog.selectors import artist_songs, random_song
from catalog.signals import song_search_done


def _search_page(form: SongSearchForm, page_number: str | int) -> tuple[Page, bool]:
    """The page of results `page_number` asks for (the last or first where it is out of range)
    and whether they are near misses, read within the search's time budget (`SearchTooBroad`)."""
    with search_time_budget():
        paginator, near_miss = search_paginator(
            query=form.cleaned_data["q"],
            artist=form.cleaned_data["artist"],
            track=form.cleaned_data["track"],
            page_number=page_number,
        )
        page = paginator.get_page(page_number)
        page.object_list = list(page.object_list)
    return page, near_miss


def _uncached(response: HttpResponse) -> HttpResponse:
    """`response`, kept out of every cache: a search that ran out of time may fit another time."""
    patch_cache_control(response, no_store=True)
    return response


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
