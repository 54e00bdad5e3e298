"""/api/search's pages say how to reach the next and the previous one."""

from django.urls import reverse

API_SEARCH_URL = reverse("api:search")


def test_search_pages_link_to_the_next_and_previous_until_the_ends(client, prolific_songs):
    url, pages = f"{API_SEARCH_URL}?artist=Prolific+band", []
    while url is not None:
        pages.append(client.get(url).json())
        url = pages[-1]["next"]

    assert [page["page"] for page in pages] == [1, 2, 3]
    assert [song["title"] for page in pages for song in page["results"]] == [
        f"Track {n:02d}" for n in range(1, 46)
    ]
    assert [page["next"] for page in pages] == [
        f"{API_SEARCH_URL}?artist=Prolific+band&page=2",
        f"{API_SEARCH_URL}?artist=Prolific+band&page=3",
        None,
    ]
    assert [page["previous"] for page in pages] == [
        None,
        f"{API_SEARCH_URL}?artist=Prolific+band&page=1",
        f"{API_SEARCH_URL}?artist=Prolific+band&page=2",
    ]


def test_a_single_page_has_no_links(client, songs):
    body = client.get(API_SEARCH_URL, {"q": "hello"}).json()

    assert (body["num_pages"], body["next"], body["previous"]) == (1, None, None)


def test_links_keep_the_search_and_replace_only_the_page(client, prolific_songs):
    body = client.get(API_SEARCH_URL, {"q": "prolific", "track": "track", "page": "2"}).json()

    assert body["next"] == f"{API_SEARCH_URL}?q=prolific&track=track&page=3"
    assert body["previous"] == f"{API_SEARCH_URL}?q=prolific&track=track&page=1"
