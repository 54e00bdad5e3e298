"""Reads of the active build: a song with its recommendations; song pages never mix two builds;
summed neighbours of seeds."""

import json
import os
import re
import subprocess
import sys
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from catalog.selectors import SONG_ATTRIBUTES
from recommendations import services
from recommendations.selectors import song_with_recommendations, summed_neighbours
from tests.catalog.conftest import create_song
from tests.processes import REPOSITORY, wait_for
from tests.recommendations.conftest import SAME_ARTIST_RANKS, complete_build, song

pytestmark = pytest.mark.usefixtures("build_settings")


def test_a_song_comes_as_the_model_the_orm_reads(seed_song, neighbours):
    found, _ = song_with_recommendations(seed_song.pk)

    assert [getattr(found, name) for name in SONG_ATTRIBUTES] == [
        getattr(seed_song, name) for name in SONG_ATTRIBUTES
    ]
    assert found._state.adding is False


def test_recommendations_are_the_active_builds_other_artists_in_rank_order(seed_song, neighbours):
    _, recommendations = song_with_recommendations(seed_song.pk, limit=10)

    expected = [rank for rank in range(1, 15) if rank not in SAME_ARTIST_RANKS][:10]
    assert [row.rank for row in recommendations] == expected
    assert [row.position for row in recommendations] == list(range(1, 11))
    assert {row.build_id for row in recommendations} == {neighbours[0].build_id}
    by_rank = {row.rank: row for row in neighbours if row.build_id == neighbours[0].build_id}
    for row in recommendations:
        stored = by_rank[row.rank]
        assert (row.similarity, row.neighbour_id) == (stored.similarity, stored.neighbour_id)
        assert row.neighbour.key == stored.neighbour_id
        assert row.neighbour.title == stored.neighbour.title


def test_recommendations_include_the_same_artist_when_asked(seed_song, neighbours):
    _, recommendations = song_with_recommendations(seed_song.pk, include_same_artist=True, limit=5)

    assert [row.rank for row in recommendations] == [1, 2, 3, 4, 5]


def test_a_song_without_neighbours_comes_with_none(seed_song, neighbours):
    lonely = create_song("Nobody", "Alone", 3)

    assert song_with_recommendations(lonely.pk) == (lonely, [])


@pytest.mark.parametrize("pk", [0, -1, 10**6, 2**63])
def test_no_song_has_a_primary_key_out_of_range_or_unused(seed_song, pk):
    assert song_with_recommendations(pk) == (None, [])


# On the quick start's database, SQLite: a song with neighbours in the active build, one of them
# by the same artist, and in an older build; a song with none.
READ_ON_SQLITE = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from catalog.models import Song
from recommendations.models import Build, Neighbour
from recommendations.selectors import song_with_recommendations
def song(artist, title):
    return Song.objects.create(key=Song.objects.count() + 1, artist=artist, title=title,
                               artist_norm=artist.lower(), title_norm=title.lower(),
                               playlist_count=1)
seed, lonely = song("Seed", "One"), song("Lonely", "Two")
others = [song("Other", "Three"), song("Seed", "Four"), song("Another", "Five")]
old = Build.objects.create(status="complete", input_path="old.csv")
active = Build.objects.create(status="complete", input_path="new.csv", is_active=True)
Neighbour.objects.bulk_create(
    [Neighbour(build=active, song=seed, neighbour=other, similarity=0.5, rank=rank)
     for rank, other in enumerate(others, start=1)]
    + [Neighbour(build=old, song=seed, neighbour=lonely, similarity=0.9, rank=1)]
)
def titles(pk, **options):
    found, recommendations = song_with_recommendations(pk, **options)
    return found and found.title, [row.neighbour.title for row in recommendations]
print(json.dumps([titles(seed.pk), titles(seed.pk, include_same_artist=True),
                  titles(seed.pk, limit=1), titles(lonely.pk), titles(10**6)]))
"""


def test_the_quick_starts_sqlite_reads_a_song_with_its_recommendations(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", READ_ON_SQLITE],
        cwd=REPOSITORY,
        env={
            "PATH": os.environ["PATH"],
            "SONGREC_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "songrec_site.settings",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        ["One", ["Three", "Five"]],
        ["One", ["Three", "Four", "Five"]],
        ["One", ["Three"]],
        ["Two", []],
        [None, []],
    ]


@pytest.mark.django_db(transaction=True)
def test_song_pages_never_mix_two_builds_while_activation_flips() -> None:
    seed = song("Seed")
    first_titles = [f"First {n}" for n in range(1, 11)]
    second_titles = [f"Second {n}" for n in range(1, 11)]
    first = complete_build(seed, first_titles, active=True)
    second = complete_build(seed, second_titles)
    pages: list[tuple[int, list[str]]] = []
    done = threading.Event()

    def read_pages() -> None:
        client = Client()
        try:
            while not done.is_set():
                response = client.get(reverse("recommendations:song", args=[seed.pk]))
                titles = re.findall(r'class="recommendation__title"[^>]*>([^<]+)<', response.text)
                pages.append((response.status_code, titles))
        finally:
            connection.close()

    reader = threading.Thread(target=read_pages)
    reader.start()
    try:
        for _ in range(40):
            services.build_activate(build=second)
            services.build_activate(build=first)
        wait_for(lambda: len(pages) >= 20, timeout=60, what="song pages to be served")
    finally:
        done.set()
        reader.join()

    assert {status for status, _ in pages} == {200}
    assert all(titles in (first_titles, second_titles) for _, titles in pages)


def test_summed_neighbours_rank_by_weighted_similarity_from_the_active_build(seed_song, neighbours):
    ranked = summed_neighbours(seeds={seed_song.key: 0.5}, limit=3)

    assert [(item.song.title, round(item.score, 6)) for item in ranked] == [
        ("Song 1", 0.45),
        ("Duo Song 2", 0.425),
        ("Song 3", 0.4),
    ]
    assert all(item.because == seed_song and item.because_weight == 0.5 for item in ranked)
    assert all(item.seed_count == 1 for item in ranked)


def test_summed_neighbours_leave_out_what_they_are_told_to(seed_song, neighbours):
    first = summed_neighbours(seeds={seed_song.key: 1.0}, limit=1)[0].song

    ranked = summed_neighbours(seeds={seed_song.key: 1.0}, exclude={first.key}, limit=1)

    assert ranked[0].song.title == "Duo Song 2"
    assert summed_neighbours(seeds={}) == []
