"""Songs for the catalogue tests, and the song helper the recommendation tests share."""

import zlib
from typing import Any

import pytest

from catalog.models import Song
from catalog.services import catalog_words_refresh, song_words_refresh
from matching.names import match_key

SCRIPT_TAG = "<script>alert(1)</script>"
ESCAPED_SCRIPT_TAG = "&lt;script&gt;alert(1)&lt;/script&gt;"


def create_song(artist: str, title: str, playlist_count: int = 1, **fields: Any) -> Song:
    """A song keyed and normalised the way the batch job stores it, its words in the word table
    and the postings as a build's load would leave them."""
    artist_norm, title_norm = match_key(artist), match_key(title)
    song = Song.objects.create(
        key=zlib.crc32(f"{artist_norm}\x1f{title_norm}".encode()),
        artist=artist,
        title=title,
        artist_norm=artist_norm,
        title_norm=title_norm,
        playlist_count=playlist_count,
        **fields,
    )
    catalog_words_refresh()
    song_words_refresh()
    return song


@pytest.fixture
def songs(db) -> dict[str, Song]:
    """A small catalogue, with playlist counts chosen so popularity alone would misorder it."""
    return {
        "adele_hello": create_song("Adele", "Hello", 50),
        "lionel_hello": create_song("Lionel Richie", "Hello", 20),
        "hello_goodbye": create_song("The Beatles", "Hello, Goodbye", 300),
        "say_hello": create_song("Rosie Thomas", "Say Hello", 900),
        "halo": create_song("Beyoncé", "Halo", 400),
        "boxer": create_song("Simon & Garfunkel", "The Boxer", 250),
        "silence": create_song("Simon & Garfunkel", "The Sound of Silence", 350),
        "retired": create_song("Neil Diamond", "Hello Again", 5000, in_catalogue=False),
    }


@pytest.fixture
def prolific_songs(db) -> list[Song]:
    """45 songs by one artist, most popular first: three pages of search or artist results."""
    return [
        create_song("Prolific Band", f"Track {number:02d}", 1000 - number)
        for number in range(1, 46)
    ]


@pytest.fixture
def script_song(db) -> Song:
    return create_song(SCRIPT_TAG, SCRIPT_TAG, 7)
