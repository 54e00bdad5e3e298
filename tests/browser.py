"""Debian's Chromium driven by Playwright: how the browser tests start it and what they measure."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connections
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
PHONE_WIDTH = 390
DESKTOP_WIDTH = 1280
DESKTOP = {"width": DESKTOP_WIDTH, "height": 800}
PHONE = {"width": PHONE_WIDTH, "height": 844}

# Every element on the page that holds a song's title or an artist's name.
NAME_SELECTOR = ", ".join(
    [
        ".song-card__title",
        ".song-card__artist",
        ".recommendation__title",
        ".recommendation__artist",
        ".song-hero__title",
        ".song-hero__artist",
        ".history-entry__what",
        ".artist-head h1",
    ]
)


@contextmanager
def chromium(monkeypatch) -> Iterator[Browser]:
    """Chromium, headless; start it after the test's data is in the database."""
    # Playwright's sync API keeps an event loop in this thread, and Django refuses ORM calls from
    # a thread with a running loop unless told they are safe: here they never overlap.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While the loop runs, Django keeps this thread's ORM connections apart from its
            # usual ones; close those here, or they would keep the test database from being
            # dropped.
            connections.close_all()


@contextmanager
def browser_page(base_url: str, monkeypatch, viewport: dict[str, int] = DESKTOP) -> Iterator[Page]:
    """A fresh browser page on `base_url` (a live server), `viewport` wide and high."""
    with chromium(monkeypatch) as browser:
        page = browser.new_page(base_url=base_url, viewport=viewport, accept_downloads=True)
        page.set_default_timeout(15_000)
        yield page


def screenshot(page: Page, name: str) -> Path:
    """The whole page saved as build/screenshots/<name>-<viewport width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def page_scroll_width(page: Page) -> int:
    """How wide the document is: more than the viewport means the page scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


def narrow_names(page: Page, minimum: float) -> list[str]:
    """The visible song titles and artist names laid out narrower than `minimum` pixels."""
    return page.evaluate(
        """([selector, minimum]) => [...document.querySelectorAll(selector)]
            .filter(element => element.getClientRects().length > 0)
            .map(element => [element.getBoundingClientRect().width, element.textContent.trim()])
            .filter(([width]) => width < minimum)
            .map(([width, text]) => `${text.replace(/\\s+/g, ' ')}: ${Math.round(width)} px`)""",
        [NAME_SELECTOR, minimum],
    )


def has_horizontal_scroll(page: Page) -> bool:
    """Whether the page is wider than the window (content a phone would have to scroll to)."""
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def collect_policy_violations(page: Page) -> list[str]:
    """A list that fills with every Content-Security-Policy violation `page` reports from now."""
    violations: list[str] = []

    def note_violation(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", note_violation)
    # The event the browser fires for each violation, reported on the console.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => console.error("
        "'Content Security Policy violated: ' + event.violatedDirective + ' ' + event.blockedURI"
        "))"
    )
    return violations


def logged_in_page(browser: Browser, live_server, user, width: int, height: int = 800) -> Page:
    """A page of `browser` on the live server, `width` wide, holding the session of `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page
