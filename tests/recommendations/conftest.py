"""A seed song with neighbours in the active build, plus a stale build that must not show."""

import pytest

from catalog.models import Song
from recommendations import storage
from recommendations.models import Build, Neighbour
from tests.catalog.conftest import SCRIPT_TAG, create_song

SAME_ARTIST_RANKS = (2, 5)


def store_neighbours(rows: list[Neighbour]) -> list[Neighbour]:
    """Insert neighbour rows, giving each build its partition first (PostgreSQL)."""
    for build_id in {row.build_id for row in rows}:
        storage.add_partition(build_id)
    return Neighbour.objects.bulk_create(rows)


@pytest.fixture
def active_build(db) -> Build:
    return Build.objects.create(
        status=Build.Status.COMPLETE, is_active=True, input_path="playlists.jsonl"
    )


@pytest.fixture
def seed_song(db) -> Song:
    return create_song("Simon & Garfunkel", "The Boxer", 250)


@pytest.fixture
def neighbours(active_build: Build, seed_song: Song) -> list[Neighbour]:
    """14 neighbours ranked 1..14; ranks 2 and 5 are by the seed song's own artist."""
    rows = []
    for rank in range(1, 15):
        if rank in SAME_ARTIST_RANKS:
            other = create_song("Simon and Garfunkel", f"Duo Song {rank}", 100)
        else:
            other = create_song(f"Artist {rank}", f"Song {rank}", 100 + rank)
        rows.append(
            Neighbour(
                build=active_build,
                song=seed_song,
                neighbour=other,
                similarity=round(0.95 - rank * 0.05, 2),
                rank=rank,
            )
        )
    stale_build = Build.objects.create(status=Build.Status.COMPLETE, input_path="old.jsonl")
    rows.append(
        Neighbour(
            build=stale_build,
            song=seed_song,
            neighbour=create_song("Old Artist", "Stale Song", 1),
            similarity=0.99,
            rank=1,
        )
    )
    return store_neighbours(rows)


@pytest.fixture
def script_song_with_neighbour(active_build: Build, seed_song: Song) -> Song:
    """A song named with a script tag, recommended for the seed song and recommending it back."""
    script_song = create_song(SCRIPT_TAG, SCRIPT_TAG, 7)
    store_neighbours(
        [
            Neighbour(
                build=active_build, song=seed_song, neighbour=script_song, similarity=0.5, rank=1
            ),
            Neighbour(
                build=active_build, song=script_song, neighbour=seed_song, similarity=0.5, rank=1
            ),
        ]
    )
    return script_song
