"""Warm answer latency on an existing index: what each line of `finsam ask --json < fragor.txt` costs once
the model and index are loaded (retrieval, figures computed and checked, the "finns inte" decision).

    FINSAM_DATA_DIR=... .venv/bin/python benchmarks/bench_answers.py ../shared/eval/dev.jsonl [--repeat 3]

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import percentile, warm_latencies  # noqa: E402

from index.settings import Settings, set_offline_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    set_offline_environment()
    settings = Settings()
    from assistant.engine import Engine
    from index.embed import load_embedder

    engine = Engine(settings, load_embedder(settings))
    questions = [
        json.loads(line)["question"]
        for path in args.files
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    latencies = warm_latencies(engine, questions, args.repeat)
    print(
        f"warm answer latency over {len(questions)} questions × {args.repeat}: "
        f"p50 {percentile(latencies, 0.5):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
        f"mean {statistics.mean(latencies):.1f} ms, max {max(latencies):.1f} ms"
    )


if __name__ == "__main__":
    main()
