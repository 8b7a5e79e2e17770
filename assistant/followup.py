"""Follow-up questions: a short question that leans on the one before ("och 2016?", "och i Piteå?",
"hur många var kvinnor?", "jämfört med året innan?") is rewritten into a whole question before it reaches
the engine, which answers each question on its own. Pure: no Textual, no index."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.question import Question
from assistant.results import Answer, Filters
from index.lexical import fold

MAX_FOLLOWUP_WORDS = 7
"""Longer questions carry their own subject and topic, whatever their first word."""

# Matched on folded text (lowercase, å/ä/ö → a/a/o): `fold` maps one character to one, so spans carry over.
_OPENER = re.compile(r"^\s*(och|an|men|samt|ocksa|aven|hur (ar|var) det (med|for)|vad sags om)\b[\s,]*")
_TRAILER = re.compile(r"[\s,]*\b(da|da da|ocksa|aven)?\s*[?.!]*\s*$")
# "det"/"den" only last: "hur stort var det egna kapitalet?" is a question of its own.
_BACK_REFERENCE = re.compile(r"\b(dem|dessa|dar|deras|samma)\b|\b(det|den|de)$")
_SUBGROUP = re.compile(
    r"^hur (manga|stor andel)( av (dem|dessa|deltagarna))? (var|blev|gick|fick|kom|hade)\b"
)
_QUESTION_WORD = re.compile(r"^(hur|vad|vilk|nar|varfor|finns|fanns|hade|har)\b")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_YEAR_SPAN = re.compile(
    r"(?:\b(?:under|for|ar|i|mellan)\s+)?(?<!\d)(?:19|20)\d\d(?!\d)(?:\s*(?:och|–|-)\s*(?:19|20)\d\d(?!\d))*"
)
_ONLY_YEARS = re.compile(r"^(?:(?:under|for|ar|i)\s+)?(?:19|20)\d\d(?:\s*(?:och|–|-)\s*(?:19|20)\d\d)*$")
_COMPARED = re.compile(
    r"^(?:jamfort med|jamfort mot|mot|an)\s+(?:(?P<before>aret innan|aret fore|foregaende ar|forra aret)"
    r"|(?P<after>aret efter|aret darpa|nasta ar)|(?:ar\s+)?(?P<year>(?:19|20)\d\d))$"
)
_PLACE = re.compile(r"^(?:(?P<prep>i|for|pa|hos|inom)\s+)?(?P<name>\S.*)$")
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-ZÅÄÖ][\w-]*(?:\s+[A-ZÅÄÖ][\w-]*)*")
_PREP_NAME = re.compile(r"\b(?:i|för|på|hos|inom)\s+[A-ZÅÄÖ][\w-]*(?:\s+[A-ZÅÄÖ][\w-]*)*")


@dataclass(frozen=True)
class Context:
    """What the last question was about, for the next question to lean on."""

    question: str
    """The whole question last sent to the engine (already rewritten if it was a follow-up)."""
    subject: str | None
    topic: str
    """The last question without its organisation (`Question.topic_text`)."""
    measure: str | None
    """What the answer's first figure measures ('deltagare'), if it had figures."""
    years: tuple[int, ...] = ()
    filters: Filters | None = None

    def label(self) -> str:
        """'Arbetsmarknadstorget (AMT), 2017', for the status line."""
        parts = [self.subject or _shorten(self.topic)]
        if self.years:
            parts.append(" och ".join(str(y) for y in self.years))
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Resolved:
    text: str
    """The question to send to the engine."""
    followup: bool
    original: str
    """The question as typed."""

    @property
    def rewritten(self) -> bool:
        return self.text != self.original


def context_from(
    question: Question, answer: Answer, subjects: Sequence[str] = (), filters: Filters | None = None
) -> Context:
    """The context a question and its answer leave. `subjects` are the registry subjects the question names
    (`Engine.subjects_in`); without them, its organisation or the first name written in it."""
    names = _names(question.text)
    subject = (
        next(iter(subjects), None) or next(iter(question.organisations), None) or next(iter(names), None)
    )
    measure = answer.figures[0].measure if answer.figures else None
    return Context(question.text, subject, question.topic_text, measure, tuple(question.years), filters)


def resolve_followup(text: str, context: Context | None) -> Resolved:
    """The question to ask: `text` itself, or, when it is a follow-up, `text` combined with `context`."""
    typed = text.strip()
    if context is None:
        return Resolved(typed, False, typed)
    body = _body(typed)
    if body is None:
        return Resolved(typed, False, typed)
    return Resolved(_rewrite(body, context), True, typed)


