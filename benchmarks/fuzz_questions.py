"""Fuzz the question path: thousands of generated questions through follow-up resolution and Engine.ask.

    .venv/bin/python benchmarks/fuzz_questions.py [--count 10000] [--seed 0] [--fake] [--show 5]
        [--torch-threads 1]

Questions are generated deterministically from the seed: Swedish templates × subjects × organisations ×
years, with noise (typos, stripped å/ä/ö, random unicode incl. control and bidi characters, Rich/Textual
markup, SQL- and path-looking fragments, very long and very short questions). Each question is first
resolved as a follow-up of the previous one (as the chat UI does), then asked.

The index: FINSAM_DATA_DIR's live index with its model when there is one (the real e5 model on the real
index), else (or with --fake) a fake-embedder index of the shipped corpus built in a temporary folder.

A refusal (QuestionRejected) is the expected outcome exactly when the cleaned question is empty or longer
than `max_question_chars`; any other exception, a refusal of a valid question, an accepted invalid one or an
answer that does not serialise to JSON counts as a crash. Prints count, crashes, time and latency p50/p95;
exits 1 if anything crashed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import traceback
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from assistant.followup import Context, context_from, resolve_followup  # noqa: E402
from assistant.question import QuestionRejected, clean_question  # noqa: E402
from assistant.results import Answer  # noqa: E402
from index.settings import Settings, set_offline_environment  # noqa: E402

TEMPLATES = [
    "Hur många deltagare hade {subject} {year}?",
    "Hur många deltagare hade {subject} under {year}?",
    "Hur stor andel av deltagarna i {subject} gick till arbete {year}?",
    "Hur många kvinnor och män deltog i {subject} {year}?",
    "Hur många gick vidare till studier från {subject}?",
    "Vilket resultat redovisade {org} för {year}?",
    "Hur stort var det egna kapitalet i {org} {year}?",
    "Hur mycket pengar fick {subject} {year}?",
    "Vilken budget hade {subject} {year}?",
    "Stämmer siffrorna för {subject} {year}?",
    "Hur förändrades antalet deltagare i {subject} mellan {year} och {year2}?",
    "Hur många deltagare hade insatserna sammanlagt {year}?",
    "Vilka är huvudmän i {org}?",
    "Vad är målgruppen för {subject}?",
    "Vem är förbundschef i {org}?",
    "Vad står det i delårsrapporten om {subject}?",
    "Vad säger verksamhetsplanen för {year} om {subject}?",
    "{subject} {year}",
    "{subject}",
    # follow-ups: resolved against the previous question's context
    "och {year}?",
    "och i {place}?",
    "och {subject}?",
    "hur många var kvinnor?",
    "hur många av dem fick arbete?",
    "jämfört med året innan?",
    "jämfört med {year2}?",
    "{year} då?",
]
SUBJECTS = [
    "Arbetsmarknadstorget",
    "AMT",
    "Arbetsmarknadstorget (AMT)",
    "ESF-projektet MoA",
    "MoA i Älvsbyn",
    "Tidsam",
    "unga vuxna",
    "Plattform Arenan",
    "Fokus Långa sjukfall",
    "samordningsförbundet",
    "förbundet",
    "styrelsen",
    "Betainsatsen",
    "projektet",
    "insatsen",
]
ORGANISATIONS = [
    "Samordningsförbundet Skellefteå-Norsjö",
    "Samordningsförbundet Södra Norrbotten",
    "Skellefteå-Norsjö",
    "Södra Norrbotten",
    "Samordningsförbundet Okänd",
]
PLACES = ["Piteå", "Älvsbyn", "Skellefteå", "Norsjö", "Luleå", "Kiruna"]
FRAGMENTS = [
    "[bold]",
    "[/bold]",
    "[link=http://evil]",
    "[/]",
    "[@click=app.quit]",
    "[[",
    "]]",
    "'; DROP TABLE chunks; --",
    "' OR '1'='1",
    '{"$ne": null}',
    "../../etc/passwd",
    "C:\\Windows\\System32",
    "%s%n{0}",
    "$(id)",
    "\x1b[31m",
    "\x1b]8;;http://evil\x07",
    "\x00",
    "\r",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\u0301",
]
# Code point ranges noise is drawn from: controls, Latin, combining marks, bidi/format, CJK, emoji, private
# use, and the odd non-character.
UNICODE_RANGES = [
    (0x00, 0x1F),
    (0x7F, 0x9F),
    (0x20, 0x7E),
    (0xC0, 0x17F),
    (0x300, 0x36F),
    (0x400, 0x4FF),
    (0x600, 0x6FF),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2066, 0x2069),
    (0x4E00, 0x4E80),
    (0x1F300, 0x1F64F),
    (0xE000, 0xE010),
    (0xFFF0, 0xFFFF),
]
_FOLD = str.maketrans("åäöÅÄÖé", "aaoAAOe")


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 2:
        return text
    i = rng.randrange(len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # swap two letters
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:  # drop one
        return text[:i] + text[i + 1 :]
    if kind == 2:  # double one
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice("abcdefghijklmnopqrstuvwxyzåäö") + text[i + 1 :]


def _random_unicode(rng: random.Random, size: int) -> str:
    chars = []
    for _ in range(size):
        lo, hi = rng.choice(UNICODE_RANGES)
        chars.append(chr(rng.randint(lo, hi)))
    return "".join(chars)


def _insert(rng: random.Random, text: str, piece: str) -> str:
    at = rng.randint(0, len(text))
    return text[:at] + piece + text[at:]


def generate_questions(seed: int, count: int, max_chars: int = 2000) -> Iterator[str]:
    """`count` questions, the same for the same seed."""
    rng = random.Random(seed)
    for _ in range(count):
        year = rng.randint(1995, 2030)
        text = rng.choice(TEMPLATES).format(
            subject=rng.choice(SUBJECTS),
            org=rng.choice(ORGANISATIONS),
            year=year,
            year2=year + rng.choice([-2, -1, 1, 3]),
            place=rng.choice(PLACES),
        )
        roll = rng.random()
        if roll < 0.02:
            text = rng.choice(["", " ", "\t\n", "?", "a", "å", "\x00", "\u202e", "2017"])
        elif roll < 0.04:  # very long: around the limit and far beyond it
            size = rng.choice([max_chars - 5, max_chars, max_chars + 1, 5 * max_chars, 50 * max_chars])
            text = (text + " ") * (size // (len(text) + 1) + 1)
            text = text[:size]
        elif roll < 0.05:
            text = _random_unicode(rng, rng.randint(1, 200))
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            noise = rng.randrange(6)
            if noise == 0:
                text = _typo(rng, text)
            elif noise == 1:
                text = text.translate(_FOLD)  # typed without å/ä/ö
            elif noise == 2:
                text = _insert(rng, text, _random_unicode(rng, rng.randint(1, 6)))
            elif noise == 3:
                text = _insert(rng, text, rng.choice(FRAGMENTS))
            elif noise == 4:
                text = rng.choice([str.lower, str.upper, str.title, str.swapcase])(text)
            else:
                text = unicodedata.normalize(rng.choice(["NFD", "NFKD", "NFC"]), text)
        yield text


@dataclass
class Crash:
    question: str
    error: str
    trace: str


@dataclass
class FuzzResult:
    count: int = 0
    answered: int = 0
    refused: int = 0
    supported: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    crashes: list[Crash] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def summary(self) -> dict:
        kinds = Counter(c.error.split(":")[0] for c in self.crashes)
        return {
            "questions": self.count,
            "answered": self.answered,
            "refused": self.refused,
            "supported": self.supported,
            "crashes": len(self.crashes),
            "crash_kinds": dict(kinds),
            "seconds": round(self.seconds, 1),
            "p50_ms": round(1000 * self.percentile(0.5), 1),
            "p95_ms": round(1000 * self.percentile(0.95), 1),
            "mean_ms": round(1000 * statistics.fmean(self.latencies), 1) if self.latencies else 0.0,
        }


def _check(question: str, answer: Answer, max_chars: int) -> str | None:
    """Why an answer is wrong in shape, or None."""
    cleaned = clean_question(question)
    if not cleaned or len(cleaned) > max_chars:
        return f"accepted an invalid question ({len(cleaned)} characters after cleaning)"
    if not isinstance(answer, Answer):
        return f"answer is {type(answer).__name__}, not Answer"
    json.dumps(answer.model_dump(), ensure_ascii=False).encode("utf-8")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in answer.question):
        return "control or format characters in answer.question"
    return None


def fuzz(engine, questions: Iterator[str], progress_every: int = 0) -> FuzzResult:
    """Ask each question as the chat UI does (resolved against the previous context); record everything."""
    result = FuzzResult()
    limit = engine.settings.max_question_chars
    context: Context | None = None
    started = time.perf_counter()
    for typed in questions:
        result.count += 1
        t0 = time.perf_counter()
        try:
            text = resolve_followup(typed, context).text
            try:
                answer = engine.ask(text)
            except QuestionRejected:
                cleaned = clean_question(text)
                if cleaned and len(cleaned) <= limit:
                    raise
                result.refused += 1
                context = None
                continue
            problem = _check(text, answer, limit)
            if problem:
                raise AssertionError(problem)
            understood = engine.understand(text)
            context = context_from(understood, answer, engine.subjects_in(understood))
            result.answered += 1
            result.supported += answer.supported
        except Exception as exc:  # the fuzz run's whole point: record every failure, go on
            result.crashes.append(Crash(typed, f"{type(exc).__name__}: {exc}"[:300], traceback.format_exc()))
            context = None
        finally:
            result.latencies.append(time.perf_counter() - t0)
        if progress_every and result.count % progress_every == 0:
            print(f"  {result.count} frågor, {len(result.crashes)} krascher", file=sys.stderr, flush=True)
    result.seconds = time.perf_counter() - started
    return result


def fake_corpus_engine(data_dir: Path, corpus_dir: Path = REPO / "corpus"):
    """An Engine on a fake-embedder index of `corpus_dir`, built in `data_dir` (reused when current)."""
    from assistant.engine import Engine
    from index.embed import FakeEmbedder
    from index.pipeline import build_index, rebuild_reason

    settings = Settings(corpus_dir=corpus_dir, data_dir=data_dir, model="fake")
    if rebuild_reason(settings):
        build_index(settings, FakeEmbedder())
    return Engine(settings, FakeEmbedder())


def _engine(force_fake: bool):
    from index.generations import current_generation

    if not force_fake and os.environ.get("FINSAM_DATA_DIR"):
        settings = Settings()
        if current_generation(settings.index_dir) is not None:
            from assistant.engine import Engine
            from index.embed import load_embedder

            return Engine(settings, load_embedder(settings)), f"{settings.data_dir} ({settings.model})"
    folder = Path(tempfile.mkdtemp(prefix="finsam-fuzz-"))
    return fake_corpus_engine(folder), f"{folder} (fake embedder, shipped corpus)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--fake", action="store_true", help="fake-embedder index even if FINSAM_DATA_DIR has one"
    )
    parser.add_argument("--show", type=int, default=5, help="crashes to print with their traceback")
    parser.add_argument(
        "--torch-threads", type=int, help="torch CPU threads (1 is fastest on a busy machine)"
    )
    args = parser.parse_args()
    set_offline_environment()
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)

    t0 = time.perf_counter()
    engine, where = _engine(args.fake)
    engine.ask("Hur många deltagare hade Arbetsmarknadstorget 2017?")  # warm: model, reader, lexicon
    print(f"index: {where}; ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    questions = generate_questions(args.seed, args.count, engine.settings.max_question_chars)
    result = fuzz(engine, questions, progress_every=max(1, args.count // 20))
    summary = result.summary()
    print(json.dumps({"seed": args.seed, "index": where, **summary}, ensure_ascii=False))
    for crash in result.crashes[: args.show]:
        print(f"\n--- {crash.question[:200]!r}\n{crash.trace}", file=sys.stderr)
    sys.exit(1 if result.crashes else 0)


if __name__ == "__main__":
    main()
