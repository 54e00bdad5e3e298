"""The playlist journey in a real browser, on a desktop and a phone-wide window."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Favourite
from playlists.models import Playlist
from tests.accounts.conftest import PASSWORD
from tests.browser import (
    DESKTOP,
    PHONE,
    browser_page,
    collect_policy_violations,
    has_horizontal_scroll,
    screenshot,
)

# Narrower than this, a column of song names wraps a word or two a line.
MIN_TEXT_COLUMN = 150


def check_layout(page: Page, width: int, name: str) -> None:
    """Save a screenshot; on a phone, no sideways scrolling and no cramped name columns."""
    screenshot(page, f"playlists-{name}")
    if width <= PHONE["width"]:
        assert not has_horizontal_scroll(page), name
        names = page.locator(".song-card__names, .recommendation__names")
        for index in range(names.count()):
            box = names.nth(index).bounding_box()
            assert box is not None and box["width"] >= MIN_TEXT_COLUMN, (name, index, box)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_start_add_pin_drop_export_and_save_a_playlist(
    catalogue, alice, live_server, monkeypatch, viewport
):
    width = viewport["width"]
    Favourite.objects.create(user=alice, song=catalogue["anthem"])
    with browser_page(live_server.url, monkeypatch, viewport) as page:
        violations = collect_policy_violations(page)

        # Start from a song page (a page the cache may serve: the button asks first)
        page.goto(catalogue["boxer"].get_absolute_url())
        check_layout(page, width, "song")
        page.get_by_role("link", name="Start a playlist with The Boxer").click()
        page.get_by_role("button", name="Start a playlist with it").click()
        expect(page.locator(".playlist-song .song-card__title")).to_have_text(["The Boxer"])
        expect(page.locator(".playlist-proposal .recommendation__title")).to_have_text(
            ["Anthem", "Ballad", "The Sound of Silence"]
        )

        # Add from search results: straight back to them
        page.goto("/search?q=silence")
        page.get_by_role("button", name=re.compile("add The Sound of Silence")).click()
        expect(page.get_by_text("Added “The Sound of Silence” to your playlist.")).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("In your playlist"))).to_be_visible()
        check_layout(page, width, "search")

        # Pin a proposal, drop a song
        page.get_by_role("navigation", name="Your account").get_by_role(
            "link", name="Playlist"
        ).click()
        proposals = page.locator(".playlist-proposal")
        expect(proposals.locator(".recommendation__title")).to_have_text(["Ballad", "Anthem"])
        expect(proposals.first).to_contain_text("Because of The Sound of Silence")
        page.get_by_role("button", name="Pin Ballad").click()
        page.get_by_role("button", name="Drop The Boxer").click()
        songs = page.locator(".playlist-song .song-card__title")
        expect(songs).to_have_text(["The Sound of Silence", "Ballad"])
        check_layout(page, width, "playlist")

        # Export
        with page.expect_download() as download:
            page.get_by_role("link", name="JSPF").click()
        document = json.loads(Path(download.value.path()).read_text())
        assert [track["title"] for track in document["playlist"]["track"]] == [
            "The Sound of Silence",
            "Ballad",
        ]

        # Log in: the playlist stays, and is offered for saving
        page.get_by_role("main").get_by_role("link", name="Log in").click()
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("Your playlist of 2 songs is kept")).to_be_visible()
        page.get_by_label("Title").fill("Road trip")
        page.get_by_role("button", name="Save playlist").click()
        expect(page.get_by_text("Saved “Road trip”.")).to_be_visible()
        check_layout(page, width, "saved")

        # Add from the favourites, then save the change
        page.goto("/favourites/")
        check_layout(page, width, "favourites")
        page.get_by_role("button", name=re.compile("add Anthem")).click()
        expect(page.get_by_text("Added “Anthem” to your playlist.")).to_be_visible()
        page.goto("/playlist/")
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_text("Saved “Road trip”.")).to_be_visible()
        page.get_by_role("link", name="Your saved playlists").first.click()
        expect(page.locator(".saved-playlist .song-card__title")).to_have_text(["Road trip"])
        check_layout(page, width, "saved-list")

        assert violations == []
    [saved] = Playlist.objects.filter(user=alice)
    assert saved.title == "Road trip"
    assert list(saved.entries.order_by("position").values_list("song_id", flat=True)) == [
        catalogue["silence"].key,
        catalogue["ballad"].key,
        catalogue["anthem"].key,
    ]
