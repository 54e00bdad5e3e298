from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import selectors, services
from accounts.models import Favourite, LoginFailure
from recommendations.models import Build


def ranked(recommendations) -> list[tuple[str, float, str]]:
    return [(item.song.title, round(item.score, 6), item.because.title) for item in recommendations]


# Favourites and history


def test_favourites_for_user_lists_only_their_own_newest_first(alice, bob, catalogue):
    now = timezone.now()
    for age, name in enumerate(["anthem", "boxer", "retired"]):
        Favourite.objects.create(
            user=alice, song=catalogue[name], created_at=now - timedelta(days=age)
        )
    services.song_favourite(user=bob, song=catalogue["ballad"])

    favourites = list(selectors.favourites_for_user(user=alice))

    assert [favourite.song.title for favourite in favourites] == [
        "Anthem",
        "The Boxer",
        "Hello Again",
    ]
    assert not favourites[2].song.in_catalogue
    assert selectors.favourite_keys(user=alice) == {
        catalogue[name].key for name in ("anthem", "boxer", "retired")
    }


def test_history_for_user_lists_only_their_own_newest_first(alice, bob, catalogue):
    services.history_record_search(user=alice, query="boxer")
    services.history_record_view(user=alice, song=catalogue["boxer"])
    services.history_record_view(user=bob, song=catalogue["anthem"])

    entries = list(selectors.history_for_user(user=alice))

    assert [(entry.kind, entry.query, entry.song_id) for entry in entries] == [
        ("view", "", catalogue["boxer"].key),
        ("search", "boxer", None),
    ]


# For you


def test_for_you_ranks_by_summed_similarity_and_leaves_out_favourites(alice, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])
    services.song_favourite(user=alice, song=catalogue["silence"])

    recommendations = selectors.for_you(user=alice)

    assert ranked(recommendations) == [
        ("Ballad", 1.2, "The Sound of Silence"),
        ("Anthem", 1.1, "The Boxer"),
    ]
    assert [item.seed_count for item in recommendations] == [2, 2]
    assert all(item.because_favourite for item in recommendations)


def test_for_you_uses_only_the_active_build(alice, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])

    recommendations = selectors.for_you(user=alice)

    assert ranked(recommendations) == [
        ("Anthem", 0.9, "The Boxer"),
        ("Ballad", 0.5, "The Boxer"),
        ("The Sound of Silence", 0.4, "The Boxer"),
    ]
    assert recommendations[0].seed_count == 1


def test_recent_views_count_at_half_weight(alice, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])
    services.history_record_view(user=alice, song=catalogue["silence"])
    services.history_record_view(user=alice, song=catalogue["boxer"])  # a favourite: weight 1

    recommendations = selectors.for_you(user=alice)

    assert ranked(recommendations) == [
        ("Anthem", 1.0, "The Boxer"),  # 0.9 + 0.2 / 2
        ("Ballad", 0.85, "The Boxer"),  # 0.5 + 0.7 / 2
        ("The Sound of Silence", 0.4, "The Boxer"),
    ]


def test_a_view_alone_recommends_and_says_so(alice, catalogue):
    services.history_record_view(user=alice, song=catalogue["silence"])

    recommendations = selectors.for_you(user=alice)

    assert ranked(recommendations) == [
        ("Ballad", 0.35, "The Sound of Silence"),
        ("The Boxer", 0.2, "The Sound of Silence"),
        ("Anthem", 0.1, "The Sound of Silence"),
    ]
    assert not recommendations[0].because_favourite


def test_only_the_most_recent_views_count(alice, catalogue, monkeypatch):
    monkeypatch.setattr(selectors, "RECENT_VIEWS_COUNTED", 1)
    services.history_record_view(user=alice, song=catalogue["boxer"])
    services.history_record_view(user=alice, song=catalogue["anthem"])  # no neighbours

    assert selectors.for_you(user=alice) == []


def test_for_you_limit_and_other_users_seeds(alice, bob, catalogue):
    services.song_favourite(user=alice, song=catalogue["boxer"])
    services.song_favourite(user=bob, song=catalogue["silence"])

    assert ranked(selectors.for_you(user=alice, limit=1)) == [("Anthem", 0.9, "The Boxer")]


def test_for_you_takes_two_queries(alice, catalogue, django_assert_num_queries):
    services.song_favourite(user=alice, song=catalogue["boxer"])

    with django_assert_num_queries(2):  # the ranking, then the songs
        selectors.for_you(user=alice)


def test_for_you_page_explains_an_empty_result(alice, catalogue):
    empty = selectors.for_you_page(user=alice)
    assert (empty.recommendations, empty.has_seeds, empty.has_active_build) == ([], False, True)

    services.song_favourite(user=alice, song=catalogue["retired"])
    no_neighbours = selectors.for_you_page(user=alice)
    assert (no_neighbours.has_seeds, no_neighbours.has_active_build) == (True, True)

    Build.objects.update(is_active=False)
    services.song_favourite(user=alice, song=catalogue["boxer"])
    no_build = selectors.for_you_page(user=alice)
    assert (no_build.recommendations, no_build.has_active_build) == ([], False)


# Log-in lockouts


@pytest.fixture
def lockout_settings(settings):
    settings.SONGREC_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.SONGREC_LOGIN_FAILURES_PER_ADDRESS = 5
    settings.SONGREC_LOGIN_LOCKOUT_MINUTES = 15


def test_an_account_is_refused_at_the_limit_until_the_window_moves_on(db, lockout_settings):
    now = timezone.now()
    for minutes_ago in (10, 2):
        LoginFailure.objects.create(
            username="alice", address="192.0.2.1", created_at=now - timedelta(minutes=minutes_ago)
        )
    assert selectors.login_retry_after(username="alice", address="192.0.2.2") is None

    services.login_failure_record(username="ALICE", address="192.0.2.3")

    # The oldest of the three leaves the window in 5 minutes.
    assert selectors.login_retry_after(username="Alice", address="192.0.2.2") == ("account", 5)
    assert selectors.login_retry_after(username="bob", address="192.0.2.2") is None
    LoginFailure.objects.filter(created_at__lt=now - timedelta(minutes=5)).update(
        created_at=now - timedelta(minutes=16)
    )
    assert selectors.login_retry_after(username="alice", address="192.0.2.2") is None


def test_an_address_is_refused_at_its_limit_whatever_the_account(db, lockout_settings):
    for number in range(5):
        services.login_failure_record(username=f"user{number}", address="192.0.2.9")

    assert selectors.login_retry_after(username="someone", address="192.0.2.9") == ("address", 15)
    assert selectors.login_retry_after(username="someone", address="192.0.2.8") is None


def test_success_clears_the_accounts_failures_but_not_the_addresses(db, lockout_settings):
    for _ in range(3):
        services.login_failure_record(username="alice", address="192.0.2.9")
    services.login_failure_record(username="bob", address="192.0.2.9")
    services.login_failure_record(username="bob", address="192.0.2.9")

    services.login_failures_clear(username="Alice")

    assert selectors.login_retry_after(username="alice", address="192.0.2.1") is None
    assert LoginFailure.objects.filter(address="192.0.2.9").count() == 2


def test_recording_a_failure_deletes_the_ones_that_no_longer_count(db, lockout_settings):
    old = LoginFailure.objects.create(
        username="alice", created_at=timezone.now() - timedelta(minutes=20)
    )

    services.login_failure_record(username="bob", address=None)

    assert not LoginFailure.objects.filter(pk=old.pk).exists()
