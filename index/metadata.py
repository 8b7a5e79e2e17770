"""What a report is: read from its `.toml` sidecar, or inferred from its file name and text."""

from __future__ import annotations

import itertools
import re
import tomllib
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
    """Fields that were guessed or are unknown."""


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


def infer_meta(path: Path, text: str) -> InferredMeta:
    """Guess organisation, type, period and title from the file name and the first pages of `text`."""
    report_type = infer_report_type(path.stem, text)
    years = _years_in(path.stem) or infer_years(text)
    period = _period_of(years)
    if report_type.startswith("Delårs"):
        period = _date_range(text[:_TYPE_WINDOW], years) or period
    title = _title_of(report_type, period, text)
    meta = ReportMeta(
        title=title,
        organisation=infer_organisation(text),
        report_type=report_type,
        period=period,
        years=years,
    )
    return InferredMeta(meta, list(INFERRED_FIELDS))


# --- organisation -------------------------------------------------------------------------------------

# "Samordningsförbundet X", tolerant of OCR damage to the ö ("Samordningsférbundet", "Samordningsforbundet").
_ORG_RE = re.compile(
    r"\b[Ss]amordningsf\S{1,2}rbund(?:et)?(?:[ \t]*\n[ \t]*|[ \t]+)"
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
_REPORT_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("Delårsredovisning", r"del.rs-?redovisning"),
        ("Delårsrapport", r"del.rs-?rapport"),
        ("Årsredovisning", r"(?<![^\W\d_]).rs-?redovisning"),
        ("Verksamhetsberättelse", r"verksamhets-?ber.ttelse"),
        ("Årsrapport", r"(?<![^\W\d_]).rs-?rapport"),
        ("Verksamhetsplan", r"verksamhets-?plan"),
        ("Budget", r"budget"),
    )
)


def infer_report_type(stem: str, text: str) -> str:
    """From the file name when it names a type, else the type mentioned earliest in the first pages."""
    for name, pattern in _REPORT_TYPES:
        if pattern.search(stem):
            return name
    head = text[:_TYPE_WINDOW]
    found = [(m.start(), i) for i, (_, p) in enumerate(_REPORT_TYPES) if (m := p.search(head))]
    return _REPORT_TYPES[min(found)[1]][0] if found else UNKNOWN


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


def _title_of(report_type: str, period: str, text: str) -> str:
    if report_type != UNKNOWN:
        return report_type if period == UNKNOWN else f"{report_type} {period}"
    return first_heading(text) or UNKNOWN


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
