import pytest

from spark.reader import TooManyMalformedLines, check_malformed_share, parse_lines

HEADER = '"user_id", "artistname", "trackname", "playlistname"'


def parse(spark, lines: list[str]):
    records, rejects = parse_lines(
        spark.createDataFrame([(line,) for line in lines], "line string")
    )
    return [tuple(row) for row in records.collect()], [tuple(row) for row in rejects.collect()]


def test_valid_lines_with_every_quirk_are_kept(spark) -> None:
    records, rejects = parse(
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


def test_header_is_dropped_whatever_its_spacing(spark) -> None:
    records, rejects = parse(spark, [HEADER.replace(" ", ""), '"u","a","t","p"'])
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
    ],
)
def test_malformed_lines_are_rejected_with_a_reason(spark, line: str, reason: str) -> None:
    records, rejects = parse(spark, [HEADER, '"u","a","t","p"', line])
    assert records == [("u", "a", "t", "p")]
    assert rejects == [(line, reason)]


def test_a_small_share_of_bad_lines_is_accepted() -> None:
    check_malformed_share(lines_read=1000, rejected=50, max_bad_share=0.05)


def test_too_many_bad_lines_is_a_clear_error() -> None:
    with pytest.raises(TooManyMalformedLines, match=r"51 of 1,000 lines \(5\.1%\) are malformed"):
        check_malformed_share(lines_read=1000, rejected=51, max_bad_share=0.05)
