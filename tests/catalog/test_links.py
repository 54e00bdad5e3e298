import re
from pathlib import Path

import pytest
from django.template import engines
from django.urls import (
    NoReverseMatch,
    clear_script_prefix,
    include,
    path,
    reverse,
    set_script_prefix,
)

from catalog.links import artist_url, pk_url, song_url, view_url
from catalog.models import Song


def test_song_url_is_what_reverse_returns():
    for pk in (1, 42, 2_000_000):
        assert song_url(pk) == reverse("recommendations:song", args=[pk])


@pytest.mark.parametrize(
    "artist_norm",
    ["queen", "simon garfunkel", "ac/dc", "sigur rós", "50% off", "a?b#c", "what's up & more"],
)
def test_artist_url_is_what_reverse_returns(artist_norm):
    assert artist_url(artist_norm) == reverse("catalog:artist", args=[artist_norm])


def test_artist_url_refuses_what_reverse_refuses():
    with pytest.raises(NoReverseMatch):
        artist_url("")


# Every view the pages' header links (templates/base.html).
BASE_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "base.html"
HEADER_VIEWS = re.findall(r"\{% view_url '([^']+)' %\}", BASE_TEMPLATE.read_text())


def test_the_header_links_views_without_arguments():
    assert len(HEADER_VIEWS) >= 10


@pytest.mark.parametrize("view_name", HEADER_VIEWS)
def test_view_url_is_what_reverse_returns(view_name):
    assert view_url(view_name) == reverse(view_name)


def test_view_url_refuses_what_reverse_refuses():
    with pytest.raises(NoReverseMatch):
        view_url("catalog:no_such_view")


def test_links_follow_the_script_prefix():
    set_script_prefix("/music/")
    try:
        assert song_url(7) == "/music/songs/7/" == reverse("recommendations:song", args=[7])
        assert artist_url("abba") == reverse("catalog:artist", args=["abba"])
        assert view_url("catalog:search") == "/music/search" == reverse("catalog:search")
    finally:
        clear_script_prefix()
    assert song_url(7) == "/songs/7/"
    assert view_url("catalog:search") == "/search"


def unused_view(request):
    raise AssertionError("only reversed")


# Song pages and the home page elsewhere: the URL configuration of the next test.
urlpatterns = [
    path("", include(([path("elsewhere/<int:pk>/", unused_view, name="song")], "recommendations"))),
    path("", include(([path("elsewhere/", unused_view, name="home")], "catalog"))),
]


def test_links_follow_a_swapped_url_configuration(settings):
    assert (song_url(7), view_url("catalog:home")) == ("/songs/7/", "/")
    settings.ROOT_URLCONF = __name__
    assert (song_url(7), view_url("catalog:home")) == ("/elsewhere/7/", "/elsewhere/")


@pytest.mark.parametrize(
    "view_name", ["playlists:add", "accounts:favourite", "accounts:unfavourite"]
)
def test_pk_url_is_what_reverse_returns(view_name):
    for pk in (1, 42, 2_000_000):
        assert pk_url(view_name, pk) == reverse(view_name, args=[pk])


# The song card's markup as the template wrote it before catalog_links built it in Python.
CARD_TEMPLATE = """{% load catalog_numbers %}{% with url=song.get_absolute_url %}\
<div class="song-card__names"><a class="song-card__title" href="{{ url }}">{{ song.title }}</a>\
{% if show_artist %}<span class="song-card__artist">{% if song.artist_norm %}\
<a href="{{ song.get_artist_url }}">{{ song.artist }}</a>{% else %}{{ song.artist }}{% endif %}\
</span>{% endif %}</div>|<span class="song-card__count">{{ song.playlist_count|grouped }} \
playlist{{ song.playlist_count|pluralize }}</span><a class="song-card__action" href="{{ url }}" \
aria-label="Songs like {{ song.title }}">Similar songs →</a>{% endwith %}"""
CARD_TAGS = (
    "{% load catalog_links %}{% song_card_names song show_artist %}|{% song_card_count song %}"
)


@pytest.mark.parametrize("show_artist", [True, False])
@pytest.mark.parametrize(
    ("artist", "artist_norm", "title", "playlist_count"),
    [
        ("Adele", "adele", "Hello", 1),
        ("AC/DC & <b>", "ac/dc and <b>", 'Say "Hi" & <script>', 1234567),
        ("(Untitled)", "", "It's", 0),
    ],
)
def test_song_cards_built_in_python_are_what_the_template_wrote(
    show_artist, artist, artist_norm, title, playlist_count
):
    song = Song(pk=7, artist=artist, artist_norm=artist_norm, title=title)
    song.playlist_count = playlist_count
    context = {"song": song, "show_artist": show_artist}
    engine = engines["django"]

    built = engine.from_string(CARD_TAGS).render(context)

    assert built == engine.from_string(CARD_TEMPLATE).render(context)
