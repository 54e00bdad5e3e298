"""The account journey end to end in a real browser: Debian's Chromium driven by Playwright."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from accounts.models import Favourite, HistoryEntry
from recommendations.models import Build
from tests.accounts.conftest import PASSWORD
from tests.browser import collect_policy_violations


@pytest.fixture
def page(catalogue, browser, live_server) -> Page:
    """A fresh browser page; the catalogue is in the database before the browser starts."""
    page = browser.new_page(base_url=live_server.url)
    page.set_default_timeout(15_000)
    return page


@pytest.mark.django_db(transaction=True)
def test_sign_up_search_favourite_for_you_history_and_log_out(page: Page, catalogue):
    account_nav = page.get_by_role("navigation", name="Your account")

    # Sign up
    page.goto("/")
    account_nav.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("dana")
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome, dana! Your account is ready.")).to_be_visible()
    expect(page.get_by_text("Nothing here yet: tell us what you like.")).to_be_visible()

    # Search, then open a song
    page.get_by_role("search").first.get_by_role("searchbox").fill("boxer")
    page.get_by_role("search").first.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 song matches “boxer”")).to_be_visible()
    page.get_by_role("link", name="The Boxer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Boxer")

    # Favourite it: the script posts in the background and the heart flips in place
    heart = page.get_by_role("button", name="Favourite The Boxer")
    expect(heart).to_have_attribute("aria-pressed", "false")
    with page.expect_response(re.compile(r"/songs/\d+/favourite$")) as answer:
        heart.click()
    assert answer.value.headers["content-type"] == "application/json"
    expect(heart).to_have_attribute("aria-pressed", "true")

    # It is in the favourites, and "for you" recommends from it
    account_nav.get_by_role("link", name="Favourites").click()
    expect(page.locator(".song-card__title")).to_have_text(["The Boxer"])
    account_nav.get_by_role("link", name="For you").click()
    recommendations = page.locator(".for-you")
    expect(recommendations.locator(".recommendation__title")).to_have_text(
        ["Anthem", "Ballad", "The Sound of Silence"]
    )
    expect(recommendations.first).to_contain_text("Because you liked The Boxer")

    # History shows the search and the view, newest first; then clear it
    account_nav.get_by_role("link", name="History").click()
    expect(page.locator(".history-entry__what")).to_have_text(
        [re.compile(r"Opened The Boxer\s+by Simon & Garfunkel"), re.compile(r"Searched\s+“boxer”")]
    )
    page.get_by_role("button", name="Clear all history").click()
    expect(page.get_by_text("Your history is empty.")).to_be_visible()

    # Log out: the account pages ask to log in again
    account_nav.get_by_role("button", name="Log out").click()
    expect(account_nav.get_by_role("link", name="Log in")).to_be_visible()
    page.goto("/favourites/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")

    dana = User.objects.get(username="dana")
    assert list(Favourite.objects.filter(user=dana).values_list("song_id", flat=True)) == [
        catalogue["boxer"].key
    ]
    assert not HistoryEntry.objects.filter(user=dana).exists()


@pytest.mark.django_db(transaction=True)
def test_the_main_pages_break_no_rule_of_the_content_security_policy(page: Page, catalogue):
    Build.objects.filter(is_active=True).update(
        timings={"read": 1.5, "normalise": 0.5}, summary={"recall_at_10": 0.9}
    )
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    violations = collect_policy_violations(page)

    page.goto("/")
    page.goto("/search?q=hello")
    page.goto(catalogue["boxer"].get_absolute_url())
    # The similarity meters are drawn as SVG, not with inline widths.
    expect(page.locator("svg.meter")).to_have_count(2)
    page.locator("#header-q").fill("bo")
    expect(page.get_by_role("option", name=re.compile("The Boxer"))).to_be_visible()

    page.goto("/accounts/log-in/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Your account")).to_contain_text("root")
    page.goto("/admin/recommendations/build/")
    expect(page.locator("#result_list")).to_be_visible()
    build = Build.objects.get(is_active=True)
    page.goto(f"/admin/recommendations/build/{build.pk}/change/")
    expect(page.locator(".build-report svg rect")).not_to_have_count(0)
    page.goto("/admin/accounts/favourite/")

    assert violations == []
