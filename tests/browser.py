"""Debian's Chromium driven by Playwright, for the browser tests of every app."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from playwright.sync_api import ConsoleMessage, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@contextmanager
def browser_page(base_url: str, monkeypatch, viewport: dict[str, int] = DESKTOP) -> Iterator[Page]:
    """A fresh browser page on `base_url` (a live server), `viewport` wide and high."""
    # Playwright's sync API keeps an event loop in this thread, and Django refuses ORM calls from
    # a thread with a running loop unless told they are safe: here they never overlap.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(base_url=base_url, viewport=viewport, accept_downloads=True)
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            browser.close()
            # While the loop runs, Django keeps this thread's ORM connections apart from its
            # usual ones; close those here, or they would keep the test database from being
            # dropped.
            connections.close_all()


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
