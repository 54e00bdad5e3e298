"""The site's pages as phones and desktops lay them out (static/css/site.css), in Chromium.

At 390 px wide no page scrolls sideways and no song title or artist name is squeezed under
150 px. Each page is saved under build/screenshots/ to look at.
"""

from pprint import pformat

import pytest
from django.contrib.auth.models import User

from accounts import services as account_services
from catalog.models import Song
from recommendations.models import Build, Neighbour
from tests.browser import (
    DESKTOP_WIDTH,
    PHONE_WIDTH,
    logged_in_page,
    narrow_names,
    page_scroll_width,
    screenshot,
)
from tests.catalog.conftest import create_song
from tests.recommendations.conftest import store_neighbours

NARROWEST_NAME = 150
# Names as long as real ones get: the planted pairs, a long title, a long artist.
NAMES = [
    ("Planted Pair 002 A", "Twin A / 002"),
    ("Planted Pair 002 B", "Twin B / 002"),
    ("Nick Cave & The Bad Seeds", "The Mercy Seat (Live at the Royal Albert Hall, Remastered)"),
    ("Simon & Garfunkel", "Bridge Over Troubled Water"),
    ("The Jimi Hendrix Experience", "All Along the Watchtower"),
    ("Florence + The Machine", "Dog Days Are Over"),
]


@pytest.fixture
def site(db) -> dict:
    """The catalogue above, linked every way in an active build, and a user who opened all of
    it, favourited the twins and searched."""
    songs = [create_song(artist, title, 12_345) for artist, title in NAMES]
    build = Build.objects.create(status=Build.Status.COMPLETE, is_active=True, input_path="x.csv")
    store_neighbours(
        [
            Neighbour(
                build=build, song=song, neighbour=other, similarity=0.9 - 0.1 * rank, rank=rank
            )
            for song in songs
            for rank, other in enumerate((o for o in songs if o != song), start=1)
        ]
    )
    user = User.objects.create_user("dana", "dana@example.com", "correct horse battery staple")
    for song in songs:
        account_services.history_record_view(user=user, song=song)
    # The rest, the long names among them, are recommended "for you".
    for song in songs[:2]:
        account_services.song_favourite(user=user, song=song)
    account_services.history_record_search(user=user, query="twin", artist="", track="")
    return {"songs": songs, "user": user}


def pages(songs: list[Song]) -> dict[str, tuple[str, bool]]:
    """Each page by name: its address, and whether it needs a logged-in user."""
    return {
        "home": ("/", False),
        "search": ("/search?q=twin", False),
        "search-long": ("/search?q=the", False),
        "song": (songs[0].get_absolute_url(), False),
        "song-long": (songs[2].get_absolute_url(), False),
        "artist": (songs[2].get_artist_url(), False),
        "log-in": ("/accounts/log-in/", False),
        "sign-up": ("/accounts/sign-up/", False),
        "favourites": ("/favourites/", True),
        "history": ("/history/", True),
        "for-you": ("/for-you/", True),
    }


def layout_problems(site: dict, browser, live_server, width: int) -> dict[str, dict]:
    """Each page, visited at `width` and saved as a screenshot, that scrolls sideways or
    squeezes a name, with what is wrong."""
    anonymous = logged_in_page(browser, live_server, site["user"], width)
    anonymous.context.clear_cookies()
    member = logged_in_page(browser, live_server, site["user"], width)
    problems = {}
    for name, (url, needs_user) in pages(site["songs"]).items():
        page = member if needs_user else anonymous
        assert page.goto(url).status == 200, name
        screenshot(page, name)
        scroll_width, narrow = page_scroll_width(page), narrow_names(page, NARROWEST_NAME)
        if scroll_width > width or narrow:
            problems[name] = {"scroll width": scroll_width, "narrow names": narrow}
    return problems


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_no_page_scrolls_sideways_or_squeezes_a_name(site, browser, live_server):
    problems = layout_problems(site, browser, live_server, PHONE_WIDTH)

    assert problems == {}, pformat(problems)


@pytest.mark.django_db(transaction=True)
def test_on_a_desktop_no_page_scrolls_sideways_or_squeezes_a_name(site, browser, live_server):
    problems = layout_problems(site, browser, live_server, DESKTOP_WIDTH)

    assert problems == {}, pformat(problems)
