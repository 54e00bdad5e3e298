import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import selectors, services
from accounts.models import Favourite, HistoryEntry, LoginFailure
from catalog.models import Song
from tests.playlists_csv import write_playlists_csv

# Sign-up


def test_user_sign_up_stores_a_hashed_password(db):
    user = services.user_sign_up(username="carol", email="carol@example.com", password="s3cret!x")

    stored = User.objects.get(pk=user.pk)
    assert stored.email == "carol@example.com"
    assert stored.password != "s3cret!x"
    assert stored.check_password("s3cret!x")


# Favourites


def test_song_favourite_is_idempotent(alice, catalogue):
    first = services.song_favourite(user=alice, song=catalogue["boxer"])
    again = services.song_favourite(user=alice, song=catalogue["boxer"])

    assert first.pk == again.pk
    assert Favourite.objects.filter(user=alice).count() == 1
    assert first.song_id == catalogue["boxer"].key


def test_song_unfavourite_touches_only_the_users_own_favourite(alice, bob, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])
    services.song_favourite(user=bob, song=catalogue["boxer"])

    assert services.song_unfavourite(user=alice, song=catalogue["boxer"]) is True
    assert services.song_unfavourite(user=alice, song=catalogue["boxer"]) is False
    assert Favourite.objects.filter(user=bob, song=catalogue["boxer"]).exists()


# History


def test_history_records_searches_and_views(alice, catalogue):
    search = services.history_record_search(user=alice, query="boxer", artist="simon")
    view = services.history_record_view(user=alice, song=catalogue["boxer"])

    assert (search.kind, search.query, search.artist, search.track) == (
        "search",
        "boxer",
        "simon",
        "",
    )
    assert search.search_terms() == {"q": "boxer", "artist": "simon"}
    assert (view.kind, view.song_id) == ("view", catalogue["boxer"].key)


def test_repeating_the_newest_entry_moves_it_instead_of_copying(alice, catalogue):
    first = services.history_record_search(user=alice, query="boxer")
    repeated = services.history_record_search(user=alice, query="boxer")
    assert repeated.pk == first.pk
    assert repeated.created_at > first.created_at

    services.history_record_view(user=alice, song=catalogue["boxer"])
    services.history_record_view(user=alice, song=catalogue["boxer"])
    services.history_record_search(user=alice, query="boxer")  # not the newest any more
    services.history_record_search(user=alice, query="boxer", track="x")

    assert list(
        HistoryEntry.objects.filter(user=alice)
        .order_by("created_at")
        .values_list("kind", "query", "track")
    ) == [
        ("search", "boxer", ""),
        ("view", "", ""),
        ("search", "boxer", ""),
        ("search", "boxer", "x"),
    ]


def test_history_delete_removes_only_the_users_own_entry(alice, bob, catalogue):
    mine = services.history_record_view(user=alice, song=catalogue["boxer"])
    theirs = services.history_record_view(user=bob, song=catalogue["boxer"])

    assert services.history_delete(user=alice, entry_id=theirs.pk) is False
    assert HistoryEntry.objects.filter(pk=theirs.pk).exists()
    assert services.history_delete(user=alice, entry_id=mine.pk) is True
    assert not HistoryEntry.objects.filter(pk=mine.pk).exists()


def test_history_clear_removes_all_of_the_users_history_only(alice, bob, catalogue):
    services.history_record_search(user=alice, query="boxer")
    services.history_record_view(user=alice, song=catalogue["boxer"])
    services.history_record_view(user=bob, song=catalogue["anthem"])

    assert services.history_clear(user=alice) == 2
    assert not HistoryEntry.objects.filter(user=alice).exists()
    assert HistoryEntry.objects.filter(user=bob).count() == 1


def test_history_keeps_the_newest_entries_up_to_the_setting(alice, bob, settings):
    settings.SONGREC_HISTORY_KEPT = 3
    services.history_record_search(user=bob, query="bob's")
    for number in range(6):
        services.history_record_search(user=alice, query=f"search {number}")

    assert list(selectors.history_for_user(user=alice).values_list("query", flat=True)) == [
        "search 5",
        "search 4",
        "search 3",
    ]
    assert HistoryEntry.objects.filter(user=bob).count() == 1


