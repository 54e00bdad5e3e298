"""Two users, and a small catalogue whose active build links songs like this:

    boxer   → anthem 0.9, ballad 0.5, silence 0.4
    silence → ballad 0.7, boxer 0.4, anthem 0.2

With boxer and silence both favourites, ballad (0.5 + 0.7 = 1.2) outranks anthem (0.9 + 0.2 =
1.1) although anthem has the single highest similarity. A stale build links boxer to "stale",
which must never show; "retired" is out of the catalogue.
"""

import pytest
from django.contrib.auth.models import User

from catalog.models import Song
from recommendations.models import Build, Neighbour
from tests.catalog.conftest import create_song
from tests.recommendations.conftest import store_neighbours

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing as in production costs a good fraction of a second per log-in on two cores."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", "alice@example.com", PASSWORD)


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user("bob", "bob@example.com", PASSWORD)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def catalogue(db) -> dict[str, Song]:
    songs = {
        "boxer": create_song("Simon & Garfunkel", "The Boxer", 250),
        "silence": create_song("Simon & Garfunkel", "The Sound of Silence", 350),
        "anthem": create_song("Rock Band", "Anthem", 120),
        "ballad": create_song("Soft Singer", "Ballad", 80),
        "stale": create_song("Old Artist", "Stale Song", 1),
        "retired": create_song("Neil Diamond", "Hello Again", 5000, in_catalogue=False),
    }
    active = Build.objects.create(
        status=Build.Status.COMPLETE, is_active=True, input_path="playlists.csv"
    )
    stale = Build.objects.create(status=Build.Status.COMPLETE, input_path="old.csv")
    links = [
        (active, "boxer", "anthem", 0.9, 1),
        (active, "boxer", "ballad", 0.5, 2),
        (active, "boxer", "silence", 0.4, 3),
        (active, "silence", "ballad", 0.7, 1),
        (active, "silence", "boxer", 0.4, 2),
        (active, "silence", "anthem", 0.2, 3),
        (stale, "boxer", "stale", 0.99, 1),
    ]
    store_neighbours(
        [
            Neighbour(build=build, song=songs[a], neighbour=songs[b], similarity=s, rank=rank)
            for build, a, b, s, rank in links
        ]
    )
    return songs
