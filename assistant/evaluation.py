"""Score retrieval against gold quotes (rules of shared/eval/README.md): recall@1, recall@5, MRR per kind."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

_MATCH_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e"})
FUZZY_MIN = 90


class GoldFigure(BaseModel):
    value: float
    unit: str


class EvalQuestion(BaseModel):
    id: str
    question: str
    kind: str
    doc: str | list[str] | None = None
    gold_quotes: list[str] = Field(default_factory=list)
    answer: str | list[str] | None = None
    """The expected answer; a list question's may be the list of names."""
    figure: GoldFigure | None = None
    notes: str | None = None

    @property
    def answerable(self) -> bool:
        return self.kind != "not_in_corpus"


def fold_for_match(text: str) -> str:
    """Lowercase, fold å/ä→a, ö→o, é→e, keep letters and digits, collapse spaces."""
    text = text.lower().translate(_MATCH_FOLD)
    return " ".join(re.sub(r"[^\w]|_", " ", text).split())


def contains_quote(passage: str, quote: str) -> bool:
    from rapidfuzz import fuzz

    p, q = fold_for_match(passage), fold_for_match(quote)
    if not q:
        return False
    return q in p or fuzz.partial_ratio(q, p) >= FUZZY_MIN


def first_hit_rank(passages: Sequence[str], quotes: Sequence[str]) -> int | None:
    """1-based rank of the first passage containing any gold quote."""
    for rank, text in enumerate(passages, start=1):
        if any(contains_quote(text, q) for q in quotes):
            return rank
    return None


@dataclass
class Tally:
    n: int = 0
    at1: int = 0
    at5: int = 0
    rr: float = 0.0

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None:
            self.at1 += rank == 1
            self.at5 += rank <= 5
            self.rr += 1.0 / rank

    def row(self) -> dict[str, float]:
        n = self.n or 1
        return {"n": self.n, "recall@1": self.at1 / n, "recall@5": self.at5 / n, "mrr": self.rr / n}


def figure_matches(figure, gold: GoldFigure, kind: str) -> bool:
    """The scoring rule of shared/eval/README.md: exact for counts and kronor, within 0.1 for percentages;
    for inconsistency questions only a failed check showing the discrepancy counts."""
    if kind == "inconsistency":
        return figure.kind == "check" and figure.ok is False and abs(figure.value - gold.value) <= 0.1 + 1e-9
    if gold.unit == "procent":
        return abs(figure.value - gold.value) <= 0.1 + 1e-9
    return figure.value == gold.value


@dataclass
class FigureTally:
    n: int = 0
    first: int = 0
    any: int = 0

    def add(self, figures: Sequence, gold: GoldFigure, kind: str) -> None:
        self.n += 1
        self.first += bool(figures) and figure_matches(figures[0], gold, kind)
        self.any += any(figure_matches(f, gold, kind) for f in figures)


@dataclass
class ModeReport:
    mode: str
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    overall: Tally = field(default_factory=Tally)
    supported_right: int = 0
    supported_total: int = 0
    misses: list[str] = field(default_factory=list)
    figures_by_kind: dict[str, FigureTally] = field(default_factory=lambda: defaultdict(FigureTally))
    figures_overall: FigureTally = field(default_factory=FigureTally)
    figure_misses: list[str] = field(default_factory=list)
    unanswerable: int = 0
    unanswerable_right: int = 0
    """Unanswerable questions answered `supported: false` ("finns inte")."""
    answerable: int = 0
    false_not_found: int = 0
    """Answerable questions wrongly answered `supported: false`."""

    def false_not_found_rate(self) -> float:
        return self.false_not_found / self.answerable if self.answerable else 0.0


class QuestionFileError(ValueError):
    """A questions file that is not JSON Lines of the eval schema: the file and line are named."""


def load_questions(path: Path) -> list[EvalQuestion]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise QuestionFileError(f"{path}: kan inte läsas som UTF-8-text ({err})") from err
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            questions.append(EvalQuestion.model_validate(json.loads(line)))
        except json.JSONDecodeError as err:
            raise QuestionFileError(f"{path}, rad {number}: inte giltig JSON ({err.msg})") from err
        except ValidationError as err:
            fields = ", ".join(".".join(map(str, e["loc"])) or "raden" for e in err.errors())
            raise QuestionFileError(f"{path}, rad {number}: fel i fält {fields}") from err
    return questions


@dataclass
class Outcome:
    """What one question returned: passage texts in rank order, the supported flag, and the figures."""

    texts: list[str]
    supported: bool
    figures: list = field(default_factory=list)


def evaluate(
    questions: Iterable[EvalQuestion], ask: Callable[[str, str], Outcome], modes: Sequence[str]
) -> list[ModeReport]:
    reports = {m: ModeReport(m) for m in modes}
    for q in questions:
        for mode in modes:
            outcome = ask(q.question, mode)
            texts, supported = outcome.texts, outcome.supported
            report = reports[mode]
            report.supported_total += 1
            report.supported_right += supported == q.answerable
            if q.figure is not None:
                report.figures_by_kind[q.kind].add(outcome.figures, q.figure, q.kind)
                report.figures_overall.add(outcome.figures, q.figure, q.kind)
                if not (outcome.figures and figure_matches(outcome.figures[0], q.figure, q.kind)):
                    report.figure_misses.append(q.id)
            if not q.answerable:
                report.unanswerable += 1
                report.unanswerable_right += not supported
                continue
            report.answerable += 1
            report.false_not_found += not supported
            rank = first_hit_rank(texts[:5], q.gold_quotes)
            report.by_kind[q.kind].add(rank)
            report.overall.add(rank)
            if rank is None:
                report.misses.append(q.id)
    return list(reports.values())
