"""Every error under /api/ is JSON, {"error": ...}, with the right status; pages keep HTML."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path


def broken_view(request):
    raise RuntimeError("a bug in a view")


def form_view(request):
    return HttpResponse("accepted")


# The site's URLs, plus a view that fails, at an API path and at a page path.
urlpatterns = [
    path("api/broken", broken_view),
    # The JSON API takes GET and HEAD only (so no CSRF check applies): a form posted under /api/.
    path("api/form", form_view),
    path("broken", broken_view),
    path("", include("songrec_site.urls")),
]


NO_ENDPOINT = "No API endpoint at this URL:"


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]
    return body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/api/", "/api/search/", "/api/songs/abc/recommendations", "/api/songs/1/", "/api/nothing"],
)
def test_unknown_api_paths_are_json_404(client, url):
    assert_json_error(client.get(url), 404)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/", f"{NO_ENDPOINT} /api/docs lists them."),
        ("/api/search/?q=x", f"{NO_ENDPOINT} API paths take no trailing slash: /api/search."),
        ("/api/songs/abc/recommendations", f"{NO_ENDPOINT} /api/docs lists them."),
    ],
)
@pytest.mark.django_db
def test_unknown_api_paths_answer_a_json_404_saying_where_to_look(client, url, message):
    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": message}


@pytest.mark.django_db
def test_a_missing_song_stays_the_views_own_json_404(client):
    body = assert_json_error(client.get("/api/songs/999999/recommendations"), 404)

    assert body["error"] == "No song with that id."


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_wrong_method_on_the_api_is_json_405_with_allow(client, catalogue, method):
    response = getattr(client, method)("/api/search?q=boxer")

    body = assert_json_error(response, 405)
    assert response["Allow"] == "GET, HEAD"
    assert "GET, HEAD" in body["error"]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_csrf_failure_on_the_api_is_json_403():
    response = Client(enforce_csrf_checks=True).post("/api/form", {"q": "box"})

    assert_json_error(response, 403)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_uncaught_exception_on_the_api_is_json_500():
    response = Client(raise_request_exception=False).get("/api/broken")

    body = assert_json_error(response, 500)
    assert "a bug" not in body["error"]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_pages_keep_the_sites_html_error_pages():
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)

    not_found = client.get("/no-such-page")
    assert not_found.status_code == 404
    assert "We couldn't find that page" in not_found.content.decode()
    broken = client.get("/broken")
    assert broken.status_code == 500
    assert "Something went wrong on our side" in broken.content.decode()
    csrf = client.post("/accounts/log-in/", {"username": "a", "password": "b"})
    assert csrf.status_code == 403
    assert "That form could not be checked" in csrf.content.decode()
    for response in (not_found, broken, csrf):
        assert response["Content-Type"].startswith("text/html")
    not_allowed = Client().post("/search")
    assert not_allowed.status_code == 405
    assert not_allowed["Content-Type"].startswith("text/html")
