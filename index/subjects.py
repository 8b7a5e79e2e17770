"""Subjects — the insatser, projects and organisations figures belong to — matched across reports.

One subject is written many ways: "Arbetsmarknadstorget, AMT" / "AMT" / "Arbetsmarknadstorgets",
"MySam, Myndighetsgemensam samverkan (från 2016)", "Fokus Långa sjukfall (2017-05-01 - 2018-03-31)",
"Tidsam, Piteå 20190401–20210331" / "Piteå, Tidsam". `subject_key` reduces a name to its core words plus
its place; `SubjectRegistry` collects the subjects named by report headings and finds them again in
headings, table rows, questions and OCR-damaged text.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from index.headings import SEPARATOR
from index.lexical import fold

#: Member municipalities of the corpus' förbund (folded form → display); a name carrying one is that
#: place's variant of a subject ("MoA Piteå" and "MoA Älvsbyn" are two subjects).
PLACES = {
    "lulea": "Luleå",
    "pitea": "Piteå",
    "alvsbyn": "Älvsbyn",
    "alvsby": "Älvsbyn",
    "skelleftea": "Skellefteå",
    "norsjo": "Norsjö",
}

FUZZY_KEY_RATIO = 90.0
"""Two names at the same place, with the same digits, are one subject from this rapidfuzz ratio of their
cores. Over all non-template headings of the corpus the nearest different names score at most 85.7
('revision' / 'vision', 'jamstalldhet' / 'mal jamstalldhet'); one damaged letter in ten still scores 90."""
FUZZY_TOKEN_RATIO = 88.0
"""A word of 8+ letters in free text spells a name's word from this ratio. In the OCR report 83 % of the
damaged long words score ≥ 88 against their repair (median 91); the nearest other word to a name's word
scores 83 ('arbetsmarknadsintrade' / 'arbetsmarknadstorget')."""
FUZZY_TOKEN_MIN = 8
"""Words this long or longer may match a name's word with OCR damage (at FUZZY_TOKEN_RATIO)."""
COMMON_WORD_ZIPF = 3.0
"""A name made only of words this common ('Ett steg till') is matched in text only together with its place."""

