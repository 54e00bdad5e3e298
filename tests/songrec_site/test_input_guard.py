"""Characters no database column can hold (NUL) in a URL: a 400 before any view, never a 500."""

import logging

import pytest

API_URLS_WITH_NUL = [
    "/api/autocomplete?q=a%00b",
    "/api/search?q=a%00b",
    "/api/search?q=boxer&page=%00",
    "/api/songs/1/recommendations?same_artist=%00",
    "/api/autocomplete?%00=1",
]
PAGE_URLS_WITH_NUL = [
    "/artists/%00/",
    "/artists/simon%00/",
    "/search?q=a%00b",
    "/search?q=boxer&page=1%00",
    "/accounts/log-in/?next=/%00",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_URLS_WITH_NUL)
def test_a_nul_in_an_api_url_is_a_json_400(client, catalogue, url, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "NUL" in response.json()["error"]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGE_URLS_WITH_NUL)
def test_a_nul_in_a_page_url_is_the_sites_400_page(client, catalogue, url, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Bad request" in response.content.decode()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_a_nul_in_a_form_post_is_left_to_the_forms(client):
    # Form fields refuse NUL themselves (ProhibitNullCharactersValidator): a page with the error.
    response = client.post("/accounts/log-in/", {"username": "a\x00b", "password": "x"})

    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()


@pytest.mark.django_db
def test_urls_without_nul_still_reach_the_views(client, catalogue):
    assert client.get("/api/autocomplete?q=hel").status_code == 200
    assert client.get("/artists/simon%20and%20garfunkel/").status_code == 200
    assert client.get("/search?q=%C3%A9%E2%80%94%F0%9F%8E%B5").status_code == 200
