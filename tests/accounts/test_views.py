import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Favourite, HistoryEntry
from recommendations.models import Build, Neighbour
from tests.accounts.conftest import PASSWORD
from tests.catalog.conftest import ESCAPED_SCRIPT_TAG, SCRIPT_TAG, create_song

LOGIN_URL = reverse("accounts:login")
SIGN_UP_URL = reverse("accounts:sign_up")
FAVOURITES_URL = reverse("accounts:favourites")
HISTORY_URL = reverse("accounts:history")
FOR_YOU_URL = reverse("accounts:for_you")
SEARCH_URL = reverse("catalog:search")


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


# Anonymous visitors


@pytest.mark.parametrize("url", [FAVOURITES_URL, HISTORY_URL, FOR_YOU_URL])
def test_anonymous_pages_go_to_the_login_page_and_back(client, alice, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == login_redirect(url)

    back = client.post(response.url, {"username": "alice", "password": PASSWORD, "next": url})
    assert back.status_code == 302
    assert back.url == url
    assert client.get(back.url).status_code == 200


def test_anonymous_favourite_goes_to_log_in_and_back_to_the_song(client, catalogue):
    boxer = catalogue["boxer"]

    response = client.post(favourite_url(boxer))

    assert response.status_code == 302
    assert response.url == login_redirect(boxer.get_absolute_url())
    assert not Favourite.objects.exists()


def test_anonymous_posts_change_nothing_and_ask_to_log_in(client, alice, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])
    entry = services.history_record_search(user=alice, query="boxer")
    urls = [
        unfavourite_url(catalogue["boxer"]),
        reverse("accounts:history_delete", args=[entry.pk]),
        reverse("accounts:history_clear"),
    ]

    for url in urls:
        response = client.post(url)
        assert response.status_code == 302
        assert response.url.startswith(f"{LOGIN_URL}?next=")
    assert Favourite.objects.count() == HistoryEntry.objects.count() == 1


def test_anonymous_searches_and_views_are_not_recorded(client, catalogue):
    client.get(SEARCH_URL, {"q": "boxer"})
    client.get(catalogue["boxer"].get_absolute_url())

    assert not HistoryEntry.objects.exists()


def test_anonymous_visitors_see_a_log_in_heart_and_a_sign_up_panel(client, catalogue):
    song_html = client.get(catalogue["boxer"].get_absolute_url()).content.decode()
    home_html = client.get(reverse("catalog:home")).content.decode()

    assert f'href="{LOGIN_URL}?next=/songs/{catalogue["boxer"].pk}/"' in song_html
    assert "csrfmiddlewaretoken" not in song_html
    assert f'href="{SIGN_UP_URL}"' in home_html
    assert "to keep the songs you like" in home_html


# Sign-up


def sign_up_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "carol",
        "email": "carol@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return data | overrides


def test_sign_up_creates_the_account_logs_in_and_goes_to_for_you(client, db):
    response = client.post(SIGN_UP_URL, sign_up_data())

    assert response.status_code == 302
    assert response.url == FOR_YOU_URL
    user = User.objects.get(username="carol")
    assert user.email == "carol@example.com"
    assert user.check_password(PASSWORD)
    assert client.get(FOR_YOU_URL).status_code == 200


