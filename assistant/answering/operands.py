"""Candidate figures for a question and how well each fits: its own words against the question's measure
words (similarity, not labels), with names, periods and organisation as constraints that can fail."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answering.models import Ask
from assistant.answering.similarity import contains_name, coverage, folded_words, word_similarity, words
from index.extract.counted import gender_of
from index.extract.figures import TARGET
from index.extract.outcomes import STATUS_OUTCOMES, destination_in, outcome_in, outcomes_in
from index.lexical import fold
from index.models import Figure

#: Weight of the question's counted noun against the figure's measure, beside 3 × the words' coverage.
HEAD_WEIGHT = 1.0
#: Mean word similarity at which a figure's words count as naming what the question asks for.
MEASURE_MIN = 0.5
# A question about a goal or a plan: only it is answered by a goal's number (extraction's TARGET)
_AIM_WORDS = re.compile(
    r"\bmal(?:et|en|sattning\w*|varde\w*)?\b|\bplaner\w*|\bberakna\w*|\bforvanta\w*|\bsikta"
)
_PLAN_WORDS = re.compile(r"budget|planer|avvik|prognos|beslut")
_GENDER_WORDS = re.compile(r"kvinn|\bman\b|\bmän\b|flick|pojk|tjej|kill|kön")


@dataclass
class Pool:
    """The figures that may answer: those of the retrieved passages (with their passage's rank) and, for
    operations that need them, the same organisations' other figures."""

    figures: list[Figure]
    rank: dict[str, int]
    texts: dict[str, str] | None = None
    """Chunk id → text of the retrieved passages."""
    _contexts: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def rank_of(self, figure: Figure) -> int:
        return self.rank.get(figure.chunk_id, 99)

    def context_of(self, figure: Figure) -> str:
        """The retrieved text a figure stands in: its own passage and, for a figure of an insats, the
        retrieved passages about that insats ('En bra start … på Örjanskolan' a passage before its count)."""
        texts = self.texts or {}
        own = texts.get(figure.chunk_id, "")
        if figure.subject == figure.organisation:
            return own
        key = (figure.chunk_id, figure.subject)
        if key not in self._contexts:
            same = [t for c, t in texts.items() if c != figure.chunk_id and contains_name(figure.subject, t)]
            self._contexts[key] = " ".join([own, *same])
        return self._contexts[key]


def descriptor(figure: Figure) -> list[str]:
    """The words a figure is known by: its measure, its own phrase, its unit of people, a row's label."""
    extra = " personer" if figure.unit == "personer" else ""
    return words(f"{figure.measure} {own_phrase(figure) or figure.sentence}{extra}")


#: Words of a figure's whole sentence and section count at this weight: the question may name what the
#: sentence is about ('vid halvårsskiftet', 'under pandemin') where the number's own clause does not.
CONTEXT_WEIGHT = 0.8
MEASURE_WEIGHT = 1.0


def measure_fit(ask_words: Sequence[str], figure: Figure) -> float:
    if not ask_words:
        return 1.0
    own = coverage(list(ask_words), descriptor(figure))
    if own >= 1.0:
        return own
    context = coverage(list(ask_words), descriptor(figure) + words(f"{figure.sentence} {figure.section}"))
    # the figure's own words still tell apart the figures of one sentence ('Region Dalälven 1 300 000 kr')
    return max(own, CONTEXT_WEIGHT * context + (1 - CONTEXT_WEIGHT) * own)


_NUMBER = re.compile(r"\d+")
#: A sentence with this many numbers is a list ('Försäkringskassan 1 200 tkr Arbetsförmedlingen …'): a
#: name in it belongs to one of its figures only, so only the figure's own words count.
LIST_NUMBERS = 5


def where(figure: Figure) -> str:
    """The text a name constraint is checked in: the figure's subject, own words and section, and its
    sentence unless that is a list of many figures."""
    sentence = "" if _is_list(figure) else figure.sentence
    return f"{figure.subject} {own_phrase(figure)} {figure.section} {sentence}"


def _without_organisation(name: str, text: str, organisation: str) -> str:
    """The text a name is looked for in: the federation's own name is left out unless the name is
    one of its words — 'Tjärnå' (a kommun) is not met by 'Samordningsförbundet Tjärnåsen', whose name
    it only begins; 'Skellefteå-Norsjö' is met by 'Samordningsförbundet Skellefteå-Norsjö'."""
    if not organisation or folded_words(name) <= folded_words(organisation):
        return text
    return re.sub(re.escape(organisation), " ", text, flags=re.IGNORECASE)


def _is_list(figure: Figure) -> bool:
    return len(_NUMBER.findall(figure.sentence)) >= LIST_NUMBERS


def own_phrase(figure: Figure) -> str:
    """A figure's own words; in a list the label stands before its number and the words after it are
    the next item's ('Åby kommun 780 000 kr Sandvik kommun 520 000 kr')."""
    phrase = figure.phrase
    if _is_list(figure) and not figure.table_row and figure.raw in phrase:
        # the list's own heading ('Medlemsavgifter 2023 …') is said of every item
        first = _NUMBER.search(figure.sentence)
        heading = figure.sentence[: first.start()] if first else ""
        return f"{heading} {phrase[: phrase.index(figure.raw) + len(figure.raw)]}"
    return phrase


def meets_names(figure: Figure, names: Sequence[str], passage: str = "") -> bool:
    """Every name is in the figure's own text or, for a figure of a retrieved passage, in that passage,
    and at least one is in the figure's own text."""
    if not names:
        return True
    org = figure.organisation
    own = where(figure)
    met = {n: contains_name(n, _without_organisation(n, own, org)) for n in names}
    return any(met.values()) and all(
        met[n] or (passage and contains_name(n, _without_organisation(n, passage, org))) for n in names
    )


def meets_period(figure: Figure, years: Sequence[int]) -> bool:
    """The figure's period is, or contains, one of the years ('2020-01-01 – 2020-06-30' is of 2020)."""
    return not years or any(str(y) in figure.period for y in years)


def meets_org(figure: Figure, organisations: Sequence[str]) -> bool:
    return not organisations or figure.organisation in organisations


#: The measures extraction gives durations and ages (index.extract.counted.DURATIONS).
DURATION_MEASURES = frozenset({"månader", "veckor", "dagar", "timmar", "år"})


def unit_fits(figure: Figure, unit: str | None) -> bool:
    if unit is None:
        return True
    if unit == "tid":
        return figure.measure in DURATION_MEASURES
    if unit == "personer":
        # 'hur många …' counts people or things, never months or years ('6 mån', '16-29 år')
        return figure.unit in ("personer", "antal") and figure.measure not in DURATION_MEASURES | {"ålder"}
    return figure.unit == unit


_TO = re.compile(
    r"\b(?:kom(?:mit)? ut i|ut i|gick (?:vidare )?till|gått (?:vidare )?till|vidare till|kom till)\s+"
)


def asked_text(text: str) -> str:
    """A question's wording with its verbs of going read as reports write them ('kom ut i egen
    försörjning' is written 'gått till egen försörjning')."""
    return _TO.sub("till ", text)


def asked_outcome_of(text: str) -> str | None:
    """The outcome a question asks about, read with extraction's own outcome patterns."""
    return destination_in(asked_text(text))


def outcome_of(measure: str) -> str:
    gender = gender_of(measure)
    return measure[len(gender) + 1 :] if gender and measure != gender else measure


def _destinations(measure: str) -> list[str]:
    return [o for o in outcomes_in(measure) if o not in STATUS_OUTCOMES]


def is_subset_of_group(ask: Ask, figure: Figure) -> bool:
    """For 'hur många av deltagarna … gick till arbete / var yngre än 30 år': the figure counts the asked
    part (an outcome the question names, or its own words cover the rest of the question), not the group."""
    if figure.unit != "personer":
        return False
    rest = [w for w in ask.measure if not _is_people_word(w)]
    own = own_phrase(figure)
    if any(contains_name(n, own) and not contains_name(n, figure.subject) for n in ask.names):
        # a category the question names is the figure's own label ('Remitterande myndigheter
        # Arbetsförmedlingen: 52 personer' for 'hur många av deltagarna remitterades av Arbetsförmedlingen')
        return not rest or measure_fit(rest, figure) >= MEASURE_MIN
    if figure.role == "total" and not _destinations(figure.measure):
        return False  # the group itself; '6 gick till egen försörjning, varav 2 män …' is still a part
    group, predicate = group_and_predicate(ask.text)
    asked = asked_outcome_of(predicate)
    if asked:
        return outcome_of(figure.measure) == asked
    if group and asked_outcome_of(group) and outcome_of(figure.measure) == asked_outcome_of(group):
        return False  # 'av dem som fick arbete … hade kvar jobbet': the group is no answer about its part
    return bool(rest) and coverage(rest, descriptor(figure)) >= MEASURE_MIN and figure.measure != "deltagare"


_GROUP_CLAUSE = re.compile(r"\bav (?:dem|de|deltagarna|dessa|alla|personerna)\s+som\s+", re.IGNORECASE)
_VERB = re.compile(
    r"\b(?:hade|har|var|är|blev|gick|fick|kom|började|fanns|återgick|behöll|lämnade|avslutade)\b",
    re.IGNORECASE,
)


def group_and_predicate(text: str) -> tuple[str, str]:
    """'Hur många av dem som fick arbete via X hade kvar jobbet …' → ('fick arbete via X', 'hade kvar
    jobbet …'): the relative clause names the group, the next verb starts what is asked of it. Without
    such a clause the whole question is the predicate."""
    m = _GROUP_CLAUSE.search(text)
    if not m:
        return "", text
    rest = text[m.end() :]
    verbs = list(_VERB.finditer(rest))
    if len(verbs) < 2 or verbs[0].start() > 0:
        return "", text
    return rest[: verbs[1].start()].strip(), rest[verbs[1].start() :]


def _is_people_word(word: str) -> bool:
    from assistant.answering.similarity import is_people

    return is_people(word)


def names_measure(ask: Ask, figure: Figure, ask_words: Sequence[str] | None = None) -> bool:
    """Whether a figure is of what the question asks: its words cover the question's measure words, or
    its measure is the outcome or the counted noun the question names (a long question's other words
    — 'någon form av', 'vid halvårsskiftet' — must not hide the figure that answers it)."""
    words_ = ask.measure if ask_words is None else ask_words
    if ask.subset and ask_words is None:
        return is_subset_of_group(ask, figure)
    if ask.unit == "tid" and ask_words is None:
        return unit_fits(figure, "tid")  # 'hur länge …': the duration is what is asked
    asked = asked_outcome_of(ask.text) if ask_words is None else destination_in(" ".join(words_))
    if (
        ask_words is None
        and asked
        and asked not in STATUS_OUTCOMES
        and figure.unit == "personer"
        and not _destinations(figure.measure)
    ):
        return False  # 'hur många deltagare … fick arbete' counts an outcome: everyone is no answer
    if measure_fit(words_, figure) >= MEASURE_MIN:
        return True
    if ask_words is None and _label_named(words_, figure):
        return True  # 'vad landade förbundets årsresultat på': the figure's own label is named
    if asked and outcome_of(figure.measure) == asked:
        return True
    head = ask.head if ask_words is None else None
    return bool(head) and max((word_similarity(head, w) for w in words(figure.measure)), default=0.0) >= 0.85


def _label_named(ask_words: Sequence[str], figure: Figure) -> bool:
    """The question names the figure's measure label (or a compound of it: 'årsresultat' / 'resultat'),
    though its other words (verbs like 'landade', 'betalade') are not the figure's."""
    label = words(figure.measure)
    return bool(label) and all(
        max((word_similarity(a, w) for a in ask_words), default=0.0) >= 0.85 for w in label
    )


def fit(figure: Figure, ask: Ask, pool: Pool, ask_words: Sequence[str] | None = None) -> float:
    """How well a figure answers: its words, its unit, its role, and the rank of its passage."""
    ask_words = ask.measure if ask_words is None else ask_words
    score = 3.0 * measure_fit(ask_words, figure)
    # an amount's measure word weighs above the words around it: 'ekonomiskt resultat' is the result, not
    # the equity of the sentence 'Efter årets resultat är det egna kapitalet …' (people are told apart by
    # their outcome words, which 'deltagare' would outweigh)
    if ask_words and figure.unit == "kr":
        score += MEASURE_WEIGHT * coverage(list(ask_words), words(figure.measure))
    score += 0.0 if unit_fits(figure, ask.unit) else -2.0
    rank = pool.rank_of(figure)
    score += 1.0 / (1 + rank) if rank < 99 else 0.0
    if figure.role == "total":
        score += 0.4
    if ask.head and ask_words is ask.measure:
        # what is counted weighs more than the words around it: 'hur många socialsekreterare … efter
        # utökningen' is the socialsekreterare, not the tjänster the same sentence adds
        score += HEAD_WEIGHT * max((word_similarity(ask.head, w) for w in words(figure.measure)), default=0.0)
    asked_outcome = (
        asked_outcome_of(ask.text) if ask_words is ask.measure else outcome_in(" ".join(ask_words))
    )
    if asked_outcome and outcome_of(figure.measure) == asked_outcome:
        score += 2.0  # "hur många av deltagarna kom ut i egen försörjning": the outcome, not the whole
    elif figure.measure == "avslutade" and not asked_outcome:
        score -= FINISHED_PENALTY  # 'hur många deltog': those who finished are not everyone who took part
    gendered = gender_of(figure.measure) is not None
    asks_gender = bool(_GENDER_WORDS.search(fold(" ".join(ask_words))))
    if gendered and not asks_gender:
        score -= 1.0  # "hur många deltagare" asks for everyone, not the women or men among them
    if figure.measure.startswith("andel av finansieringen") and ask.unit != "procent":
        score -= 1.0
    if figure.measure.startswith(f"{TARGET} ") and not _AIM_WORDS.search(fold(ask.text)):
        score -= 2.5  # 'Målet för helåret är 55 deltagare' answers only a question about the goal
    forecast = _FORECAST_WORDS.search(f"{fold(figure.measure)} {_words_before(figure)}")
    if forecast and not _FORECAST_WORDS.search(fold(ask.text)):
        score -= FORECAST_PENALTY  # 'Vid årets slut beräknas det egna kapitalet uppgå till …' is a forecast
    if ask.moment:
        # the number's own clause first: one sentence may give the opening and the closing balance
        # ('… vid årets början till 2 480 000 kr och vid årets slut till 2 731 000 kr': the words that lead
        # to the number decide, the phrase after it may already be the next one's)
        score += (
            moment_fit(ask.moment, _words_before(figure))
            or moment_fit(ask.moment, figure.phrase)
            or moment_fit(ask.moment, figure.sentence)
        )
        # 'minskade från 2 533 960 till 1 845 720 kr': the first number is where the period started
        if figure.pair_side:
            score += 1.0 if (figure.pair_side == "after") == (ask.moment == "end") else -1.0
    elif moment_fit("end", figure.phrase):
        # 'vid utgången av 2023 var 18 inskrivna' is not the year's count of participants (a balance at
        # the year's end is still the year's balance, so amounts lose less)
        score -= 1.0 if figure.unit == "personer" else 0.5
    if not ask.names and _ALL_INSATSER.search(fold(ask.text)):
        # 'andel kvinnor i de individinriktade insatserna': the federation's total, not one insats's
        score += ORG_WEIGHT if figure.subject == figure.organisation else 0.0
    if ask.part_year is not None:
        # 'under årets första åtta månader': the half-year report's count, not the year's
        score += PART_WEIGHT if is_part_of_year(figure.period, ask.part_year) else -PART_WEIGHT
    elif ask.years and figure.period and not is_whole_year(figure.period):
        score -= PART_PENALTY  # '2024' asks for the year: a part of it only where nothing else is stated
    plan = _PLAN_WORDS.search(fold(ask.text))
    if figure.table_row and figure.unit == "kr" and figure.measure != "utfall" and not plan:
        score -= 0.5  # a table's budget and deviation columns answer only a question about the plan
    elif (
        not figure.table_row
        and not plan
        and _PLANNED.search(f"{fold(figure.measure)} {clause_before(figure)}")
    ):
        score -= PLAN_PENALTY  # 'Styrelsen budgeterade … med ett underskott om 800 tkr' is the plan
    return score


_AT_END = re.compile(
    r"utgaende|utgang|\bvid (arets|periodens) slut|31 december|-12-31|\bslutet av|\bkvar\b(?! fran)"
)
_AT_START = re.compile(
    r"ingaende|\bingang\w*|\bvid (arets|periodens) borjan|1 januari|-01-01|\bborjan av|\bkvar fran"
    r"|\bfran foregaende ar"
)


#: Those who finished an insats answer a question about who took part only where nothing else does.
FINISHED_PENALTY = 0.5

#: A forecast answers only a question about one ('prognos', 'beräknas', 'väntas').
_FORECAST_WORDS = re.compile(r"prognos\w*|\bberakna\w*|\bvantas\b|\bforvanta\w*|\bbedoms\b")
FORECAST_PENALTY = 1.5
_PLANNED = re.compile(r"budget\w*|\bplaner\w*")
PLAN_PENALTY = 1.0


_AMOUNT = re.compile(r"(?<!\d)(?!(?:19|20)\d\d(?!\d))\d+(?:[ ,]\d+)*")


def clause_before(figure: Figure) -> str:
    """The folded words of a figure's sentence between the number before it (a year is no number here)
    and its own: 'Styrelsen budgeterade för 2024 med ett underskott om' for '800 tkr'; '… en budget på
    2 450 tkr och kostnaderna stannade på' leaves 'tkr och kostnaderna stannade på' for '2 312 tkr'."""
    at = figure.sentence.find(figure.raw)
    if at < 0:
        return ""
    return fold(_AMOUNT.split(figure.sentence[:at])[-1])


def _words_before(figure: Figure) -> str:
    """The folded words of a figure's own phrase before its number."""
    at = figure.phrase.find(figure.raw)
    return fold(figure.phrase[:at] if at >= 0 else "")


def moment_fit(moment: str, sentence: str) -> float:
    """+1 for a figure stated at the point of the period the question asks for (a closing balance 'den 31
    december'), −1 for one stated at the other end ('Ingående eget kapital 2024-01-01')."""
    text = fold(sentence)
    here, there = (_AT_END, _AT_START) if moment == "end" else (_AT_START, _AT_END)
    return 1.0 if here.search(text) else -1.0 if there.search(text) else 0.0


# A qualifier a question puts on what it counts, and what a figure's own sentence must say to meet it:
# 'deltagare under 30 år' is an age group, 'fortfarande i arbete ett halvår senare' a follow-up. A
# figure without it counts everyone, or counts at the end of the insats: no answer.
QUALIFIERS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(
            r"\b(?:under|over|yngre an|aldre an) \d+ ar\b|\b\d+ ?[-–] ?\d+ ar\b|\bmellan \d+ och \d+ ar\b"
            r"|\baldersgrupp\w*|\bar gamla\b"
        ),
        re.compile(
            r"\b(?:under|over|yngre an|aldre an) \d+ ar\b|\b\d+ ?[-–] ?\d+ ar\b|\bmellan \d+ och \d+ ar\b"
            r"|\baldersgrupp\w*|\bar gamla\b|\b\d+ ar eller (?:yngre|aldre)\b"
        ),
    ),
    (
        re.compile(
            r"\b(?:ett|sex|tolv|tre|\d+) (?:halvar|manader|ar)\w* (?:senare|efter)\b|\bfortfarande\b"
            r"|\befter (?:ett|sex|tolv|tre|\d+) (?:halvar|manader|ar)\b|\buppfoljning\w*|\blangre sikt\b"
        ),
        re.compile(
            r"\bsenare\b|\befter (?:ett|sex|tolv|tre|\d+) (?:halvar|manader|ar)\b|\bfortfarande\b"
            r"|\buppfolj\w*|\bbestaende\b|\blangre sikt\b"
        ),
    ),
)


