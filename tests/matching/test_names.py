import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.names import key_expansions, key_length_bound, match_key

# Characters match_key lengthens, drops or joins, and plain ones around them.
_TRICKY = st.sampled_from(
    "".join(key_expansions().values()) + "&()[]{}-–— \t\u0301\u0308\u0307\u1100\u1161\u11a8aAiIsS"
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The Beatles", "the beatles"),
        ("  Daft   Punk ", "daft punk"),
        ("Simon & Garfunkel", "simon and garfunkel"),
        ("Simon and Garfunkel", "simon and garfunkel"),
        ("Simon&Garfunkel", "simon and garfunkel"),
        ("Hey Jude (Remastered 2011)", "hey jude"),
        ("Hey Jude [Live]", "hey jude"),
        ("Yesterday - Remastered 2009", "yesterday"),
        ("Yesterday – Live at the BBC", "yesterday"),
        ("Jay-Z", "jay-z"),
        ("Beyoncé", "beyonce"),
        ("BEYONCÉ", "beyonce"),
        ("Sigur Rós", "sigur ros"),
        ("Mötley Crüe", "motley crue"),
        ("Straße", "strasse"),
        ("ＡＢＣ", "abc"),
        ("Ελληνικά", "ελληνικα"),
        ("Кино", "кино"),
        ("ガールズ", "ガールズ"),
        ("(Untitled)", "(untitled)"),
        ('Say "Hello", Goodbye', 'say "hello", goodbye'),
    ],
)
def test_match_key(name: str, key: str) -> None:
    assert match_key(name) == key


def test_spellings_of_one_song_share_a_key() -> None:
    spellings = ["Hey Jude", "Hey Jude - Remastered 2015", "hey  jude (Remastered)", "HEY JUDE"]
    assert len({match_key(spelling) for spelling in spellings}) == 1


@settings(max_examples=500)
@given(st.text(_TRICKY | st.characters(exclude_categories=["Cs"]), max_size=40))
def test_no_key_is_longer_than_its_bound(name: str) -> None:
    assert len(match_key(name)) <= key_length_bound(name)


def test_the_bound_counts_what_each_character_may_become() -> None:
    assert key_length_bound("abc") == 3
    assert key_length_bound("a&b") == 7
    assert key_length_bound("\ufdfa") == 18 == len(match_key("\ufdfa"))