def test_sign_up_follows_a_local_next(client, catalogue):
    song_url = catalogue["boxer"].get_absolute_url()

    response = client.post(f"{SIGN_UP_URL}?next={song_url}", sign_up_data())

    assert response.url == song_url


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password1": "short", "password2": "short"}, "This password is too short"),
        ({"password1": "password123", "password2": "password123"}, "too common"),
        ({"password2": "something else"}, "didn’t match"),
        ({"username": "ALICE"}, "A user with that username already exists"),
        ({"email": "Alice@Example.com"}, "An account already uses this e-mail address"),
        ({"email": "not an address"}, "Enter a valid email address"),
    ],
)
def test_sign_up_rejects_weak_passwords_and_taken_names(client, alice, overrides, message):
    response = client.post(SIGN_UP_URL, sign_up_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


def test_signed_in_people_skip_the_sign_up_page(alice_client):
    response = alice_client.get(SIGN_UP_URL)

    assert response.status_code == 302
    assert response.url == FOR_YOU_URL


# Log-in and log-out


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_log_in_never_follows_a_foreign_next(client, alice, next_url):
    response = client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD, "next": next_url})

    assert response.status_code == 302
    assert response.url == FOR_YOU_URL


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example"])
def test_sign_up_never_follows_a_foreign_next(client, db, next_url):
    response = client.post(f"{SIGN_UP_URL}?next={quote(next_url)}", sign_up_data())

    assert response.url == FOR_YOU_URL


def test_wrong_password_says_so(client, alice):
    response = client.post(LOGIN_URL, {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_log_out_takes_a_post_only(alice_client):
    assert alice_client.get(reverse("accounts:logout")).status_code == 405

    response = alice_client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("catalog:home")
    assert alice_client.get(FOR_YOU_URL).status_code == 302


def test_header_shows_the_account_links_when_logged_in(alice_client):
    html = alice_client.get(reverse("catalog:home")).content.decode()

    for url in (FOR_YOU_URL, FAVOURITES_URL, HISTORY_URL, reverse("accounts:logout")):
        assert url in html
    assert f'href="{LOGIN_URL}"' not in html


# Failed log-ins


@pytest.fixture
def lockout_settings(settings):
    settings.SONGREC_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.SONGREC_LOGIN_FAILURES_PER_ADDRESS = 6
    settings.SONGREC_LOGIN_LOCKOUT_MINUTES = 15


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client, alice, bob, lockout_settings
):
    for _ in range(3):
        assert client.post(LOGIN_URL, {"username": "alice", "password": "x"}).status_code == 200

    refused = client.post(LOGIN_URL, {"username": "Alice", "password": PASSWORD})

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many failed log-ins for this account. Try again in 15 minutes" in html
    assert "_auth_user_id" not in client.session
    # Another account from the same address still gets in.
    assert client.post(LOGIN_URL, {"username": "bob", "password": PASSWORD}).status_code == 302


def test_repeated_failures_from_one_address_lock_it_for_every_account(alice, bob, lockout_settings):
    attacker, neighbour = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    for number in range(6):
        attacker.post(LOGIN_URL, {"username": f"guess{number}", "password": "x"})

    refused = attacker.post(LOGIN_URL, {"username": "bob", "password": PASSWORD})

    assert refused.status_code == 429
    assert "Too many failed log-ins from your network" in refused.content.decode()
    assert neighbour.post(LOGIN_URL, {"username": "bob", "password": PASSWORD}).status_code == 302


def test_behind_a_proxy_the_forwarded_client_address_is_locked(
    alice, bob, lockout_settings, settings
):
    settings.SONGREC_PROXY_COUNT = 1
    proxy = "10.0.0.2"  # every request reaches the site from the proxy
    # The attacker sends its own X-Forwarded-For entry; the proxy appends the real address.
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    neighbour = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    for number in range(6):
        attacker.post(LOGIN_URL, {"username": f"guess{number}", "password": "x"})

    assert attacker.post(LOGIN_URL, {"username": "bob", "password": PASSWORD}).status_code == 429
    spoofing = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7")
    assert spoofing.post(LOGIN_URL, {"username": "bob", "password": PASSWORD}).status_code == 429
    assert neighbour.post(LOGIN_URL, {"username": "bob", "password": PASSWORD}).status_code == 302


def test_a_post_without_a_password_neither_counts_nor_resets(client, alice, lockout_settings):
    for _ in range(2):
        client.post(LOGIN_URL, {"username": "alice", "password": "x"})
    client.post(LOGIN_URL, {"username": "alice", "password": ""})
    client.post(LOGIN_URL, {"username": "alice", "password": "x"})

    refused = client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})

    assert refused.status_code == 429


