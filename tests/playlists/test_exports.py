import csv
import io
import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

from playlists import exports
from playlists.exports import Track
from tests.catalog.conftest import SCRIPT_TAG
from tests.playlists.conftest import HOSTILE_TITLE

TRACKS = [
    Track("Simon & Garfunkel", "The Boxer", "https://songrec.example/songs/1/"),
    Track('Band, "Quoted"', "Ünïcode ♪", "https://songrec.example/songs/2/"),
]
HOSTILE = [
    Track("-2+3", HOSTILE_TITLE, "https://songrec.example/songs/3/"),
    Track("@SUM(A1)", "+1", "https://songrec.example/songs/4/"),
    Track(SCRIPT_TAG, "Line\nbreak\r\n#EXTINF:-1,Injected", "https://songrec.example/songs/5/"),
]


def check_jspf_shape(document: dict) -> None:
    """The shape ListenBrainz reads: a `playlist` object, strings where JSPF has strings, and
    `track` a list of objects whose `identifier` is a list of URIs."""
    assert set(document) == {"playlist"}
    playlist = document["playlist"]
    for field in ("title", "creator", "date", "identifier"):
        assert isinstance(playlist[field], str)
    datetime.fromisoformat(playlist["date"])
    assert isinstance(playlist["track"], list)
    for track in playlist["track"]:
        assert set(track) == {"title", "creator", "identifier"}
        assert isinstance(track["title"], str) and isinstance(track["creator"], str)
        assert isinstance(track["identifier"], list)
        assert all(urlsplit(uri).scheme in ("http", "https") for uri in track["identifier"])
        assert all(urlsplit(uri).netloc for uri in track["identifier"])


def test_jspf_names_each_song_and_its_page():
    date = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)

    text = exports.jspf(
        title="Road trip",
        creator="alice",
        date=date,
        identifier="https://songrec.example/playlist/export.jspf",
        tracks=TRACKS,
    )

    document = json.loads(text)
    check_jspf_shape(document)
    assert document["playlist"]["date"] == "2026-12-05T08:00:00+00:00"
    assert document["playlist"]["track"] == [
        {"title": t.title, "creator": t.artist, "identifier": [t.url]} for t in TRACKS
    ]


def test_m3u8_has_a_header_then_an_extinf_line_and_a_location_per_song():
    assert exports.m3u8(tracks=TRACKS).splitlines() == [
        "#EXTM3U",
        "#EXTINF:-1,Simon & Garfunkel - The Boxer",
        "https://songrec.example/songs/1/",
        '#EXTINF:-1,Band, "Quoted" - Ünïcode ♪',
        "https://songrec.example/songs/2/",
    ]


def test_m3u8_keeps_a_name_with_line_breaks_on_its_own_line():
    lines = exports.m3u8(tracks=HOSTILE).splitlines()

    assert len(lines) == 1 + 2 * len(HOSTILE)
    assert lines[5] == f"#EXTINF:-1,{SCRIPT_TAG} - Line break #EXTINF:-1,Injected"
    assert lines[6] == "https://songrec.example/songs/5/"


def test_csv_read_back_gives_the_songs():
    rows = list(csv.reader(io.StringIO(exports.csv_text(tracks=TRACKS))))

    assert rows == [["artist", "title", "url"]] + [[t.artist, t.title, t.url] for t in TRACKS]


def test_csv_cells_a_spreadsheet_would_run_start_with_an_apostrophe():
    rows = list(csv.reader(io.StringIO(exports.csv_text(tracks=HOSTILE), newline="")))

    assert rows[1:] == [
        ["'-2+3", "'" + HOSTILE_TITLE, "https://songrec.example/songs/3/"],
        ["'@SUM(A1)", "'+1", "https://songrec.example/songs/4/"],
        [SCRIPT_TAG, "Line\nbreak\r\n#EXTINF:-1,Injected", "https://songrec.example/songs/5/"],
    ]
