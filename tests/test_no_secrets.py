"""Generated projects hold no secrets and nothing of the machine that generated them.

Output is committed and shipped in containers, so it must be a function of the contract alone:
credentials in the generating environment, the user's home and the absolute paths of the contract
or output directory never appear in it. The contract tests' placeholder credentials are not
secrets: they are fixed strings each deployment overrides from its own environment.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SPECS

CANARY = "canary-9f3b2c71e4"
SECRET_ENVIRONMENT = {
    name: f"{CANARY}-{name.lower()}"
    for name in (
        "API_KEY",
        "CONTRACT_API_KEY",
        "CONTRACT_BEARER_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "GITHUB_TOKEN",
        "DATABASE_URL",
        "PASSWORD",
        "OPENAI_API_KEY",
    )
}
CONTRACTS = {
    "petstore": SPECS / "petstore.yaml",
    "showcase": SPECS / "showcase.yaml",
    "bookshop": SPECS / "bookshop.graphql",
    "inventory": SPECS / "inventory.proto",
}


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_generated_files_hold_no_secret_and_no_machine_path(name: str, tmp_path: Path) -> None:
    home = tmp_path / f"home-{CANARY}"
    home.mkdir()
    work = tmp_path / f"work-{CANARY}"
    work.mkdir()
    contract = CONTRACTS[name]
    copied = work / contract.name
    if contract.is_dir():
        shutil.copytree(contract, copied)
    else:
        shutil.copy(contract, copied)
    out = work / "out"
    environment = {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "HOME": str(home),
        "USER": CANARY,
        "CONTRACTGEN_CACHE_DIR": str(tmp_path / f"cache-{CANARY}"),
        **SECRET_ENVIRONMENT,
    }
    completed = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(copied), "--out", str(out), "-p", name],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    files = [path for path in out.rglob("*") if path.is_file()]
    assert len(files) > 10
    for path in files:
        data = path.read_bytes()
        assert CANARY.encode() not in data, f"{path.relative_to(out)} holds a value of the generating machine"
        assert str(tmp_path).encode() not in data, f"{path.relative_to(out)} holds an absolute path"