def meets_qualifiers(figure: Figure, ask: Ask) -> bool:
    asked = fold(ask.text)
    own = fold(f"{figure.phrase} {figure.sentence}")
    return all(not q.search(asked) or f.search(own) for q, f in QUALIFIERS)


def admissible(
    figure: Figure, ask: Ask, years: Sequence[int] | None = None, pool: Pool | None = None
) -> bool:
    """The hard constraints: the names, the periods and the organisation the question gives."""
    passage = pool.context_of(figure) if pool and ask.names else ""
    return (
        meets_qualifiers(figure, ask)
        and meets_names(figure, ask.names, passage)
        and meets_period(figure, ask.years if years is None else years)
        and meets_org(figure, ask.organisations)
        and (not ask.full_year or is_whole_year(figure.period))
        # 'vid årets slut 2020' is not answered by a half-year's count at 30 June ('kvar vid
        # halvårsskiftet' is: the end of its own period)
        and (not (ask.years and _YEAR_END.search(fold(ask.text))) or reaches_year_end(figure.period))
    )


_SPAN = re.compile(r"(\d{4})-(\d\d)-(\d\d)\s*[–-]\s*(\d{4})-(\d\d)-(\d\d)")


_YEAR_END = re.compile(
    r"\barets (slut|utgang)|\butgangen av (aret|(19|20)\d\d)|\b31 december|\barsskiftet"
    r"|\bnar (19|20)\d\d var slut|\bslutet av (aret|(19|20)\d\d)"
)


