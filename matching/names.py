"""Name normalisation shared by the Spark job (matching keys) and the site (search queries).

Plain Python with no Spark import, so the web process can use it without starting a JVM.
"""

import re
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
