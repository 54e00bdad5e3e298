"""Running the batch job as its own process with spark-submit.

A separate process keeps the JVM's memory out of the web or worker process and makes the same
command line work against any cluster manager (`--master spark://…`, `yarn`, `local[*]`).
"""

import contextlib
import ctypes
import ctypes.util
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import matching
import spark
from spark import contract

JOB_PACKAGE = Path(spark.__file__).resolve().parent
# What executors on a cluster import: the job and the name matching it shares with the site.
SHIPPED_PACKAGES = (JOB_PACKAGE, Path(matching.__file__).resolve().parent)
PR_SET_PDEATHSIG = 1
STOP_POLL_SECONDS = 1.0
# What a failed job's error shows of its log: the cause is looked for in its last lines, and the
# shortest tail that still gives the cause its context follows it.
LOG_LINES_SEARCHED = 1000
TAIL_LINES = 12
LONGEST_LINE = 500

# The job's own error line (spark/job.py's `main`).
_JOB_ERROR = re.compile(r"^error: (.+)")
# An exception's last line, from Python or Java (Java's may follow "Exception in thread …", or
# ": " on the line after a Py4JJavaError); group 1 is the exception's unqualified name.
_EXCEPTION = re.compile(
    r'^(?:Exception in thread "[^"]*" |: )?(?:[\w$]+\.)*([\w$]+(?:Error|Exception)\b.*)$'
)
_STACK_FRAME = re.compile(r"^\s+(?:at |\.\.\. \d+ more)")


class SparkJobFailed(Exception):
    """The job exited with an error; the message carries the tail of its output."""


class SparkJobCancelled(Exception):
    """The job was stopped on request."""


def _die_with_parent() -> None:
    # If the process that started the job dies (a killed worker), the kernel kills the job too
    # instead of leaving an orphaned JVM computing for nobody.
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass(frozen=True)
class JobOptions:
    """What one run of `spark/job.py` needs: the command-line options it takes, and where."""

    input_path: str
    output_dir: Path
    master: str
    k: int
    driver_memory: str
    executor_memory: str
    max_bad_share: float
    job_arguments: dict[str, object] = field(default_factory=dict)


# A local run's one JVM (driver and executors in one) collects with the throughput collector:
# parsing millions of lines makes short-lived garbage, which it collects with less work than the
# default G1 (docs/benchmarks.md, "Exact build under the bar again"). A cluster's JVMs keep
# their own options.
LOCAL_JVM_OPTIONS = "-XX:+UseParallelGC"


def spark_submit_executable() -> str:
    """spark-submit from this interpreter's environment (pyspark installs it), else from PATH."""
    beside_python = Path(sys.executable).with_name("spark-submit")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("spark-submit")
    if not found:
        raise SparkJobFailed("spark-submit not found: install pyspark or put Spark on PATH")
    return found


def is_local(master: str) -> bool:
    """Whether `master` runs the job in this machine's processes (local, local[4], local[*])."""
    return master == "local" or master.startswith("local[")


def package_job(destination: Path) -> Path:
    """Zip the job's packages (SHIPPED_PACKAGES), subpackages included, so executors on any
    cluster can import them (--py-files)."""
    archive = destination / "songrec_spark.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for package in SHIPPED_PACKAGES:
            for source in sorted(package.rglob("*.py")):
                zipped.write(source, source.relative_to(package.parent).as_posix())
    return archive


def command(options: JobOptions) -> list[str]:
    """The spark-submit command line for one run.

    Executors on a cluster import the `spark` package from a zip shipped with --py-files. A local
    run imports it from its source tree (`environment`): numba can keep its compiled loops beside
    the sources between runs (a noticeable part of every small build), which it cannot for a zip
    that Spark copies to a new temporary directory each time.
    """
    arguments = {
        "input": options.input_path,
        "output": str(options.output_dir),
        "k": options.k,
        "max-bad-share": options.max_bad_share,
        **options.job_arguments,
    }
    return [
        spark_submit_executable(),
        "--master",
        options.master,
        "--driver-memory",
        options.driver_memory,
        "--conf",
        f"spark.executor.memory={options.executor_memory}",
        *(
            ["--conf", f"spark.driver.extraJavaOptions={LOCAL_JVM_OPTIONS}"]
            if is_local(options.master)
            else ["--py-files", str(package_job(options.output_dir))]
        ),
        str(JOB_PACKAGE / "job.py"),
        *contract.command_line(arguments),
    ]


