"""The capped paginator: counts stop at the cap in SQL, and a page comes with its count."""

from catalog.pagination import CappedPaginator
from catalog.selectors import song_search


def test_search_count_stops_at_the_cap_in_sql(prolific_songs, django_assert_num_queries):
    paginator = CappedPaginator(song_search(query="prolific"), 20, cap=30)

    with django_assert_num_queries(1) as queries:
        assert paginator.count == 30
    assert "LIMIT 31" in queries.captured_queries[0]["sql"]


def test_search_fetches_a_page_with_its_count_in_one_query(
    prolific_songs, django_assert_num_queries
):
    paginator = CappedPaginator(song_search(query="prolific"), 20, cap=30)

    with django_assert_num_queries(1):
        paginator.fetch("2")
        page = paginator.page("2")
        assert (paginator.count, paginator.count_capped, paginator.num_pages) == (30, True, 2)
    # The pages end at the cap.
    assert [song.title for song in page] == [f"Track {n:02d}" for n in range(21, 31)]


def test_search_fetch_of_no_match_or_a_page_past_the_end_counts_as_usual(
    prolific_songs, django_assert_num_queries
):
    nothing = CappedPaginator(song_search(query="nothing like it"), 20, cap=30)
    past_the_end = CappedPaginator(song_search(query="prolific"), 20, cap=100)

    with django_assert_num_queries(1):
        nothing.fetch(1)
        assert (nothing.count, len(nothing.page(1))) == (0, 0)
    past_the_end.fetch(4)
    assert past_the_end.count == 45
    assert len(past_the_end.get_page(4)) == 5  # the last page
