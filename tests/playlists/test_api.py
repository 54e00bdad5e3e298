"""GET /api/playlist: the query's checks and the proposals."""

import pytest

from playlists.api import DEFAULT_PROPOSALS, parse_playlist_query
from tests.playlists.conftest import API_URL


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({}, "songs is required"),
        ({"songs": " "}, "songs is required"),
        ({"songs": "1,x"}, "songs must be comma-separated song ids"),
        ({"songs": "1,,2"}, "songs must be comma-separated song ids"),
        ({"songs": "-1"}, "songs must be comma-separated song ids"),
        ({"songs": "1" * 19}, "songs must be comma-separated song ids"),
        ({"songs": ",".join(str(i) for i in range(1, 52))}, "at most 50 ids"),
        ({"songs": "1", "n": "0"}, "n must be a whole number from 1 to 100"),
        ({"songs": "1", "n": "101"}, "n must be a whole number from 1 to 100"),
        ({"songs": "1", "n": "2.5"}, "n must be a whole number from 1 to 100"),
    ],
)
def test_bad_queries_are_refused_with_the_reason(query, error):
    assert error in parse_playlist_query(query).error


def test_ids_keep_their_order_without_repeats_and_n_has_a_default():
    query = parse_playlist_query({"songs": "3, 1,3,2"})

    assert (query.ids, query.n, query.error) == ((3, 1, 2), DEFAULT_PROPOSALS, "")
    assert len(parse_playlist_query({"songs": ",".join(["7"] * 60)}).ids) == 1


def test_a_bad_query_answers_400_in_json(client, db):
    response = client.get(API_URL, {"songs": "1", "n": "500"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "n must be a whole number from 1 to 100."}


def test_unknown_song_ids_are_named(client, catalogue):
    known = catalogue["boxer"].pk

    response = client.get(API_URL, {"songs": f"{known},999998,999999"})

    assert response.status_code == 400
    assert response.json() == {
        "error": "No song with id 999998, 999999.",
        "unknown_ids": [999998, 999999],
    }


def test_the_proposals_with_their_reasons(client, catalogue):
    boxer, silence, ballad = catalogue["boxer"], catalogue["silence"], catalogue["ballad"]

    response = client.get(API_URL, {"songs": f"{boxer.pk},{silence.pk}", "n": "1"})

    assert response.status_code == 200
    [proposal] = response.json()["proposals"]
    assert response.json()["songs"] == [boxer.pk, silence.pk]
    assert proposal == {
        "id": ballad.pk,
        "artist": "Soft Singer",
        "title": "Ballad",
        "url": f"http://testserver{ballad.get_absolute_url()}",
        "score": pytest.approx(1.2),
        "because": {"id": silence.pk, "artist": silence.artist, "title": silence.title},
        "seed_count": 2,
    }


def test_only_get_and_head_are_allowed(client, db):
    response = client.post(API_URL)

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
