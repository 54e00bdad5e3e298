"""The song page's list of recommendations, built in Python: each row's links, names and
similarity meter cost a dozen variable lookups and escapes in the template engine, several times
what the same text costs here (docs/benchmarks.md, "Where a page's time goes")."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from recommendations.models import Neighbour

register = template.Library()


@register.simple_tag
def recommendation_list(recommendations: list[Neighbour]) -> SafeString:
    """An ordered list of `recommendations` (from `song_with_recommendations`): each one's place,
    the other song's title and artist linking to their pages, and how similar it is."""
    rows = "".join(_row(recommendation) for recommendation in recommendations)
    return mark_safe(f'<ol class="recommendation-list">{rows}</ol>')


def _row(recommendation: Neighbour) -> str:
    other = recommendation.neighbour
    artist = escape(other.artist)
    if other.artist_norm:
        artist = f'<a href="{escape(other.get_artist_url())}">{artist}</a>'
    similarity = recommendation.similarity
    percent = round(similarity * 100)
    # The meter's width is an SVG attribute, not a style attribute: the Content-Security-Policy
    # allows no inline style.
    return (
        '<li class="recommendation">'
        f'<span class="recommendation__rank" title="Position">{recommendation.position}</span>'
        '<div class="recommendation__names">'
        f'<a class="recommendation__title" href="{other.get_absolute_url()}">'
        f"{escape(other.title)}</a>"
        f'<span class="recommendation__artist">{artist}</span></div>'
        f'<div class="recommendation__similarity" title="Similarity {similarity:.3f}">'
        '<svg class="meter" aria-hidden="true" focusable="false"><rect class="meter__fill" '
        f'width="{percent}%" height="100%" rx="4"></rect></svg>'
        f'<span class="meter__label">{percent}% similar</span></div></li>'
    )
