"""Progress lines on stdout (`PROGRESS {json}`) and timed stages, shared by the job's steps."""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager


def report(event: str, **fields: object) -> None:
    """One progress event; fields other than stage names are numbers or short strings."""
    print("PROGRESS " + json.dumps({"event": event, **fields}), flush=True)


class Stages:
    """Times named stages and reports each as it starts and ends."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        report("stage", stage=name)
        started = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - started, 2)
        report("done", stage=name, seconds=self.seconds[name])
