import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from generator import synthetic
from recommendations.models import Build
from tests.catalog.conftest import ESCAPED_SCRIPT_TAG, SCRIPT_TAG, create_song
from tests.processes import REPOSITORY
from tests.recommendations.conftest import SAME_ARTIST_RANKS

OTHER_ARTIST_RANKS = [rank for rank in range(1, 15) if rank not in SAME_ARTIST_RANKS]


def song_url(song, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return song.get_absolute_url() + (f"?{query}" if query else "")


def api_url(pk: int) -> str:
    return reverse("api:song_recommendations", args=[pk])


def shown_ranks(response) -> list[int]:
    return [recommendation.rank for recommendation in response.context["recommendations"]]


# Song page


def test_song_page_shows_the_song(client, seed_song):
    response = client.get(seed_song.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="song-hero__title">The Boxer</h1>' in html
    assert f'<a href="{seed_song.get_artist_url()}">Simon &amp; Garfunkel</a>' in html
    assert "In 250 playlists." in html
    assert "no longer in the catalogue" not in html


def test_song_page_shows_ten_recommendations_from_other_artists_in_rank_order(
    client, seed_song, neighbours
):
    response = client.get(seed_song.get_absolute_url())

    assert shown_ranks(response) == OTHER_ARTIST_RANKS[:10]
    html = response.content.decode()
    assert html.count('<li class="recommendation">') == 10
    assert "Duo Song" not in html
    assert "Stale Song" not in html  # from a build that is not active
    # Rank 1 has similarity 0.90, rank 12 (the tenth shown) 0.35.
    assert "90% similar" in html
    assert "35% similar" in html
    assert html.index("Song 1<") < html.index("Song 3<") < html.index("Song 12<")


def test_song_page_loads_recommendations_in_one_query(
    client, seed_song, neighbours, django_assert_max_num_queries
):
    # The first page on a connection prepares the statement (catalog/prepared.py).
    client.get(neighbours[0].neighbour.get_absolute_url())
    # The active build's id (the page cache's key), then the song and its neighbours together.
    with django_assert_max_num_queries(2):
        client.get(seed_song.get_absolute_url())


def test_same_artist_toggle_includes_the_artists_other_songs(client, seed_song, neighbours):
    response = client.get(song_url(seed_song, same_artist=1))

    assert shown_ranks(response) == list(range(1, 11))
    html = response.content.decode()
    assert "Duo Song 2" in html
    assert "Duo Song 5" in html


def test_same_artist_toggle_links_both_ways(client, seed_song, neighbours):
    off_html = client.get(seed_song.get_absolute_url()).content.decode()
    on_html = client.get(song_url(seed_song, same_artist=1)).content.decode()

    toggle_on_link = f'href="{seed_song.get_absolute_url()}?same_artist=1" aria-current="page"'
    assert f'href="{seed_song.get_absolute_url()}?same_artist=1"' in off_html
    assert toggle_on_link not in off_html
    assert toggle_on_link in on_html


@pytest.mark.parametrize("value", ["0", "yes", "", "2"])
def test_same_artist_other_than_1_keeps_them_out(client, seed_song, neighbours, value):
    response = client.get(song_url(seed_song, same_artist=value))

    assert response.status_code == 200
    assert shown_ranks(response) == OTHER_ARTIST_RANKS[:10]


def test_song_page_without_an_active_build_says_recommendations_are_coming(client, seed_song):
    Build.objects.create(status=Build.Status.RUNNING, input_path="playlists.jsonl")

    html = client.get(seed_song.get_absolute_url()).content.decode()

    assert "Recommendations are still being prepared" in html


def test_song_page_without_neighbours_says_so(client, seed_song, active_build):
    html = client.get(seed_song.get_absolute_url()).content.decode()

    assert "No recommendations for this song yet" in html
    assert '<li class="recommendation">' not in html


def test_song_out_of_the_catalogue_still_renders_with_a_note(client, db):
    song = create_song("Neil Diamond", "Hello Again", in_catalogue=False)

    response = client.get(song.get_absolute_url())

    assert response.status_code == 200
    assert "no longer in the catalogue" in response.content.decode()


@pytest.mark.parametrize("pk", [999_999, 10**30])
def test_unknown_song_is_a_404_page(client, seed_song, pk):
    response = client.get(reverse("recommendations:song", args=[pk]))

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_song_page_escapes_names_of_the_song_and_its_recommendations(
    client, seed_song, script_song_with_neighbour
):
    as_song = client.get(script_song_with_neighbour.get_absolute_url()).content.decode()
    as_recommendation = client.get(seed_song.get_absolute_url()).content.decode()

    for html in (as_song, as_recommendation):
        assert SCRIPT_TAG not in html
        assert ESCAPED_SCRIPT_TAG in html
    assert f'<h1 class="song-hero__title">{ESCAPED_SCRIPT_TAG}</h1>' in as_song
    assert f">{ESCAPED_SCRIPT_TAG}</a>" in as_recommendation


# Recommendations API


def test_api_returns_the_song_and_its_recommendations(client, seed_song, neighbours):
    response = client.get(api_url(seed_song.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["song"] == {
        "id": seed_song.pk,
        "artist": "Simon & Garfunkel",
        "title": "The Boxer",
        "playlist_count": 250,
    }
    # Numbered from 1 as the page numbers them, though the build ranks the artist's own songs too.
    assert [item["rank"] for item in body["recommendations"]] == list(range(1, 11))
    first = neighbours[0].neighbour
    assert body["recommendations"][0] == {
        "id": first.pk,
        "artist": "Artist 1",
        "title": "Song 1",
        "similarity": 0.9,
        "rank": 1,
    }


@pytest.mark.parametrize("same_artist", ["0", "1"])
def test_api_and_song_page_number_the_same_list_alike(client, seed_song, neighbours, same_artist):
    page = client.get(song_url(seed_song, same_artist=same_artist)).content.decode()
    body = client.get(api_url(seed_song.pk), {"same_artist": same_artist}).json()

    shown = re.findall(r'recommendation__rank" title="Position">(\d+)<', page)
    titles = re.findall(r'class="recommendation__title" href="[^"]*">([^<]*)<', page)
    api_items = body["recommendations"]
    assert [int(number) for number in shown] == [item["rank"] for item in api_items]
    assert titles == [item["title"] for item in api_items]
    assert shown[0] == "1"


def test_api_same_artist_1_includes_the_artists_songs(client, seed_song, neighbours):
    body = client.get(api_url(seed_song.pk), {"same_artist": "1"}).json()

    assert [item["rank"] for item in body["recommendations"]] == list(range(1, 11))
    assert body["recommendations"][1]["artist"] == "Simon and Garfunkel"


@pytest.mark.parametrize("value", ["2", "yes", "", "true"])
def test_api_rejects_other_same_artist_values(client, seed_song, value):
    response = client.get(api_url(seed_song.pk), {"same_artist": value})

    assert response.status_code == 400
    assert response.json() == {"error": "same_artist must be 0 or 1."}


@pytest.mark.parametrize("pk", [999_999, 10**30])
def test_api_unknown_song_is_a_json_404(client, seed_song, pk):
    response = client.get(api_url(pk))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()


def test_api_returns_names_unchanged_as_json(client, seed_song, script_song_with_neighbour):
    body = client.get(api_url(seed_song.pk)).json()

    assert body["recommendations"][0]["artist"] == SCRIPT_TAG
    assert body["recommendations"][0]["title"] == SCRIPT_TAG


# The README's example, on the quick start's sample


def quick_start_sample_arguments() -> list[str]:
    """The generator's arguments in the Makefile's sample recipe, its row count filled in."""
    makefile = (REPOSITORY / "Makefile").read_text()
    rows = re.search(r"^SAMPLE_ROWS \?= (\d+)$", makefile, flags=re.MULTILINE).group(1)
    command = re.search(r"-m generator\.synthetic (.*) --out ", makefile).group(1)
    return command.replace("$(SAMPLE_ROWS)", rows).split()


@pytest.mark.django_db
@pytest.mark.usefixtures("build_settings")
def test_on_the_quick_start_sample_each_planted_twin_recommends_the_other_first(client, tmp_path):
    sample = tmp_path / "sample.csv"
    synthetic.main([*quick_start_sample_arguments(), "--out", str(sample)])
    call_command("build_recs", input=str(sample))

    found = client.get(reverse("catalog:search"), {"q": "Planted Pair"}).context["page"]
    twins = {song.title: song for song in found if song.title.startswith("Twin ")}
    assert len(twins) == 10
    for title, song in twins.items():
        other = title.replace(" A ", " B ") if " A " in title else title.replace(" B ", " A ")
        # The page as it opens: songs by other artists only.
        first = client.get(song.get_absolute_url()).context["recommendations"][0]
        assert (first.rank, first.neighbour.title, first.similarity) == (1, other, 1.0)