def run_job(
    options: JobOptions,
    *,
    on_progress: Callable[[dict], None] = lambda event: None,
    on_start: Callable[[subprocess.Popen], None] = lambda process: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> contract.Summary:
    """Run the job to the end and return its summary.

    Each progress event the job prints is passed to `on_progress` as it arrives. `should_stop` is
    asked every STOP_POLL_SECONDS from another thread; when it answers True the job's whole
    process group is killed and SparkJobCancelled raised. Spark's own log goes to
    `<output_dir>/spark.log`; on failure SparkJobFailed carries its cause and its last lines
    (see `failure_message`).
    """
    options.output_dir.mkdir(parents=True, exist_ok=True)
    log_path = options.output_dir / "spark.log"
    summary: dict | None = None
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command(options),
            stdout=subprocess.PIPE,
            stderr=log,
            env=_environment(),
            text=True,
            encoding="utf-8",
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        on_start(process)
        stopped = threading.Event()
        watcher = threading.Thread(
            target=_stop_when_asked, args=(process, should_stop, stopped), daemon=True
        )
        watcher.start()
        try:
            for kind, payload in _messages(process.stdout, log):
                if kind == contract.SUMMARY:
                    summary = payload
                else:
                    on_progress(payload)
            returncode = process.wait()
        finally:
            if process.poll() is None:
                _kill_group(process)
            process.stdout.close()
            watcher.join()
    if stopped.is_set():
        raise SparkJobCancelled("the Spark job was cancelled")
    if returncode != 0 or summary is None:
        raise SparkJobFailed(failure_message(returncode, log_path))
    return contract.Summary.from_dict(summary)


def _environment() -> dict[str, str]:
    """This process's environment, with the job's packages importable and Spark's Python
    workers on this interpreter."""
    search_path = [str(JOB_PACKAGE.parent), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {
        **os.environ,
        "PYSPARK_PYTHON": os.environ.get("PYSPARK_PYTHON", sys.executable),
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "PYTHONPATH": os.pathsep.join(search_path),
    }


def _stop_when_asked(
    process: subprocess.Popen, should_stop: Callable[[], bool], stopped: threading.Event
) -> None:
    while process.poll() is None:
        if should_stop():
            stopped.set()
            _kill_group(process)
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_POLL_SECONDS)


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _messages(lines: Iterable[str], log) -> Iterable[tuple[str, dict]]:
    """The job's progress and summary lines, parsed; Spark's own lines go to `log`."""
    for line in lines:
        message = contract.parse_line(line)
        if message is None:
            log.write(line)
        else:
            yield message


def failure_message(returncode: int, log_path: Path) -> str:
    """A failed job's error: its cause first (`failure_cause`), then its exit status and the
    end of its log, Java's stack frames left out."""
    with log_path.open(encoding="utf-8", errors="replace") as log:
        lines = [line.rstrip()[:LONGEST_LINE] for line in deque(log, maxlen=LOG_LINES_SEARCHED)]
    if returncode < 0:
        cause = f"the Spark job was killed ({signal.Signals(-returncode).name})"
    elif returncode == 0:
        cause = "the Spark job ended without its summary"
    else:
        cause = failure_cause(lines)
    tail = [line for line in lines if line and not _STACK_FRAME.match(line)][-TAIL_LINES:]
    return "\n".join(
        [cause, f"(the Spark job exited with status {returncode}; the end of {log_path}:)", *tail]
    )


def failure_cause(lines: list[str]) -> str:
    """Why a job failed, from its log: its own error line, else the last Python exception
    (or the Java exception a Py4JJavaError carries), else the last Java exception."""
    for line in reversed(lines):
        if found := _JOB_ERROR.match(line):
            return found[1]
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent")]
    if starts:
        after = lines[starts[-1] + 1 :]
        raised = next((i for i, line in enumerate(after) if line and not line[0].isspace()), None)
        if raised is not None:
            carried = after[raised + 1 : raised + 2]
            if "Py4JJavaError" in after[raised] and carried and carried[0].startswith(": "):
                raised += 1
            if found := _EXCEPTION.match(after[raised]):
                return found[1]
            return after[raised]
    for line in reversed(lines):
        if found := _EXCEPTION.match(line):
            return found[1]
    return "the Spark job failed without saying why"
