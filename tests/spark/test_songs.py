"""Keys, matrix and catalogue built on the driver from the spellings Spark finds."""

import itertools

import numpy as np
import pyarrow as pa
from pyspark.sql import functions as F

from spark import songs
from spark.matrix import SongMatrix

NAMES = [
    ("The Twins", "Twin A"),
    ("", "x"),
    ("日本語のバンド", "ñandú & co"),
    ("a" * 100, "b" * 33),
    ("Беларусь", "😀 emoji"),
]


def test_song_keys_equal_sparks_xxhash64_of_the_two_names(spark) -> None:
    frame = spark.createDataFrame(NAMES, "artist string, title string")
    expected = [row[0] for row in frame.select(F.xxhash64("artist", "title")).collect()]
    artists, titles = (pa.array(column) for column in zip(*NAMES, strict=True))
    assert songs.song_keys(artists, titles).tolist() == expected


def spellings(rows: list[tuple[int, str, str, int]]) -> pa.Table:
    ids, artists, titles, counts = zip(*rows, strict=True)
    return pa.table(
        {
            "spelling_id": pa.array(ids, pa.int64()),
            "artistname": pa.array(artists),
            "trackname": pa.array(titles),
            "count": pa.array(counts, pa.int64()),
        }
    )


def test_spellings_of_one_song_share_a_key_and_the_commonest_names_it() -> None:
    keyed = songs.keyed_spellings(
        spellings(
            [
                (1, "The Twins", "Twin A (Remastered)", 2),
                (2, "the twins", "Twin A", 2),
                (3, "The Twins", "Twin A", 5),
                (4, "Solo", "Loner", 1),
                (5, "SOLO", "Loner", 1),
            ]
        )
    )
    assert len(set(keyed.column("song_key").to_pylist()[:3])) == 1
    pairs = pa.table(
        {
            "spelling_id": pa.array([1, 2, 3, 3, 4, 5, 5], pa.int64()),
            "playlist_id": pa.array([10, 10, 20, 10, 30, 40, 30], pa.int64()),
        }
    )
    matrix = songs.song_matrix(keyed, pairs)
    catalogue = songs.catalogue(keyed, matrix).to_pylist()
    by_title = {row["title"]: row for row in catalogue}
    assert set(by_title) == {"Twin A", "Loner"}
    assert by_title["Twin A"]["artist"] == "The Twins"  # 5 records, against 2 and 2
    assert by_title["Loner"]["artist"] == "SOLO"  # a tie: the alphabetically first spelling
    assert by_title["Twin A"]["playlist_count"] == 2  # playlists 10 and 20, 10 counted once
    assert by_title["Loner"]["playlist_count"] == 2
    assert [row["key"] for row in catalogue] == matrix.keys.tolist()


def test_the_matrix_numbers_songs_by_key_and_playlists_by_id_and_drops_repeats() -> None:
    matrix = SongMatrix.from_memberships(
        np.array([9, -5, 9, 9, -5]), np.array([300, 7, 300, -2, 300])
    )
    assert matrix.keys.tolist() == [-5, 9]
    assert matrix.n_playlists == 3  # -2, 7, 300
    rows = [matrix.indices[a:b].tolist() for a, b in itertools.pairwise(matrix.indptr)]
    assert rows == [[1, 2], [0, 2]]
