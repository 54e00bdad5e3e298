"""The MinHash engine on a small generated file (see conftest), against the exact engine."""

import pytest

from tests.spark.engines.checks import ENGINE_CHECKS


@pytest.mark.parametrize("check", ENGINE_CHECKS, ids=lambda check: check.__name__)
def test_the_minhash_output(spark, generated, minhash_run, check) -> None:
    check(spark, generated, minhash_run)


def test_minhash_reports_its_stages_and_agrees_with_exact_on_most_neighbours(
    exact_run, minhash_run
) -> None:
    exact_summary, exact_rows, _ = exact_run
    summary, rows, _ = minhash_run
    assert exact_summary["recall_at_10"] == 1.0
    assert 0.5 <= summary["recall_at_10"] < 1.0  # deliberately weak settings: misses show
    counts = summary["counts"]
    assert counts["signatures"] > 0 and counts["bucket_rows"] == 4 * counts["signatures"]
    assert counts["capped_buckets"] > 0 and counts["largest_bucket"] > 20
    assert counts["verified_pairs"] > 0 and counts["filled_exactly"] > 0
    merged = rows.merge(exact_rows, on=["song_key", "rank"], suffixes=("", "_exact"))
    assert (merged["similarity"] <= merged["similarity_exact"] + 1e-12).all()
