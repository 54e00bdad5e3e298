"""The accounts' users and catalogue (see tests/accounts/conftest.py for its links), and the
playlist URLs the view tests share."""

from django.urls import reverse

from tests.accounts.conftest import (  # noqa: F401  (fixtures, registered by importing them)
    alice,
    alice_client,
    bob,
    catalogue,
    fast_password_hashing,
)

PLAYLIST_URL = reverse("playlists:playlist")
SAVED_URL = reverse("playlists:saved_list")
API_URL = reverse("api:playlist")
HOSTILE_TITLE = '=HYPERLINK("http://evil.example/","click")'


def add_url(song) -> str:
    return reverse("playlists:add", args=[song.pk])


def drop_url(song) -> str:
    return reverse("playlists:drop", args=[song.pk])


def export_url(fmt: str) -> str:
    return reverse("playlists:export", args=[fmt])
