"""From parsed records to songs and the playlists each song is in.

A song is keyed by its normalised (artist, title); a playlist by (user_id, playlistname), since
names like "Starred" are shared by thousands of users. Keys are 64-bit xxhash values: stable
across runs and Spark versions, compact in Parquet and PostgreSQL.

Spark hashes every record's spelling and playlist and finds the distinct spellings. The rest
runs on the driver over arrays: the Python name rules once per distinct artist and title (a few
hundred thousand of each, not millions of records), the song keys, the matrix and the catalogue.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xxhash
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from matching.names import match_key
from spark.matrix import SongMatrix

# Spark's xxhash64 starts from this seed and chains it from column to column.
_SPARK_HASH_SEED = 42


def hash_playlists(parsed: DataFrame) -> DataFrame:
    """`reader.parse`'s rows with user_id and playlistname replaced by `playlist_id`: what the
    later stages read, so a cache of it holds two strings a record, not four."""
    return parsed.select(
        "reason",
        "line",
        "artistname",
        "trackname",
        F.xxhash64("user_id", "playlistname").alias("playlist_id"),
    )


def _spelling_id() -> Column:
    return F.xxhash64("artistname", "trackname")


def spellings(records: DataFrame) -> DataFrame:
    """Each distinct (artistname, trackname) spelling: artistname, trackname, count, spelling_id.

    `records` has the columns of `hash_playlists`' records.
    """
    return (
        records.groupBy("artistname", "trackname").count().withColumn("spelling_id", _spelling_id())
    )


def memberships(records: DataFrame) -> DataFrame:
    """One row (spelling_id, playlist_id) per record (repeats included)."""
    return records.select(_spelling_id().alias("spelling_id"), "playlist_id")


def _match_keys(names: pa.ChunkedArray) -> pa.Array:
    encoded = names.combine_chunks().dictionary_encode()
    keys = pa.array([match_key(name) for name in encoded.dictionary.to_pylist()], pa.string())
    return keys.take(encoded.indices)


def song_keys(artist_norm: pa.Array, title_norm: pa.Array) -> np.ndarray:
    """Spark's `xxhash64(artist_norm, title_norm)` (int64), so keys agree with earlier builds."""
    digest = xxhash.xxh64_intdigest
    hashed = [
        digest(title.encode(), digest(artist.encode(), _SPARK_HASH_SEED))
        for artist, title in zip(artist_norm.to_pylist(), title_norm.to_pylist(), strict=True)
    ]
    return np.array(hashed, dtype=np.uint64).view(np.int64)


def keyed_spellings(spellings: pa.Table) -> pa.Table:
    """`spellings` (see above, collected) with artist_norm, title_norm and song_key added."""
    artist_norm = _match_keys(spellings.column("artistname"))
    title_norm = _match_keys(spellings.column("trackname"))
    return (
        spellings.append_column("artist_norm", artist_norm)
        .append_column("title_norm", title_norm)
        .append_column("song_key", pa.array(song_keys(artist_norm, title_norm)))
    )


def song_matrix(keyed: pa.Table, pairs: pa.Table) -> SongMatrix:
    """The song × playlist matrix from `keyed_spellings` and `memberships` (collected)."""
    keys, song_of_spelling = np.unique(keyed.column("song_key").to_numpy(), return_inverse=True)
    # A hash lookup: binary searches over millions of spellings take several times as long.
    spelling = pd.Index(keyed.column("spelling_id").to_numpy())
    position = spelling.get_indexer(pairs.column("spelling_id").to_numpy())
    return SongMatrix.from_indexed(
        keys, song_of_spelling[position], pairs.column("playlist_id").to_numpy()
    )


def catalogue(keyed: pa.Table, matrix: SongMatrix) -> pa.Table:
    """One row per song, in key order: key, artist, title, artist_norm, title_norm,
    playlist_count. The display name is the most frequent spelling (ties alphabetically)."""
    order = pc.sort_indices(
        keyed,
        [("song_key", "ascending"), ("count", "descending"),
         ("artistname", "ascending"), ("trackname", "ascending")],
    )  # fmt: skip
    ranked = keyed.take(order)
    key = ranked.column("song_key").to_numpy()
    first = ranked.take(np.flatnonzero(np.r_[True, key[1:] != key[:-1]]))
    return pa.table(
        {
            "key": first.column("song_key"),
            "artist": first.column("artistname"),
            "title": first.column("trackname"),
            "artist_norm": first.column("artist_norm"),
            "title_norm": first.column("title_norm"),
            "playlist_count": pa.array(matrix.degrees.astype(np.int64)),
        }
    )


def songs_and_matrix(records: DataFrame) -> tuple[pa.Table, SongMatrix, pa.Table]:
    """The catalogue (see `catalogue`), the song × playlist matrix of `records` (the records of
    `hash_playlists`) and the `keyed_spellings` they come from."""
    found = spellings(records).toArrow()
    # The executors collect the memberships while the driver normalises the names.
    with ThreadPoolExecutor(max_workers=1) as background:
        pairs = background.submit(lambda: memberships(records).toArrow())
        keyed = keyed_spellings(found)
        matrix = song_matrix(keyed, pairs.result())
    return catalogue(keyed, matrix), matrix, keyed
