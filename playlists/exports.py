"""A playlist written as JSPF, M3U8 or CSV: pure functions of its songs and their page URLs."""

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection):
# such cells get a leading apostrophe, which spreadsheets show as text and do not display.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Track:
    """One song of an export: its names and its page's absolute URL."""

    artist: str
    title: str
    url: str


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str


FORMATS = {
    "jspf": Format("jspf", "application/jspf+json"),
    "m3u8": Format("m3u8", "audio/x-mpegurl; charset=utf-8"),
    "csv": Format("csv", "text/csv; charset=utf-8"),
}


def jspf(*, title: str, creator: str, date: datetime, identifier: str, tracks: Sequence[Track]):
    """The JSPF document (XSPF as JSON, as ListenBrainz reads and writes playlists): each track
    names its artist (`creator`) and title and is identified by its song page."""
    document = {
        "playlist": {
            "title": title,
            "creator": creator,
            "date": date.isoformat(),
            "identifier": identifier,
            "track": [
                {"title": track.title, "creator": track.artist, "identifier": [track.url]}
                for track in tracks
            ],
        }
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _one_line(text: str) -> str:
    # A line break in a name would start a line of its own: a bogus entry or directive.
    return " ".join(text.splitlines())


def m3u8(*, tracks: Sequence[Track]) -> str:
    """The extended M3U playlist (UTF-8): `#EXTINF:-1,Artist - Title` then the song page's URL
    for each song (-1: length unknown)."""
    lines = ["#EXTM3U"]
    for track in tracks:
        lines.append(f"#EXTINF:-1,{_one_line(track.artist)} - {_one_line(track.title)}")
        lines.append(track.url)
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(*, tracks: Sequence[Track]) -> str:
    """CSV with a header (artist, title, url), quoted as needed by the csv module; cells a
    spreadsheet would run as formulas are prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["artist", "title", "url"])
    for track in tracks:
        writer.writerow([_cell(track.artist), _cell(track.title), _cell(track.url)])
    return buffer.getvalue()
