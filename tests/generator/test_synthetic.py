"""The synthetic playlists file: exact format, determinism and the structure a recommender needs."""

import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from generator.synthetic import GenerationStats, generate, main
from matching.names import match_key

HEADER = '"user_id", "artistname", "trackname", "playlistname"\n'
FIELD = r'"((?:[^"\\]|\\.)*)"'
STRICT_LINE = re.compile(r"^" + r",\s*".join([FIELD] * 4) + r"$")
ROWS = 50_000
PLANTED = 6


def unescape(field: str) -> str:
    return re.sub(r"\\(.)", r"\1", field)


def data_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return text.split("\n")[1:-1]


def parse(line: str) -> tuple[str, str, str, str] | None:
    """The four unescaped fields of a valid line, or None for a malformed one."""
    match = STRICT_LINE.match(line)
    if match is None or not all(match.groups()):
        return None
    return tuple(unescape(field) for field in match.groups())


class Parsed:
    def __init__(self, path: Path, stats: GenerationStats) -> None:
        self.path, self.stats = path, stats
        self.lines = data_lines(path)
        self.rows = [parse(line) for line in self.lines]
        self.valid = [row for row in self.rows if row is not None]
        self.playlists: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for user, artist, title, name in self.valid:
            self.playlists[(user, name)].append((artist, title))


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> Parsed:
    path = tmp_path_factory.mktemp("synthetic") / "playlists.csv"
    stats = generate(path, rows=ROWS, seed=11, planted=PLANTED)
    return Parsed(path, stats)


def test_header_and_exact_row_count(parsed: Parsed) -> None:
    with parsed.path.open(encoding="utf-8") as handle:
        assert handle.readline() == HEADER
    assert len(parsed.lines) == ROWS == parsed.stats.rows
    assert all(line and "\r" not in line for line in parsed.lines)


def test_valid_lines_are_strictly_quoted_and_malformed_share_is_near_requested(
    parsed: Parsed,
) -> None:
    malformed = [line for line, row in zip(parsed.lines, parsed.rows, strict=True) if row is None]
    assert len(malformed) == parsed.stats.malformed
    assert 0.001 * ROWS <= len(malformed) <= 0.006 * ROWS
    no_spaces = re.compile(r"^" + ",".join([FIELD] * 4) + r"$")
    assert all(
        no_spaces.match(line) for line, row in zip(parsed.lines, parsed.rows, strict=True) if row
    )
    shapes = Counter()
    for line in malformed:
        quotes = re.sub(r"\\.", "", line).count('"')  # unescaped quotes
        if quotes == 6 and line.endswith('"'):
            shapes["three fields"] += 1
        elif quotes == 8 and re.search(r'",[^",]+,"', line):
            shapes["unquoted extra field"] += 1
        elif quotes == 10:
            shapes["stray quote in a field"] += 1
        elif not line.endswith('"'):
            shapes["truncated"] += 1
    assert len(shapes) == 4 and sum(shapes.values()) == len(malformed), shapes


def test_user_ids_look_like_md5(parsed: Parsed) -> None:
    users = {row[0] for row in parsed.valid}
    assert all(re.fullmatch(r"[0-9a-f]{32}", user) for user in users)


def test_escaped_quotes_unescape_and_names_are_varied(parsed: Parsed) -> None:
    escaped = [line for line in parsed.lines if '\\"' in line and parse(line) is not None]
    assert escaped
    fields = [field for row in parsed.valid for field in row[1:]]
    assert any('"' in field for field in fields)
    for line in escaped[:200]:
        raw = STRICT_LINE.match(line).groups()
        for field, clean in zip(raw, parse(line), strict=True):
            assert clean.replace("\\", "\\\\").replace('"', '\\"') == field
    artists = {row[1] for row in parsed.valid}
    titles = {row[2] for row in parsed.valid}
    assert any("&" in artist for artist in artists)
    assert any("," in artist for artist in artists) and any("," in title for title in titles)
    assert any(not artist.isascii() for artist in artists)
    scripts = {
        "Japanese": r"[\u3040-\u30ff\u4e00-\u9fff]",
        "Cyrillic": r"[\u0400-\u04ff]",
        "Greek": r"[\u0370-\u03ff]",
        "Korean": r"[\uac00-\ud7af]",
        "Devanagari": r"[\u0900-\u097f]",
        "Arabic": r"[\u0600-\u06ff]",
    }
    for script, pattern in scripts.items():
        assert any(re.search(pattern, artist) for artist in artists), script
    assert any(re.search(r" \((Remastered \d{4}|feat\. [^)]+)\)$| - Live$", t) for t in titles)


