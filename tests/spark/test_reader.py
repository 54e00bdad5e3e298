import json

import pytest

from spark import contract
from spark.reader import (
    TooManyMalformedLines,
    check_malformed_share,
    parse,
    parse_lines,
    read_lines,
    records,
    rejects,
)

HEADER = contract.HEADER
LONGEST = "x" * contract.MAX_NAME_LENGTH


def parse_strings(spark, lines: list[str]):
    records, rejects = parse_lines(
        spark.createDataFrame([(line,) for line in lines], "line string")
    )
    return [tuple(row) for row in records.collect()], [tuple(row) for row in rejects.collect()]


def test_valid_lines_with_every_quirk_are_kept(spark) -> None:
    records, rejects = parse_strings(
        spark,
        [
            HEADER,
            r'"u1","Guns N\" Roses","Sweet Child O\" Mine","Starred"',
            '"u1","Crosby, Stills & Nash","Helplessly Hoping","Rock, Folk"',
            '"u2", "Beyoncé", "Halo", "Liked from Radio"',
            '"u3","坂本龍一","Merry Christmas Mr. Lawrence","Кино"',
            r'"u4","Back\\Slash","Title","List"',
        ],
    )
    assert rejects == []
    assert records == [
        ("u1", 'Guns N" Roses', 'Sweet Child O" Mine', "Starred"),
        ("u1", "Crosby, Stills & Nash", "Helplessly Hoping", "Rock, Folk"),
        ("u2", "Beyoncé", "Halo", "Liked from Radio"),
        ("u3", "坂本龍一", "Merry Christmas Mr. Lawrence", "Кино"),
        ("u4", "Back\\Slash", "Title", "List"),
    ]


def test_a_backslash_escapes_line_separators_too(spark) -> None:
    records, rejects = parse_strings(spark, ['"u","A\\\u2028B","T\\\x85","p"'])

    assert (records, rejects) == ([("u", "A\u2028B", "T\x85", "p")], [])


def test_header_is_dropped_whatever_its_spacing(spark) -> None:
    records, rejects = parse_strings(spark, [HEADER.replace(" ", ""), '"u","a","t","p"'])
    assert records == [("u", "a", "t", "p")]
    assert rejects == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('"u1","Artist",extra,"Track","List"', "not four quoted fields"),
        ('"u1","Guns "N" Roses","Track","List"', "not four quoted fields"),
        ('"u1","Artist","Track"', "not four quoted fields"),
        ('"u1","Artist","Track","List', "not four quoted fields"),
        ('"u1","Artist","Track","List","More"', "not four quoted fields"),
        ("", "not four quoted fields"),
        ('"u1","","Track","List"', "empty field"),
        ('"u1","Artist","  ","List"', "empty field"),
        ('"u1","Art\x00ist","Track","List"', "control character"),
        ('"u1\x00","Artist","Track","List"', "control character"),
        ('"u1","Artist","Track\x1b[31m","List"', "control character"),
        ('"u1","Artist","Track","List\x7f"', "control character"),
        (f'"u1","{LONGEST}x","Track","List"', "name too long"),
        (f'"u1","Artist","{LONGEST} x","List"', "name too long"),
        # 300 characters, but a key of 1,199: "and and and …"
        ('"u1","' + "&" * 300 + '","Track","List"', "name too long"),
        ('"u1","Artist","' + "\ufdfa" * 56 + '","List"', "name too long"),
        # Three characters each, "(a)": a character outside the BMP.
        ('"u1","' + "\U0001f110" * 334 + '","Track","List"', "name too long"),
    ],
)
def test_malformed_lines_are_rejected_with_a_reason(spark, line: str, reason: str) -> None:
    records, rejects = parse_strings(spark, [HEADER, '"u","a","t","p"', line])
    assert records == [("u", "a", "t", "p")]
    assert rejects == [(line, reason)]


def test_names_as_long_as_the_column_and_tabs_are_kept(spark) -> None:
    # Keys of up to 1,000 characters: 200 "and"s, 55 ligatures of 18 letters, 333 "(a)"s.
    lines = [
        f'"u","{LONGEST}","{"&" * 200}","p"',
        '"u","Tab\tArtist","' + "\ufdfa" * 55 + '","p"',
        '"u","' + "\U0001f110" * 333 + '","t","p"',
    ]

    records, rejects = parse_strings(spark, lines)

    assert rejects == []
    assert records == [
        ("u", LONGEST, "&" * 200, "p"),
        ("u", "Tab\tArtist", "\ufdfa" * 55, "p"),
        ("u", "\U0001f110" * 333, "t", "p"),
    ]


def test_a_byte_order_mark_before_the_header_is_dropped_with_it(spark) -> None:
    records, rejects = parse_strings(spark, ["\ufeff" + HEADER, '"u","a","t","p"'])

    assert (records, rejects) == ([("u", "a", "t", "p")], [])


def test_bytes_that_are_not_utf8_are_rejected_and_written_readable(spark, tmp_path) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes(
        HEADER.encode()
        + b'\n"u","Beyonc\xe9","Halo","p"\n"u","\xed\xa0\x80","t","p"\n"u","a","t","p"\n'
    )
    parsed = parse(read_lines(spark, str(source)))
    rejects(parsed).write.json(str(tmp_path / "rejects"))

    assert [tuple(row) for row in records(parsed).collect()] == [("u", "a", "t", "p")]
    written = [
        json.loads(line)
        for path in sorted((tmp_path / "rejects").glob("*.json"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(row["reason"] for row in written) == ["invalid UTF-8"] * 2
    assert '"u","Beyonc\ufffd","Halo","p"' in [row["line"] for row in written]


def test_a_small_share_of_bad_lines_is_accepted() -> None:
    check_malformed_share(lines_read=1000, rejected=50, max_bad_share=0.05)


def test_too_many_bad_lines_is_a_clear_error() -> None:
    with pytest.raises(TooManyMalformedLines, match=r"51 of 1,000 lines \(5\.1%\) are malformed"):
        check_malformed_share(lines_read=1000, rejected=51, max_bad_share=0.05)
