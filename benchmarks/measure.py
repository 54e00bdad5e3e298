"""Running a build as its own process and measuring it: wall time and peak memory of the tree.

Peak memory is the largest sum of VmRSS over the process and all its descendants (JVM, Python
workers), sampled from /proc every 0.2 s in a thread: no extra package needed.
"""

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from generator.synthetic import generate
from recommendations.spark_submit import JobOptions, SparkJobFailed, run_job


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def tree_rss(pid: int) -> int:
    """Bytes resident in `pid` and its descendants now."""
    tree, total, stack = _children(), 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(tree.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class PeakMemory:
    """Samples tree_rss(pid) in a thread until stopped; `peak` is the largest seen."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval, self.peak, self._pid = interval, 0, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def watch(self, pid: int) -> None:
        self._pid = pid
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self._pid))
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak


@dataclass
class Run:
    """One measured build: its summary (None if it failed or ran out of time)."""

    seconds: float
    peak_bytes: int
    summary: dict | None
    note: str = ""


def run_build(
    input_path: Path,
    output_dir: Path,
    *,
    arguments: dict[str, object],
    timeout: float | None = None,
    driver_memory: str = "6g",
    k: int = 20,
) -> Run:
    """spark-submit the job (local[*]) as build_recs does, timed, with its memory sampled."""
    memory, started = PeakMemory(), time.perf_counter()
    timer: list[threading.Timer] = []

    def on_start(process: subprocess.Popen) -> None:
        memory.watch(process.pid)
        if timeout:

            def stop() -> None:
                for pid in _descendants(process.pid):
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                process.kill()

            timer.append(threading.Timer(timeout, stop))
            timer[0].start()

    options = JobOptions(
        input_path=str(input_path),
        output_dir=output_dir,
        master="local[*]",
        k=k,
        driver_memory=driver_memory,
        executor_memory=driver_memory,
        max_bad_share=0.05,
        job_arguments=arguments,
    )
    try:
        summary, note = run_job(options, on_start=on_start).to_dict(), ""
    except SparkJobFailed as error:
        summary = None
        note = (
            "did not finish"
            if timeout and time.perf_counter() - started >= timeout
            else str(error).splitlines()[0]
        )
    finally:
        for pending in timer:
            pending.cancel()
    seconds = time.perf_counter() - started
    return Run(round(seconds, 1), memory.stop(), summary, note)


def _descendants(pid: int) -> list[int]:
    tree, found, stack = _children(), [], [pid]
    while stack:
        for child in tree.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def generated(data_dir: Path, rows: int, seed: int = 1, planted: int = 20) -> Path:
    """The generated file of `rows` lines (written once, then reused)."""
    path = data_dir / f"playlists-{rows}-{seed}.csv"
    if not path.exists():
        generate(path, rows=rows, seed=seed, planted=planted)
    return path


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, for the record next to each figure."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A plain-text table with right-aligned columns."""
    cells = [[str(value) for value in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
             for row in cells]  # fmt: skip
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
