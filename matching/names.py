"""Name normalisation shared by the Spark job (matching keys) and the site (search queries).

Plain Python with no Spark import, so the web process can use it without starting a JVM.
"""

import functools
import re
import sys
import unicodedata

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_DASH_SUFFIX = re.compile(r"\s+[-\u2013\u2014]\s+.*$")
_LATIN_DIACRITICS = re.compile("[\u0300-\u036f]")
_WHITESPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    text = text.replace("&", " and ")
    # Strip accents from Latin, Greek and Cyrillic letters only: other scripts (Japanese dakuten,
    # Devanagari vowel signs) carry meaning in their combining marks.
    text = unicodedata.normalize("NFKD", text)
    text = _LATIN_DIACRITICS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return _WHITESPACE.sub(" ", text).strip()


def match_key(name: str) -> str:
    """The key two spellings of one artist or title share.

    Case-folded, Unicode-normalised (NFKC, Latin accents removed), '&' read as 'and', bracketed
    parts such as "(Remastered 2011)" and " - Live"-style suffixes dropped, whitespace collapsed.
    A name that would become empty (e.g. "(Untitled)") keeps its bracketed words instead.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    stripped = _fold(_DASH_SUFFIX.sub("", _BRACKETED.sub(" ", text)))
    return stripped or _fold(text)


def _most_key_characters(character: str) -> int:
    # What match_key's steps make of the character alone, before anything is dropped: `&` is
    # " and ", NFKC and case folding may lengthen, the diacritics pass recomposes.
    text = unicodedata.normalize("NFKC", character).casefold().replace("&", " and ")
    return len(unicodedata.normalize("NFC", unicodedata.normalize("NFKD", text)))


@functools.cache
def key_expansions() -> dict[int, str]:
    """The characters match_key may turn into more than one, by how many: {n: characters}.

    A name's key is never longer than its length plus n - 1 for each such character (see
    `key_length_bound`): how the Spark job tells, without calling match_key, that a name's key
    could outgrow the catalogue's column.
    """
    found: dict[int, list[str]] = {}
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates: no name holds them alone
        character = chr(code)
        n = _most_key_characters(character)
        if n > 1:
            found.setdefault(n, []).append(character)
    return {n: "".join(characters) for n, characters in sorted(found.items())}


def key_length_bound(name: str) -> int:
    """The most characters `match_key(name)` can have (see `key_expansions`)."""
    extra = _extra_characters()
    return len(name) + sum(extra.get(c, 0) for c in name)


@functools.cache
def _extra_characters() -> dict[str, int]:
    return {c: n - 1 for n, characters in key_expansions().items() for c in characters}
