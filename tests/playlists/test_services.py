import pytest
from django.core.management import call_command

from catalog.models import Song
from playlists import selectors, services
from playlists.models import Playlist
from playlists.selectors import MAX_SONGS
from tests.catalog.conftest import create_song
from tests.playlists_csv import write_playlists_csv

# The session's playlist


def test_draft_add_appends_once(catalogue):
    session: dict = {}
    boxer, anthem = catalogue["boxer"].key, catalogue["anthem"].key

    assert services.draft_add(session=session, song_key=boxer)
    assert services.draft_add(session=session, song_key=anthem)
    assert not services.draft_add(session=session, song_key=boxer)

    assert selectors.draft(session).keys == (boxer, anthem)


def test_draft_add_refuses_a_song_beyond_the_limit():
    session: dict = {}
    for key in range(MAX_SONGS):
        assert services.draft_add(session=session, song_key=key)

    assert not services.draft_add(session=session, song_key=MAX_SONGS)
    assert len(selectors.draft(session).keys) == MAX_SONGS


def test_draft_drop_and_clear(catalogue):
    session: dict = {}
    services.draft_add(session=session, song_key=1)
    services.draft_add(session=session, song_key=2)

    assert services.draft_drop(session=session, song_key=1)
    assert not services.draft_drop(session=session, song_key=1)
    assert selectors.draft(session).keys == (2,)
    services.draft_clear(session=session)
    assert selectors.draft(session).keys == ()


# Saved playlists


def test_draft_save_creates_then_updates_the_same_playlist(catalogue, alice):
    session: dict = {}
    boxer, silence = catalogue["boxer"].key, catalogue["silence"].key
    services.draft_add(session=session, song_key=boxer)

    first = services.draft_save(session=session, user=alice, title="  Road trip ")
    services.draft_add(session=session, song_key=silence)
    second = services.draft_save(session=session, user=alice, title="Road trip 2")

    assert first.pk == second.pk
    assert selectors.draft(session).saved_id == first.pk
    [saved] = Playlist.objects.filter(user=alice)
    assert saved.title == "Road trip 2"
    assert selectors.playlist_keys(saved) == [boxer, silence]


def test_draft_save_over_another_users_playlist_makes_a_new_one(catalogue, alice, bob):
    theirs = services.playlist_save(user=bob, title="Bob's", keys=[catalogue["anthem"].key])
    session: dict = {}
    services.draft_open(session=session, playlist=theirs, keys=[catalogue["boxer"].key])

    mine = services.draft_save(session=session, user=alice, title="Mine")

    assert mine.pk != theirs.pk and mine.user == alice
    theirs.refresh_from_db()
    assert theirs.title == "Bob's"
    assert selectors.playlist_keys(theirs) == [catalogue["anthem"].key]


def test_rename_and_delete_only_the_users_own_playlists(catalogue, alice, bob):
    mine = services.playlist_save(user=alice, title="Mine", keys=[catalogue["boxer"].key])
    theirs = services.playlist_save(user=bob, title="Theirs", keys=[catalogue["boxer"].key])

    assert services.playlist_rename(user=alice, playlist_id=mine.pk, title="Renamed")
    assert not services.playlist_rename(user=alice, playlist_id=theirs.pk, title="Taken")
    assert not services.playlist_delete(user=alice, playlist_id=theirs.pk)
    assert services.playlist_delete(user=alice, playlist_id=mine.pk)

    assert list(Playlist.objects.values_list("title", flat=True)) == ["Theirs"]


def test_playlist_save_keeps_the_order_and_drops_repeats(catalogue, alice):
    keys = [catalogue[name].key for name in ("silence", "boxer", "silence", "anthem")]

    saved = services.playlist_save(user=alice, title="Ordered", keys=keys)

    assert selectors.playlist_keys(saved) == keys[:2] + keys[3:]


def test_a_saved_playlist_keeps_a_song_whose_ids_changed_by_its_key(catalogue, alice):
    ballad = catalogue["ballad"]
    saved = services.playlist_save(user=alice, title="Keys", keys=[ballad.key])

    # Its entries hold the key, not the row's id: renumbering ids would leave them in place.
    assert list(saved.entries.values_list("song_id", flat=True)) == [ballad.key]


# Across a rebuild (the real build_recs: spark-submit, then the load)

FIRST = [
    ("ann", "The Twins", "Twin A", "Starred"),
    ("ann", "The Twins", "Twin B", "Starred"),
    ("ben", "The Twins", "Twin A", "Starred"),
    ("ben", "The Twins", "Twin B", "Starred"),
    ("ben", "Gone Soon", "Old Hit", "Road trip"),
    ("ben", "Rock Band", "Anthem", "Road trip"),
]
# Later: "Old Hit" has gone and "Twin A" is spelt differently (same key, new display name).
SECOND = [
    ("ann", "THE TWINS", "Twin A (Remastered)", "Starred"),
    ("ann", "The Twins", "Twin B", "Starred"),
    ("cat", "THE TWINS", "Twin A (Remastered)", "Mix"),
    ("cat", "The Twins", "Twin B", "Mix"),
    ("cat", "Rock Band", "Anthem", "Mix"),
]


@pytest.mark.django_db
def test_a_saved_playlist_survives_a_rebuild_on_the_same_songs(settings, tmp_path, alice):
    settings.DATA_DIR = tmp_path / "data"
    settings.SPARK_DRIVER_MEMORY = "1g"
    settings.SPARK_MASTER = "local[2]"

    def build(name: str, rows: list[tuple[str, str, str, str]]) -> None:
        path = write_playlists_csv(tmp_path / f"{name}.csv", rows)
        call_command("build_recs", input=str(path), k=5, hash_tables=20)

    build("first", FIRST)
    before = {song.title: song for song in Song.objects.all()}
    keys = [before["Twin A"].key, before["Old Hit"].key]
    saved = services.playlist_save(user=alice, title="Before", keys=keys)
    create_song("Unrelated", "Filler", 1)

    build("second", SECOND)

    songs = selectors.songs_by_keys(selectors.playlist_keys(saved))
    assert [(song.pk, song.title, song.in_catalogue) for song in songs] == [
        (before["Twin A"].pk, "Twin A (Remastered)", True),
        (before["Old Hit"].pk, "Old Hit", False),
    ]
    # Proposals come from the new build.
    assert selectors.proposals(keys=keys)[0].song.title == "Twin B"
