import json

import pytest

from spark import job
from spark.reader import EmptyInput, TooManyMalformedLines
from tests.playlists_csv import write_playlists_csv

# Twin A and Twin B are always together; Loner is the only song of its playlist; the rest
# overlap partly. "Starred" is used by two users: two different playlists.
ROWS = [
    ("alice", "The Twins", "Twin A", "Starred"),
    ("alice", "The Twins", "Twin B", "Starred"),
    ("alice", "Rock Band", "Anthem", "Starred"),
    ("bob", "The Twins", "Twin A (Remastered 2011)", "Starred"),
    ("bob", "The Twins", "Twin B", "Starred"),
    ("bob", "Rock Band", "Ballad", "Starred"),
    ("bob", "Rock Band", "Anthem", "Road trip"),
    ("bob", "Rock Band", "Ballad", "Road trip"),
    ("bob", "Rock Band", "Encore", "Road trip"),
    ("carol", "Rock Band", "Anthem", "Road trip"),
    ("carol", "Rock Band", "Encore", "Road trip"),
    ("carol", "Solo Act", "Loner", "Quiet"),
]


STAGES = {"read", "normalise", "estimate", "neighbours", "recall"}
ENGINE_STAGES = {"exact": STAGES, "minhash": STAGES | {"candidates"}, "mllib": STAGES}


@pytest.fixture(scope="module", params=["exact", "minhash", "mllib"])
def output(request, spark, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"job-{request.param}")
    source = write_playlists_csv(directory / "playlists.csv", ROWS, bad=['"x","y",z,"w","v"'])
    arguments = job.parse_args(
        [
            "--input",
            str(source),
            "--output",
            str(directory / "out"),
            "--k",
            "2",
            "--max-bad-share",
            "0.5",
            "--engine",
            request.param,
            # Enough bands that banded MinHash misses no pair of this tiny set either.
            "--lsh-bands",
            "40",
            # Enough MinHash tables that no pair of this tiny set is missed (LSH is approximate).
            "--hash-tables",
            "20",
        ]
    )
    summary = job.run(spark, arguments).to_dict()
    songs = {
        row["title"]: row.asDict() for row in spark.read.parquet(f"{directory}/out/songs").collect()
    }
    titles = {song["key"]: title for title, song in songs.items()}
    neighbours = [
        (titles[row["song_key"]], titles[row["neighbour_key"]], row["similarity"], row["rank"])
        for row in spark.read.parquet(f"{directory}/out/neighbours").collect()
    ]
    return directory / "out", summary, songs, sorted(neighbours)


def test_songs_are_keyed_by_normalised_names_and_named_by_the_commonest_spelling(output) -> None:
    _, _, songs, _ = output
    assert set(songs) == {"Twin A", "Twin B", "Anthem", "Ballad", "Encore", "Loner"}
    assert songs["Twin A"]["title_norm"] == "twin a"
    assert songs["Twin A"]["artist"] == "The Twins"


def test_playlists_are_user_and_name_pairs(output) -> None:
    _, summary, songs, _ = output
    # alice/Starred, bob/Starred, bob/Road trip, carol/Road trip, carol/Quiet
    assert summary["playlists"] == 5
    assert songs["Twin A"]["playlist_count"] == 2
    assert songs["Anthem"]["playlist_count"] == 3


def test_songs_always_together_are_each_others_first_neighbour(output) -> None:
    *_, neighbours = output
    assert ("Twin A", "Twin B", 1.0, 1) in neighbours
    assert ("Twin B", "Twin A", 1.0, 1) in neighbours


def test_neighbours_are_exact_jaccard_top_k_with_ties_to_the_smaller_key(output) -> None:
    _, _, songs, neighbours = output
    anthem = [
        (other, round(sim, 4), rank) for song, other, sim, rank in neighbours if song == "Anthem"
    ]
    # Anthem {alice/Starred, bob/Road trip, carol/Road trip}; Encore {bob/RT, carol/RT}: 2/3.
    # Ballad {bob/Starred, bob/RT}, Twin A and Twin B {alice/S, bob/S}: 1/4 each, a three-way tie.
    tied = min(["Ballad", "Twin A", "Twin B"], key=lambda title: songs[title]["key"])
    assert anthem == [("Encore", 0.6667, 1), (tied, 0.25, 2)]


def test_a_song_with_no_co_occurring_song_has_no_neighbours(output) -> None:
    *_, neighbours = output
    assert not [row for row in neighbours if "Loner" in row[:2]]


def test_summary_counts_lines_rejects_and_stages(output) -> None:
    directory, summary, _, _ = output
    assert summary["lines_read"] == len(ROWS) + 1
    assert summary["rejected"] == 1
    assert summary["songs"] == 6
    assert summary["neighbour_rows"] == 10
    assert summary["counts"]["output_rows"] == 10
    assert set(summary["seconds"]) == ENGINE_STAGES[summary["engine"]]
    assert summary["engine_reason"] == f"requested with --engine {summary['engine']}"
    assert summary["recall_at_10"] == 1.0
    assert json.loads((directory / "summary.json").read_text()) == summary
    rejects = [
        json.loads(line)
        for path in (directory / "rejects").glob("*.json")
        for line in path.read_text().splitlines()
    ]
    assert rejects == [{"line": '"x","y",z,"w","v"', "reason": "not four quoted fields"}]


def test_an_input_of_headers_only_stops_the_job_with_a_clear_message(spark, tmp_path) -> None:
    source = write_playlists_csv(tmp_path / "empty.csv", [])
    arguments = job.parse_args(["--input", str(source), "--output", str(tmp_path / "out")])

    with pytest.raises(EmptyInput, match=f"^{source} has no lines after the header$"):
        job.run(spark, arguments)


def test_too_many_bad_lines_stops_the_job_with_a_clear_message(spark, tmp_path) -> None:
    source = write_playlists_csv(tmp_path / "bad.csv", ROWS[:2], bad=["garbage"] * 3)
    arguments = job.parse_args(["--input", str(source), "--output", str(tmp_path / "out")])
    with pytest.raises(TooManyMalformedLines, match=r"3 of 5 lines \(60\.0%\) are malformed"):
        job.run(spark, arguments)
    assert not (tmp_path / "out" / "songs").exists()


def test_auto_runs_exact_within_the_budget_and_minhash_above_it(spark, tmp_path) -> None:
    source = write_playlists_csv(tmp_path / "playlists.csv", ROWS)
    common = ["--input", str(source), "--k", "2", "--recall-sample", "10"]
    within = job.run(spark, job.parse_args([*common, "--output", str(tmp_path / "a")])).to_dict()
    assert (within["engine"], within["engine_requested"]) == ("exact", "auto")
    # Σ size²: Starred 3² + 3², Road trip 3² + 2², Quiet 1²
    assert within["estimated_pairs"] == 9 + 9 + 9 + 4 + 1
    assert "within the exact budget" in within["engine_reason"]
    above = job.run(
        spark,
        job.parse_args([*common, "--output", str(tmp_path / "b"), "--exact-budget", "10"]),
    ).to_dict()
    assert above["engine"] == "minhash"
    assert (
        "32 co-occurring pairs (Σ playlist size²) above the exact budget of 10"
        in (above["engine_reason"])
    )
    assert set(above["counts"]) >= {
        "signatures", "bucket_rows", "largest_bucket", "capped_buckets",
        "candidate_pairs", "verified_pairs", "kept_pairs", "output_rows",
    }  # fmt: skip
