"""The original method, kept for comparison: Spark ML's MinHashLSH and approxSimilarityJoin."""

import pyarrow as pa
from pyspark.ml.feature import CountVectorizer, MinHashLSH
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark.neighbours import both_directions


def memberships(spark: SparkSession, spelling_rows: DataFrame, keyed: pa.Table) -> DataFrame:
    """Distinct (song_key, playlist_id) pairs, joined and deduplicated in Spark from one
    (spelling_id, playlist_id) row per record as the original pipeline did: inside MLlib's
    lineage, so each of its passes runs them again.

    `keyed` maps spelling_id to song_key (see `songs.keyed_spellings`).
    """
    song_keys = spark.createDataFrame(keyed.select(["spelling_id", "song_key"]))
    return (
        spelling_rows.join(F.broadcast(song_keys), "spelling_id")
        .select("song_key", "playlist_id")
        .distinct()
    )


def mllib_pairs(
    memberships: DataFrame, *, hash_tables: int, max_distance: float, seed: int
) -> DataFrame:
    """Similar song pairs by Spark ML's MinHashLSH and approxSimilarityJoin.

    Each song becomes a binary sparse vector over playlists. Every hash table is a single MinHash
    (OR-amplification only), so songs sharing a large playlist collide often and the candidates
    grow towards all pairs: fine for small data, slow beyond it.
    Returns both directions of each pair with Jaccard distance below `max_distance`:
    song_key, neighbour_key, similarity (exact Jaccard, computed on the vectors).
    """
    song_sets = memberships.groupBy("song_key").agg(
        F.collect_list(F.col("playlist_id").cast("string")).alias("playlists")
    )
    vocabulary_size = memberships.select("playlist_id").distinct().count()
    vectors = (
        CountVectorizer(
            inputCol="playlists", outputCol="features", binary=True, vocabSize=vocabulary_size
        )
        .fit(song_sets)
        .transform(song_sets)
        .select("song_key", "features")
    )
    model = MinHashLSH(
        inputCol="features", outputCol="hashes", numHashTables=hash_tables, seed=seed
    ).fit(vectors)
    joined = model.approxSimilarityJoin(vectors, vectors, max_distance, distCol="distance")
    one_way = joined.select(
        F.col("datasetA.song_key").alias("a"),
        F.col("datasetB.song_key").alias("b"),
        (1.0 - F.col("distance")).alias("similarity"),
    ).filter(F.col("a") < F.col("b"))
    return both_directions(one_way)
