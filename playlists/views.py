from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.redirects import next_url
from catalog.models import Song
from playlists import exports, selectors, services
from playlists.forms import TitleForm
from playlists.models import Playlist

PROPOSALS_SHOWN = 20


def _own_playlist(request: HttpRequest, playlist_id: int) -> Playlist:
    # Another user's id is simply not found, as an id of none.
    playlist = selectors.playlist_for_user(user=request.user, playlist_id=playlist_id)
    if playlist is None:
        raise Http404("No such playlist among yours.")
    return playlist


# The playlist being made


@require_safe
def playlist(request: HttpRequest) -> HttpResponse:
    current = selectors.draft(request.session)
    songs = selectors.songs_by_keys(current.keys)
    saved = None
    if current.saved_id is not None:
        saved = selectors.playlist_for_user(user=request.user, playlist_id=current.saved_id)
    return render(
        request,
        "playlists/playlist.html",
        {
            "draft": current,
            "songs": songs,
            "proposals": selectors.proposals(keys=current.keys, limit=PROPOSALS_SHOWN),
            "saved": saved,
            "is_full": len(current.keys) >= selectors.MAX_SONGS,
            "title_form": TitleForm(initial={"title": current.title}),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def add(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: a page asking to add the song (what pages served from the cache link to: they hold
    no CSRF token). POST: add it, then back to `next` or to the playlist."""
    song = get_object_or_404(Song, pk=pk)
    if request.method != "POST":
        current = selectors.draft(request.session)
        return render(request, "playlists/add.html", {"song": song, "draft": current})
    back = next_url(request, reverse("playlists:playlist"))
    if services.draft_add(session=request.session, song_key=song.key):
        messages.success(request, f"Added “{song.title}” to your playlist.")
    elif song.key in selectors.draft(request.session).keys:
        messages.info(request, f"“{song.title}” is in your playlist already.")
    else:
        messages.error(request, f"Your playlist is full: {selectors.MAX_SONGS} songs at most.")
    return HttpResponseRedirect(back)


@require_POST
def drop(request: HttpRequest, pk: int) -> HttpResponse:
    song = get_object_or_404(Song, pk=pk)
    if services.draft_drop(session=request.session, song_key=song.key):
        messages.success(request, f"Dropped “{song.title}” from your playlist.")
    return HttpResponseRedirect(next_url(request, reverse("playlists:playlist")))


@require_POST
def clear(request: HttpRequest) -> HttpResponse:
    services.draft_clear(session=request.session)
    return HttpResponseRedirect(reverse("playlists:playlist"))


@require_POST
def save(request: HttpRequest) -> HttpResponse:
    back = reverse("playlists:playlist")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    form = TitleForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return HttpResponseRedirect(back)
    saved = services.draft_save(
        session=request.session, user=request.user, title=form.cleaned_data["title"]
    )
    messages.success(request, f"Saved “{saved.title}”.")
    return HttpResponseRedirect(back)


def _export(request: HttpRequest, *, title: str, keys: list[int], fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("No such export format.")
    tracks = [
        exports.Track(song.artist, song.title, request.build_absolute_uri(song.get_absolute_url()))
        for song in selectors.songs_by_keys(keys)
    ]
    if fmt == "jspf":
        user = request.user
        content = exports.jspf(
            title=title,
            creator=user.get_username() if user.is_authenticated else "songrec",
            date=timezone.now(),
            identifier=request.build_absolute_uri(),
            tracks=tracks,
        )
    elif fmt == "m3u8":
        content = exports.m3u8(tracks=tracks)
    else:
        content = exports.csv_text(tracks=tracks)
    response = HttpResponse(content, content_type=exports.FORMATS[fmt].content_type)
    filename = f"{slugify(title) or 'playlist'}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    current = selectors.draft(request.session)
    return _export(request, title=current.title, keys=list(current.keys), fmt=fmt)


# Saved playlists


@require_safe
@login_required
def saved_list(request: HttpRequest) -> HttpResponse:
    playlists = selectors.playlists_for_user(user=request.user)
    return render(request, "playlists/saved_list.html", {"playlists": playlists})


@require_POST
def saved_open(request: HttpRequest, playlist_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("playlists:saved_list"))
    saved = _own_playlist(request, playlist_id)
    keys = selectors.playlist_keys(saved)
    services.draft_open(session=request.session, playlist=saved, keys=keys)
    return HttpResponseRedirect(reverse("playlists:playlist"))


@require_POST
def saved_rename(request: HttpRequest, playlist_id: int) -> HttpResponse:
    back = reverse("playlists:saved_list")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    _own_playlist(request, playlist_id)
    form = TitleForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return HttpResponseRedirect(back)
    title = form.cleaned_data["title"]
    services.playlist_rename(user=request.user, playlist_id=playlist_id, title=title)
    if selectors.draft(request.session).saved_id == playlist_id:
        services.draft_retitle(session=request.session, title=title)
    return HttpResponseRedirect(back)


@require_POST
def saved_delete(request: HttpRequest, playlist_id: int) -> HttpResponse:
    back = reverse("playlists:saved_list")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    saved = _own_playlist(request, playlist_id)
    services.playlist_delete(user=request.user, playlist_id=playlist_id)
    messages.success(request, f"Deleted “{saved.title}”.")
    return HttpResponseRedirect(back)


@require_safe
def saved_export(request: HttpRequest, playlist_id: int, fmt: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    saved = _own_playlist(request, playlist_id)
    return _export(request, title=saved.title, keys=selectors.playlist_keys(saved), fmt=fmt)
