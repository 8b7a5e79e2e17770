"""The figures table: the figures that bear on the question first, then at most a handful more of the
same names and periods, and the checks among them that fail."""

from __future__ import annotations

from assistant.answering.checks import checks_for
from assistant.answering.models import Ask, FigureOut
from assistant.answering.operands import Pool, admissible, ranked
from assistant.answering.operations import Result, stated

MORE = 5


def select_figures(ask: Ask, pool: Pool, result: Result, few: bool = False) -> list[FigureOut]:
    out = list(result.lead)
    seen = {(f.value, f.sources[0].quote if f.sources else "") for f in out}
    for f in result.operands:
        key = (f.value, f.sentence)
        if key not in seen:
            out.append(stated(f))
            seen.add(key)
    retrieved = [f for f in pool.figures if pool.rank_of(f) < 99 and admissible(f, ask, pool=pool)]
    more = 0
    for f in ranked(retrieved, ask, pool):
        if more >= (2 if few else MORE):
            break
        key = (f.value, f.sentence)
        if key in seen:
            continue
        out.append(stated(f))
        seen.add(key)
        more += 1
    if ask.operation != "check":
        out += [c for c in checks_for(retrieved) if c.ok is False and c not in out][:2]
    return out
