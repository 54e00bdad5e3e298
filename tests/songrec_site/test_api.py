"""The JSON API as a whole: every operation's answers match the schema at /api/openapi.json,
errors are JSON, and the docs page works from the site's own static files within its policy."""

import re
from collections.abc import Iterator

import jsonschema
import pytest
from django.db import connection
from playwright.sync_api import Page, expect

import catalog.api
from songrec_site.api import parameter_error
from tests.browser import browser_page, collect_policy_violations, screenshot

SCHEMA_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"


@pytest.fixture
def openapi(client) -> dict:
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def requests_per_operation(catalogue) -> dict[tuple[str, str], list[tuple[str, dict, int]]]:
    """For each (method, path template) of the schema: (URL, query, expected status) requests
    giving each of the operation's documented answers on the small catalogue."""
    boxer = catalogue["boxer"].pk
    recommendations = f"/api/songs/{boxer}/recommendations"
    return {
        ("get", "/api/search"): [
            ("/api/search", {"q": "simon"}, 200),
            ("/api/search", {"artist": "simon", "track": "boxer", "page": "1"}, 200),
            ("/api/search", {"q": "simin garfunkle"}, 200),
            ("/api/search", {"q": "nothing matches this"}, 200),
            ("/api/search", {"q": ""}, 400),
            ("/api/search", {"q": "simon", "page": "7"}, 400),
            # Last: asked with the search's statements made slower than its time budget.
            ("/api/search", {"q": "garfunkel"}, 422),
        ],
        ("get", "/api/autocomplete"): [
            ("/api/autocomplete", {"q": "bo"}, 200),
            ("/api/autocomplete", {}, 200),
            ("/api/autocomplete", {"q": "x" * 201}, 400),
        ],
        ("get", "/api/songs/{pk}/recommendations"): [
            (recommendations, {}, 200),
            (recommendations, {"same_artist": "1"}, 200),
            (recommendations, {"same_artist": "maybe"}, 400),
            ("/api/songs/999999/recommendations", {}, 404),
        ],
        ("get", "/api/playlist"): [
            ("/api/playlist", {"songs": f"{boxer},{catalogue['silence'].pk}", "n": "5"}, 200),
            ("/api/playlist", {"songs": f"{boxer},999999"}, 400),
            ("/api/playlist", {"songs": "1", "n": "0"}, 400),
        ],
    }


def response_validator(openapi: dict, method: str, path: str, status: int):
    """A JSON Schema validator (OpenAPI 3.1 schemas are JSON Schema 2020-12) for the JSON of
    `status` answers to the operation; its "#/components/..." references resolve because the
    components ride along at the root. Strict: a field the schema does not declare fails too."""
    operation = openapi["paths"][path][method]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    components = {
        name: {**component, "additionalProperties": False}
        for name, component in openapi["components"]["schemas"].items()
    }
    return jsonschema.Draft202012Validator({**schema, "components": {"schemas": components}})


def make_searches_too_broad(settings, monkeypatch) -> None:
    """Searches whose statements outlast a time budget of 20 ms."""
    settings.SONGREC_SEARCH_TIME_BUDGET_MS = 20

    def slow(**keywords):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")

    monkeypatch.setattr(catalog.api, "search_paginator", slow)


@pytest.mark.django_db
def test_every_answer_of_every_operation_matches_its_schema(
    client, openapi, requests_per_operation, settings, monkeypatch
):
    operations = {
        (method, path) for path, methods in openapi["paths"].items() for method in methods
    }
    assert operations == set(requests_per_operation)
    for (method, path), requests in requests_per_operation.items():
        documented = set(openapi["paths"][path][method]["responses"])
        assert {str(status) for _, _, status in requests} == documented
        for url, query, status in requests:
            if status == 422:
                make_searches_too_broad(settings, monkeypatch)
            response = client.get(url, query)
            assert (url, query, response.status_code) == (url, query, status)
            assert response["Content-Type"] == "application/json"
            response_validator(openapi, method, path, status).validate(response.json())


@pytest.mark.django_db
def test_the_schema_refuses_an_answer_that_breaks_it(client, openapi, catalogue):
    validator = response_validator(openapi, "get", "/api/search", 200)
    body = client.get("/api/search", {"q": "simon"}).json()

    validator.validate(body)
    del body["results"][0]["url"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(body)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**body, "next": 2})


def test_the_schema_describes_the_api(openapi):
    assert openapi["info"]["title"] == "songrec API"
    assert openapi["info"]["description"]
    for path, methods in openapi["paths"].items():
        assert path.startswith("/api/")
        assert set(methods) == {"get"}, "HEAD answers as GET does, and is left out"
        assert methods["get"]["summary"] and methods["get"]["description"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/search?q=boxer&page=abc", "page must be a whole number."),
        ("/api/search?q=boxer&page=0", "page must be a whole number, 1 or more."),
        ("/api/autocomplete?q=" + "a" * 201, "q must be 200 characters or fewer."),
        ("/api/songs/1/recommendations?same_artist=2", "same_artist must be 0 or 1."),
        ("/api/search?q=%20", "Type a song or an artist to search for."),
    ],
)
@pytest.mark.django_db
def test_a_bad_parameter_answers_a_json_400_naming_it(client, url, message):
    response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": message}


def test_an_unforeseen_parameter_error_still_names_the_parameter():
    error = {"type": "bool_parsing", "loc": ("query", "flag"), "msg": "Input should be a bool"}

    assert parameter_error(error) == "flag: Input should be a bool."


@pytest.mark.django_db
def test_head_answers_as_get_without_a_body(client, catalogue):
    response = client.head("/api/search", {"q": "boxer"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b""


@pytest.mark.django_db
def test_the_docs_page_loads_with_its_static_files(client, settings):
    # Static files as whitenoise serves them once collected, here from the apps' directories.
    settings.WHITENOISE_USE_FINDERS = True
    page = client.get(DOCS_URL)

    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/openapi.json" in html
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert {asset.rsplit("/", 1)[1] for asset in assets} >= {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-init.js",
    }
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


@pytest.fixture
def page(catalogue, live_server, monkeypatch) -> Iterator[Page]:
    with browser_page(live_server.url, monkeypatch) as page:
        yield page


@pytest.mark.django_db(transaction=True)
def test_the_docs_page_renders_the_api_within_the_content_security_policy(page: Page):
    violations = collect_policy_violations(page)

    page.goto(DOCS_URL)
    expect(page.get_by_role("heading", name=re.compile("songrec API"))).to_be_visible()
    operation = page.locator("#operations-catalogue-catalog_api_search")
    expect(operation).to_be_visible()
    operation.get_by_role("button", name=re.compile("Search songs")).click()
    expect(page.get_by_text("Words of the title or the artist")).to_be_visible()
    # The page's own request to the API, as a reader trying it out makes it.
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_placeholder("q", exact=True).fill("boxer")
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status")).to_have_text(
        "200"
    )
    expect(operation.locator(".live-responses-table")).to_contain_text("The Boxer")
    screenshot(page, "api-docs")

    assert violations == []
