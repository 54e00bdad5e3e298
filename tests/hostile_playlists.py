"""Hypothesis strategies for lines of a playlists CSV, valid and hostile, each with what the
reader must make of it.

A valid line holds four fields of any text a name may hold (quotes, backslashes, commas, spaces,
any script), quoted and escaped as the dataset does, with or without spaces between. Each
malformed line is a valid one with one thing wrong, so the reason it is rejected for is known.
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from matching.names import key_length_bound
from spark import contract

MAX = contract.MAX_NAME_LENGTH
# Every control character the reader rejects, NUL first; line breaks end a line instead.
CONTROLS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))
INVALID_UTF8 = (
    b"\xe9", b"\xff", b"\xfe", b"\x80", b"\xbf", b"\xc3", b"\xe2\x82",
    b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80",
)  # fmt: skip
_HEADER = re.compile(contract.HEADER_PATTERN, re.ASCII)


@dataclass(frozen=True)
class Line:
    """One line of the file: its input class, its bytes (without the line break), and either
    the record the reader must give back or the reason it must reject it for (neither: a
    header, which the reader drops)."""

    kind: str
    data: bytes
    record: tuple[str, str, str, str] | None = None
    reason: str | None = None


_TEXT = st.characters(exclude_categories=["Cs"], exclude_characters=CONTROLS + "\n\r")
_SPECIAL = st.sampled_from(
    ['"', "\\", ",", " ", " ", "\t", "é", "坂", "\U0001f3b5", "&", "\x85", "\u2028", "\ufeff"]
)
_FIELD = st.text(_TEXT | _SPECIAL, min_size=1, max_size=16).filter(lambda text: text.strip(" "))
_SEPARATOR = st.sampled_from([",", ",", ", ", " ,", " , ", ",\t", "  ,  "])


def quoted(text: str, escape_all: bool = False) -> str:
    """A field as the dataset writes it; `escape_all` escapes every character, which the
    reader must read the same."""
    if escape_all:
        return '"' + "".join("\\" + character for character in text) + '"'
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def expected(fields: tuple[str, ...]) -> tuple[tuple[str, ...] | None, str | None]:
    """(record, reason) for a well-formed line of `fields`, by the reader's rules."""
    record = tuple(field.strip(" ") for field in fields)
    if "" in record:
        return None, "empty field"
    if any(len(name) > MAX or key_length_bound(name) > MAX for name in record[1:3]):
        return None, "name too long"
    return record, None


@st.composite
def records(draw, names=_FIELD) -> tuple[list[str], list[str]]:
    """(fields, quoted fields) of a record whose artist and title come from `names`."""
    fields = [draw(_FIELD), draw(names), draw(names), draw(_FIELD)]
    return fields, [quoted(field, draw(st.booleans()) and len(field) < 8) for field in fields]


def joined(draw, parts: list[str]) -> str:
    line = parts[0]
    for part in parts[1:]:
        line += draw(_SEPARATOR) + part
    return line + draw(st.sampled_from(["", "", " ", "\t"]))


def _line(kind: str, text: str, fields: tuple[str, ...] | None = None, reason=None) -> Line:
    if _HEADER.match(text):
        return Line(kind, text.encode())  # a record of user "user_id" reads as a header
    if fields is not None:
        record, reason = expected(fields)
        return Line(kind, text.encode(), record, reason)
    return Line(kind, text.encode(), None, reason)


@st.composite
def valid(draw) -> Line:
    fields, parts = draw(records())
    return _line("valid", joined(draw, parts), tuple(fields))


