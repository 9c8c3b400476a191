"""contractgen against raw protoc on Google's protos, cold, on the same files: time and the ratio.

Run by hand (never from tests; needs the corpora, see ../shared/CORPORA.md):

    .venv/bin/python bench/proto_speed.py [--sets cloud20,corpus] [--n 20] [--seed 0] [--repeat 1] [--json FILE]

"The same files": contractgen ships protoc's `_pb2.py`, `_pb2.pyi` and `_pb2_grpc.py` for every file
it is given *and* every file those import (except the well-known types the protobuf runtime ships),
so protoc is timed producing exactly those modules: one run of grpcio-tools' protoc over that
closure with `--python_out --pyi_out --grpc_python_out`, in a fresh directory. protoc over the given
files alone (what `bench/speed.py` runs) is printed beside it for reference. contractgen runs
`generate` with its default targets (server, client, contract tests) into a fresh directory with a
fresh empty format cache (`CONTRACTGEN_CACHE_DIR`).

Sets:
  cloud20  one job: the 20 google/cloud/**/v1 files `bench/speed.py --proto-limit 20` picks;
  corpus   the `bench/corpus.py --corpus google-protos` sample (`--n`, `--seed`): one job per
           google/**/v1 directory, times summed over the directories.

Wall time and CPU time (user+sys of the process tree, from wait4) per tool; the ratio is
contractgen / protoc-on-the-closure. The machine may be shared: read CPU time first, and repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (the same sample as bench/corpus.py)
import speed  # noqa: E402  (the same 20-file set as bench/speed.py)

PROTO_ROOT = speed.PROTO_ROOT
CONTRACTGEN = Path(sys.executable).parent / "contractgen"
WELL_KNOWN = "google/protobuf/"


@dataclass(frozen=True)
class Job:
    """One contractgen run: these files, the package root as the proto path."""

    name: str
    files: tuple[Path, ...]


@dataclass
class Timing:
    wall_s: float
    cpu_s: float
    ok: bool


def run(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Timing:
    """Wall time and user+sys of the child and everything it waited for (wait4's rusage)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        print(f"  {Path(command[0]).name} failed ({process.returncode}): {errors.decode(errors='replace')[-400:]}")
    return Timing(wall, usage.ru_utime + usage.ru_stime, process.returncode == 0)


def protoc_command(files: Sequence[str], out: Path) -> list[str]:
    includes = [f"-I{PROTO_ROOT}", f"-I{speed.grpc_tools_include()}"]
    outputs = [f"--python_out={out}", f"--pyi_out={out}", f"--grpc_python_out={out}"]
    return [sys.executable, "-m", "grpc_tools.protoc", *includes, *outputs, *files]


def closure(job: Job, scratch: Path) -> list[str]:
    """Every file of the job and its imports, as protoc names them, minus the well-known types."""
    from google.protobuf import descriptor_pb2

    out = scratch / "closure.binpb"
    includes = [f"-I{PROTO_ROOT}", f"-I{speed.grpc_tools_include()}"]
    names = [path.relative_to(PROTO_ROOT).as_posix() for path in job.files]
    command = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        *includes,
        "--include_imports",
        f"--descriptor_set_out={out}",
    ]
    subprocess.run([*command, *names], check=True, capture_output=True)
    file_set = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    return [file.name for file in file_set.file if not file.name.startswith(WELL_KNOWN)]


def measure_job(job: Job) -> dict[str, Timing]:
    with tempfile.TemporaryDirectory(prefix="contractgen-proto-speed-") as directory:
        scratch = Path(directory)
        names = [path.relative_to(PROTO_ROOT).as_posix() for path in job.files]
        every = closure(job, scratch)
        timings: dict[str, Timing] = {}
        for key, files in (("protoc (closure)", every), ("protoc (given)", names)):
            out = scratch / key.replace(" ", "_")
            out.mkdir()
            timings[key] = run(protoc_command(files, out), scratch)
        cache = scratch / "format-cache"
        cache.mkdir()
        env = {**os.environ, "CONTRACTGEN_CACHE_DIR": str(cache)}
        command = [
            str(CONTRACTGEN),
            "generate",
            *map(str, job.files),
            "-I",
            str(PROTO_ROOT),
        ]
        timings["contractgen"] = run([*command, "--out", str(scratch / "out"), "--package", "svc"], scratch, env)
        timings["files"] = Timing(len(every), len(names), True)  # closure / given counts, not times
    return timings


def jobs_for(set_name: str, n: int, seed: int) -> list[Job]:
    if set_name == "cloud20":
        return [Job("cloud20", speed.google_proto(20).files)]
    if set_name == "corpus":
        return [Job(c.name, c.files) for c in corpus.sample(corpus.proto_contracts(), n, seed)]
    raise SystemExit(f"unknown set {set_name!r}: cloud20 or corpus")


def summarise(set_name: str, rounds: list[list[dict[str, Timing]]]) -> dict[str, object]:
    """Per tool the median over rounds of (summed over jobs) wall and CPU; the ratios."""
    tools = ("contractgen", "protoc (closure)", "protoc (given)")
    totals: dict[str, dict[str, float]] = {}
    for tool in tools:
        walls = [sum(job[tool].wall_s for job in round_) for round_ in rounds]
        cpus = [sum(job[tool].cpu_s for job in round_) for round_ in rounds]
        totals[tool] = {
            "wall_s": statistics.median(walls),
            "cpu_s": statistics.median(cpus),
        }
    first = rounds[0]
    failed = sum(1 for job in first for tool in tools if not job[tool].ok)
    ours, protoc = totals["contractgen"], totals["protoc (closure)"]
    return {
        "set": set_name,
        "jobs": len(first),
        "given_files": int(sum(job["files"].cpu_s for job in first)),
        "closure_files": int(sum(job["files"].wall_s for job in first)),
        "rounds": len(rounds),
        "failed_runs": failed,
        "totals": totals,
        "ratio_wall": ours["wall_s"] / protoc["wall_s"],
        "ratio_cpu": ours["cpu_s"] / protoc["cpu_s"],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sets", default="cloud20,corpus")
    parser.add_argument("--n", type=int, default=20, help="corpus sample size (default 20)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; medians are printed (default 1)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not PROTO_ROOT.is_dir():
        raise SystemExit(f"{PROTO_ROOT} is missing: install the corpora")
    summaries = []
    for set_name in [name.strip() for name in args.sets.split(",") if name.strip()]:
        jobs = jobs_for(set_name, args.n, args.seed)
        rounds = []
        for round_index in range(args.repeat):
            measured = []
            for job in jobs:
                timings = measure_job(job)
                measured.append(timings)
                cells = "  ".join(
                    f"{tool} {timing.wall_s:.2f}s/{timing.cpu_s:.2f}s cpu"
                    for tool, timing in timings.items()
                    if tool != "files"
                )
                print(f"[{set_name} {round_index + 1}] {job.name}: {cells}", flush=True)
            rounds.append(measured)
        summary = summarise(set_name, rounds)
        summaries.append(summary)
        totals = summary["totals"]
        assert isinstance(totals, dict)
        print(
            f"\n{set_name}: {summary['jobs']} job(s), {summary['given_files']} given .proto files, "
            f"{summary['closure_files']} with their imports; median of {summary['rounds']} round(s)"
        )
        for tool, values in totals.items():
            print(f"  {tool:<18} wall {values['wall_s']:7.2f} s   cpu {values['cpu_s']:7.2f} s")
        ratios = f"wall {summary['ratio_wall']:.2f}x   cpu {summary['ratio_cpu']:.2f}x"
        print(f"  contractgen / protoc (closure): {ratios}\n")
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
