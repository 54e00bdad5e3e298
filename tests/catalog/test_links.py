import pytest
from django.urls import (
    NoReverseMatch,
    clear_script_prefix,
    include,
    path,
    reverse,
    set_script_prefix,
)

from catalog.links import artist_url, song_url


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


def test_links_follow_the_script_prefix():
    set_script_prefix("/music/")
    try:
        assert song_url(7) == "/music/songs/7/" == reverse("recommendations:song", args=[7])
        assert artist_url("abba") == reverse("catalog:artist", args=["abba"])
    finally:
        clear_script_prefix()
    assert song_url(7) == "/songs/7/"


def unused_view(request):
    raise AssertionError("only reversed")


# Song pages elsewhere: the URL configuration of the last test.
urlpatterns = [
    path("", include(([path("elsewhere/<int:pk>/", unused_view, name="song")], "recommendations")))
]


def test_links_follow_a_swapped_url_configuration(settings):
    assert song_url(7) == "/songs/7/"
    settings.ROOT_URLCONF = __name__
    assert song_url(7) == "/elsewhere/7/"
