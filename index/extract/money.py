"""What an amount of money is, from the words before it in its sentence (folded regexes)."""

from __future__ import annotations

import re

from index.lexical import fold

MONEY_MEASURES: tuple[tuple[str, str], ...] = (
    (r"eget kapital|egna kapitalet", "eget kapital"),
    (r"underskott|overskott|minusresultat|resultat", "resultat"),
    (r"tilldelning|medlemsavgift|medlemmarna|bidrag", "tilldelning"),
    (r"budgeter|budget", "budget"),
    (r"bevilja", "beviljat"),
    (r"kostnad|bedrivit verksamhet|utfall", "kostnad"),
    (r"intakt", "intäkter"),
    (r"satsning|medel|uppgar", "belopp"),
)


def money_measure(sentence_before: str) -> str:
    """What an amount is, from the words before it in its sentence, by the priority of MONEY_MEASURES —
    except that of 'eget kapital' and 'resultat' the one nearer the amount wins, the equity only when a
    value verb links it to the amount ('… det egna kapitalet uppgår till 2 497 180 kr' is the equity;
    'ett planerat underskott … avseende det egna kapitalet enligt … ca 1 200 000 kr' is a result).
    'minskat/ökat med' makes it a change."""
    folded = fold(sentence_before)
    # 'Kostnaderna uppgick till 5 090 550 kr' under the heading 'Resultat': the subject of the value verb
    # right before the amount says what it is, whatever else the sentence names before it
    said = _SUBJECT_OF_VALUE.search(folded.rstrip() + " ")
    if said:
        # the measure word nearest the verb: 'Förbundets intäkter uppgick' under the heading 'Resultat'
        ends = {
            m: max(x.end() for x in re.finditer(p, said.group(1)))
            for p, m in MONEY_MEASURES
            if re.search(p, said.group(1))
        }
        if ends:
            return _as_change(folded, max(ends, key=lambda m: ends[m]))
    last: dict[str, int] = {}
    for pattern, measure in MONEY_MEASURES:
        for match in re.finditer(pattern, folded):
            last[measure] = max(last.get(measure, -1), match.end())
    if not last:
        return "belopp"
    measure = next(m for _, m in MONEY_MEASURES if m in last)
    if {"eget kapital", "resultat"} <= last.keys():
        measure = max(("eget kapital", "resultat"), key=lambda m: last[m])
        # "på" is also written "pd" by OCR in texts not (yet) repaired
        after = folded[last["eget kapital"] :]
        # 'Efter årets underskott var det egna kapitalet 1 376 200 kr': the equity right before its amount
        linked = re.search(r"\b(uppgar|uppgick|ar|var|blev|till|pa|pd)\b", after) or not after.strip()
        if measure == "eget kapital" and not linked:
            measure = "resultat"  # "underskott … avseende det egna kapitalet enligt … ca 1 200 000 kr"
    return _as_change(folded, measure)


_SUBJECT_OF_VALUE = re.compile(
    r"(?:^|[,;:.]\s*|\b)((?:\w+ ){0,2}\w+) (?:uppgick|uppgar|uppgatt|landade|hamnade|slutade)"
    r" (?:pa |till |pa totalt |till totalt |till sammanlagt |till ca |till cirka )?$"
)


def _as_change(folded: str, measure: str) -> str:
    """'minskat/ökat med': the amount is a change of the measure."""
    if re.search(r"(minskat|okat|minskade|okade) med\s*$", folded[-40:].strip() + " ") or re.search(
        r"(minskat|okat|minskade|okade) med[^.]{0,15}$", folded
    ):
        return f"förändring {measure}"
    return measure
