"""The search behind the search page and /api/search: pages of the songs matching a query."""

from django.db.models import QuerySet

from catalog.models import Song
from catalog.pagination import CappedPaginator, Ranked
from catalog.postings import RankedMatches, TooCommon, word_starts
from catalog.selectors import (
    near_misses,
    song_search,
    substring_searchable,
    unknown_words,
    within_popular_window,
    word_start_query,
)

SONGS_PER_PAGE = 20
# Searches count their matches up to this many; the pages stop there too.
SEARCH_RESULTS_COUNTED = 1000
TOO_BROAD_MESSAGE = "That search matches too many songs to rank in time: add a word or two."


def search_paginator(
    *, query: str, artist: str, track: str, page_number: str | int
) -> tuple[CappedPaginator, bool]:
    """Pages of the songs matching the search, and whether they are near misses; page
    `page_number` is fetched with the count (`CappedPaginator.fetch`).

    A free-text query is first matched at word starts (the postings' word index,
    `catalog.postings`, else the selective full-text index). Failing that, a query with a word
    no catalogue word contains (`unknown_words`) goes straight to its closest spellings; others
    are matched anywhere in the names, then, when no song contains the words, by the closest
    spellings. One of words shorter than TRIGRAM_LENGTH only is matched at word starts among the
    most popular songs (`within_popular_window`).
    The artist and track fields say which column to match: they get substring matching only.
    Call it inside `search_time_budget()`.
    """
    free_text = bool(query) and not (artist or track)
    if free_text and not substring_searchable(query):
        # Words of one or two letters only: they start a large share of the names (or none, and
        # finding out reads as many), and matched anywhere they would read every name.
        songs = Song.objects.none()
        if word_start_query(query):
            songs = within_popular_window(song_search(query=query, word_starts=True))
        return _paginator(songs, page_number), False
    if free_text and word_start_query(query):
        # Most searches end here, their words known without a statement to ask.
        paginator = _word_start_paginator(query, page_number)
        if paginator.count:
            return paginator, False
    if free_text and (unknown := unknown_words(query)):
        return _paginator(near_misses(query, unknown=unknown), page_number), True
    paginator = _paginator(song_search(query=query, artist=artist, track=track), page_number)
    if paginator.count == 0 and free_text:
        return _paginator(near_misses(query), page_number), True
    return paginator, False


def _word_start_paginator(query: str, page_number: str | int) -> CappedPaginator:
    """The songs with a word starting with each word of `query`: from the postings
    (`catalog.postings`) where they answer, else from the songs' full-text index."""
    if search := word_starts(query):
        try:
            paginator = _paginator(RankedMatches(search), page_number)
            paginator.count  # noqa: B018 - read now: it may find the words too common
            return paginator
        except TooCommon:
            pass
    return _paginator(song_search(query=query, word_starts=True), page_number)


def _paginator(songs: QuerySet[Song] | Ranked, page_number: str | int) -> CappedPaginator:
    paginator = CappedPaginator(songs, SONGS_PER_PAGE, cap=SEARCH_RESULTS_COUNTED)
    paginator.fetch(page_number)
    return paginator
