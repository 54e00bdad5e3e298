"""The recall stage: the written neighbours against exact top-K on a sample of songs."""

from spark import contract
from spark.engines.blocks import BlockRunner
from spark.matrix import SongMatrix
from spark.progress import report
from spark.recall import recall_at, reference, sample_songs


def measure_recall(
    runner: BlockRunner, matrix: SongMatrix, k: int, sample_size: int, seed: int
) -> dict[str, float | int]:
    """Recall@10 of the written neighbours on a random sample of songs in 2+ playlists.

    At k below 10 (tiny tests) it is recall@k: a build cannot list more.
    """
    at = min(contract.RECALL_AT, k)
    sample = sample_songs(matrix, sample_size, seed)
    truth = reference(matrix, sample, at)
    found = runner.written_sample(matrix.keys[sample], at)
    quality = {"at": at, **recall_at(matrix, truth, found, at)}
    report("recall", recall_at_10=quality["recall"], songs=quality["songs"])
    return quality
