"""What happened to the people a number counts, read from the clause around it ('15 (ca 42 %) gått till
arbete eller studier', 'Avslutade under året: 76 deltagare'). Patterns are folded (å/ä→a, ö→o)."""

from __future__ import annotations

import re

from index.lexical import fold

OUTCOMES: tuple[tuple[str, str], ...] = (
    (
        r"(arbete|jobb) (eller|och|/) ?(studier|utbildning)|arbete/studier"
        r"|(studier|utbildning) eller (arbete|jobb)",
        "till arbete eller studier",
    ),
    # 'gick vidare till egen försörjning genom arbete' is work
    (r"egen forsorjning (genom|via|i form av) (arbete|anstallning|jobb)", "till arbete"),
    (r"till egen forsorjning", "till egen försörjning"),  # not "att nå egen försörjning" (the target group)
    (r"sysselsattning", "till sysselsättning"),
    (
        r"\b(till|i) (arbete\b|jobb(et)?\b)|\b(fatt|fick|fa|skaffat) (ett )?(arbete|jobb\b)"
        r"|lonearbete|anstall|\b(borja\w*|paborja\w*) (att )?arbeta\b",
        "till arbete",
    ),
    (
        r"(till|i) studier|studerar|studera|heltidsstudier"
        r"|\b(borja\w*|paborja\w*) (en |sin )?(studier|utbildning)",
        "till studier",
    ),
    (r"sjukersattning|aktivitetsersattning", "till sjuk-/aktivitetsersättning"),
    (r"annan insats", "till annan insats"),
    (r"\bavbr(?:ot|ott|utit|ytit|ots|yter)\b|\bavbrott\w*", "avbrott"),
    (r"avslut|\blamna(de|t|r)\b|\b(skrevs|skrivits) ut\b|\butskriv", "avslutade"),
    # before 'inskrivna': '47 nya deltagare skrevs in' counts the new ones ('den nya inriktningen' is
    # no one)
    (r"\bnya\b(?=\s+(?:deltagar|person|individ|elev|ungdom|kvinn|man\b|inskriv)|\s*$|\s*[,)])", "nya"),
    (r"inskriv|\b(skrevs|skrivits) in\b", "inskrivna"),
    (r"riskgrupp", "i riskgrupp"),
)


def outcome_in(clause: str) -> str | None:
    folded = fold(clause)
    for pattern, measure in OUTCOMES:
        if re.search(pattern, folded):
            return measure
    return None


def outcomes_in(clause: str) -> list[str]:
    """Every outcome a clause names, in the order of OUTCOMES."""
    folded = fold(clause)
    return [measure for pattern, measure in OUTCOMES if re.search(pattern, folded)]


#: Outcomes that say who is counted rather than where they went ('av de avslutade …').
STATUS_OUTCOMES = ("avslutade", "inskrivna", "nya")


def destination_in(clause: str) -> str | None:
    """The outcome a clause asks about, preferring where people went over their status: 'andel av de
    som avslutat … gick till arbete eller studier' → till arbete eller studier."""
    found = outcomes_in(clause)
    if {"till arbete", "till studier"} <= set(found) and re.search(r"\b(eller|och)\b", fold(clause)):
        return "till arbete eller studier"  # 'fick jobb eller började studera': the two together
    return next((o for o in found if o not in STATUS_OUTCOMES), found[0] if found else None)


def outcome_after(text: str, end: int, limit: int | None = None) -> str | None:
    """An outcome named in the clause right after a number, up to the next number."""
    stop = min(end + 90, limit if limit is not None else len(text))
    # a clause of reason or contrast after a comma is about something else: '57 deltagare, eftersom
    # målgruppen avgränsades i samband med den nya inriktningen'
    return outcome_in(re.split(_CLAUSE_END, text[end:stop])[0])


_CLAUSE_END = re.compile(
    r"[.;]|\boch av\b|, varav|,\s*(?:eftersom|då|men|medan|trots|samtidigt|vilket|när)\b", re.IGNORECASE
)


def outcome_before(text: str, start: int) -> str | None:
    """'Avslutade under året: 76 deltagare': an outcome heading the clause the number stands in."""
    return outcome_in(re.split(r"[.;,(]|\boch\b", text[max(0, start - 40) : start])[-1])


# A verb and its particle around the count: 'skrevs 31 deltagare ut', 'har 16 personer skrivits in'.
_SPLIT_VERB = re.compile(r"\b(?:skrevs|skrivits|skrivs|skrev)\s*$", re.IGNORECASE)
_PARTICLE = re.compile(r"^\s+(?:[^\W\d_]+\s+){0,2}?(?:(ut)\b(?!\s+i\b)|(in)\b)", re.IGNORECASE)


# 'Under året fick 9 deltagare arbete': the verb before the number, what was got after the noun
_GOT = re.compile(r"\b(?:fick|fatt|har fatt|hade fatt)\s*$")
_GOT_WHAT = re.compile(r"^\s+(?:[^\W\d_]+\s+){0,2}?(arbete|jobb|anstallning|studieplats|praktik)\b")


def outcome_of_split_verb(text: str, start: int, end: int) -> str | None:
    """'Under året skrevs 31 deltagare ut': the verb before the number, its particle after the noun."""
    if _GOT.search(fold(text[max(0, start - 14) : start])):
        got = _GOT_WHAT.match(fold(text[end : end + 40]))
        if got and got.group(1) != "praktik":
            return "till studier" if got.group(1) == "studieplats" else "till arbete"
    if not _SPLIT_VERB.search(text[max(0, start - 12) : start]):
        return None
    m = _PARTICLE.match(text[end : end + 40])
    if m is None:
        return None
    if m.group(1):
        return "avslutade"
    return "nya" if re.search(r"\bnya\b", m.group(0), re.IGNORECASE) else "inskrivna"  # '122 nya … in'


def outcome_after_paren(text: str, end: int) -> str | None:
    """'15 (ca 42 %) gått till arbete': the outcome follows the closing parenthesis."""
    close = text.find(")", end)
    return outcome_after(text, close + 1) if 0 <= close - end < 16 and "(" in text[end:close] else None