def test_recording_past_the_bound_prunes_in_one_delete(alice, settings):
    settings.SONGREC_HISTORY_KEPT = 2
    for number in range(3):
        services.history_record_search(user=alice, query=f"search {number}")

    with CaptureQueriesContext(connection) as queries:
        services.history_record_search(user=alice, query="one more")

    deletes = [query["sql"] for query in queries if query["sql"].startswith("DELETE")]
    assert len(deletes) == 1
    assert HistoryEntry.objects.filter(user=alice).count() == 2


# Failed log-ins


def test_login_failures_are_case_folded_and_cleared(db):
    services.login_failure_record(username="Alice", address="192.0.2.1")
    services.login_failure_record(username="ALICE", address=None)

    assert LoginFailure.objects.filter(username="alice").count() == 2
    services.login_failures_clear(username="aLiCe")
    assert not LoginFailure.objects.exists()


# Favourites and history across a rebuild (the real build_recs: spark-submit, then the load)

FIRST = [
    ("ann", "The Twins", "Twin A", "Starred"),
    ("ann", "The Twins", "Twin B", "Starred"),
    ("ann", "Rock Band", "Anthem", "Starred"),
    ("ben", "The Twins", "Twin A", "Starred"),
    ("ben", "The Twins", "Twin B", "Starred"),
    ("ben", "Rock Band", "Anthem", "Road trip"),
    ("ben", "Gone Soon", "Old Hit", "Road trip"),
]
# A month later: "Old Hit" has gone, new songs arrived (taking new ids), playlists changed, and
# "Twin A" is spelled differently (same key, new display name).
SECOND = [
    ("cat", "Fresh Face", "New Hit", "Mix"),
    ("cat", "Fresh Face", "Another New Hit", "Mix"),
    ("ann", "THE TWINS", "Twin A (Remastered)", "Starred"),
    ("ann", "The Twins", "Twin B", "Starred"),
    ("ben", "THE TWINS", "Twin A (Remastered)", "Mix"),
    ("ben", "The Twins", "Twin B", "Mix"),
    ("ben", "Rock Band", "Anthem", "Mix"),
    ("cat", "Rock Band", "Anthem", "Mix"),
]


@pytest.fixture
def spark_builds(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.SPARK_DRIVER_MEMORY = "1g"
    settings.SPARK_MASTER = "local[2]"

    def build(name: str, rows: list[tuple[str, str, str, str]]) -> None:
        path = write_playlists_csv(tmp_path / f"{name}.csv", rows)
        call_command("build_recs", input=str(path), k=5, hash_tables=20)

    return build


@pytest.mark.django_db
def test_favourites_and_history_survive_a_rebuild_on_the_same_songs(spark_builds, alice):
    spark_builds("first", FIRST)
    before = {song.title: song for song in Song.objects.all()}
    for title in ("Twin A", "Old Hit"):
        services.song_favourite(user=alice, song=before[title])
    services.history_record_view(user=alice, song=before["Old Hit"])
    assert selectors.for_you(user=alice)[0].song.title == "Twin B"

    spark_builds("second", SECOND)

    favourites = {f.song.key: f.song for f in selectors.favourites_for_user(user=alice)}
    assert set(favourites) == {before["Twin A"].key, before["Old Hit"].key}
    twin_a, old_hit = favourites[before["Twin A"].key], favourites[before["Old Hit"].key]
    assert (twin_a.pk, twin_a.artist_norm, twin_a.title_norm) == (
        before["Twin A"].pk,
        "the twins",
        "twin a",
    )
    assert (twin_a.title, twin_a.in_catalogue) == ("Twin A (Remastered)", True)
    assert (old_hit.pk, old_hit.title, old_hit.in_catalogue) == (
        before["Old Hit"].pk,
        "Old Hit",
        False,
    )
    [view] = selectors.history_for_user(user=alice)
    assert view.song == old_hit
    # Recommendations now come from the new build.
    assert "Twin B" in [item.song.title for item in selectors.for_you(user=alice)]
