"""A figure's own words: the phrase that says what its number counts.

In running text that is the clause around the number, from the previous number (or the clause's start)
to the next one: '34 personer deltagit i Jobbspåret', 'genomsnittliga tiden i insatsen … var 6 mån'. In a
list line ('Sandvik kommun 480 tkr') it is the line's label; in a table row it is the row label and the
column header. Answers match a question's words against this phrase, so no vocabulary decides what a
number may be about.
"""

from __future__ import annotations

import re

from index.models import NumberMention

_CLAUSE_START = re.compile(r"[.;:!?]\s|\(|\bvarav\b|\bdärav\b|, (?=[a-zåäö])")
MAX_BEFORE = 80
MAX_AFTER = 90


def phrase_of(
    sentence: str, mention: NumberMention, previous: NumberMention | None, following: NumberMention | None
) -> str:
    """The words of `sentence` that belong to `mention`: back to the previous number or the clause start,
    forward to the next number or the clause end."""
    lo = max(0, mention.start - MAX_BEFORE, previous.end if previous else 0)
    head = sentence[lo : mention.start]
    cut = [m.end() for m in _CLAUSE_START.finditer(head)]
    if cut and previous is None:
        head = head[cut[-1] :]
    hi = min(len(sentence), mention.end + MAX_AFTER, following.start if following else len(sentence))
    tail = sentence[mention.end : hi]
    tail = re.split(r"[.;!?](?:\s|$)", tail)[0]
    return " ".join(f"{head}{mention.raw}{tail}".split()).strip(" ,:(")


def row_phrase(label: str, column: str) -> str:
    return f"{label} {column}".strip()
