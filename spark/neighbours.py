"""Neighbour search engines and the top-K step they share."""

from pyspark.ml.feature import CountVectorizer, MinHashLSH
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F


def mllib_pairs(
    memberships: DataFrame, *, hash_tables: int, max_distance: float, seed: int
) -> DataFrame:
    """Similar song pairs by Spark ML's MinHashLSH and approxSimilarityJoin (the original method).

    Each song becomes a binary sparse vector over playlists. Every hash table is a single MinHash,
    so songs sharing a large playlist collide often: fine for small data, slow beyond it.
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


def both_directions(pairs: DataFrame) -> DataFrame:
    """From unordered pairs (a, b, similarity) to rows song_key, neighbour_key, similarity."""
    forward = pairs.select(
        F.col("a").alias("song_key"), F.col("b").alias("neighbour_key"), "similarity"
    )
    backward = pairs.select(
        F.col("b").alias("song_key"), F.col("a").alias("neighbour_key"), "similarity"
    )
    return forward.unionByName(backward)


def top_k(pairs: DataFrame, k: int) -> DataFrame:
    """Each song's `k` most similar neighbours with their `rank` (1 = most similar).

    Ties go to the smaller neighbour key, so the result is deterministic.
    """
    order = Window.partitionBy("song_key").orderBy(
        F.col("similarity").desc(), F.col("neighbour_key")
    )
    return (
        pairs.withColumn("rank", F.row_number().over(order))
        .filter(F.col("rank") <= k)
        .select("song_key", "neighbour_key", F.col("similarity").cast("double"), "rank")
    )