@st.composite
def long_names(draw) -> Line:
    """Names about as long as the column, as given or once normalised (keys of up to 18
    characters a character): kept or rejected as `expected` says."""
    length = draw(st.integers(MAX - 2, MAX + 2))
    stretched = st.builds(lambda piece: ("a" + piece * MAX)[: length - 1] + "a", _FIELD)
    expanding = st.builds(
        lambda character, n: character * n,
        st.sampled_from(["&", "\ufdfa", "\u3392", "ß", "\U0001f110"]),
        st.integers(MAX // 18 - 3, MAX // 2 + 3),
    )
    fields, parts = draw(records(names=st.one_of(stretched, expanding, _FIELD)))
    return _line("long name", joined(draw, parts), tuple(fields))


@st.composite
def too_long(draw) -> Line:
    fields, parts = draw(records())
    i = draw(st.sampled_from([1, 2]))
    fields[i] = "b" + draw(_FIELD) * MAX + "b"
    parts[i] = quoted(fields[i])
    return _line("name too long", joined(draw, parts), reason="name too long")


@st.composite
def empty_field(draw) -> Line:
    parts = draw(records())[1]
    parts[draw(st.integers(0, 3))] = '"' + draw(st.sampled_from(["", " ", "   ", "\\ "])) + '"'
    return _line("empty field", joined(draw, parts), reason="empty field")


@st.composite
def missing_field(draw) -> Line:
    parts = draw(records())[1][: draw(st.integers(1, 3))]
    return _line("missing field", joined(draw, parts), reason="not four quoted fields")


@st.composite
def extra_field(draw) -> Line:
    parts = [*draw(records())[1], draw(st.sampled_from(['"more"', "more", '""', "1"]))]
    return _line("extra field", joined(draw, parts), reason="not four quoted fields")


@st.composite
def stray_quote(draw) -> Line:
    """An unescaped quote inside a field."""
    parts = draw(records())[1]
    i = draw(st.integers(0, 3))
    # Only where the quote is not escaped by the backslashes before it.
    before = [parts[i][:at] for at in range(1, len(parts[i]))]
    positions = [len(text) for text in before if (len(text) - len(text.rstrip("\\"))) % 2 == 0]
    at = draw(st.sampled_from(positions))
    parts[i] = parts[i][:at] + '"' + parts[i][at:]
    return _line("stray quote", joined(draw, parts), reason="not four quoted fields")


@st.composite
def unterminated(draw) -> Line:
    text = joined(draw, draw(records())[1]).rstrip(" \t")[:-1]
    return _line("unterminated field", text, reason="not four quoted fields")


def _inserted(draw, text: str, character: str) -> str:
    at = draw(st.integers(0, len(text)))
    return text[:at] + character + text[at:]


@st.composite
def nul(draw) -> Line:
    text = _inserted(draw, joined(draw, draw(records())[1]), "\x00")
    return _line("NUL", text, reason="control character")


@st.composite
def control_character(draw) -> Line:
    control = draw(st.sampled_from(CONTROLS[1:]))
    text = _inserted(draw, joined(draw, draw(records())[1]), control)
    return _line("control character", text, reason="control character")


@st.composite
def invalid_utf8(draw) -> Line:
    """Bytes no UTF-8 decoder takes, inserted between characters of a valid line."""
    data = joined(draw, draw(records())[1]).encode()
    boundaries = [at for at in range(len(data) + 1) if at == len(data) or data[at] & 0xC0 != 0x80]
    at = draw(st.sampled_from(boundaries))
    data = data[:at] + draw(st.sampled_from(INVALID_UTF8)) + data[at:]
    return Line("invalid UTF-8", data, None, "invalid UTF-8")


@st.composite
def latin1(draw) -> Line:
    """A line exported as Latin-1: an accented letter before an ASCII one is not UTF-8."""
    ascii_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1)
    artist = draw(ascii_text.filter(lambda text: '"' not in text and "\\" not in text))
    accent = draw(st.sampled_from("éèàüöñçÉÀ"))
    text = joined(draw, ['"u"', quoted(artist + accent + "x"), '"t"', '"p"'])
    return Line("Latin-1", text.encode("latin-1"), None, "invalid UTF-8")


@st.composite
def header_like(draw) -> Line:
    text = draw(
        st.sampled_from(
            [contract.HEADER, contract.HEADER.replace(" ", ""), '  "user_id" ,"x"', '"user_id",']
        )
    )
    return Line("header", (draw(st.sampled_from(["", "\ufeff"])) + text).encode())


@st.composite
def blank(draw) -> Line:
    text = draw(st.sampled_from(["", " ", "\t", "  \t "]))
    return _line("blank", text, reason="not four quoted fields")


# Every input class but the valid lines.
HOSTILE = (
    long_names(), too_long(), empty_field(), missing_field(), extra_field(), stray_quote(),
    unterminated(), nul(), control_character(), invalid_utf8(), latin1(), header_like(), blank(),
)  # fmt: skip


def lines() -> st.SearchStrategy[Line]:
    """Any line: as many valid ones as of all other classes together."""
    return st.booleans().flatmap(lambda good: valid() if good else st.one_of(HOSTILE))


def write(path: Path, drawn: list[Line], newline: bytes = b"\n") -> Path:
    """The playlists file of `drawn`, after the header."""
    path.write_bytes(
        newline.join([contract.HEADER.encode(), *(line.data for line in drawn)]) + newline
    )
    return path


def outcomes(drawn: list[Line]) -> Counter:
    """(input class, outcome) → lines."""
    return Counter(
        (line.kind, line.reason or ("record" if line.record else "dropped")) for line in drawn
    )
