"""What every engine's output must satisfy on the generated file of `conftest.generated`."""

import numpy as np

from spark import reader, songs

PLANTED = 3


def planted_pairs_are_each_others_first_neighbour(spark, generated, run) -> None:
    _, neighbours, catalogue = run
    key = dict(zip(catalogue["title"], catalogue["key"], strict=True))
    first = neighbours[neighbours["rank"] == 1].set_index("song_key")
    for number in range(1, PLANTED + 1):
        a, b = key[f"Twin A {number:03d}"], key[f"Twin B {number:03d}"]
        assert (first.loc[a, "neighbour_key"], first.loc[a, "similarity"]) == (b, 1.0)
        assert (first.loc[b, "neighbour_key"], first.loc[b, "similarity"]) == (a, 1.0)


def co_occurring(spark, generated) -> tuple[np.ndarray, np.ndarray]:
    """Song keys and how many other songs share a playlist with each."""
    _, path, _ = generated
    parsed = songs.hash_playlists(reader.parse(reader.read_lines(spark, str(path))))
    _, matrix, _ = songs.songs_and_matrix(reader.records(parsed))
    product = (matrix.rows @ matrix.columns).tocsr()
    return matrix.keys, np.diff(product.indptr) - 1


def every_song_sharing_a_playlist_gets_min_k_and_its_co_occurring_count(
    spark, generated, run
) -> None:
    _, neighbours, _ = run
    keys, others = co_occurring(spark, generated)
    counts = neighbours.groupby("song_key").size().reindex(keys, fill_value=0).to_numpy()
    assert np.array_equal(counts, np.minimum(10, others))


# Each engine's test module runs every one of these on its run (summary, neighbours, songs).
ENGINE_CHECKS = [
    planted_pairs_are_each_others_first_neighbour,
    every_song_sharing_a_playlist_gets_min_k_and_its_co_occurring_count,
]
