"""Progress: a live line per job and stage on terminals, once a run lasts long enough; nothing in CI."""

from __future__ import annotations

import io
import time

import pytest
from rich.console import Console

from generator.progress import RunProgress, interactive_terminal


def terminal() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, force_terminal=True, width=100), stream


def test_live_display_shows_job_and_stage_after_the_delay() -> None:
    console, stream = terminal()
    with RunProgress(live=True, verbose=False, console=console, delay=0.0) as progress:
        listener = progress.listener("petstore")
        listener("format")
        time.sleep(0.5)
        progress.job_done("petstore")
    assert "petstore: format" in stream.getvalue()


def test_quick_runs_show_nothing() -> None:
    console, stream = terminal()
    with RunProgress(live=True, verbose=False, console=console, delay=5.0) as progress:
        progress.listener("petstore")("read")
        progress.job_done("petstore")
    assert "petstore" not in stream.getvalue()


def test_verbose_prints_each_stage_duration() -> None:
    console, stream = terminal()
    with RunProgress(live=False, verbose=True, console=console) as progress:
        listener = progress.listener("store")
        listener("read")
        listener("emit")
        progress.job_done("store")
    line = stream.getvalue().strip()
    assert line.startswith("store: ") and "read " in line and "emit " in line


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_ci_is_never_interactive(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert not interactive_terminal()
