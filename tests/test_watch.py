"""`contractgen watch`: a real process regenerates on contract edits and survives broken ones."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import SPECS

CONTRACTGEN = Path(sys.executable).parent / "contractgen"


class Output:
    """Collects a process's stderr lines in a thread, so the test can wait for one."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stderr is not None
        stream = process.stderr
        self._thread = threading.Thread(target=lambda: self.lines.extend(iter(stream.readline, "")), daemon=True)
        self._thread.start()

    def text(self) -> str:
        return "".join(self.lines)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, Path, Output]]:
    contract = tmp_path / "petstore.yaml"
    shutil.copy(SPECS / "petstore.yaml", contract)
    out = tmp_path / "svc"
    process = subprocess.Popen(
        [str(CONTRACTGEN), "watch", str(contract), "--out", str(out), "--package", "petstore", "-t", "httpx-client"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    output = Output(process)
    try:
        wait_for(lambda: "watching" in output.text(), "the first run")
        yield contract, out, output
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, output.text()


def test_watch_regenerates_on_contract_change_and_survives_a_broken_contract(
    watched: tuple[Path, Path, Output],
) -> None:
    contract, out, output = watched
    client = out / "src" / "petstore" / "_generated" / "client.py"
    assert client.is_file()

    spec = yaml.safe_load(contract.read_text())
    spec["paths"]["/toys"] = {"get": {"operationId": "listToys", "responses": {"204": {"description": "none"}}}}
    contract.write_text(yaml.safe_dump(spec, sort_keys=False))
    wait_for(lambda: "def list_toys" in client.read_text(), "the regenerated client")

    good = client.read_text()
    runs_before = output.text().count("watching")
    contract.write_text(contract.read_text().replace("listToys", "list Toys!", 1) + "\n  broken: [\n")
    wait_for(lambda: "error[" in output.text(), "the located error")
    assert "petstore.yaml:" in output.text()
    wait_for(lambda: output.text().count("watching") > runs_before, "watch to keep going")
    assert client.read_text() == good