def test_a_successful_log_in_resets_the_accounts_count(client, alice, lockout_settings):
    for _ in range(2):
        client.post(LOGIN_URL, {"username": "alice", "password": "x"})
    assert client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD}).status_code == 302
    client.post(reverse("accounts:logout"))

    for _ in range(2):
        client.post(LOGIN_URL, {"username": "alice", "password": "x"})

    assert client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD}).status_code == 302


# Passwords


def test_password_change_needs_the_old_password(alice_client, alice):
    url = reverse("accounts:password_change")
    assert Client().get(url).url == login_redirect(url)

    wrong = alice_client.post(
        url, {"old_password": "nope", "new_password1": "n3w pass phrase", "new_password2": "x"}
    )
    assert wrong.status_code == 200
    response = alice_client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "a n3w pass phrase",
            "new_password2": "a n3w pass phrase",
        },
    )

    assert response.url == reverse("accounts:password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("a n3w pass phrase")
    assert alice_client.get(FOR_YOU_URL).status_code == 200  # still logged in


def test_password_reset_mails_a_link_that_sets_a_new_password(client, alice, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "ALICE@example.com"})

    assert response.url == reverse("accounts:password_reset_done")
    [message] = mailoutbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Reset your songrec password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a n3w pass phrase", "new_password2": "a n3w pass phrase"},
    )
    assert done.url == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("a n3w pass phrase")
    assert "no longer works" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, alice, mailoutbox
):
    response = client.post(reverse("accounts:password_reset"), {"email": "who@example.com"})

    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


# Favourites


def test_favourite_without_javascript_returns_to_the_page_it_came_from(alice_client, catalogue):
    boxer = catalogue["boxer"]
    next_url = f"{SEARCH_URL}?q=boxer"

    response = alice_client.post(favourite_url(boxer), {"next": next_url})

    assert response.status_code == 302
    assert response.url == next_url
    assert Favourite.objects.filter(song=boxer).count() == 1


def test_favourite_next_must_be_local(alice_client, catalogue):
    boxer = catalogue["boxer"]

    response = alice_client.post(favourite_url(boxer), {"next": "https://evil.example/"})

    assert response.url == boxer.get_absolute_url()


def test_favourite_and_unfavourite_answer_json_to_the_script(alice_client, alice, catalogue):
    boxer = catalogue["boxer"]

    added = alice_client.post(favourite_url(boxer), headers={"accept": "application/json"})
    assert added.json() == {"song": boxer.pk, "favourite": True}
    removed = alice_client.post(unfavourite_url(boxer), headers={"accept": "application/json"})
    assert removed.json() == {"song": boxer.pk, "favourite": False}
    assert not Favourite.objects.filter(user=alice).exists()


def test_favourite_needs_a_csrf_token(alice, catalogue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(favourite_url(catalogue["boxer"]))

    assert response.status_code == 403
    assert not Favourite.objects.exists()


@pytest.mark.parametrize("view", ["accounts:favourite", "accounts:unfavourite"])
def test_favourite_endpoints_take_posts_only_and_known_songs(alice_client, catalogue, view):
    assert alice_client.get(reverse(view, args=[catalogue["boxer"].pk])).status_code == 405
    assert alice_client.post(reverse(view, args=[999_999])).status_code == 404


def test_hearts_show_which_songs_are_favourites(alice_client, alice, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])

    search_html = alice_client.get(SEARCH_URL, {"q": "simon"}).content.decode()
    boxer_html = alice_client.get(catalogue["boxer"].get_absolute_url()).content.decode()
    silence_html = alice_client.get(catalogue["silence"].get_absolute_url()).content.decode()

    assert search_html.count('class="favourite__button"') == 2
    assert pressed_hearts(search_html) == ["The Boxer"]
    assert f'action="{unfavourite_url(catalogue["boxer"])}"' in search_html
    assert f'action="{favourite_url(catalogue["silence"])}"' in search_html
    assert pressed_hearts(boxer_html) == ["The Boxer"]
    assert pressed_hearts(silence_html) == []


