"""What a report is: read from its `.toml` sidecar, else from its title page, file name and text."""

from __future__ import annotations

import calendar
import itertools
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from index.models import ReportMeta

UNKNOWN = "okänd"

#: Fields that `infer_meta` guesses; all of them are reported as missing when there is no sidecar.
INFERRED_FIELDS = ("title", "organisation", "report_type", "period", "years")

# How far into the text the "first pages" reach when guessing type and year.
_TYPE_WINDOW = 5000
_YEAR_WINDOW = 3000


class ReportLoadError(Exception):
    """A report or its sidecar cannot be read; `reason` says why in Swedish and English."""

    def __init__(self, reason: str, path: Path | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path


@dataclass(frozen=True)
class InferredMeta:
    meta: ReportMeta
    missing: list[str] = field(default_factory=list)
    """Fields that were guessed or are unknown (not read from the title page)."""
    sources: dict[str, str] = field(default_factory=dict)
    """Field name -> where it came from: 'titelsida', 'filnamn', 'gissning' or 'saknas'."""


def sidecar_path(report_path: Path) -> Path:
    """`x.txt` -> `x.toml` in the same folder."""
    return report_path.with_suffix(".toml")


def read_sidecar(path: Path) -> ReportMeta | None:
    """The validated sidecar of the report at `path` (or the sidecar itself), None when there is none."""
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return None
    try:
        data = tomllib.loads(_sidecar_text(sidecar.read_bytes()))
    except OSError as err:
        raise ReportLoadError(
            f"{sidecar.name}: metadatafilen kan inte läsas / sidecar cannot be read: {err.strerror}", sidecar
        ) from err
    except UnicodeDecodeError as err:
        line = err.object[: err.start].count(b"\n") + 1
        raise ReportLoadError(
            f"{sidecar.name}: metadatafilen är inte UTF-8 (rad {line}) – spara den som UTF-8 / "
            f"sidecar is not UTF-8 (line {line}) – save it as UTF-8",
            sidecar,
        ) from err
    except tomllib.TOMLDecodeError as err:
        raise ReportLoadError(f"{sidecar.name}: {_toml_problem(err)}", sidecar) from err
    try:
        return ReportMeta.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(describe_validation_error(e) for e in err.errors())
        raise ReportLoadError(f"{sidecar.name}: {problems}", sidecar) from err


_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _toml_problem(err: tomllib.TOMLDecodeError) -> str:
    """'ogiltig TOML / invalid TOML (rad/line 1, kolumn/column 6): Expected '=' after a key …', with the
    usual form of a line as a hint (the parser's own words are English only)."""
    message = str(err)
    place = _TOML_PLACE.search(message)
    where = f" (rad/line {place[1]}, kolumn/column {place[2]})" if place else ""
    detail = _TOML_PLACE.sub("", message)
    hint = 'en rad ska se ut som / a line should read: title = "…"'
    return f"ogiltig TOML / invalid TOML{where}: {detail} – {hint}"


def _sidecar_text(data: bytes) -> str:
    """TOML is UTF-8, but Windows editors add a byte-order mark or save as UTF-16 ("Unicode"): a BOM makes
    the encoding certain, so those are read. Other encodings are refused rather than guessed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


_YEAR_RANGE = re.compile(r"year (\d+) is outside (\S+)")


def describe_validation_error(error: dict) -> str:
    """One pydantic error in plain words: Swedish first, English after."""
    loc = error.get("loc", ())
    # `years[1]` is reported as the field 'years': the position is in the value shown.
    name = ".".join(str(part) for part in loc if not isinstance(part, int)) or None
    kind = error.get("type", "")
    quoted = f"'{name}'"
    value = error.get("input")
    if kind in ("int_parsing", "int_type", "int_from_float") and any(isinstance(part, int) for part in loc):
        return (
            f"fältet {quoted} ska vara en lista med årtal ({value!r} är inget årtal) / "
            f"field {quoted} must be a list of years ({value!r} is not a year)"
        )
    if kind == "string_type" and isinstance(value, int | float):
        return (
            f'fältet {quoted} ska vara text inom citattecken, t.ex. {name} = "{value}" / '
            f'field {quoted} must be text in quotes, e.g. {name} = "{value}"'
        )
    if kind == "value_error" and (m := _YEAR_RANGE.search(str(error.get("msg", "")))):
        return (
            f"årtalet {m[1]} ligger utanför {m[2]} (fältet 'period' eller 'years') / "
            f"year {m[1]} is outside {m[2]} (field 'period' or 'years')"
        )
    if kind == "missing":
        return f"fältet {quoted} saknas / field {quoted} is missing"
    if kind == "extra_forbidden":
        return f"okänt fält {quoted} / unknown field {quoted}"
    if kind == "string_too_short":
        return f"fältet {quoted} är tomt / field {quoted} is empty"
    if kind == "string_type":
        return f"fältet {quoted} ska vara text / field {quoted} must be text"
    if kind in ("list_type", "int_parsing", "int_type", "int_from_float"):
        return f"fältet {quoted} ska vara en lista med årtal / field {quoted} must be a list of years"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"fältet {quoted} måste vara {allowed} / field {quoted} must be {allowed}"
    message = str(error.get("msg", kind)).removeprefix("Value error, ")
    if name is None:
        return f"ogiltigt värde: {message} / invalid value: {message}"
    return f"fältet {quoted} är ogiltigt: {message} / field {quoted} is invalid: {message}"


def infer_meta(path: Path, text: str, first_pages: str | None = None) -> InferredMeta:
    """Organisation, type, period and title read from the title page (`first_pages`, default the start
    of `text`) first, then the file name, then guessed from the body; `sources` says which for each field.
    A word in the body never overrides the title page or the file name."""
    page = read_title_page(text if first_pages is None else first_pages, body=text)
    stem = path.stem
    sources: dict[str, str] = {}

    report_type, sources["report_type"] = _first_found(
        (page.report_type, TITLE_PAGE), (_type_in_name(stem), FILE_NAME), (_type_in_body(text), GUESS)
    )
    years, period, sources["period"] = _period_found(page, stem, text, report_type)
    sources["years"] = sources["period"]

    body_org = infer_organisation(text)
    organisation, sources["organisation"] = _first_found(
        (page.organisation, TITLE_PAGE),
        (body_org if _name_matches_stem(body_org, stem) else None, FILE_NAME),
        (body_org if body_org != UNKNOWN else None, GUESS),
    )

    if page.title:
        title, sources["title"] = page.title, TITLE_PAGE
    elif report_type != UNKNOWN:
        # Composed from type and period: as good as the worse of the two.
        title = report_type if period == UNKNOWN else f"{report_type} {period}"
        sources["title"] = sources["report_type"] if sources["period"] == sources["report_type"] else GUESS
    else:
        heading = first_heading(text)
        title, sources["title"] = (heading, GUESS) if heading else (UNKNOWN, MISSING)
    meta = ReportMeta(
        title=title,
        organisation=organisation,
        report_type=report_type,
        period=period,
        years=years,
    )
    guessed = [name for name in INFERRED_FIELDS if sources[name] not in (SIDECAR, TITLE_PAGE)]
    return InferredMeta(meta, guessed, sources)


def guessed_fields(sources: dict[str, str]) -> list[str]:
    """Fields not read from a sidecar or the title page: what `finsam reports` lists as guessed."""
    return [name for name, source in sources.items() if source not in (SIDECAR, TITLE_PAGE)]


def _first_found(*candidates: tuple[str | None, str]) -> tuple[str, str]:
    """The first candidate value that was found, with its source; ('okänd', 'saknas') when none was."""
    for value, source in candidates:
        if value:
            return value, source
    return UNKNOWN, MISSING


def _period_found(page: TitlePage, stem: str, text: str, report_type: str) -> tuple[list[int], str, str]:
    """(years, period, source): the title page's period, else the file name's years, else the body's."""
    if page.period:
        return page.years, page.period, TITLE_PAGE
    head = text[:_TYPE_WINDOW]
    years, source = _years_in(stem), FILE_NAME
    if not years:
        years, source = infer_years(text), GUESS
    if not years:
        return [], UNKNOWN, MISSING
    period = _period_of(years)
    if report_type.startswith("Delårs"):
        period = _date_range(head, years) or period
    elif report_type == "Verksamhetsplan" and len(years) == 1 and (plan := _plan_years(head, years[0])):
        period, years = f"{years[0]} (plan {plan[0]}–{plan[-1]})", [years[0], *plan]
    return years, period, source


def _name_matches_stem(organisation: str, stem: str) -> bool:
    """'Samordningsförbundet Skellefteå-Norsjö' and 'skelleftea-norsjo_arsredovisning_2016': the file name
    confirms the name found in the body."""
    if organisation == UNKNOWN:
        return False
    name = _fold(organisation.removeprefix("Samordningsförbundet "))
    return bool(name) and name in _fold(stem)


def _fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: 'Skellefteå-Norsjö' -> 'skellefteanorsjo'."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if c.isascii() and c.isalnum())


# --- the title page -----------------------------------------------------------------------------------

SIDECAR, TITLE_PAGE, FILE_NAME, GUESS, MISSING = "sidecar", "titelsida", "filnamn", "gissning", "saknas"
#: Where a metadata field came from, best first.
META_SOURCES = (SIDECAR, TITLE_PAGE, FILE_NAME, GUESS, MISSING)

# The title page is the top of the first page: up to the table of contents, a dozen lines at most.
_TITLE_LINES = 14
_TITLE_CHARS = 1500
_TOC = re.compile(r"^\s*inneh.ll(sf.rteckning)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class TitlePage:
    """What the title page says; None (or []) for what it does not say."""

    title: str | None = None
    report_type: str | None = None
    organisation: str | None = None
    period: str | None = None
    years: list[int] = field(default_factory=list)


def title_lines(text: str) -> list[str]:
    """The short, heading-like lines at the top of the first page, capitals made ordinary
    ('ÅRSREDOVISNING 2024' -> 'Årsredovisning 2024'). Numbered lines are contents or sections."""
    lines: list[str] = []
    for raw in text[:_TITLE_CHARS].splitlines():  # a form feed (page break) is a line break too
        line = " ".join(raw.split())
        if not line:
            continue
        # Prose (a wrapped sentence) or the contents end the title page: a report that opens with
        # text has no title page, and its sentences must not be read as one.
        if _TOC.match(line) or _prose(line) or len(lines) >= _TITLE_LINES:
            break
        if _heading_like(line) or _only_period(line):
            lines.append(_uncapitalise(line))
    return lines


def _prose(line: str) -> bool:
    return len(line.split()) >= 9 or (line.endswith(("-", ".")) and len(line.split()) >= 4)


def _heading_like(line: str) -> bool:
    return (
        len(line) <= 90
        and not line.endswith((".", ":", ";"))
        and not re.match(r"\d+(\.\d+)*\.?\s", line)
        and sum(map(str.isalpha, line)) >= 3
    )


def _uncapitalise(line: str) -> str:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4 or not all(c.isupper() for c in letters):
        return line
    # Names keep their capital ('SAMORDNINGSFÖRBUNDET VÄSTRA DALÄLVEN'); a title is a sentence.
    if _FEDERATION_RE.search(line.lower()):
        return line.title()
    lowered = line.lower()
    return lowered[0].upper() + lowered[1:] if lowered[0].isalpha() else line.title()


def read_title_page(text: str, body: str = "") -> TitlePage:
    """Title, type, organisation and period from the title lines of the first page(s)."""
    lines = title_lines(text)
    title_at, report_type = _title_line(lines)
    title = None
    if title_at is not None:
        title = lines[title_at]
        # 'Verksamhetsplan och budget 2015,' / 'plan 2016–2017' and '– insatser och projekt' continue it.
        nxt = lines[title_at + 1] if title_at + 1 < len(lines) else ""
        if nxt and (title.endswith((",", "och")) or nxt[0].islower() or nxt[0] in "–-" or _only_period(nxt)):
            title = f"{title} {nxt}"
    years, period = _title_period(title, lines)
    return TitlePage(title, report_type, _title_organisation(lines, body or text), period, years)


def _only_period(line: str) -> bool:
    """'2022–2024', 'januari–juni 2021': a line that is nothing but the title's period."""
    return bool(_YEAR_SPAN.search(line)) and not _PERIOD_WORDS.sub("", line).strip()


def _title_line(lines: list[str]) -> tuple[int | None, str | None]:
    """(index of the title line, its report type): the first line that names a type of report."""
    for i, line in enumerate(lines):
        if _FEDERATION_RE.search(line.lower()) and not _type_in(line, _KNOWN_TYPES):
            continue  # 'Samordningsförbundet X' is the publisher, not the title
        found = _type_in(line, _KNOWN_TYPES) or _type_in(line, _OPEN_TYPES) or _own_type_word(line)
        if found:
            return i, found
    return None, None


def _type_in(text: str, types: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    for name, pattern in types:
        if pattern.search(text):
            return name
    return None


# A title's own word for what it is: 'Socialförsäkringsrapport', 'Handlingsplan', 'Lägesrapport'.
_OWN_TYPE = re.compile(
    r"\b([a-zåäö]{2,}(?:rapport|redovisning|berättelse|plan|utvärdering|uppföljning|analys))\b", re.IGNORECASE
)


def _own_type_word(line: str) -> str | None:
    m = _OWN_TYPE.search(line)
    return m[1][0].upper() + m[1][1:].lower() if m else None


_MONTHS = ("januari februari mars april maj juni juli augusti september oktober november december").split()
_PERIOD_WORDS = re.compile(
    rf"((?:19|20)\d\d|{'|'.join(_MONTHS)}|[–\-:/,]|och|till|t\.o\.m\.?|\d{{1,2}})", re.IGNORECASE
)


_MONTH_RANGE = re.compile(
    rf"(?P<m1>{'|'.join(_MONTHS)})\s*[–-]\s*(?P<m2>{'|'.join(_MONTHS)})\s+(?P<y>(?:19|20)\d\d)", re.IGNORECASE
)
_DATES = re.compile(
    r"(?<!\d)(?P<y1>(?:19|20)\d\d)-?(?P<m1>[01]\d)-?(?P<d1>[0-3]\d)\s*(?:[–-]|till|t\.o\.m\.?)\s*"
    r"(?P<y2>(?:19|20)\d\d)-?(?P<m2>[01]\d)-?(?P<d2>[0-3]\d)(?!\d)"
)
_PLAN = re.compile(r"\bplan(?:erna)?\s+(?:för\s+)?((?:19|20)\d\d)\s*[–-]\s*((?:19|20)\d\d)", re.IGNORECASE)
_YEAR_SPAN = re.compile(r"(?<![\d-])((?:19|20)\d\d)(?:\s*[–-]\s*((?:19|20)\d\d))?(?![\d-])")


def _title_period(title: str | None, lines: list[str]) -> tuple[list[int], str | None]:
    """The period the title page states: a date range ('Perioden 2011-01-01 – 2011-12-31'), months
    ('januari–juni 2020'), a plan ('budget 2015, plan 2016–2017') or the title's year(s)."""
    title_years = _spans(title or "")
    for line in ([title] if title else []) + lines:
        if m := _MONTH_RANGE.search(line):
            y = int(m["y"])
            start, end = _MONTHS.index(m["m1"].lower()) + 1, _MONTHS.index(m["m2"].lower()) + 1
            last = calendar.monthrange(y, end)[1]
            return [y], f"{y}-{start:02d}-01 – {y}-{end:02d}-{last:02d}"
        if (m := _DATES.search(line)) and (not title_years or int(m["y1"]) in title_years):
            return _date_period(m)
    if title and title_years:
        plan = _PLAN.search(title)
        if plan and len(set(title_years) - set(range(int(plan[1]), int(plan[2]) + 1))) == 1:
            first = title_years[0]
            return sorted(set(title_years)), f"{first} (plan {plan[1]}–{plan[2]})"
        return title_years, _period_of(title_years)
    return [], None


def _spans(text: str) -> list[int]:
    """Years a text names, ranges filled in: 'budget 2015, plan 2016–2017' -> [2015, 2016, 2017]."""
    years: set[int] = set()
    for m in _YEAR_SPAN.finditer(text):
        first, last = int(m[1]), int(m[2] or m[1])
        if first <= last <= first + 10:
            years.update(range(first, last + 1))
    return sorted(years)


def _date_period(m: re.Match[str]) -> tuple[list[int], str]:
    """Whole calendar years are written as years ('2011'), anything else as the date range."""
    y1, y2 = int(m["y1"]), int(m["y2"])
    years = list(range(y1, y2 + 1)) if y1 <= y2 <= y1 + 10 else [y1]
    if (m["m1"], m["d1"], m["m2"], m["d2"]) == ("01", "01", "12", "31"):
        return years, _period_of(years)
    return years, f"{m['y1']}-{m['m1']}-{m['d1']} – {m['y2']}-{m['m2']}-{m['d2']}"


def _plan_years(text: str, first: int) -> list[int]:
    """'årsbudget 2015 och plan 2016-2017' in a plan's body: the plan years after `first`."""
    for m in _PLAN.finditer(text):
        start, end = int(m[1]), int(m[2])
        if start == first + 1 and start <= end <= start + 5:
            return list(range(start, end + 1))
    return []


# A federation's name, three ways: 'Samordningsförbundet X', 'X samordningsförbund', 'Finsam X'.
_NAME = r"[A-ZÅÄÖ][\w&]*(?:[-/][A-ZÅÄÖ][\w&]*)?"
_FEDERATION_RE = re.compile(r"samordningsf\S{1,2}rbund|\bfinsam\b")
_FEDERATION_NAMES = (
    re.compile(rf"\bSamordningsf\S{{1,2}}rbund(?:et)?\s+(?P<name>{_NAME}(?:\s+{_NAME})?)"),
    re.compile(rf"(?P<name>{_NAME}(?:\s+{_NAME})?)\s+samordningsförbund\b"),
    # 'Finsam Hällebygden', 'Finsamförbundet Norra Klarälv'
    re.compile(rf"\bFinsam(?:f\S{{1,2}}rbundet)?\s+(?P<name>{_NAME}(?:\s+{_NAME})?)"),
)
# Publishers that are not federations: an agency, a municipality, a region.
_PUBLISHERS = (
    (
        re.compile(r"\bInspektionen för socialförsäkringen\b|\bISF\b"),
        "Inspektionen för socialförsäkringen (ISF)",
    ),
    (re.compile(r"\bFörsäkringskassan\b"), "Försäkringskassan"),
    (re.compile(r"\bArbetsförmedlingen\b"), "Arbetsförmedlingen"),
    (re.compile(r"\bSocialstyrelsen\b"), "Socialstyrelsen"),
    (re.compile(r"\bNationella rådet\b[^,]*"), None),
    (re.compile(rf"\b{_NAME}s? kommun\b"), None),
    (re.compile(rf"\bRegion {_NAME}"), None),
    (re.compile(rf"\b{_NAME}s? läns landsting\b|\bLandstinget {_NAME}"), None),
)


def _title_organisation(lines: list[str], body: str = "") -> str | None:
    """A federation named on the title page, in one form whatever form the page uses ('Hällebygdens
    samordningsförbund' and 'Finsam Hällebygden' are 'Samordningsförbundet Hällebygden', so one
    federation's reports are one organisation); else the one publisher a title line names (a line
    listing several is the federation's members, not its publisher)."""
    for line in lines:
        for form, pattern in enumerate(_FEDERATION_NAMES):
            if m := pattern.search(line):
                name = _federation_name(m["name"], whole_line=_name_ends_line(line, m))
                if name:
                    return f"Samordningsförbundet {_without_genitive(name, body) if form == 1 else name}"
    for line in lines:
        if len(line.split()) > 6 or any(c.isdigit() for c in line):
            continue  # a publisher stands on a line of its own
        found = [(m, label) for pattern, label in _PUBLISHERS for m in pattern.finditer(line)]
        if len(found) == 1:
            m, label = found[0]
            return label or m[0]
    return None


def _without_genitive(name: str, body: str) -> str:
    """'Hällebygdens' -> 'Hällebygden' when the report writes the name without the genitive -s too;
    'Borås' and 'Kramfors' stay as they are."""
    if not name.endswith("s") or len(name) < 4:
        return name
    base = name[:-1]
    return base if re.search(rf"\b{re.escape(base)}\b(?!s)", body) else name


def _name_ends_line(line: str, m: re.Match[str]) -> bool:
    """The name is all that follows on its line ('Samordningsförbundet Skåne Nordväst'): a title page's
    name line, where a second word is part of the name, not a heading that follows it."""
    return (
        not line[m.end("name") :].strip()
        if m.re is not _FEDERATION_NAMES[1]
        else not line[: m.start()].strip()
    )


def _federation_name(name: str, whole_line: bool = False) -> str | None:
    """The name without a trailing type word ('Västra Dalälven Årsredovisning' -> 'Västra Dalälven')."""
    words = name.split()
    words = [w for w in words if not _type_in(w, _KNOWN_TYPES + _OPEN_TYPES) and not _own_type_word(w)]
    if (
        len(words) == 2
        and words[0].lower() not in _COMPASS
        and not (whole_line and len(words) == len(name.split()))
    ):
        words = words[:1]
    return _repair_name_word(" ".join(words)) if words else None


# --- organisation -------------------------------------------------------------------------------------

# "Samordningsförbundet X" (or "Finsamförbundet X"), tolerant of OCR damage to the ö ("Samordningsférbundet",
# "Samordningsforbundet").
_ORG_RE = re.compile(
    r"\b(?:[Ss]amordningsf\S{1,2}rbund(?:et)?|Finsamf\S{1,2}rbundet)(?:[ \t]*\n[ \t]*|[ \t]+)"
    r"(?P<first>[A-ZÅÄÖ][\w&]*(?:[-/][ \t]*\n?[ \t]*[A-ZÅÄÖ][\w&]*)?)"
    r"(?:[ \t]*\n?[ \t]*(?P<second>[A-ZÅÄÖ][\w&]*))?",
)
# A second capitalised word only belongs to the name when it looks like a place ("Södra Norrbotten"):
# table headings follow names too ("Samordningsförbundet Södra Norrbotten Periodens").
_COMPASS = {"södra", "norra", "östra", "västra", "mellersta", "nedre", "övre", "sydöstra", "nordvästra"}


def infer_organisation(text: str) -> str:
    """The most frequent 'Samordningsförbundet X' in the text, OCR damage to X repaired where possible."""
    names: Counter[str] = Counter()
    for match in _ORG_RE.finditer(text):
        # "Skellefteå/Norsjö" and "Skellefteå-\nNorsjö" are the same name as "Skellefteå-Norsjö".
        first = _repair_name_word(re.sub(r"\s+", "", match["first"]).replace("/", "-"))
        words = [first]
        if match["second"] and first.lower() in _COMPASS:
            words.append(_repair_name_word(match["second"]))
        names[" ".join(words)] += 1
    if not names:
        return UNKNOWN
    # "Södra Norrbottens" is the genitive of "Södra Norrbotten": count them together.
    for name in list(names):
        if name.endswith("s") and name[:-1] in names:
            names[name[:-1]] += names.pop(name)
    best = max(names.items(), key=lambda item: (item[1], len(item[0])))[0]
    return f"Samordningsförbundet {best}"


# OCR confusions seen in scanned Swedish reports: what a damaged character may stand for.
_OCR_ALTERNATIVES = {
    "a": "aåä",
    "o": "oö",
    "3": "å",
    "8": "å",
    "&": "å",
    "d": "däåö",
    "6": "ö",
    "0": "ö",
    "é": "öä",
    "e": "eä",
}


def _repair_name_word(word: str) -> str:
    """'Skellefte3-Norsj6' -> 'Skellefteå-Norsjö' when a Swedish word list knows the repaired form."""
    return "".join(_repair_part(part) for part in re.split(r"([-/])", word))


def _repair_part(part: str) -> str:
    if len(part) < 3 or _known(part.lower()):
        return part
    # Only the last few characters of each name part are tried: the damage we see is in å/ä/ö near the end,
    # and trying every position of a long word is an explosion of candidates.
    head, tail = part[:-4], part[-4:]
    options = [_OCR_ALTERNATIVES.get(c.lower(), c) for c in tail]
    best, best_score = part, 0.0
    for combo in itertools.product(*options):
        candidate = head + "".join(combo)
        score = _zipf(candidate.lower())
        if score > best_score:
            best, best_score = candidate, score
    return best if best_score >= 2.0 else part


def _known(word: str) -> bool:
    return not any(c.isdigit() for c in word) and _zipf(word) >= 2.0


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    import wordfreq  # imported late: only needed when a name looks damaged

    return wordfreq.zipf_frequency(word, "sv")


# --- report type, years, title --------------------------------------------------------------------------


# In priority order (a "verksamhetsplan och budget" is a Verksamhetsplan); '.' stands for å/ä/ö, which
# OCR and ASCII file names replace.
def _types(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in pairs)


_KNOWN_TYPES = _types(
    ("Delårsredovisning", r"del.rs-?redovisning"),
    ("Delårsrapport", r"del.rs-?rapport"),
    ("Årsredovisning", r"(?<![^\W\d_]).rs-?redovisning"),
    ("Verksamhetsberättelse", r"verksamhets-?ber.ttelse"),
    ("Årsrapport", r"(?<![^\W\d_]).rs-?rapport"),
    ("Verksamhetsplan", r"verksamhets-?plan"),
)
# The open set: what else a title page (or file name) may call itself.
_OPEN_TYPES = _types(
    ("Social redovisning", r"\bsociala?[ _-]*redovisning"),
    ("Revisionsberättelse", r"revisions-?ber.ttelse"),
    ("Slutrapport", r"slut-?rapport"),
    ("Utvärdering", r"utv.rdering"),
    ("Uppföljning", r"uppf.ljning"),
    ("Budget", r"(?<![^\W\d_])budget(?![^\W\d_])"),
)
# A type named in the body is a guess; 'den sociala budgeten' or 'budgeten' names none.
# Only the known report types are guessed from the body: every årsredovisning speaks of its budget.
_BODY_TYPES = _KNOWN_TYPES


def infer_report_type(stem: str, text: str) -> str:
    """From the file name when it names a type, else the type mentioned earliest in the first pages."""
    return _type_in_name(stem) or _type_in_body(text) or UNKNOWN


def _type_in_name(stem: str) -> str | None:
    return _type_in(stem, _KNOWN_TYPES) or _type_in(stem.replace("_", " "), _OPEN_TYPES)


def _type_in_body(text: str) -> str | None:
    head = text[:_TYPE_WINDOW]
    found = [(m.start(), i) for i, (_, p) in enumerate(_BODY_TYPES) if (m := p.search(head))]
    return _BODY_TYPES[min(found)[1]][0] if found else None


_YEAR_RE = re.compile(r"(?<!\d)(?:199\d|20\d\d)(?!\d)")


def _years_in(stem: str) -> list[int]:
    found = sorted({int(y) for y in _YEAR_RE.findall(stem)})
    return list(range(found[0], found[-1] + 1)) if found else []


def infer_years(text: str) -> list[int]:
    """The most frequent year near the start of the text (the later year on a tie)."""
    counts = Counter(int(y) for y in _YEAR_RE.findall(text[:_YEAR_WINDOW]))
    if not counts:
        return []
    return [max(counts.items(), key=lambda item: (item[1], item[0]))[0]]


def _period_of(years: list[int]) -> str:
    if not years:
        return UNKNOWN
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


_DATE_RANGE_RE = re.compile(
    r"(?<!\d)(?P<y1>20\d\d)-?(?P<m1>[01]\d)-?(?P<d1>[0-3]\d)\s*[–-]\s*(?P<y2>20\d\d)-?(?P<m2>[01]\d)-?(?P<d2>[0-3]\d)"
)


def _date_range(text: str, years: list[int]) -> str | None:
    """An interim report's period, e.g. '20200101–20200630' -> '2020-01-01 – 2020-06-30'."""
    for m in _DATE_RANGE_RE.finditer(text):
        if not years or int(m["y1"]) in years:
            return f"{m['y1']}-{m['m1']}-{m['d1']} – {m['y2']}-{m['m2']}-{m['d2']}"
    return None


def first_heading(text: str) -> str | None:
    """The first short line that starts with a capital and does not end like a sentence."""
    for line in text[:_TYPE_WINDOW].splitlines():
        line = line.strip()
        sentence_end = line.endswith((".", ",", ":", ";"))
        if (
            3 <= len(line) <= 80
            and line[0].isupper()
            and not sentence_end
            and sum(map(str.isalpha, line)) >= 3
        ):
            return line
    return None