def test_same_song_is_written_several_ways(parsed: Parsed) -> None:
    spellings = defaultdict(set)
    for _, artist, title, _ in parsed.valid:
        spellings[(match_key(artist), match_key(title))].add((artist, title))
    assert sum(len(ways) > 1 for ways in spellings.values()) > 50


def test_playlist_structure(parsed: Parsed) -> None:
    users_per_name = defaultdict(set)
    for user, name in parsed.playlists:
        users_per_name[name].add(user)
    users = {user for user, _ in parsed.playlists}
    assert len(users_per_name["Starred"]) >= 0.4 * len(users)
    assert len(users_per_name["Favorites"]) >= 5
    per_user = Counter(user for user, _ in parsed.playlists)
    assert max(per_user.values()) >= 5
    # a (user, name) pair is one playlist: its lines form a single run, with no song twice
    order = [(row[0], row[3]) for row in parsed.valid]
    runs = [key for i, key in enumerate(order) if i == 0 or order[i - 1] != key]
    assert len(runs) == len(set(runs))
    for songs in parsed.playlists.values():
        assert len({(match_key(a), match_key(t)) for a, t in songs}) == len(songs)


def test_playlist_sizes_are_heavy_tailed(parsed: Parsed) -> None:
    sizes = [len(songs) for songs in parsed.playlists.values()]
    assert max(sizes) >= 10 * statistics.median(sizes)
    assert 10 <= statistics.median(sizes) <= 100


def test_planted_pairs_always_appear_together(parsed: Parsed) -> None:
    pairs = parsed.stats.planted_pairs
    assert len(pairs) == PLANTED
    assert pairs[0] == (("Planted Pair 001 A", "Twin A 001"), ("Planted Pair 001 B", "Twin B 001"))
    for first, second in pairs:
        with_first = {key for key, songs in parsed.playlists.items() if first in songs}
        with_second = {key for key, songs in parsed.playlists.items() if second in songs}
        assert with_first == with_second and 2 <= len(with_first) <= 5
        assert sum(songs.count(first) for songs in parsed.playlists.values()) == len(with_first)
    planted_lines = [line for line in parsed.lines if "Planted Pair" in line]
    assert all(parse(line) is not None for line in planted_lines)


def test_stats_match_the_file(parsed: Parsed) -> None:
    stats = parsed.stats
    assert stats.users == len({user for user, _ in parsed.playlists})
    assert stats.playlists == len(parsed.playlists)
    written = {(artist, title) for _, artist, title, _ in parsed.valid}
    keyed = {(match_key(artist), match_key(title)) for artist, title in written}
    assert len(keyed) <= stats.songs <= len(written)
    artists = {artist for artist, _ in written}
    assert len({match_key(artist) for artist in artists}) <= stats.artists <= len(artists)
    # roughly the real file's proportions, scaled to the row count
    assert 0.7 <= stats.songs / (0.155 * ROWS) <= 1.4
    assert 0.7 <= stats.artists / (0.0225 * ROWS) <= 1.4
    assert 0.7 <= stats.playlists / (ROWS * 157_000 / 12_900_000) <= 1.3


def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    first, again, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    generate(first, rows=20_000, seed=5, planted=2)
    generate(again, rows=20_000, seed=5, planted=2)
    generate(other, rows=20_000, seed=6, planted=2)
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()


@pytest.mark.parametrize("rows", [0, 1, 7, 1000])
def test_tiny_files_have_exact_row_counts(tmp_path: Path, rows: int) -> None:
    path = tmp_path / "tiny.csv"
    stats = generate(path, rows=rows, seed=1, malformed_share=0.0)
    lines = data_lines(path)
    assert len(lines) == rows and stats.malformed == 0
    assert all(parse(line) is not None for line in lines)


def test_rejects_impossible_requests(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path / "x.csv", rows=100, planted=200)
    with pytest.raises(ValueError):
        generate(tmp_path / "x.csv", rows=-1)


def test_command_line_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cli.csv"
    main(["--rows", "2000", "--seed", "3", "--out", str(out), "--planted", "1"])
    summary = capsys.readouterr().out
    assert re.fullmatch(
        r"rows=2000 malformed=\d+ users=\d+ playlists=\d+ songs=\d+ artists=\d+ "
        r"planted_pairs=1 seconds=[\d.]+\n",
        summary,
    )
    assert len(data_lines(out)) == 2000
