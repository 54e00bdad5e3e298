"""From parsed records to songs and the playlists each song is in.

A song is keyed by its normalised (artist, title); a playlist by (user_id, playlistname), since
names like "Starred" are shared by thousands of users. Keys are 64-bit xxhash values: stable
across runs and Spark versions, compact in Parquet and PostgreSQL.
"""

import functools

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from spark.names import match_key


# Per Python worker, reused across tasks: an artist's name recurs in all of its spellings.
@functools.lru_cache(maxsize=1 << 20)
def _cached_match_key(name: str) -> str:
    return match_key(name)


@F.pandas_udf(StringType())
def _match_keys(names: pd.Series) -> pd.Series:
    return names.map(_cached_match_key)


def occurrences(records: DataFrame) -> DataFrame:
    """One row per record: `artistname`, `trackname`, `spelling_id`, `playlist_id`.

    `spelling_id` hashes the spelling so that joining records to song keys shuffles no strings.
    """
    return records.select(
        "artistname",
        "trackname",
        F.xxhash64("artistname", "trackname").alias("spelling_id"),
        F.xxhash64("user_id", "playlistname").alias("playlist_id"),
    )


def spellings(occurrences: DataFrame) -> DataFrame:
    """Each distinct (artistname, trackname) spelling with its `count` and matching keys.

    Normalising distinct spellings, not records, runs the Python rules once per spelling.
    Columns: artistname, trackname, spelling_id, count, artist_norm, title_norm, song_key.
    """
    return (
        occurrences.groupBy("artistname", "trackname", "spelling_id")
        .count()
        .withColumn("artist_norm", _match_keys("artistname"))
        .withColumn("title_norm", _match_keys("trackname"))
        .withColumn("song_key", F.xxhash64("artist_norm", "title_norm"))
    )


def memberships(occurrences: DataFrame, spellings: DataFrame) -> DataFrame:
    """Distinct (`song_key`, `playlist_id`) pairs: which playlists each song is in."""
    # Two longs per spelling: small enough to broadcast even for the full catalogue.
    keys = F.broadcast(spellings.select("spelling_id", "song_key"))
    return (
        occurrences.select("spelling_id", "playlist_id")
        .join(keys, "spelling_id")
        .select("song_key", "playlist_id")
        .distinct()
    )


def songs(spellings: DataFrame, playlist_counts: DataFrame) -> DataFrame:
    """One row per song: key, artist, title, artist_norm, title_norm, playlist_count.

    `playlist_counts` has one row (song_key, playlist_count) per song. The display name is the
    most frequent original spelling (ties broken alphabetically).
    """
    most_frequent = F.min_by(
        F.struct("artistname", "trackname"),
        F.struct(-F.col("count"), "artistname", "trackname"),
    )
    named = spellings.groupBy("song_key").agg(
        most_frequent.alias("display"),
        F.min("artist_norm").alias("artist_norm"),
        F.min("title_norm").alias("title_norm"),
    )
    return named.join(F.broadcast(playlist_counts), "song_key").select(
        F.col("song_key").alias("key"),
        F.col("display.artistname").alias("artist"),
        F.col("display.trackname").alias("title"),
        "artist_norm",
        "title_norm",
        "playlist_count",
    )
