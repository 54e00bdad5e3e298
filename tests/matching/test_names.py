import pytest

from matching.names import match_key


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
