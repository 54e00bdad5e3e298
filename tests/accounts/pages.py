"""The account pages' URLs and what tests read off them, shared by the view tests."""

import re
from urllib.parse import quote

from django.urls import reverse

from tests.accounts.conftest import PASSWORD

LOGIN_URL = reverse("accounts:login")
SIGN_UP_URL = reverse("accounts:sign_up")
FAVOURITES_URL = reverse("accounts:favourites")
HISTORY_URL = reverse("accounts:history")
FOR_YOU_URL = reverse("accounts:for_you")
SEARCH_URL = reverse("catalog:search")


def sign_up_data(**overrides: str) -> dict[str, str]:
    """A valid sign-up form for a new user, carol, with `overrides`."""
    data = {
        "username": "carol",
        "email": "carol@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return data | overrides


def login_redirect(next_url: str) -> str:
    return f"{LOGIN_URL}?next={quote(next_url, safe='/')}"


def favourite_url(song) -> str:
    return reverse("accounts:favourite", args=[song.pk])


def unfavourite_url(song) -> str:
    return reverse("accounts:unfavourite", args=[song.pk])


def pressed_hearts(html: str) -> list[str]:
    """The songs whose heart on the page is pressed, by the title the button names."""
    return re.findall(
        r'aria-pressed="true"[^>]*>\s*<span class="favourite__icon"[^>]*></span>Favourite'
        r'<span class="visually-hidden"> ([^<]*)</span>',
        html,
    )