def test_search_page_loads_hearts_in_one_query(
    alice_client, alice, catalogue, django_assert_max_num_queries
):
    services.song_favourite(user=alice, song=catalogue["boxer"])

    # count, session, user, history (newest entry, insert), page, favourite keys
    with django_assert_max_num_queries(7):
        alice_client.get(SEARCH_URL, {"q": "simon"})


def test_favourites_page_lists_newest_first_with_removal(alice_client, alice, bob, catalogue):
    for name in ("boxer", "retired", "anthem"):
        services.song_favourite(user=alice, song=catalogue[name])
    services.song_favourite(user=bob, song=catalogue["ballad"])

    response = alice_client.get(FAVOURITES_URL)

    html = response.content.decode()
    assert [f.song.title for f in response.context["page"]] == [
        "Anthem",
        "Hello Again",
        "The Boxer",
    ]
    assert "Ballad" not in html
    assert html.count("no longer in the catalogue") == 1
    assert f'action="{unfavourite_url(catalogue["retired"])}"' in html
    removed = alice_client.post(unfavourite_url(catalogue["retired"]), {"next": FAVOURITES_URL})
    assert removed.url == FAVOURITES_URL
    assert "Hello Again" not in alice_client.get(FAVOURITES_URL).content.decode()


def test_favourites_page_is_paginated(alice_client, alice):
    for number in range(25):
        services.song_favourite(user=alice, song=create_song("Band", f"Track {number:02d}"))

    first = alice_client.get(FAVOURITES_URL)
    second = alice_client.get(FAVOURITES_URL, {"page": 2})

    assert first.context["page"].paginator.count == 25
    assert len(first.context["page"]) == 20
    assert [f.song.title for f in second.context["page"]] == [
        f"Track {n:02d}" for n in range(4, -1, -1)
    ]


def test_empty_favourites_page_says_how_to_add_some(alice_client):
    assert "No favourites yet" in alice_client.get(FAVOURITES_URL).content.decode()


def test_a_user_cannot_touch_another_users_favourites(client, alice, bob, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])
    client.force_login(bob)

    # Whatever song id bob sends, only bob's own favourites are read or changed.
    client.post(unfavourite_url(catalogue["boxer"]))
    client.post(favourite_url(catalogue["anthem"]))

    assert list(Favourite.objects.filter(user=alice).values_list("song_id", flat=True)) == [
        catalogue["boxer"].key
    ]
    html = client.get(FAVOURITES_URL).content.decode()
    assert "Anthem" in html
    assert "The Boxer" not in html


# History


def test_searches_and_song_views_are_recorded_for_logged_in_users(alice_client, alice, catalogue):
    alice_client.get(SEARCH_URL, {"q": "boxer", "artist": "simon"})
    alice_client.get(SEARCH_URL, {"q": "boxer", "artist": "simon", "page": 2})  # same search
    alice_client.get(SEARCH_URL, {"q": ""})  # not a search
    alice_client.get(catalogue["boxer"].get_absolute_url())

    entries = HistoryEntry.objects.filter(user=alice).order_by("created_at")
    assert [(e.kind, e.query, e.artist, e.song_id) for e in entries] == [
        ("search", "boxer", "simon", None),
        ("view", "", "", catalogue["boxer"].key),
    ]


def test_history_page_lists_searches_and_views_newest_first(alice_client, alice, catalogue):
    services.history_record_search(user=alice, query="boxer", artist="simon & garfunkel")
    services.history_record_view(user=alice, song=catalogue["retired"])

    response = alice_client.get(HISTORY_URL)

    html = response.content.decode()
    assert [entry.kind for entry in response.context["page"]] == ["view", "search"]
    assert html.index("Hello Again") < html.index("Searched")
    assert "no longer in the catalogue" in html
    assert f'href="{SEARCH_URL}?q=boxer&amp;artist=simon%20%26%20garfunkel"' in html
    assert "“boxer” and artist “simon &amp; garfunkel”" in html
    assert '<time class="history-entry__time" datetime="' in html


