"""The spark profile: a build on the compose file's standalone cluster equals a local one."""

import json
import time
import urllib.request

from tests.processes import wait_for
from tests.stack.conftest import DATASET, Site, Stack, report

MASTER_UI = "http://127.0.0.1:18081/json/"
MASTER = "spark://127.0.0.1:17077"


def master_state() -> dict:
    with urllib.request.urlopen(MASTER_UI, timeout=5) as reply:
        return json.load(reply)


def alive_workers() -> int:
    try:
        return master_state()["aliveworkers"]
    except OSError:
        return 0


def neighbour_lists(stack: Stack, build_id: int) -> set[tuple]:
    return set(
        stack.query(
            "SELECT song_key, neighbour_key, rank, round(similarity::numeric, 9) "
            "FROM recommendations_neighbour WHERE build_id = %s",
            (build_id,),
        )
    )


def test_a_build_on_the_spark_cluster_equals_the_local_one(stack: Stack, site: Site) -> None:
    stack.compose("--profile", "spark", "up", "-d", "--no-build", "spark-master", "spark-worker")
    wait_for(alive_workers, timeout=120, what="a Spark worker to join the master")

    started = time.monotonic()
    stack.manage(
        "build_recs",
        "--input",
        DATASET,
        "--k",
        "10",
        "--engine",
        "exact",
        "--spark-master",
        MASTER,
    )
    report(f"stack: build_recs on the compose Spark cluster: {time.monotonic() - started:.1f} s")

    (cluster_build,) = stack.query(
        "SELECT id FROM recommendations_build WHERE is_active AND status = 'complete'"
    )[0]
    assert cluster_build != site.build_id
    assert master_state()["completedapps"], "the build did not run on the cluster"
    local = neighbour_lists(stack, site.build_id)
    assert local
    assert neighbour_lists(stack, cluster_build) == local
    stack.compose("--profile", "spark", "stop", "spark-master", "spark-worker")
