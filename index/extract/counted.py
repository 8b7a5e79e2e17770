"""What a bare number counts, from the noun right after it (or, for 'antalet deltagare … 17', before it).

The vocabulary is open: any noun after a number is what it counts ('2,0 årsarbetare', 'sju sammanträden',
'162 ärenden'). Only the nouns for the people an insats serves are mapped, so that 'personer',
'individer' and 'deltagare' count the same participants and women and men are told apart; a count of
staff ('handläggare', 'medarbetare') keeps its own noun and is never a count of participants.
Durations and ages ('6 mån', '3 månader', '16–29 år') keep their own unit word and are never people.
"""

from __future__ import annotations

import re

from index.lexical import STOPWORDS, fold

# Folded prefixes of nouns for the people an insats serves, and the measure they give.
PARTICIPANT_NOUNS: tuple[tuple[str, str], ...] = (
    (r"kvinn(a|an|or|orna|ors)?", "kvinnor"),
    (r"flick(a|an|or|orna)", "kvinnor"),
    (r"tjej(en|er|erna)?", "kvinnor"),
    (r"pojk(e|en|ar|arna)", "män"),
    (r"kill(e|en|ar|arna)", "män"),
    (r"icke-binar(a|e)?", "icke-binära"),
    (r"deltagar(e|en|na|nas|es)?", "deltagare"),
    (r"person(en|er|erna)?", "deltagare"),
    (r"individ(en|er|erna)?", "deltagare"),
    (r"unga|ungdom(ar|arna)?", "deltagare"),
    (r"elev(er|erna)", "deltagare"),
)
"""Folded forms (whole words: 'individinriktade' is no individ) and the measure they give."""
GENDERS = ("kvinnor", "män", "icke-binära")