def _body(text: str) -> str | None:
    """What a follow-up adds, without its 'och …'/'… då?' (original case); None for a full question."""
    folded = fold(text)
    if len(re.findall(r"\w+", folded)) > MAX_FOLLOWUP_WORDS:
        return None
    opener = _OPENER.match(folded)
    start = opener.end() if opener else 0
    trailer = _TRAILER.search(folded, start)
    end = trailer.start() if trailer else len(folded)
    refers_back = bool(opener) or bool(trailer and trailer.group(1))
    body, folded_body = text[start:end].strip(), folded[start:end].strip()
    if not body:
        return None
    if refers_back:
        # "Och hur många deltagare hade Betainsatsen?" is a new question that happens to start with "och".
        own_question = _QUESTION_WORD.match(folded_body) and _names(body)
        return None if own_question else body
    if _names(text):
        return None
    # Without an opener, only a comparison, a bare year, or a question that points back ("av dem", "det",
    # "hur många var …" with no noun of its own) leans on the last one.
    leans = (
        _COMPARED.match(folded_body)
        or _ONLY_YEARS.match(folded_body)
        or _SUBGROUP.match(folded_body)
        or _BACK_REFERENCE.search(folded_body)
    )
    return body if leans else None


def _rewrite(body: str, context: Context) -> str:
    folded = fold(body)
    compared = _COMPARED.match(folded)
    if compared and (context.years or compared.group("year")):
        return _compared(context, compared)
    if compared:  # "jämfört med året innan" after a question without a year: nothing to count from
        return f"{_ending_removed(context.question)} {body}?"
    if _ONLY_YEARS.match(folded):
        return _with_years(context.question, [int(y) for y in _YEAR.findall(body)])
    place = _PLACE.match(folded)
    if place and _is_name(body[place.start("name") :]) and not _QUESTION_WORD.match(folded):
        return _with_place(context.question, body, place.group("prep"))
    return _sub_question(body, context)


def _compared(context: Context, match: re.Match[str]) -> str:
    """'jämfört med året innan?' after a 2017 question → '… mellan 2016 och 2017?'."""
    last = max(context.years) if context.years else int(match.group("year"))
    if match.group("year"):
        other = int(match.group("year"))
    else:
        other = last - 1 if match.group("before") else last + 1
    first, second = sorted((last, other))
    base = _strip_years(context.question)
    return f"{base} mellan {first} och {second}?"


def _with_years(question: str, years: list[int]) -> str:
    """The question with its years replaced ('… 2017?' → '… 2016?'), or added when it had none."""
    new = " och ".join(str(y) for y in years)
    spans = list(_YEAR_SPAN.finditer(fold(question)))
    if not spans:
        return f"{_ending_removed(question)} {new}?"
    first = spans[0]
    lead = question[first.start() : first.end()].split()[0]
    keep_lead = lead.lower() in ("under", "för", "år", "i")
    replacement = f"{lead} {new}" if keep_lead else new
    out = question[: first.start()] + replacement + question[first.end() :]
    shift = len(replacement) - (first.end() - first.start())
    for span in reversed(spans[1:]):  # later year mentions would contradict the new year
        out = out[: span.start() + shift].rstrip() + out[span.end() + shift :]
    return out


def _with_place(question: str, body: str, prep: str | None) -> str:
    """'och i Piteå?': the question's own 'i X' replaced, or the place added before its year."""
    if prep:
        same = [m for m in _PREP_NAME.finditer(question) if fold(m.group()).split()[0] == prep]
    else:
        same = list(_NAME.finditer(question))
    if same:
        return question[: same[0].start()] + body + question[same[0].end() :]
    years = list(_YEAR_SPAN.finditer(fold(question)))
    if years:
        at = years[0].start()
        return f"{question[:at].rstrip()} {body} {question[at:].lstrip()}"
    return f"{_ending_removed(question)} {body}?"


def _sub_question(body: str, context: Context) -> str:
    """'hur många var kvinnor?' → 'Hur många var kvinnor i Arbetsmarknadstorget (AMT) 2017?'."""
    text = body[0].upper() + body[1:]
    anchor = context.subject or next(iter(_names(context.question)), None)
    if anchor and fold(anchor) not in fold(text):
        text += f" i {anchor}"
    if context.years and not _YEAR.search(text):
        text += " " + " och ".join(str(y) for y in context.years)
    return text + "?"


def _strip_years(question: str) -> str:
    """The question without its years and their 'under'/'år', and without its final '?'."""
    out = question
    for span in reversed(list(_YEAR_SPAN.finditer(fold(question)))):
        out = out[: span.start()].rstrip() + " " + out[span.end() :].lstrip()
    return _ending_removed(re.sub(r"\s+", " ", out))


def _ending_removed(question: str) -> str:
    return re.sub(r"[\s?.!]+$", "", question)


def _names(text: str) -> list[str]:
    """Capitalised words after the first word: the names a question writes ('Arbetsmarknadstorget')."""
    return [m.group() for m in _NAME.finditer(text.strip())]


def _is_name(text: str) -> bool:
    return bool(re.fullmatch(r"[A-ZÅÄÖ][\w-]*(?:\s+[A-ZÅÄÖ(][\w()-]*)*", text.strip()))


def _shorten(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"
