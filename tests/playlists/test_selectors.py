import pytest

from playlists import selectors, services
from playlists.selectors import MAX_SONGS, SESSION_KEY, Draft
from recommendations.models import Neighbour


def summed_similarity(keys: list[int]) -> dict[int, float]:
    """The score every song should get: its similarities to `keys` summed, from the rows."""
    scores: dict[int, float] = {}
    for row in Neighbour.objects.filter(build__is_active=True, song_id__in=keys):
        if row.neighbour_id not in keys:
            scores[row.neighbour_id] = scores.get(row.neighbour_id, 0) + row.similarity
    return scores


# The session's playlist


def test_draft_is_empty_without_a_playlist_or_with_a_malformed_one():
    assert selectors.draft({}) == Draft()
    assert selectors.draft({SESSION_KEY: "not a dict"}) == Draft()
    assert selectors.draft({SESSION_KEY: {"keys": "12", "saved_id": "3", "title": 5}}) == Draft()


def test_draft_keeps_whole_keys_only_and_at_most_the_limit():
    stored = {"keys": [1, "2", 3.5, *range(10, 100)], "title": "Mine", "saved_id": 4}

    current = selectors.draft({SESSION_KEY: stored})

    assert current.keys == (1, *range(10, 10 + MAX_SONGS - 1))
    assert (current.title, current.saved_id) == ("Mine", 4)


# Proposals


@pytest.mark.parametrize("chosen", [["boxer"], ["silence"], ["boxer", "silence"]])
def test_proposals_rank_by_summed_similarity_to_the_chosen_songs(catalogue, chosen):
    keys = [catalogue[name].key for name in chosen]

    proposals = selectors.proposals(keys=keys)

    expected = summed_similarity(keys)
    assert [item.song.key for item in proposals] == sorted(
        expected, key=lambda key: (-expected[key], key)
    )
    for item in proposals:
        assert item.score == pytest.approx(expected[item.song.key])


def test_proposals_leave_the_chosen_songs_out_and_give_the_song_contributing_most(catalogue):
    keys = [catalogue["boxer"].key, catalogue["silence"].key]

    proposals = selectors.proposals(keys=keys)

    # ballad: 0.5 (boxer) + 0.7 (silence); anthem: 0.9 (boxer) + 0.2 (silence).
    assert [(item.song.title, item.because.title, item.seed_count) for item in proposals] == [
        ("Ballad", "The Sound of Silence", 2),
        ("Anthem", "The Boxer", 2),
    ]


def test_a_pinned_proposal_joins_the_songs_ranked_from_and_leaves_the_proposals(catalogue):
    session: dict = {}
    services.draft_add(session=session, song_key=catalogue["boxer"].key)
    before = selectors.proposals(keys=selectors.draft(session).keys)
    assert [item.song.title for item in before] == ["Anthem", "Ballad", "The Sound of Silence"]

    services.draft_add(session=session, song_key=before[2].song.key)  # pin "The Sound of Silence"

    after = selectors.proposals(keys=selectors.draft(session).keys)
    assert [item.song.title for item in after] == ["Ballad", "Anthem"]
    assert after[0].score == pytest.approx(1.2)


def test_proposals_of_no_songs_are_none_and_the_limit_holds(catalogue):
    assert selectors.proposals(keys=[]) == []
    assert len(selectors.proposals(keys=[catalogue["boxer"].key], limit=2)) == 2


def test_proposals_read_the_active_build_only(catalogue):
    proposals = selectors.proposals(keys=[catalogue["boxer"].key])

    assert "Stale Song" not in [item.song.title for item in proposals]


# Songs and saved playlists


def test_songs_by_ids_keeps_the_order_and_names_the_unknown_ids(catalogue):
    boxer, anthem = catalogue["boxer"], catalogue["anthem"]

    songs, unknown = selectors.songs_by_ids([anthem.pk, 999_999, boxer.pk])

    assert (songs, unknown) == ([anthem, boxer], [999_999])


def test_songs_by_keys_keeps_the_order(catalogue):
    keys = [catalogue["silence"].key, catalogue["boxer"].key]

    assert [song.key for song in selectors.songs_by_keys(keys)] == keys


def test_a_user_reads_only_their_own_playlists(catalogue, alice, bob):
    mine = services.playlist_save(user=alice, title="Mine", keys=[catalogue["boxer"].key])
    theirs = services.playlist_save(user=bob, title="Theirs", keys=[catalogue["anthem"].key])

    assert [(p.title, p.song_count) for p in selectors.playlists_for_user(user=alice)] == [
        ("Mine", 1)
    ]
    assert selectors.playlist_for_user(user=alice, playlist_id=mine.pk) == mine
    assert selectors.playlist_for_user(user=alice, playlist_id=theirs.pk) is None
