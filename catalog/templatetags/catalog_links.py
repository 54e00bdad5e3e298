"""A song list's per-song markup, built in Python: each card's names, count and link cost a
dozen variable lookups and escapes in the template engine, several times what the same text
costs here (docs/benchmarks.md, "Where a page's time goes")."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from catalog.links import pk_url as _pk_url
from catalog.links import view_url as _view_url
from catalog.models import Song

register = template.Library()


@register.simple_tag
def pk_url(view_name: str, pk: int) -> str:
    """`{% url view_name pk %}` for a view taking one whole number, without a reverse() a call
    (`catalog.links.pk_url`)."""
    return _pk_url(view_name, pk)


@register.simple_tag
def view_url(view_name: str) -> str:
    """`{% url view_name %}` for a view without arguments, reversed once
    (`catalog.links.view_url`): every page's header links half a dozen of them."""
    return _view_url(view_name)


@register.simple_tag
def song_card_names(song: Song, show_artist: bool) -> SafeString:
    """The card's title, linking to the song's page, and with `show_artist` its artist, linking
    to the artist's page when the song has a normalised artist."""
    title = f'<a class="song-card__title" href="{song.get_absolute_url()}">{escape(song.title)}</a>'
    artist = ""
    if show_artist:
        name = escape(song.artist)
        if song.artist_norm:
            name = f'<a href="{escape(song.get_artist_url())}">{name}</a>'
        artist = f'<span class="song-card__artist">{name}</span>'
    return mark_safe(f'<div class="song-card__names">{title}{artist}</div>')


@register.simple_tag
def song_card_count(song: Song) -> SafeString:
    """The card's playlist count ("1,234 playlists") and its link to similar songs."""
    count = song.playlist_count
    return mark_safe(
        f'<span class="song-card__count">{count:,} playlist{"" if count == 1 else "s"}</span>'
        f'<a class="song-card__action" href="{song.get_absolute_url()}" '
        f'aria-label="Songs like {escape(song.title)}">Similar songs →</a>'
    )
