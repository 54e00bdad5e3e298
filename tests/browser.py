"""Debian's Chromium driven by Playwright: how the browser tests start it and what they measure."""

from pathlib import Path

from playwright.sync_api import Page

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