# Time words after a number, folded, and the measure they give: a duration or an age, never a count of
# people ("6 mån" must not fold into "6 man" = men).
DURATIONS: dict[str, str] = {
    "man": "månader",  # only reached for the unfolded 'mån' / 'mån.'
    "manad": "månader",
    "manader": "månader",
    "manaders": "månader",
    "vecka": "veckor",
    "veckor": "veckor",
    "dag": "dagar",
    "dagar": "dagar",
    "timme": "timmar",
    "timmar": "timmar",
    "tim": "timmar",
    "ar": "år",
    "ars": "år",
    "arig": "år",
    "ariga": "år",
    "aring": "år",
    "aringar": "år",
}
# Words that follow a number without being what it counts ('34 till 51', '15 av dem', '14 kvar').
_NOT_NOUNS = frozenset(
    "av st stycken nya ar var blev kvar gick har hade fick till fran med i pa om under per procent kr "
    "kronor tkr mkr som vilket varav darav respektive resp ca cirka totalt sammanlagt jamfort "
    "mot an jamforelse vidare borjade paborjade atergick overgick slutade fortsatte flyttade".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")


def words_after(text: str, end: int, n: int = 3) -> list[str]:
    """The next `n` words after `end`, as written (not folded), not past a parenthesis or a comma ('58 (32
    kvinnor, 26 män)', 'deltagarantalet 17, 10 kvinnor': 17 counts no women)."""
    rest = re.split(r"[(,;]", text[end : end + 120], maxsplit=1)[0]
    return _WORD.findall(rest)[:n]


def duration_after(text: str, end: int) -> str | None:
    """'6 mån', '3 månader', '16-29 år', '25 år': the time word after a number (or a range's second end)."""
    rest = re.sub(r"^\s*[-–]\s*\d+", "", text[end : end + 40])
    after = words_after(rest, 0, 1)
    if not after:
        return None
    word = after[0].lower()
    if fold(word) == "ar" and re.match(r"\s*år\s+(?:19|20)\d\d\b", rest, re.IGNORECASE):
        return None  # 'från 25 år 2023 till 40': 'år 2023' names the year, 25 is no age
    if word in ("man", "män", "är"):
        return None  # men, not months (only 'mån' is short for månader); 'är' folds like 'år' but is a verb
    return DURATIONS.get(fold(word))


def participant_noun(word: str) -> str | None:
    """The measure of a noun for people an insats serves ('personer' → deltagare, 'män' → män)."""
    lower = word.lower()
    if lower in ("män", "man"):
        return "män"
    folded = fold(lower)
    for pattern, measure in PARTICIPANT_NOUNS:
        if re.fullmatch(pattern, folded):
            return measure
    return None


def counted_noun(words: list[str], prose: bool = False) -> tuple[str, str] | None:
    """(unit, measure) from the words right after a number: 'personer' → (personer, deltagare),
    'årsarbetare' → (antal, årsarbetare), 'icke-binära' → (personer, icke-binära), 'varav 15 är
    kvinnor' → (personer, kvinnor). None when what follows
    is no noun ('34 till 51', '7 gick till arbete'). After a number written as a word (`prose`), a
    capitalised noun is still a noun ('fyra Socialsekreterare'); after digits it is a name or a label."""
    if (
        len(words) >= 2
        and words[0].islower()
        and fold(words[0]) not in _NOT_NOUNS
        and words[0] not in STOPWORDS
        and participant_noun(words[1]) in GENDERS
        and not re.match(r"deltagar|person|individ", fold(words[0]))
    ):
        return "personer", participant_noun(words[1])  # '22 unga kvinnor', '9 nyanlända män': the gender
    for n, word in enumerate(words[:2]):
        lower = word.lower()
        if lower == "icke" and n + 1 < len(words) and fold(words[n + 1]).startswith("binar"):
            return "personer", "icke-binära"
        if n == 0 and word[:1].isupper() and not prose:
            return None  # after digits a capital starts the next label ('1 712 112 Unga Framåt 700 …')
        people = participant_noun(word)
        if people:
            return "personer", people
        folded = fold(lower)
        if folded in _NOT_NOUNS or lower in STOPWORDS:
            if word.islower() and (folded in ("st", "stycken", "nya") or (n == 0 and lower in ("är", "var"))):
                continue  # '4 st handläggare', '73 nya deltagare'
            return None
        capital_name = word[:1].isupper() and not (prose and word[1:].islower())
        if capital_name or len(word) < 3:
            return None  # a name or a label follows ('1 200 tkr Arbetsförmedlingen')
        return "antal", lower
    return None


_COUNT_BEFORE = re.compile(
    r"(deltagarantal\w*|antal\w*\s+(?:\w+\s+){0,1}deltagare(?:\s+\w+){0,3})\s*(?:är|var|uppg\w+ till)?\s*$"
)
_NOUN_BEFORE = re.compile(r"antal(?:et)?\s+(\w+)\s+(?:är|var|uppgick till|uppgår till|blev)\s*$")


# 'Antalet deltagare i Vägen Framåt ökade från 47 till 58': the count is named before the change verb.
_CHANGE_BEFORE = re.compile(
    r"\bantal(?:et)?\s+(\w+)(?:\s+\S+){0,8}?\s+(?:okade|minskade|steg|sjonk|forandrades|gick (?:upp|ned|ner))"
    r"(?:\s+\w+){0,2}?\s+fran(?:\s+[\d ]+(?:\s*ar)?(?:\s+(?:under |i |ar )?(?:19|20)\d\d)?\s+till)?\s*$"
)


def counted_before(text: str, start: int) -> tuple[str, str] | None:
    """'deltagarantalet 17', 'antalet inskrivna deltagare … 37', 'Antalet inskrivna uppgick till 58',
    'Antalet deltagare i X ökade från 47 till 58': the count is named before the number."""
    before = text[max(0, start - 90) : start]
    if _COUNT_BEFORE.search(fold(before)):
        return "personer", "deltagare"
    folded = fold(before)
    if m := _CHANGE_BEFORE.search(folded):
        # the word as written ('årsarbetare'): folding keeps every letter in its place
        word = before.lower()[m.start(1) : m.end(1)] if len(folded) == len(before) else m.group(1)
        people = participant_noun(word)
        return ("personer", people) if people else ("antal", word)
    m = _NOUN_BEFORE.search(before.lower())
    if m:
        people = participant_noun(m.group(1))
        return ("personer", people) if people else ("antal", m.group(1))
    # 'Deltagarna var 88 till antalet': people named as the subject right before the copula
    m = _SUBJECT_BEFORE.search(before.lower())
    if m and (people := participant_noun(m.group(1))):
        return "personer", people
    return None


_SUBJECT_BEFORE = re.compile(r"(?:^|[.;:]\s*|\b)(\w+)\s+(?:var|är|blev|uppgick till|uppgår till)\s*$")


def gender_of(measure: str) -> str | None:
    """'kvinnor', 'män' or 'icke-binära' when the measure counts one gender (possibly with an outcome)."""
    head = measure.split(" ", 1)[0]
    return head if head in GENDERS else None
