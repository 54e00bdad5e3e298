"""The search boxes: one on each page, with the autocomplete's URL and script."""

import pytest
from django.urls import reverse

SEARCH_URL = reverse("catalog:search")
AUTOCOMPLETE_URL = reverse("api:autocomplete")


@pytest.mark.parametrize(
    ("url", "params"), [(reverse("catalog:home"), {}), (SEARCH_URL, {"q": "hello"})]
)
def test_pages_with_a_search_form_of_their_own_show_one_search_box(client, songs, url, params):
    html = client.get(url, params).content.decode()

    assert html.count('role="search"') == 1
    assert html.count('type="search"') == 1
    assert 'id="header-q"' not in html


def test_other_pages_search_from_the_header(client, songs):
    html = client.get(songs["boxer"].get_absolute_url()).content.decode()

    assert html.count('role="search"') == 1
    assert 'id="header-q"' in html


def test_search_boxes_carry_the_autocomplete_url_and_script(client, songs):
    for url in (reverse("catalog:home"), songs["boxer"].get_absolute_url()):
        html = client.get(url).content.decode()

        assert html.count(f'data-autocomplete="{AUTOCOMPLETE_URL}"') == 1
        assert "/static/js/autocomplete.js" in html
