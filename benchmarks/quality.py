"""Offline quality: hide some songs of sampled playlists, recommend them back from neighbours.

From a generated file, 20% of the songs (at least one) of `--playlists` random playlists of 10
or more songs are hidden: their lines are left out of a training file, the engines build
neighbours on it, and each test playlist is scored by summing the similarities of its remaining
songs' neighbours (remaining songs excluded). Reported: HitRate@10 (a hidden song in the top
10), Recall@50 (share of hidden songs in the top 50) and NDCG@10, for the exact engine, the
MinHash engine and a popularity baseline (most playlists first). Not collected by pytest.

    python -m benchmarks.quality --rows 1000000 --playlists 1000
"""

import argparse
import json
import math
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.measure import generated, load_average, run_build, table
from matching.names import match_key

_FIELD = r'"((?:[^"\\]|\\.)*)"'
_LINE = re.compile("^" + r"\s*,\s*".join([_FIELD] * 4) + r"\s*$")


def _unescape(field: str) -> str:
    return re.sub(r"\\(.)", r"\1", field).strip()


def split(source: Path, train: Path, playlists: int, seed: int) -> dict[tuple, list[tuple]]:
    """Write the training file; return each test playlist's (remaining, hidden) song names."""
    rng = np.random.default_rng(seed)
    members: dict[tuple[str, str], list[int]] = defaultdict(list)
    lines = source.read_text(encoding="utf-8").split("\n")
    parsed: list[tuple[str, str, str, str] | None] = [None] * len(lines)
    for number, line in enumerate(lines[1:], start=1):
        match = _LINE.match(line)
        if match:
            fields = tuple(_unescape(field) for field in match.groups())
            if all(fields):
                parsed[number] = fields
                members[(fields[0], fields[3])].append(number)
    eligible = sorted(key for key, rows in members.items() if len(rows) >= 10)
    chosen = [eligible[i] for i in rng.choice(len(eligible), playlists, replace=False)]
    hidden_lines, tests = set(), {}
    for key in chosen:
        rows = np.array(members[key])
        hidden = set(rng.choice(rows, max(1, len(rows) // 5), replace=False).tolist())
        hidden_lines |= hidden
        names = [(parsed[n][1], parsed[n][2], n in hidden) for n in rows.tolist()]
        tests[key] = names
    train.write_text(
        "\n".join(line for n, line in enumerate(lines) if n not in hidden_lines), encoding="utf-8"
    )
    return tests


def song_keys(songs: pd.DataFrame) -> dict[tuple[str, str], int]:
    return dict(zip(zip(songs["artist_norm"], songs["title_norm"], strict=True), songs["key"],
                    strict=True))  # fmt: skip


def evaluate(tests: dict, keys: dict, recommend) -> dict[str, float]:
    """Mean HitRate@10, Recall@50 and NDCG@10 over the test playlists with a known hidden song."""
    hits, recalls, gains = [], [], []
    for names in tests.values():
        known = [(keys.get((match_key(a), match_key(t))), hidden) for a, t, hidden in names]
        remaining = {key for key, hidden in known if key is not None and not hidden}
        hidden = {key for key, was_hidden in known if key is not None and was_hidden} - remaining
        if not hidden or not remaining:
            continue
        ranked = recommend(remaining)[:50]
        top10 = ranked[:10]
        hits.append(float(any(key in hidden for key in top10)))
        recalls.append(len(hidden.intersection(ranked)) / len(hidden))
        dcg = sum(1 / math.log2(i + 2) for i, key in enumerate(top10) if key in hidden)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(len(hidden), 10)))
        gains.append(dcg / ideal)
    return {
        "playlists": len(hits),
        "HitRate@10": round(float(np.mean(hits)), 4),
        "Recall@50": round(float(np.mean(recalls)), 4),
        "NDCG@10": round(float(np.mean(gains)), 4),
    }


def neighbour_recommender(neighbours: pd.DataFrame):
    by_song = {key: group for key, group in neighbours.groupby("song_key")}

    def recommend(remaining: set[int]) -> list[int]:
        lists = [by_song[key] for key in remaining if key in by_song]
        if not lists:
            return []
        scores = pd.concat(lists).groupby("neighbour_key")["similarity"].sum()
        scores = scores[~scores.index.isin(list(remaining))]
        order = np.lexsort((scores.index.to_numpy(), -scores.to_numpy()))
        return scores.index.to_numpy()[order][:50].tolist()

    return recommend


def popularity_recommender(songs: pd.DataFrame):
    ranked = songs.sort_values(["playlist_count", "key"], ascending=[False, True])["key"]
    top = ranked.to_numpy()[:200].tolist()

    def recommend(remaining: set[int]) -> list[int]:
        return [key for key in top if key not in remaining][:50]

    return recommend


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--playlists", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=Path("data/bench"))
    parser.add_argument("--extra", default="{}", help="JSON job arguments for the MinHash run")
    args = parser.parse_args(argv)
    print(f"load average at start: {load_average()}", flush=True)
    source = generated(args.data_dir, args.rows)
    train = args.data_dir / f"train-{args.rows}.csv"
    tests = split(source, train, args.playlists, args.seed)
    results, rows = {}, []
    for engine, extra in (("exact", {}), ("minhash", json.loads(args.extra))):
        out = args.data_dir / f"quality-{args.rows}-{engine}"
        run = run_build(train, out, arguments={"engine": engine, **extra})
        songs = pd.read_parquet(out / "songs")
        neighbours = pd.read_parquet(out / "neighbours")
        results[engine] = evaluate(tests, song_keys(songs), neighbour_recommender(neighbours))
        rows.append([engine, *results[engine].values(), run.seconds, load_average()])
        if engine == "exact":
            popular = evaluate(tests, song_keys(songs), popularity_recommender(songs))
            rows.append(["popularity", *popular.values(), "-", load_average()])
    headers = ["recommender", "playlists", "HitRate@10", "Recall@50", "NDCG@10", "build s", "load"]
    print(table(headers, rows))
    exact_hit, minhash_hit = results["exact"]["HitRate@10"], results["minhash"]["HitRate@10"]
    print(f"MinHash HitRate@10 relative to exact: {minhash_hit / exact_hit:.4f}")


if __name__ == "__main__":
    main()