def test_history_delete_removes_one_entry(alice_client, alice, catalogue):
    keep = services.history_record_search(user=alice, query="boxer")
    gone = services.history_record_view(user=alice, song=catalogue["boxer"])

    response = alice_client.post(reverse("accounts:history_delete", args=[gone.pk]))

    assert response.url == HISTORY_URL
    assert list(HistoryEntry.objects.values_list("pk", flat=True)) == [keep.pk]


def test_a_user_cannot_see_or_delete_another_users_history(client, alice, bob, catalogue):
    theirs = services.history_record_view(user=alice, song=catalogue["boxer"])
    services.history_record_search(user=alice, query="secret search")
    client.force_login(bob)

    html = client.get(HISTORY_URL).content.decode()
    deleted = client.post(reverse("accounts:history_delete", args=[theirs.pk]))
    client.post(reverse("accounts:history_clear"))

    assert "secret search" not in html
    assert "The Boxer" not in html
    assert deleted.status_code == 404
    assert HistoryEntry.objects.filter(user=alice).count() == 2


def test_clear_history_empties_it(alice_client, alice, catalogue):
    services.history_record_search(user=alice, query="boxer")
    services.history_record_view(user=alice, song=catalogue["boxer"])

    response = alice_client.post(reverse("accounts:history_clear"), follow=True)

    assert "History cleared (2 entries)." in response.content.decode()
    assert "Your history is empty" in response.content.decode()
    assert not HistoryEntry.objects.exists()


@pytest.mark.parametrize("view", ["accounts:history_clear", "accounts:history_delete"])
def test_history_changes_take_posts_only(alice_client, view):
    url = reverse(view, args=[1] if view.endswith("delete") else None)

    assert alice_client.get(url).status_code == 405


# For you


def test_for_you_page_explains_each_recommendation(alice_client, alice, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])
    services.song_favourite(user=alice, song=catalogue["silence"])

    html = alice_client.get(FOR_YOU_URL).content.decode()

    assert html.index(">Ballad<") < html.index(">Anthem<")
    assert re.search(
        r"Because you liked\s*<a href=\"/songs/\d+/\">The Sound of Silence</a>\s*"
        r"<span class=\"muted\">and 1 more of your songs</span>",
        html,
    )
    assert "Stale Song" not in html


def test_for_you_for_a_new_user_says_how_to_start(alice_client, catalogue):
    html = alice_client.get(FOR_YOU_URL).content.decode()

    assert "Nothing here yet: tell us what you like." in html
    assert f'href="{SEARCH_URL}"' in html


def test_home_page_has_a_for_you_panel(alice_client, alice, catalogue):
    empty = alice_client.get(reverse("catalog:home")).content.decode()
    services.song_favourite(user=alice, song=catalogue["boxer"])
    full = alice_client.get(reverse("catalog:home")).content.decode()

    assert "Nothing here yet" in empty
    assert ">Anthem<" in full
    assert f'href="{FOR_YOU_URL}">All your recommendations' in full


def test_names_are_escaped_on_every_account_page(alice_client, alice, catalogue):
    kept = create_song(SCRIPT_TAG, SCRIPT_TAG)
    recommended = create_song(SCRIPT_TAG, f"{SCRIPT_TAG} 2")
    Neighbour.objects.create(
        build=Build.objects.get(is_active=True),
        song=kept,
        neighbour=recommended,
        similarity=0.3,
        rank=1,
    )
    services.song_favourite(user=alice, song=kept)
    services.history_record_view(user=alice, song=kept)
    services.history_record_search(user=alice, query=SCRIPT_TAG)

    for url in (FAVOURITES_URL, HISTORY_URL, FOR_YOU_URL):
        html = alice_client.get(url).content.decode()
        assert SCRIPT_TAG not in html, url
        assert ESCAPED_SCRIPT_TAG in html, url
