"""Build time, memory and recall against input size: exact, MinHash, MLlib and a scipy bar.

For each size, generated data (seed 1, 20 planted pairs) goes through the whole job (CSV to
neighbours written) with each engine, and through `benchmarks.scipy_bar` (the strongest plain
numpy and scipy script: one process per core, no Spark). Ratios are against the bar measured in
the same run; "vs bar" is an engine's recall@10 checked against the bar's own lists on 500 songs
(`benchmarks.outputs.recall_against`), independently of the job's recall stage. `--sweep` adds
MinHash settings (b, r, cap) at one size: time against recall. Not collected by pytest.

    python -m benchmarks.build_scaling --sizes 200000,1000000 --engines exact,minhash,mllib,scipy
    python -m benchmarks.build_scaling --sizes 3000000 --engines minhash --sweep
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.measure import PeakMemory, Run, generated, load_average, run_build, table
from benchmarks.outputs import recall_against

SWEEP = [  # (bands, rows, cap)
    (80, 2, 10),
    (80, 2, 30),
    (60, 2, 10),
    (60, 2, 30),
    (50, 2, 30),
    (40, 2, 30),
]
GIB = 1024**3


def scipy_bar(source: Path, output: Path, timeout: float) -> Run:
    """benchmarks.scipy_bar as its own process, timed and sampled like the Spark runs."""
    memory, started = PeakMemory(), time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.scipy_bar", "--input", str(source), "--output",
         str(output)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    memory.watch(process.pid)
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return Run(round(time.perf_counter() - started, 1), memory.stop(), None, "did not finish")
    seconds = round(time.perf_counter() - started, 1)
    lines = [line for line in out.splitlines() if line.startswith("SUMMARY ")]
    summary = json.loads(lines[-1].split(" ", 1)[1]) if lines else None
    if summary:
        # Exact, with the exact engine's rows (tests/benchmarks/test_scipy_bar.py).
        summary["recall_at_10"] = 1.0
    return Run(seconds, memory.stop(), summary, "" if summary else "failed")


def row(
    size: int, name: str, run: Run, bar: Run | None, checked: float | None = None
) -> list[object]:
    s = run.summary or {}
    counts = s.get("counts", {})
    ratio = f"{run.seconds / bar.seconds:.2f}" if bar and bar.summary and run.summary else "-"
    memory_ratio = (
        f"{run.peak_bytes / bar.peak_bytes:.2f}" if bar and bar.summary and run.summary else "-"
    )
    return [
        f"{size:,}",
        name,
        f"{s['songs']:,}" if "songs" in s else "-",
        f"{s['estimated_pairs']:,}" if "estimated_pairs" in s else "-",
        f"{counts['candidate_pairs']:,}" if "candidate_pairs" in counts else "-",
        f"{run.seconds:.1f}" if run.summary else f"{run.note} ({run.seconds:.0f} s)",
        f"{run.peak_bytes / GIB:.1f}",
        s.get("recall_at_10", "-"),
        "-" if checked is None else f"{checked:.4f}",
        ratio,
        memory_ratio,
        load_average(),
    ]


HEADERS = [
    "rows", "engine", "songs", "Σ size²", "candidates", "wall s", "peak GiB", "recall@10",
    "vs bar", "time/bar", "mem/bar", "load after",
]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200000,1000000,3000000,12900000")
    parser.add_argument("--engines", default="scipy,exact,minhash,mllib")
    parser.add_argument("--data-dir", type=Path, default=Path("data/bench"))
    parser.add_argument("--mllib-timeout", type=float, default=1200.0)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--driver-memory", default="6g")
    # The original method's measurements used a 16 GB driver; less fails with out-of-memory.
    parser.add_argument("--mllib-driver-memory", default="16g")
    parser.add_argument("--sweep", action="store_true", help="MinHash settings at each size")
    parser.add_argument("--extra", default="{}", help="JSON job arguments for every Spark run")
    args = parser.parse_args(argv)
    engines = args.engines.split(",")
    extra = json.loads(args.extra)
    rows: list[list[object]] = []
    print(f"load average at start: {load_average()}", flush=True)
    for size in [int(size) for size in args.sizes.split(",")]:
        source = generated(args.data_dir, size)
        out = args.data_dir / f"out-{size}"
        bar = scipy_bar(source, out / "scipy", args.timeout) if "scipy" in engines else None
        if bar:
            rows.append(row(size, "scipy bar", bar, bar))
            print(table(HEADERS, rows[-1:]), flush=True)
        runs = [(engine, {"engine": engine, **extra}) for engine in engines if engine != "scipy"]
        if args.sweep:
            runs = [(name, arguments) for name, arguments in runs if name != "minhash"] + [
                (f"minhash b={b} r={r} cap={cap}",
                 {"engine": "minhash", "lsh-bands": b, "lsh-rows": r, "lsh-cap": cap, **extra})
                for b, r, cap in SWEEP
            ]  # fmt: skip
        for name, arguments in runs:
            mllib = name == "mllib"
            run = run_build(
                source, out / name.replace(" ", "_"), arguments=arguments,
                timeout=args.mllib_timeout if mllib else args.timeout,
                driver_memory=args.mllib_driver_memory if mllib else args.driver_memory,
            )  # fmt: skip
            checked = None
            if bar and bar.summary and run.summary:
                checked = recall_against(out / "scipy", out / name.replace(" ", "_"))
            rows.append(row(size, name, run, bar, checked))
            print(table(HEADERS, rows[-1:]), flush=True)
            if run.summary:
                print("  seconds per stage:", json.dumps(run.summary["seconds"]), flush=True)
                print("  counts:", json.dumps(run.summary.get("counts", {})), flush=True)
                print("  engine reason:", run.summary.get("engine_reason"), flush=True)
    print()
    print(table(HEADERS, rows))


if __name__ == "__main__":
    main()
