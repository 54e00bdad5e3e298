"""GET /api/playlist: the query's checks and the proposals."""

import pytest

from playlists.api import DEFAULT_PROPOSALS, PlaylistParameters
from tests.playlists.conftest import API_URL


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({}, "songs is required."),
        ({"songs": " "}, "songs is required: comma-separated song ids."),
        ({"songs": "1,x"}, "songs must be comma-separated song ids (whole numbers)."),
        ({"songs": "1,,2"}, "songs must be comma-separated song ids (whole numbers)."),
        ({"songs": "-1"}, "songs must be comma-separated song ids (whole numbers)."),
        ({"songs": "1" * 19}, "songs must be comma-separated song ids (whole numbers)."),
        ({"songs": ",".join(str(i) for i in range(1, 52))}, "songs may list at most 50 ids."),
        ({"songs": "1", "n": "0"}, "n must be a whole number, 1 or more."),
        ({"songs": "1", "n": "101"}, "n must be a whole number, 100 or fewer."),
        ({"songs": "1", "n": "2.5"}, "n must be a whole number."),
    ],
)
def test_bad_queries_answer_400_in_json_with_the_reason(client, db, query, error):
    response = client.get(API_URL, query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": error}


def test_ids_keep_their_order_without_repeats_and_n_has_a_default(client, catalogue):
    boxer, silence = catalogue["boxer"].pk, catalogue["silence"].pk

    response = client.get(API_URL, {"songs": f"{silence}, {boxer},{silence}"})

    assert response.json()["songs"] == [silence, boxer]
    assert PlaylistParameters(songs="7").n == DEFAULT_PROPOSALS
    assert PlaylistParameters(songs=",".join(["7"] * 60)).ids() == (7,)


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
