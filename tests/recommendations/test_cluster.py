"""build_recs against a Spark standalone cluster (one master, one worker on 127.0.0.1).

The executors import the job's package from the zip build_recs ships with --py-files; the
neighbours must equal those of a local[*] run of the same input and seed.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyspark
import pytest
from django.core.management import call_command

from generator.synthetic import generate
from recommendations.models import Build, Neighbour

READY_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def master_state(web_port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/json/", timeout=2) as answer:
        return json.load(answer)


def wait_for(predicate, what: str, processes: list[subprocess.Popen]) -> None:
    """Poll until predicate() holds, failing at the deadline or if a process has died."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"{what}: {process.args[1]} exited with {process.returncode}")
        try:
            if predicate():
                return
        except (OSError, ValueError):
            pass  # not listening yet, or still serving its start-up page instead of JSON
        time.sleep(0.5)
    pytest.fail(f"{what} not ready within {READY_SECONDS} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """spark://127.0.0.1:<port> with one worker (1 core, 2 GB); both stopped afterwards."""
    directory = tmp_path_factory.mktemp("cluster")
    spark_class = str(Path(sys.executable).with_name("spark-class"))
    port, master_web, worker_web = free_port(), free_port(), free_port()
    environment = {
        **os.environ,
        # spark-class finds Spark through SPARK_HOME: the installed pyspark package.
        "SPARK_HOME": str(Path(pyspark.__file__).parent),
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_WORKER_DIR": str(directory / "work"),
        "SPARK_LOG_DIR": str(directory),
    }
    processes: list[subprocess.Popen] = []

    def start(name: str, *arguments: str) -> None:
        log = (directory / f"{name}.log").open("w")
        processes.append(
            subprocess.Popen(
                [spark_class, *arguments], stdout=log, stderr=subprocess.STDOUT, env=environment
            )
        )

    try:
        start(
            "master",
            "org.apache.spark.deploy.master.Master",
            *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(master_web)),
        )
        wait_for(lambda: master_state(master_web)["status"] == "ALIVE", "master", processes)
        start(
            "worker",
            "org.apache.spark.deploy.worker.Worker",
            f"spark://127.0.0.1:{port}",
            *("--cores", "1", "--memory", "2g", "--host", "127.0.0.1"),
            *("--webui-port", str(worker_web), "--work-dir", str(directory / "work")),
        )
        wait_for(lambda: master_state(master_web)["aliveworkers"] >= 1, "worker", processes)
        yield f"spark://127.0.0.1:{port}"
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def spark_settings(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.SPARK_DRIVER_MEMORY = "1g"
    settings.SPARK_EXECUTOR_MEMORY = "1g"


def neighbour_rows(build: Build) -> list[tuple[int, int, float, int]]:
    rows = Neighbour.objects.filter(build=build).values_list(
        "song__key", "neighbour__key", "similarity", "rank"
    )
    return sorted(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("engine", ["minhash"])
def test_a_standalone_cluster_finds_the_same_neighbours_as_local(
    cluster, spark_settings, tmp_path, engine: str
) -> None:
    source = tmp_path / "playlists.csv"
    generate(source, rows=5_000, seed=2, planted=2)
    options = {"input": str(source), "k": 5, "engine": engine, "seed": 3, "lsh_bands": 6}
    # Spark tasks on the executors, not the driver (where a file this small would run).
    options["driver_budget"] = 0

    call_command("build_recs", spark_master=cluster, **options)
    on_cluster = Build.objects.latest("pk")
    call_command("build_recs", spark_master="local[*]", **options)
    local = Build.objects.latest("pk")

    assert on_cluster.status == local.status == Build.Status.COMPLETE
    assert on_cluster.parameters["spark_master"] == cluster
    assert on_cluster.summary["engine"] == engine
    assert on_cluster.summary["neighbours_in"] == "spark tasks"
    rows = neighbour_rows(on_cluster)
    assert rows and rows == neighbour_rows(local)
