"""Question → operation → operands → answer, from mechanisms rather than lists of questions.

`parse` reads the question as an operation and constraints, `operands` finds and ranks the figures that
may answer it by similarity of their own words, `operations` computes (arithmetic in `assistant.compute`),
`checks` tests that a report's figures add up, `evidence` decides whether the reports answer at all,
`compose` writes the answer line and `select` the figures table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answering import operations as ops
from assistant.answering.compose import NOT_FOUND, answer_line, not_found_line
from assistant.answering.evidence import judge
from assistant.answering.models import Answered, Ask, FigureOut, Source, Verdict
from assistant.answering.operands import Pool, meets_names
from assistant.answering.operations import PassageText
from assistant.answering.parse import parse_ask
from assistant.answering.select import select_figures
from index.models import Figure

__all__ = [
    "NOT_FOUND",
    "Answered",
    "Ask",
    "FigureOut",
    "PassageText",
    "Source",
    "Verdict",
    "answer",
    "parse_ask",
]

_COMPUTE = {
    "lookup": ops.lookup,
    "share": ops.share,
    "change": ops.change,
    "difference": ops.change,
    "sum": ops.total,
    "per_unit": ops.per_unit,
    "overrun": ops.overrun,
    "budget_used": ops.budget_used,
    "check": ops.check,
}


def build_pool(
    ask: Ask,
    ranked_chunks: Sequence[str],
    by_chunk: dict[str, list[Figure]],
    everything: Sequence[Figure],
    top_orgs: Sequence[str],
    texts: dict[str, str] | None = None,
) -> Pool:
    """The retrieved passages' figures, then the same organisations' figures that meet the question's
    names (a change between years, a budget row or a count stated in another report)."""
    rank = {c: i for i, c in enumerate(ranked_chunks)}
    figures = [f for c in ranked_chunks for f in by_chunk.get(c, [])]
    orgs = set(ask.organisations or top_orgs)
    if ask.names or ask.operation not in ("lookup", "check"):
        seen = {f.figure_id for f in figures}
        figures += [
            f
            for f in everything
            if f.organisation in orgs
            and f.figure_id not in seen
            and (not ask.names or any(meets_names(f, one) for one in _name_sets(ask)))
        ]
    return Pool(figures, rank, texts)


def _name_sets(ask: Ask) -> list[tuple[str, ...]]:
    """The names a figure from outside the retrieved passages must meet: all of them, or any one for a
    difference between two insatser (each one's own figure)."""
    if ask.operation in ("change", "difference") and len(ask.names) >= 2:
        return [(n,) for n in ask.names]
    return [tuple(ask.names)]


def compute(ask: Ask, pool: Pool, stems: set[str], passages: Sequence[PassageText]) -> ops.Result:
    if ask.operation == "when":
        return ops.year_of_event(ask, stems, passages)
    if ask.operation == "list":
        return ops.list_items(ask, pool, stems, passages)
    result = _COMPUTE[ask.operation](ask, pool)
    if not result.lead and ask.operation not in ("lookup", "check"):
        result = ops.lookup(ask, pool)  # nothing to compute from: the stated figure that fits best
    return result


def answer(
    ask: Ask,
    ranked_chunks: Sequence[str],
    by_chunk: dict[str, list[Figure]],
    everything: Sequence[Figure],
    passages: Sequence[PassageText],
    top_orgs: Sequence[str],
    covered_years: set[int],
    passages_answer: bool,
    stems: set[str],
    cite_source: Callable[[Source], str],
) -> Answered:
    chunk_texts = {c: f"{p.section}\n{p.text}" for c, p in zip(ranked_chunks, passages, strict=False)}
    pool = build_pool(ask, ranked_chunks, by_chunk, everything, top_orgs, chunk_texts)
    result = compute(ask, pool, stems, passages)
    texts = [p.text for p in passages]

    def relaxed(loose: Ask) -> list[FigureOut]:
        return compute(
            loose,
            build_pool(loose, ranked_chunks, by_chunk, everything, top_orgs, chunk_texts),
            stems,
            passages,
        ).lead

    verdict = judge(ask, pool, result.lead, texts, covered_years, passages_answer, relaxed)
    figures = (
        select_figures(ask, pool, result)
        if verdict.supported
        else select_figures(ask, pool, result, few=True)
    )
    if verdict.supported and result.lead and ask.asks_value:
        line = answer_line(result.lead[0], cite_source)
    elif verdict.supported and result.lead and ask.operation in ("list", "when") and result.lead[0].sources:
        line = result.lead[0].sources[0].quote  # the sentence that enumerates or dates what was asked
    elif not verdict.supported:
        line = not_found_line(verdict, cite_source)
    else:
        line = ""
    return Answered(figures=figures, verdict=verdict, line=line)