_PERIOD_WORD = r"\d{8}|\d{4}-\d{2}-\d{2}"
_TRAILING_PERIOD = re.compile(rf"[\s,]*(?:{_PERIOD_WORD})(?:\s*-\s*(?:{_PERIOD_WORD})?)?\s*$")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_PAREN = re.compile(r"\(([^()]*)\)")
_NUMBERING = re.compile(r"^\d+(?:\.\d+)*\.?\s*(?=\D)")
_PREFIX = re.compile(
    r"^(?:finsam-?projekt\s*/\s*|projekt\s*[-:]\s*|esf(?:[- ]?projekt(?:et)?)?\s+"
    r"|bilag(?:a|or)\b\s*\d*\s*[-:]?\s*|insats(?:en)?\s+|projektet\s+)",
    re.IGNORECASE,
)
_FORMER = re.compile(r"^(?:tidigare|fd|f\.d\.?)\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_ORGANISATION_WORD = re.compile(r"^samordningsförbund", re.IGNORECASE)
_DECIMAL = re.compile(r"\d,\d")
MAX_NAME_WORDS = 8


# 'X bytte namn till Y', 'X byter namn till Y', 'X har bytt namn till Y', 'X heter numera Y'
_RENAME = re.compile(
    r"\b(?:bytte|byter|har bytt|bytt|byta) namn till |\bheter (?:numera|nu|sedan \d{4}) ", re.IGNORECASE
)
_RENAME_HINT = re.compile(r"namn till|\bheter\b", re.IGNORECASE)


def _normal(text: str) -> str:
    text = re.sub(r"[–—−]", "-", text)
    text = re.sub(r"(?<=[a-zåäöé])-\s*\n\s*(?=[a-zåäö])", "", text)  # word broken over a line
    return re.sub(r"\s+", " ", text).strip()


def _words(text: str) -> list[tuple[str, list[str]]]:
    """Each written word with its folded tokens. A hyphen or apostrophe joins ('Co-Active' → 'coactive',
    "Knut'n" → 'knutn'), whatever the case, so a question typed in lower case meets the heading; a pair of
    places stays two ('Skellefteå-Norsjö')."""
    out: list[tuple[str, list[str]]] = []
    for word in _WORD.findall(_normal(text)):
        parts = re.split(r"[-'’]", fold(word))
        out.append((word, parts if all(place_of(p) for p in parts) else ["".join(parts)]))
    return out


def _tokens(text: str) -> list[str]:
    return [t for _, tokens in _words(text) for t in tokens]


def place_of(token: str) -> str | None:
    """Display name of the place a folded word names ('alvsbyns' → 'Älvsbyn')."""
    if token in PLACES:
        return PLACES[token]
    if token.endswith("s") and token[:-1] in PLACES:
        return PLACES[token[:-1]]
    return None


def is_abbreviation(word: str) -> bool:
    """'AMT', 'MySam', 'NaBS', 'MoA', 'Co-Active': a short word with two or more capitals."""
    return 2 <= len(word) <= 9 and " " not in word and sum(c.isupper() for c in word) >= 2


@dataclass(frozen=True)
class ParsedName:
    """A heading or mention split into its parts: 'Tidsam, Piteå 20190401–20210331' → core 'tidsam',
    place 'Piteå', period True."""

    display: str
    core: str
    place: str | None
    aliases: tuple[str, ...] = ()
    period: bool = False

    @property
    def key(self) -> str:
        return " ".join(filter(None, (self.core, _place_key(self.place))))


def _place_key(place: str | None) -> str:
    return " ".join(_tokens(place)) if place else ""


@lru_cache(maxsize=20_000)
def parse_name(name: str) -> ParsedName:
    """Split a heading or mention into display name, folded core words, place, aliases and whether it
    carried a period ('(aug 2016 - juni 2018)', '20190301–20220228')."""
    text = _PREFIX.sub("", _NUMBERING.sub("", _normal(name)))
    aliases: list[str] = []
    period = False
    for inner in _PAREN.findall(text):
        if _YEAR.search(inner) or re.search(r"\d{8}", inner):
            period = True
        elif _FORMER.match(inner):
            aliases.append(_FORMER.sub("", inner).strip())
        elif is_abbreviation(inner.strip()):
            aliases.append(inner.strip())
    text = _PAREN.sub(" ", text)
    trimmed = _TRAILING_PERIOD.sub("", text)
    period = period or trimmed != text
    text = re.sub(r"\s+", " ", trimmed).strip(" ,-/")
    places: list[str] = []
    parts = [p.strip() for p in text.split(",") if p.strip()]
    named = [p for p in parts if not _only_places(p, places)]
    text = _PREFIX.sub("", named[0]) if named else ""  # 'Piteå, ESF MoA'
    for extra in named[1:]:
        if len(extra.split()) <= 4 and not _DECIMAL.search(extra):
            aliases.append(extra)
    # 'Språkbron avslutad', 'Porten startad': a status after the name is no part of it
    text = re.sub(
        r"(?<=\S)\s+(?:avslutad|avslutat|avvecklad|avvecklat|startad|nystartad|permanentad|pausad)$",
        "",
        text,
        flags=re.IGNORECASE,
    )
    head, sep, tail = text.partition(" - ")
    if sep and len(tail.split()) >= 3:  # 'VILMA - Vi som Lever Med ADHD-symtom': name, then what it is
        text = head
        if is_abbreviation(head):
            aliases.append(tail)
    if re.fullmatch(r"[A-ZÅÄÖ][^/\s]*(?: [^/\s]+)*/[A-ZÅÄÖ][^/]*", text):  # 'Praktiksteget/Påfart gymnasiet'
        aliases.extend(p.strip() for p in text.split("/"))
    core: list[str] = []
    for token in _tokens(text):
        found = place_of(token)
        if found:
            places.append(found)
            if core and core[-1] in {"i", "och"}:
                core.pop()
        elif not re.fullmatch(r"\d{8}|(?:19|20)\d\d", token):
            core.append(token)
    unique = list(dict.fromkeys(places))
    place = "-".join(unique) if unique else None
    display = _display(text, place if not core else None)
    return ParsedName(display, " ".join(core), place, tuple(dict.fromkeys(a for a in aliases if a)), period)


def _only_places(part: str, places: list[str]) -> bool:
    """Whether a comma part names only places ('Piteå'); those places are kept in `places`."""
    tokens = [t for t in _tokens(part) if t != "och"]
    found = [place_of(t) for t in tokens]
    if tokens and all(found):
        places.extend(p for p in found if p)
        return True
    return False


def _display(text: str, place: str | None) -> str:
    words = [_ocr_case(w) for w in text.split()]
    return " ".join(words).strip(" ,-") or (place or "")


def _ocr_case(word: str) -> str:
    """'psyKkisk' → 'psykkisk': one capital after a small letter inside a word is OCR noise, not a name
    ('Skellefteå-Norsjö' and 'MySam' keep theirs)."""
    inner = re.findall(r"(?<=[a-zåäö])[A-ZÅÄÖ]", word)
    return word.lower() if len(inner) == 1 and word[:1].islower() else word


def subject_key(name: str, known: Collection[str] = ()) -> str:
    """Canonical key of a subject name: core words folded, period and prefixes dropped, place last.
    A genitive -s is dropped when the base form is among `known` keys ('Arbetsmarknadstorgets')."""
    parsed = parse_name(name)
    return _genitive_base(parsed.key, known) if known else parsed.key


def _genitive_base(key: str, known: Collection[str]) -> str:
    if key in known:
        return key
    words = key.split()
    for i, word in enumerate(words):
        if word.endswith("s"):
            base = " ".join([*words[:i], word[:-1], *words[i + 1 :]])
            if base in known:
                return base
    return key


@dataclass
class Subject:
    key: str
    name: str
    aliases: set[str] = field(default_factory=set)
    place: str | None = None
    reports: set[str] = field(default_factory=set)

    @property
    def core(self) -> str:
        suffix = _place_key(self.place)
        return self.key[: -len(suffix)].strip() if suffix and self.key.endswith(suffix) else self.key

    def forms(self) -> set[str]:
        """Keys the subject is known by without its place: its core and its aliases' keys."""
        return {self.core} | {parse_name(a).core for a in self.aliases} - {""}


# --- which headings name a subject -------------------------------------------------------------------


@dataclass(frozen=True)
class HeadingAt:
    """One heading of a report's section tree, with its parent heading ('' at the top)."""

    report: str
    text: str
    parent: str
    depth: int


_SENTENCE_WORD = re.compile(r"(?<=[a-zåäö,] )([A-ZÅÄÖ][a-zåäö]+)\b")
# A body line wrapped mid-sentence ('… medan Hälsospåret och\nSpråkstegen drivs vidare'): the line before is
# long and ends in a lower-case word; a heading's line after a short line is no such word.
_WRAPPED_WORD = re.compile(r"^(?=.{50,}[a-zåäö,]$).*\n([A-ZÅÄÖ][a-zåäö]+)\b", re.MULTILINE)
# A heading whose first sentence opens with the heading's own words uses it as a name ('Ungkraft\nUngkraft
# riktar sig till …'); a template heading does not ('Resultat\nResultatet visar …').
_REPEATED_HEADING = re.compile(r"^([A-ZÅÄÖ][\w-]+(?: [\w-]+){0,3})[ \t]*\n\1\b", re.MULTILINE)
_LOWER_WORD = re.compile(r"\b[a-zåäö][a-zåäö]+\b")


# A capitalised word after a sentence-opening preposition is capitalised for itself: 'I Steg för steg var …'.
_AFTER_OPENING = (
    r"(?:(?<=[a-zåäö,] )|(?<=\bI )|(?<=\bFör )|(?<=\bInom )|(?<=\bVia )|(?<=\bGenom )|(?<=\bFrån ))"
)
_NAME_PHRASE = re.compile(_AFTER_OPENING + r"([A-ZÅÄÖ][a-zåäö]+(?: [a-zåäö]+){1,3})")


def proper_words(text: str) -> set[str]:
    """Folded words a text writes capitalised in the middle of a sentence and never in lower case:
    names ('deltagit i Jobbspåret', 'En ny insats, Hälsolots, startar'), not common nouns; and the
    phrases a capitalised mid-sentence word opens ('steg for steg' from 'I Steg för steg var …'), so a
    name made of common words is known as a name where the report writes it as one."""
    lower = {fold(w) for w in _LOWER_WORD.findall(text)}
    repeated = _REPEATED_HEADING.findall(text)
    words = {fold(w) for w in _SENTENCE_WORD.findall(text) + _WRAPPED_WORD.findall(text)} - lower
    words |= {fold(h) for h in repeated if len(h.split()) == 1} - lower
    phrases = set()
    for m in _NAME_PHRASE.finditer(text):
        parts = fold(m.group(1)).split()
        phrases.update(" ".join(parts[:n]) for n in range(2, len(parts) + 1))
    phrases.update(fold(h) for h in repeated if len(h.split()) > 1)
    return words | phrases


def headings_of(items: Iterable[tuple[str, str]]) -> list[HeadingAt]:
    """Headings in the (report_id, section path) pairs; a level joining siblings ('Målgrupp / Resultat')
    gives one heading per sibling."""
    found: dict[HeadingAt, None] = {}
    for report, section in items:
        parent = ""
        for depth, level in enumerate(section.split(SEPARATOR)):
            siblings = [s.strip() for s in level.split(" / ") if s.strip()]
            for text in siblings:
                found[HeadingAt(report, text, parent, depth)] = None
            parent = siblings[-1] if siblings else parent
    return list(found)


def recurring_keys(headings: Iterable[HeadingAt]) -> set[str]:
    """Keys of template sub-headings ('Målgrupp', 'Resultat', 'Organisation/resurser'): those that recur
    under two or more different parents within one report. A project heading recurs across reports, but
    under one parent in each."""
    parents: dict[tuple[str, str], set[str]] = defaultdict(set)
    for h in headings:
        parents[(h.report, subject_key(h.text))].add(subject_key(h.parent))
    return {key for (_, key), keys in parents.items() if key and len(keys) >= 2}


def _structural(h: HeadingAt, parsed: ParsedName, numbered_ok: bool = False, as_name: bool = False) -> bool:
    """Report structure or table debris rather than a name: numbered chapters, ALL-CAPS chapters,
    'Bilaga 1', a place alone, a heading about a year ('Vision 2017'), figures ('1,0'), repeated words
    (a table header, unless the report writes the heading as a name: 'I Steg för steg var …'), or a
    sentence."""
    text = _normal(h.text)
    letters = [c for c in text if c.isalpha()]
    words = parsed.core.split()
    return (
        not parsed.core
        or (bool(_NUMBERING.match(text)) and not numbered_ok)
        or (all(c.isupper() for c in letters) and (h.depth == 0 or len(letters) >= 6))
        or bool(_YEAR.search(parsed.display))
        or bool(_DECIMAL.search(text))
        or (len(set(words)) < len(words) and not as_name)
        or len(words) > MAX_NAME_WORDS
    )


def _distinctive(parsed: ParsedName) -> bool:
    """A proper name inside: an abbreviation ('AMT', 'MySam') or a capitalised word after the first that
    is neither a place nor the förbund ('Destination Hälsa', 'Plattform Arenan')."""
    words = [w.strip(",.:;()") for w in parsed.display.split()]
    if any(is_abbreviation(w) for w in words):
        return True
    return any(w[:1].isupper() and not _is_place(w) and not _ORGANISATION_WORD.match(w) for w in words[1:])


def _is_place(word: str) -> bool:
    tokens = _tokens(word)
    return bool(tokens) and all(place_of(t) for t in tokens)


def _names_parent(parsed: ParsedName, parent: ParsedName) -> bool:
    """'AMT jobbar kring jämställdhet' under 'Arbetsmarknadstorget, AMT' is about its parent."""
    words = f" {parsed.core} "
    forms = {parent.core} | {parse_name(a).core for a in parent.aliases}
    return any(f and f" {f} " in words for f in forms)


@dataclass
class SectionTree:
    """The headings of many reports, with what recurs and what sits under what."""

    headings: list[HeadingAt]
    recurring: set[str]
    children: dict[HeadingAt, list[HeadingAt]]
    by_place: dict[tuple[str, str, int], list[HeadingAt]]
    """(report, parent, depth) → the headings there: siblings without a walk over every heading."""
    proper: dict[str, set[str]] = field(default_factory=dict)
    """Report → folded words its body writes as proper nouns (see `proper_words`)."""
    _cores: dict[str, set[tuple[str, tuple[str, ...]]]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, items: Iterable[tuple[str, str]], proper: dict[str, set[str]] | None = None) -> SectionTree:
        headings = headings_of(items)
        by_place: dict[tuple[str, str, int], list[HeadingAt]] = defaultdict(list)
        by_parent: dict[tuple[str, str, int], list[HeadingAt]] = defaultdict(list)
        for h in headings:
            by_place[(h.report, h.text, h.depth)].append(h)
            by_parent[(h.report, h.parent, h.depth)].append(h)
        children: dict[HeadingAt, list[HeadingAt]] = {h: [] for h in headings}
        for h in headings:
            for parent in by_place.get((h.report, h.parent, h.depth - 1), []):
                children[parent].append(h)
        return cls(headings, recurring_keys(headings), children, dict(by_parent), proper or {})

    def used_as_name(self, h: HeadingAt, parsed: ParsedName) -> bool:
        """The report's own text writes the heading's first word as a proper noun ('deltagit i
        Jobbspåret', 'En ny insats, Hälsolots, startar'): a numbered or one-word heading naming an insats."""
        first = parsed.core.split()[:1]
        proper = self.proper.get(h.report, ())
        return bool(first) and (first[0] in proper or (" " in parsed.core and parsed.core in proper))

    def _about_other(self, h: HeadingAt, parsed: ParsedName) -> bool:
        """The heading's words after the first begin another heading's name in the same report ('Styrgrupp
        MoA' beside 'MoA Piteå'); a common word inside another heading ('Unga Framåt' beside 'Blick framåt')
        does not count."""
        tail = parsed.core.split()[1:]
        if not tail:
            return False
        cores = self._cores.get(h.report)
        if cores is None:
            cores = self._cores[h.report] = {
                (o.text, tuple(parse_name(o.text).core.split()))
                for o in self.headings
                if o.report == h.report
            }
        n = len(tail)
        return any(text != h.text and list(words[:n]) == tail for text, words in cores)

    def below(self, h: HeadingAt) -> set[str]:
        return {subject_key(c.text) for c in self.children[h]}

    def siblings(self, h: HeadingAt) -> list[HeadingAt]:
        return self.by_place[(h.report, h.parent, h.depth)]

    def _named(self, h: HeadingAt) -> bool | None:
        """True for a heading that names a subject by its own words (a period or a proper name), False
        for a template or structural one, None when only its sub-headings can tell."""
        parsed = parse_name(h.text)
        if (
            parsed.key in self.recurring
            or bool(set(parsed.core.split()[:1]) & self.recurring)
            or _names_parent(parsed, parse_name(h.parent))
        ):
            return False
        proper = self.used_as_name(h, parsed)
        # a numbered heading names an insats when its first word is a name ('2.3 Jobbspåret Åby') or it
        # holds one ('4.3 Unga Framåt'), not when it is a common noun before another heading's insats
        # ('6.4. Styrgrupp MoA' is about MoA's steering group)
        numbered_ok = proper or (h.depth > 0 and _distinctive(parsed) and not self._about_other(h, parsed))
        if _structural(h, parsed, numbered_ok=numbered_ok, as_name=proper):
            return False
        return True if parsed.period or _distinctive(parsed) or proper else None

    def names_subject(self, h: HeadingAt) -> bool:
        """Whether a heading names an insats/project: not a template sub-heading ('Målgrupp', nor one
        starting with a template word: 'Mål Ekonomi', 'Resultat MySam 2016') nor report structure, and
        carrying a period, a proper name, or template sub-headings of its own: most of its children, not
        those of a template sibling ('Förnyelse/utveckling' beside 'Ekonomi', both over 'Mål / Mått'), and
        no named sub-heading (then it groups projects: 'Finsam-projekt/Strukturinriktad samverkan' over
        'NAFS Skellefteå-Norsjö')."""
        named = self._named(h)
        if named is not None:
            return named
        below = self.below(h)
        templated = below & self.recurring
        if len(templated) < 2 or 2 * len(templated) <= len(below):
            return False
        if any(self._named(c) for c in self.children[h]):
            return False
        return not any(
            subject_key(s.text) in self.recurring and self.below(s) & templated for s in self.siblings(h)
        )


# --- the registry ------------------------------------------------------------------------------------


def _digits(key: str) -> str:
    return "".join(c for c in key if c.isdigit())


def _ascii_loss(text: str) -> int:
    """How many å/ä/ö a spelling has: OCR drops them, so the richer spelling is the better display."""
    return sum(c in "åäöÅÄÖ" for c in text)


@dataclass
class SubjectRegistry:
    subjects: dict[str, Subject] = field(default_factory=dict)
    _spellings: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter), repr=False)
    """Each subject's spellings and how often each was seen: a list here made building quadratic."""
    _cache: dict = field(default_factory=dict, repr=False, compare=False)
    """Form index and names found per text; cleared whenever a subject or an alias is added. Without it
    every figure rebuilt the index of every form: indexing time grew with the square of the corpus."""

    # building

    @classmethod
    def from_sections(
        cls, items: Iterable[tuple[str, str]], proper: dict[str, set[str]] | None = None
    ) -> SubjectRegistry:
        """Subjects named by the headings of (report_id, section path) pairs, merged across reports;
        `proper` (report → words its body writes as names) lets a plain or numbered heading name one."""
        tree = SectionTree.of(items, proper)
        registry = cls()
        named = [h for h in tree.headings if tree.names_subject(h)]
        # placed names first: a later 'Tidsam' joins the one 'Tidsam, Piteå' (see `_same_subject`)
        named.sort(key=lambda h: parse_name(h.text).place is None)
        for h in named:
            registry.add(h.text, h.report)
        # 'Tidsam' under 'Resultat på strukturell nivå' names no subject by itself, but a known one.
        named_set = set(named)  # a list here made indexing quadratic: 128 of 137 s at 200 reports
        for h in tree.headings:
            key = subject_key(h.text)
            if h not in named_set and key not in tree.recurring and not _structural(h, parse_name(h.text)):
                found = registry.resolve(h.text, fuzzy=False)
                if found:
                    found.reports.add(h.report)
        return registry

    def add(self, name: str, report: str | None = None) -> Subject:
        """Add a subject (or a spelling of a known one) named `name`, e.g. the organisation of a report."""
        parsed = parse_name(name)
        if not parsed.core:
            raise ValueError(f"{name!r} names no subject (a place, a period or a prefix alone)")
        self._cache.clear()
        subject = self.subjects.get(parsed.key) or self._same_subject(parsed)
        if subject is None:
            subject = Subject(parsed.key, parsed.display, place=parsed.place)
            self.subjects[subject.key] = subject
        subject.aliases.update(a for a in parsed.aliases if parse_name(a).core != subject.core)
        if report:
            subject.reports.add(report)
        self._spellings[subject.key][parsed.display] += 1
        subject.name = self._display_name(subject)
        return subject

    def _same_subject(self, parsed: ParsedName) -> Subject | None:
        """A known subject at the same place that `parsed` names by core, alias or a near spelling."""
        if parsed.place is None:
            placed = [s for s in self.subjects.values() if s.place and parsed.core in s.forms()]
            if len(placed) == 1:
                return placed[0]  # the insats' one place variant, named without its place
        here = [s for s in self.subjects.values() if s.place == parsed.place]
        forms = {parsed.core} | {parse_name(a).core for a in parsed.aliases}
        for subject in here:
            if parsed.core in subject.forms() or subject.core in forms:
                return subject
        near = nearest(parsed.core, [s.core for s in here])
        return next((s for s in here if s.core == near), None)

    def _display_name(self, subject: Subject) -> str:
        spellings = self._spellings.get(subject.key) or Counter([subject.name])
        best = max(spellings, key=lambda s: (_ascii_loss(s), spellings[s]))  # ties: the first seen
        if subject.place and not any(place_of(t) for t in _tokens(best)):
            best = f"{best}, {subject.place}"
        initial = fold(best)[:1]
        short = sorted(a for a in subject.aliases if is_abbreviation(a) and fold(a)[:1] == initial)
        long = sorted(a for a in subject.aliases if len(a.split()) >= 2)
        if is_abbreviation(best.split(",")[0]) and long:
            return f"{best} ({long[0]})"
        return f"{best} ({short[0]})" if short else best

    def add_aliases_from_text(self, text: str) -> int:
        """Aliases defined in running text: 'Arbetsmarknadstorget (AMT)', 'MoA (Motivera och aktivera)'.
        The words before the parenthesis must name a known subject exactly. Returns how many were added."""
        added = self._renames(text) if _RENAME_HINT.search(text) else 0
        if "(" not in text:  # most passages define nothing; normalising them all cost seconds
            return added
        norm = _normal(text)
        for m in _PAREN.finditer(norm):
            inner = m.group(1).strip()
            if not inner or _YEAR.search(inner):
                continue
            before = re.split(r"[.!?;:,]\s", norm[: m.start()])[-1].split()[-6:]
            for n in range(len(before), 0, -1):
                name = " ".join(before[-n:])
                found = self._exact(name)
                if not found:
                    continue
                if self._defines(name, inner):
                    taken = self._all_forms() - {f for subj in found for f in subj.forms()}
                    for subject in found:
                        if inner not in subject.aliases and parse_name(inner).core not in taken:
                            self._cache.clear()
                            subject.aliases.add(inner)
                            subject.name = self._display_name(subject)
                            added += 1
                break
        return added

    def _renames(self, text: str) -> int:
        """'Lotsen … bytte namn till Arbetslotsen': two known subjects that are one insats under its old
        and new name. The old one's forms become aliases of the new one, so the old report's figures are
        the same insats's (a change between the years joins them). Both names must be known subjects at
        the same place: a rename is never guessed from a word that names nothing."""
        merged = 0
        norm = _normal(text)
        for m in _RENAME.finditer(norm):
            stop = norm.rfind(". ", 0, m.start())
            sentence_start = stop + 2 if stop >= 0 else 0
            before = self.find_in_text(norm[sentence_start : m.start()]) or self._named_at_start(
                norm[sentence_start : m.start()]
            )
            after = norm[m.end() :].split()[: MAX_NAME_WORDS // 2]
            new = next(
                (
                    found[0]
                    for n in range(len(after), 0, -1)
                    if len(found := self._exact(" ".join(after[:n]).strip(".,;:"))) == 1
                ),
                None,
            )
            old = before[-1] if before else None
            merged += self._merge(old, new)
        # 'Från och med den 1 mars 2024 heter Hälsosteget Arbetssteget': the old name, then the new one
        for m in re.finditer(r"\bheter ", norm):
            after = norm[m.end() :].split()[:MAX_NAME_WORDS]
            old_at = self._known_prefix(after)
            if old_at is None:
                continue
            old, n = old_at
            new_at = self._known_prefix(after[n:])
            merged += self._merge(old, new_at[0] if new_at else None)
        return merged

    def _known_prefix(self, words: list[str]) -> tuple[Subject, int] | None:
        """The one known subject the words start with, and how many words name it (the longest)."""
        for n in range(min(len(words), MAX_NAME_WORDS // 2), 0, -1):
            found = self._exact(" ".join(words[:n]).strip(".,;:"))
            if len(found) == 1:
                return found[0], n
        return None

    def _merge(self, old: Subject | None, new: Subject | None) -> int:
        """Join a renamed insats's old subject into its new one (same place); 1 when joined."""
        if old is None or new is None or old is new or old.place != new.place:
            return 0
        self._cache.clear()
        new.aliases.update({old.name, *old.aliases} - {new.name})
        new.reports.update(old.reports)
        del self.subjects[old.key]
        new.name = self._display_name(new)
        return 1

    def _named_at_start(self, clause: str) -> list[Subject]:
        """The known subject a clause starts with ('Lotsen permanentades …'): a one-word name of a common
        noun is found by its place as the sentence's subject, where a search of the text would skip it."""
        words = clause.split()[: MAX_NAME_WORDS // 2]
        for n in range(len(words), 0, -1):
            found = self._exact(" ".join(words[:n]).strip(".,;:"))
            if len(found) == 1:
                return found
        return []

    @staticmethod
    def _defines(name: str, inner: str) -> bool:
        same_start = fold(name.split()[-1])[:1] == fold(inner)[:1]
        return same_start and (is_abbreviation(inner) or (is_abbreviation(name.split()[-1]) and " " in inner))

    def _all_forms(self) -> set[str]:
        return set(self._by_form()) | set(self.subjects)

    # finding

    def _by_form(self) -> dict[str, list[Subject]]:
        """Every form (core, alias, key) and the subjects it names. Shared: callers must not change it."""
        index = self._cache.get("by_form")
        if index is None:
            index = defaultdict(list)
            for subject in self.subjects.values():
                for form in subject.forms():
                    index[form].append(subject)
            self._cache["by_form"] = index
        return index

    def _form_index(self) -> FormIndex:
        index = self._cache.get("form_index")
        if index is None:
            index = self._cache["form_index"] = FormIndex.of(self._by_form())
        return index

    def _exact(self, name: str) -> list[Subject]:
        parsed = parse_name(name)
        key = _genitive_base(parsed.key, self.subjects)
        if key in self.subjects:
            return [self.subjects[key]]
        index = self._by_form()
        return _by_place(index.get(_genitive_base(parsed.core, index), []), parsed.place)

    def resolve(self, name: str, fuzzy: bool = True) -> Subject | None:
        """The one subject `name` names (any spelling, alias, genitive, period, prefix), or None when it
        names none or several ('MoA' alone, with MoA Piteå and MoA Älvsbyn known)."""
        found = self._exact(name)
        if not found and fuzzy:
            parsed = parse_name(name)
            index = self._by_form()
            near = nearest(parsed.core, list(index))
            found = _by_place(index[near], parsed.place) if near else []
        return found[0] if len(found) == 1 else None

    def subject_of_section(self, section: str) -> Subject | None:
        """The deepest level of a heading path that names a subject."""
        for level in reversed(section.split(SEPARATOR)):
            for sibling in level.split(" / "):
                found = self.resolve(sibling, fuzzy=False)
                if found:
                    return found
        return None

    def find_in_text(self, text: str, context: str = "") -> list[Subject]:
        """Subjects named in `text` (a question, a passage, OCR-damaged or typed without å/ä/ö), longest
        mention first. A name shared by places ('MoA') gives the variants whose place the text names;
        a name of common words only ('Ett steg till') counts only with its place in the text or in
        `context` (the heading the sentence stands under: 'Älvsbyn › I insatsen Steget fram …')."""
        found_in = self._cache.setdefault("found", {})
        if (text, context) not in found_in:  # many figures share a sentence
            found_in[(text, context)] = self._find_in_text(text, context)
        return list(found_in[(text, context)])

    def _find_in_text(self, text: str, context: str = "") -> list[Subject]:
        pairs = [(word, token) for word, tokens in _words(text) for token in tokens]
        words = [word for word, _ in pairs]
        tokens = [token for _, token in pairs]
        places = {p for p in map(place_of, tokens + _tokens(context)) if p}
        named = proper_words(text) if text[:1] else set()
        index = self._form_index()
        matches: list[tuple[int, int, list[Subject]]] = []
        i = 0
        while i < len(tokens):
            for form, split, subjects in index.candidates(tokens[i]):
                size = _match_at(tokens, i, split)
                if size and self._counts(form, words[i : i + size], subjects, places, named):
                    matches.append((size, i, subjects))
                    i += size
                    break
            else:
                i += 1
        found: dict[str, Subject] = {}
        for _, _, subjects in sorted(matches, key=lambda m: (-m[0], m[1])):
            for subject in _in_places(subjects, places):
                found.setdefault(subject.key, subject)
        return list(found.values())

    @staticmethod
    def _counts(
        form: str,
        written: list[str],
        subjects: list[Subject],
        places: set[str],
        named: Collection[str] = frozenset(),
    ) -> bool:
        """Whether a mention is a name rather than ordinary words: one common word ('lots', 'moa') counts
        when written as an abbreviation ('LOTS', 'MoA') or as a name in mid-sentence ('hade Bryggan och',
        see `proper_words`); a placed subject of common words needs its place."""
        if any(is_abbreviation(w) for w in written) or not _common(form):
            return True
        if len(form.split()) == 1:
            return bool(written) and written[0][:1].isupper() and fold(written[0]) in named
        return any(s.place is None or _place_named(s.place, places) for s in subjects)

    # storing

    def to_json(self) -> str:
        rows = [
            {**vars(s), "aliases": sorted(s.aliases), "reports": sorted(s.reports)}
            for s in sorted(self.subjects.values(), key=lambda s: s.key)
        ]
        return json.dumps({"version": 1, "subjects": rows}, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> SubjectRegistry:
        data = json.loads(text)
        if data.get("version") != 1:
            raise ValueError(f"unknown subject registry version {data.get('version')!r}")
        registry = cls()
        for row in data["subjects"]:
            subject = Subject(**{**row, "aliases": set(row["aliases"]), "reports": set(row["reports"])})
            registry.subjects[subject.key] = subject
            registry._spellings[subject.key][parse_name(subject.name).display] += 1
        registry._cache.clear()
        return registry


@dataclass(frozen=True)
class RegistryChange:
    """What differs between the registry a generation's figures were resolved with and a new one.

    A kept figure's subject can only change if its sentence could mention a form that now names other
    subjects (or none), if its section resolves to another subject, or if its subject was renamed; the
    rest keep their subjects, so adding one report does not resolve every figure of the corpus again."""

    forms: FormIndex
    """Forms whose subjects (key and place) differ, or that only one registry knows."""
    renamed: frozenset[str]
    """Old display names of subjects renamed or gone."""

    def may_mention(self, text: str) -> bool:
        """Whether `text` could mention a changed form: `find_in_text`'s matching without its checks, so
        a superset of the mentions it would find."""
        tokens = [token for _, variants in _words(text) for token in variants]
        return any(
            _match_at(tokens, i, split)
            for i, token in enumerate(tokens)
            for _, split, _ in self.forms.candidates(token)
        )


def registry_change(old: SubjectRegistry, new: SubjectRegistry) -> RegistryChange:
    def signature(registry: SubjectRegistry) -> dict[str, list[tuple[str, str]]]:
        return {
            form: sorted((s.key, s.place or "") for s in subjects)
            for form, subjects in registry._by_form().items()
        }

    before, after = signature(old), signature(new)
    changed = {form: [] for form in before.keys() | after.keys() if before.get(form) != after.get(form)}
    renamed = frozenset(
        s.name
        for key, s in old.subjects.items()
        if key not in new.subjects or new.subjects[key].name != s.name
    )
    return RegistryChange(FormIndex.of(changed), renamed)


def nearest(core: str, cores: Iterable[str]) -> str | None:
    """The core nearest `core` at FUZZY_KEY_RATIO or above with the same digits ('Knut'n 2.0' never meets
    'Knut'n 3.0'); callers compare places first, so 'MoA Piteå' never meets 'MoA Älvsbyn'."""
    if len(core) < 5:
        return None
    scored = [(fuzz.ratio(core, c), c) for c in cores if len(c) >= 5 and _digits(c) == _digits(core)]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= FUZZY_KEY_RATIO else None


def _by_place(subjects: list[Subject], place: str | None) -> list[Subject]:
    """Subjects sharing a name, narrowed by place: the named place's variant, else the place-less one;
    with no place named, the place-less one, else all variants."""
    placeless = [s for s in subjects if s.place is None]
    if place:
        return [s for s in subjects if s.place == place] or placeless
    return placeless or subjects


def _place_named(place: str, places: set[str]) -> bool:
    return set(place.split("-")) <= places


def _in_places(subjects: list[Subject], places: set[str]) -> list[Subject]:
    """The variants whose place the text names ('Skellefteå-Norsjö' needs both), else the place-less."""
    if not places:
        return subjects
    named = [s for s in subjects if s.place and _place_named(s.place, places)]
    return named or [s for s in subjects if s.place is None] or subjects


@dataclass(frozen=True)
class FormIndex:
    """The registry's forms, longest first as `find_in_text` tries them, found by their first word: only
    forms that can match at a word are tried there, instead of every form at every word."""

    ranked: list[tuple[str, list[str], list[Subject]]]
    """(form, its words, the subjects it names), longest form first."""
    by_first: dict[str, list[int]]
    """First word → positions in `ranked`."""
    long_firsts: list[str]
    """First words long enough for `_match_at`'s OCR-tolerant comparison."""

    @classmethod
    def of(cls, by_form: dict[str, list[Subject]]) -> FormIndex:
        ranked = [(form, form.split(), subjects) for form, subjects in by_form.items() if form.split()]
        ranked.sort(key=lambda item: -len(item[0]))
        by_first: dict[str, list[int]] = defaultdict(list)
        for rank, (_, split, _) in enumerate(ranked):
            by_first[split[0]].append(rank)
        long_firsts = [w for w in by_first if len(w) >= FUZZY_TOKEN_MIN]
        return cls(ranked, dict(by_first), long_firsts)

    def candidates(self, token: str) -> list[tuple[str, list[str], list[Subject]]]:
        """Every form `_match_at` could accept at a word `token` (a superset: it still checks), in rank order:
        the same first word, that word with a genitive -s, or a long word near enough."""
        ranks = set(self.by_first.get(token, ()))
        if token.endswith("s"):
            ranks.update(self.by_first.get(token[:-1], ()))
        if len(token) >= FUZZY_TOKEN_MIN:
            near = process.extract(
                token, self.long_firsts, scorer=fuzz.ratio, score_cutoff=FUZZY_TOKEN_RATIO, limit=None
            )
            for word, _, _ in near:
                ranks.update(self.by_first[word])
        return [self.ranked[rank] for rank in sorted(ranks)]


def _match_at(tokens: list[str], i: int, form: list[str]) -> int:
    """Length of `form` if the text's words from `i` spell it: equal, a genitive -s on the last word, or a
    long word near enough (OCR damage)."""
    if i + len(form) > len(tokens):
        return 0
    for j, want in enumerate(form):
        got = tokens[i + j]
        last = j == len(form) - 1
        if got == want or (last and got == want + "s"):
            continue
        if (
            len(want) >= FUZZY_TOKEN_MIN
            and len(got) >= FUZZY_TOKEN_MIN
            and fuzz.ratio(got, want) >= FUZZY_TOKEN_RATIO
        ):
            continue
        return 0
    return len(form)


@lru_cache(maxsize=10_000)
def _common(form: str) -> bool:
    """Every word of the form is common Swedish (wordfreq zipf ≥ COMMON_WORD_ZIPF)."""
    from wordfreq import zipf_frequency

    return all(zipf_frequency(w, "sv") >= COMMON_WORD_ZIPF for w in form.split())
