"""Steps the Spark-side engines share: pairs in both directions and top-K by a window."""

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F


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
