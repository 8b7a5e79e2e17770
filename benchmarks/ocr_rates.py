"""Unknown-word rates per report and per page, and what OCR repair changes: the numbers behind OCR_THRESHOLD.

    .venv/bin/python benchmarks/ocr_rates.py [corpus_dir] [--repair]

Rates are measured on normalised text (hyphenated words re-joined), as `clean_report` sees it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.clean import clean_report, normalize, page_spans, page_starts
from index.lexicon import SwedishLexicon
from index.load import load_report
from index.ocr import OCR_THRESHOLD, PAGE_MIN_WORDS, assess
from index.textmap import MappedText


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=Path("corpus"))
    parser.add_argument("--repair", action="store_true", help="also run clean_report and count repairs")
    args = parser.parse_args()

    lexicon = SwedishLexicon()
    start = time.perf_counter()
    lexicon.has_hunspell  # noqa: B018  # load hunspell up front so its cost is not charged to a report
    print(f"hunspell loaded: {lexicon.has_hunspell} ({time.perf_counter() - start:.1f} s)")
    print(f"threshold {OCR_THRESHOLD}, pages judged from {PAGE_MIN_WORDS} words\n")
    header = (
        f"{'report':<44} {'words':>6} {'unkn':>5} {'rate':>6} {'pages':>5} {'judged':>6} "
        f"{'min':>6} {'median':>6} {'max':>6} {'flag':>4}"
    )
    print(header)
    print("-" * len(header))
    for path in sorted(args.corpus.glob("*.txt")):
        loaded = load_report(path)
        raw = "\f".join(page.text for page in loaded.pages)
        text = normalize(MappedText.identity(raw), lexicon).text
        doc = assess(text, lexicon)
        starts = page_starts(text, [page.number for page in loaded.pages])
        pages = [assess(text[a:b], lexicon) for a, b in page_spans(text, starts)]
        judged = [p.unknown_rate for p in pages if p.words >= PAGE_MIN_WORDS]
        flagged = sum(rate > OCR_THRESHOLD for rate in judged)
        print(
            f"{path.stem[:44]:<44} {doc.words:>6} {doc.unknown:>5} {doc.unknown_rate:>6.3f} "
            f"{len(pages):>5} {len(judged):>6} {min(judged):>6.3f} {statistics.median(judged):>6.3f} "
            f"{max(judged):>6.3f} {flagged:>4}"
        )
        if args.repair:
            begin = time.perf_counter()
            cleaned = clean_report(loaded, lexicon)
            seconds = time.perf_counter() - begin
            print(
                f"    clean_report: damaged={cleaned.ocr.damaged} repaired_words={cleaned.repaired_words} "
                f"in {seconds:.1f} s"
            )


if __name__ == "__main__":
    main()
