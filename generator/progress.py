"""Progress of a run, per job and stage: a live display for people, timings for `-v`, silence for CI.

The pipeline only calls a `StageListener` with the name of the stage it enters ("hash", "read",
"render", "format", "emit", "compare"); what that looks like is decided here, for the CLI.
The live display appears only once a run has lasted a second, so quick runs print nothing extra,
and never when stderr is not a terminal or `CI` is set (logs of CI jobs stay clean).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

StageListener = Callable[[str], None]

DISPLAY_DELAY_SECONDS = 1.0


def interactive_terminal() -> bool:
    """A person is watching: stderr is a terminal and no CI system says otherwise."""
    ci = os.environ.get("CI", "").strip().lower()
    return sys.stderr.isatty() and ci in ("", "0", "false", "no")


@dataclass
class _JobTiming:
    stage: str = ""
    started: float = field(default_factory=time.perf_counter)
    stages: list[tuple[str, float]] = field(default_factory=list)

    def enter(self, stage: str) -> None:
        now = time.perf_counter()
        if self.stage:
            self.stages.append((self.stage, now - self.started))
        self.stage, self.started = stage, now

    def finish(self) -> None:
        self.enter("")


class RunProgress:
    """One display for a whole run (many jobs); use as a context manager around the run."""

    def __init__(
        self, *, live: bool, verbose: bool, console: Console | None = None, delay: float = DISPLAY_DELAY_SECONDS
    ) -> None:
        self._console = console or Console(stderr=True)
        self._delay = delay
        self._verbose = verbose
        self._progress = (
            Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self._console,
                transient=True,
            )
            if live
            else None
        )
        self._timer: threading.Timer | None = None
        self._tasks: dict[str, TaskID] = {}
        self._timings: dict[str, _JobTiming] = {}

    def __enter__(self) -> RunProgress:
        if self._progress is not None:
            self._timer = threading.Timer(self._delay, self._progress.start)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._progress is not None:
            self._progress.stop()

    @contextmanager
    def paused(self, *, resume: bool = True) -> Iterator[None]:
        """Stop the live display while results are printed, so they never interleave with it;
        `resume=False` after the last job, so the display does not flash up once more."""
        running = self._progress is not None and self._progress.live.is_started
        if running and self._progress is not None:
            self._progress.stop()
        try:
            yield
        finally:
            if running and resume and self._progress is not None:
                self._progress.start()

    def listener(self, job_name: str) -> StageListener:
        """The callback the pipeline calls for `job_name`'s stages."""
        timing = self._timings.setdefault(job_name, _JobTiming())
        if self._progress is not None:
            self._tasks[job_name] = self._progress.add_task(job_name, total=None)

        def on_stage(stage: str) -> None:
            timing.enter(stage)
            if self._progress is not None:
                self._progress.update(self._tasks[job_name], description=f"{job_name}: {stage}")

        return on_stage

    def job_done(self, job_name: str) -> None:
        """Stop the job's spinner; with `-v`, print where its time went."""
        timing = self._timings.setdefault(job_name, _JobTiming())
        timing.finish()
        if self._progress is not None and job_name in self._tasks:
            self._progress.remove_task(self._tasks.pop(job_name))
        if self._verbose:
            stages = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in timing.stages)
            total = sum(seconds for _, seconds in timing.stages)
            self._console.print(f"{job_name}: {total:.2f}s ({stages})", markup=False, highlight=False, soft_wrap=True)
