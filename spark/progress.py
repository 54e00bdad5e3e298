"""Progress lines on stdout (`contract.progress_line`) and timed stages of the job."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from spark.contract import progress_line


def report(event: str, **fields: object) -> None:
    """One progress event; fields other than stage names are numbers or short strings."""
    print(progress_line(event, **fields), flush=True)


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
