"""The song page's recommendation list, built in Python: its markup for one recommendation."""

from catalog.models import Song
from recommendations.models import Neighbour
from recommendations.templatetags.recommendation_list import recommendation_list
from tests.catalog.conftest import ESCAPED_SCRIPT_TAG, SCRIPT_TAG


def recommendation(*, similarity: float, artist_norm: str) -> Neighbour:
    recommended = Neighbour(similarity=similarity)
    recommended.neighbour = Song(
        pk=42, artist=SCRIPT_TAG, title=SCRIPT_TAG, artist_norm=artist_norm
    )
    recommended.position = 3
    return recommended


def test_a_recommendation_shows_its_place_names_links_and_similarity():
    html = recommendation_list([recommendation(similarity=0.4567, artist_norm="a/b c")])

    song, artist = Song(pk=42).get_absolute_url(), Song(artist_norm="a/b c").get_artist_url()
    assert html == (
        '<ol class="recommendation-list"><li class="recommendation">'
        '<span class="recommendation__rank" title="Position">3</span>'
        '<div class="recommendation__names">'
        f'<a class="recommendation__title" href="{song}">{ESCAPED_SCRIPT_TAG}</a>'
        f'<span class="recommendation__artist"><a href="{artist}">{ESCAPED_SCRIPT_TAG}</a></span>'
        '</div><div class="recommendation__similarity" title="Similarity 0.457">'
        '<svg class="meter" aria-hidden="true" focusable="false"><rect class="meter__fill" '
        'width="46%" height="100%" rx="4"></rect></svg>'
        '<span class="meter__label">46% similar</span></div></li></ol>'
    )


def test_an_artist_without_a_normalised_name_has_no_link():
    html = recommendation_list([recommendation(similarity=1.0, artist_norm="")])

    assert f'<span class="recommendation__artist">{ESCAPED_SCRIPT_TAG}</span>' in html
    assert "100% similar" in html
