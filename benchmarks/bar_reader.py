"""The scipy bar's reader: the job's records (spark/reader.py) and song and playlist numbers, with
pyarrow and numpy, no Spark.

Lines are read as one binary column by pyarrow's multi-threaded CSV reader (quoting off, a
delimiter no record holds: a line holding it has a control character, a reject anyway), then each
chunk is checked in a thread by pyarrow's compiled regex kernels against the job's rules: UTF-8,
no control character, four quoted fields with backslash escapes, unescaped and trimmed of spaces,
none empty, no name whose key could outgrow the catalogue. Names are normalised once per distinct
name (`match_key`), and each song gets the job's key, Spark's xxhash64 of its normalised artist
and title, so songs are numbered in the job's key order.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import xxhash

from matching.names import key_length_bound, match_key
from spark.contract import HEADER_PATTERN, MAX_NAME_LENGTH

COLUMNS = ("user_id", "artistname", "trackname", "playlistname")
_FIELD = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
# RE2 (pyarrow) spells Java's \uFEFF as \x{FEFF}.
_HEADER = HEADER_PATTERN.replace(r"\ufeff", r"\x{feff}")
# The job's RECORD_PATTERN with named groups, which pyarrow's extract_regex needs.
_RECORD = "(?s)^" + r"\s*,\s*".join(f'"(?P<{c}>{_FIELD[2:-2]})"' for c in COLUMNS) + r"\s*$"
_CONTROL = r"[\x00-\x08\x0A-\x1F\x7F]"
_SPARK_HASH_SEED = 42


@dataclass(frozen=True)
class Memberships:
    """Parallel arrays of (song index, playlist index) per record, repeats included; song i's
    key (the job's song_key) is keys[i], ascending."""

    song: np.ndarray
    playlist: np.ndarray
    keys: np.ndarray


def read_lines(path: Path) -> pa.ChunkedArray:
    """Every non-empty line of `path` as binary (line breaks: \\n, \\r\\n or \\r, like Spark's)."""
    table = pa_csv.read_csv(
        path,
        read_options=pa_csv.ReadOptions(column_names=["line"], block_size=16 << 20),
        parse_options=pa_csv.ParseOptions(
            delimiter="\x01",
            quote_char=False,
            escape_char=False,
            invalid_row_handler=lambda row: "skip",
        ),
        convert_options=pa_csv.ConvertOptions(column_types={"line": pa.binary()}),
    )
    return table.column("line")


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8(chunk: pa.Array) -> pa.Array:
    """`chunk` as strings, lines that are not UTF-8 dropped (checked one by one only in a chunk
    that holds one)."""
    try:
        return chunk.cast(pa.string())
    except pa.ArrowInvalid:
        valid = pa.array([_is_utf8(line) for line in chunk.to_pylist()], pa.bool_())
        return chunk.filter(valid).cast(pa.string())


def records(chunk: pa.Array) -> pa.Table:
    """The four fields of `chunk`'s valid lines, unescaped and trimmed (name lengths unchecked)."""
    text = _utf8(chunk)
    bad = pc.or_(pc.match_substring_regex(text, _HEADER), pc.match_substring_regex(text, _CONTROL))
    fields = pc.extract_regex(text.filter(pc.invert(bad)), _RECORD)
    fields = fields.filter(pc.is_valid(fields))
    columns = {}
    for i, name in enumerate(COLUMNS):
        field = fields.field(i)
        unescaped = pc.replace_substring_regex(field, r"(?s)\\(.)", r"\1")
        columns[name] = pc.utf8_trim(unescaped, characters=" ")
    empty = [pc.equal(column, "") for column in columns.values()]
    keep = pc.invert(pc.or_(pc.or_(empty[0], empty[1]), pc.or_(empty[2], empty[3])))
    return pa.table(columns).filter(keep)


def _short_enough(names: pa.Array) -> pa.Array:
    """`names` dictionary-encoded, and per distinct name whether its key fits the catalogue."""
    encoded = pc.dictionary_encode(names)
    fits = [key_length_bound(name) <= MAX_NAME_LENGTH for name in encoded.dictionary.to_pylist()]
    return encoded, pa.array(fits, pa.bool_()).take(encoded.indices)


def parse(path: Path) -> pa.Table:
    """The job's records of `path`: the four columns of COLUMNS, artistname and trackname
    dictionary-encoded."""
    chunks = read_lines(path).chunks
    with ThreadPoolExecutor(os.cpu_count()) as pool:
        table = pa.concat_tables(pool.map(records, chunks)).combine_chunks()
    artist, artist_fits = _short_enough(table.column("artistname").chunk(0))
    title, title_fits = _short_enough(table.column("trackname").chunk(0))
    table = table.set_column(1, "artistname", artist).set_column(2, "trackname", title)
    return table.filter(pc.and_(artist_fits, title_fits))


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    encoded = column.combine_chunks()
    if not pa.types.is_dictionary(encoded.type):
        encoded = encoded.dictionary_encode()
    return encoded.indices.to_numpy(), encoded.dictionary.to_pylist()


def memberships(table: pa.Table) -> Memberships:
    """Songs and playlists of `parse`'s records, numbered."""
    artist, artist_names = _codes(table.column("artistname"))
    title, title_names = _codes(table.column("trackname"))
    artist_key, artist_keys = pd.factorize(np.array([match_key(n) for n in artist_names], object))
    title_key, title_keys = pd.factorize(np.array([match_key(n) for n in title_names], object))
    pair = artist_key[artist].astype(np.int64) * len(title_keys) + title_key[title]
    song, pairs = pd.factorize(pair)
    digest = xxhash.xxh64_intdigest
    hashed = np.array(
        [
            digest(title_keys[p % len(title_keys)].encode(),
                   digest(artist_keys[p // len(title_keys)].encode(), _SPARK_HASH_SEED))
            for p in pairs.tolist()
        ],
        dtype=np.uint64,
    ).view(np.int64)  # fmt: skip
    keys, position = np.unique(hashed, return_inverse=True)
    user, _ = _codes(table.column("user_id"))
    name, names = _codes(table.column("playlistname"))
    playlist, _ = pd.factorize(user.astype(np.int64) * len(names) + name)
    return Memberships(position[song], playlist.astype(np.int64), keys)