# A question about all of a federation's insatser or participants, naming none of them
_ALL_INSATSER = re.compile(
    r"\b(?:de|alla|samtliga|forbundets)(?: \w+)? insatser(?:na)?\b|\b(?:alla|samtliga) (?:\w+ )?insatser\b"
    r"|\bforbundets deltagare\b|\bhela forbundet\b"
    # the definite plural is all of them: 'i individinsatserna', 'i insatserna'
    r"|\b\w*insatserna\b"
)
ORG_WEIGHT = 1.0

#: How much a figure of the part of the year a question asks for gains (and one of another period loses),
#: and what a part of a year loses when a question names only the year.
PART_WEIGHT = 1.5
PART_PENALTY = 0.7


def is_part_of_year(period: str, month: int) -> bool:
    """'2024-01-01 – 2024-08-31' is a part of 2024 ending in August (month 8, or 0 for any part)."""
    m = _SPAN.search(period)
    if not m or is_whole_year(period):
        return False
    return month == 0 or int(m.group(5)) == month


def reaches_year_end(period: str) -> bool:
    """'2020', '2020-01-01 – 2020-12-31', '2020-07-01 – 2020-12-31' reach the end of their year."""
    m = _SPAN.search(period)
    return not m or m.group(5, 6) == ("12", "31")


def is_whole_year(period: str) -> bool:
    """'2020', '2020-01-01 – 2020-12-31' are whole years; '2020-01-01 – 2020-06-30' is a half."""
    m = _SPAN.search(period)
    return not m or (m.group(2, 3) == ("01", "01") and m.group(5, 6) == ("12", "31"))


def ranked(
    figures: Sequence[Figure], ask: Ask, pool: Pool, ask_words: Sequence[str] | None = None
) -> list[Figure]:
    return sorted(figures, key=lambda f: -fit(f, ask, pool, ask_words))
