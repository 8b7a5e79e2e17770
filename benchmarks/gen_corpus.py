"""Synthetic national corpus: N reports recombined and varied from the shipped reports; deterministic.

    .venv/bin/python benchmarks/gen_corpus.py OUT_DIR --reports 1000 [--seed 7] [--pages 62] [--source corpus]
        [--no-ocr]

Reports are grouped into invented federations (about twelve reports each, over consecutive years), so series
across reports exist as in a real national corpus. Each report starts from one shipped report (a template)
and varies it:
- organisation and places renamed consistently per federation (invented names built from Swedish place-like
  syllables, e.g. "Samordningsförbundet Kvarnlunda-Bjurvik"; OCR-damaged spellings are renamed too);
- distinctive insats names (Arbetsmarknadstorget/AMT, Tidsam, MoA …) renamed per federation;
- years shifted to the report's year (dates and sidecar periods too); pages borrowed from other templates
  get their own template's shift;
- pages recombined: some pages dropped, some replaced by pages of other templates, and pages of the other
  templates appended until the report has about `pages` pages (a federation's report often carries its
  insatser's own reports as appendices), so 1 000 reports make ~150 000 passages;
- figures perturbed by one integer factor per report (1, 2 or 3) on prose lines: every count and amount of a
  prose line is multiplied, percentages, years, dates and section numbers are not. An integer factor keeps
  sums, differences and shares of prose figures exact (95 = 48 + 47 becomes 190 = 96 + 94). Table rows
  (lines with three or more numbers) are left as they are, so table checks still add up. What does NOT stay
  consistent: a prose sentence quoting a table total, number words ("tjugo av trettiosju"), and a number
  broken over two lines; those become discrepancies the figure checks may report.

Writes `<id>.txt` (pages separated by form feeds) and `<id>.toml` sidecars. Imports nothing from finsam but
the page splitter, so it runs in seconds per thousand reports.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.load import split_on_leading_space  # noqa: E402

REPORTS_PER_FEDERATION = 12
FIRST_YEAR, LAST_YEAR = 2008, 2025
FACTORS = (1, 1, 2, 3)
#: Pages per report on average (±15 %); with the shipped templates a page makes about 2.6 passages.
PAGES_PER_REPORT = 62

_HEADS = (
    "Bjur Kvarn Lin Ös Sten Hed Ny Al Berg Ek Sjö Strand Vall Hög Lång Tall Gran Björk Ås Fors Ham Mjö "
    "Ulv Rön Sälg Tjärn Myr Kil Rå Hassel Lönn Alm Vret Bred Djup Flo Grav Hult Lid Mal Nor Öl Rusk Sund "
    "Tor"
).split()
_TAILS = "by sjö ås forsa berga vik torp mark näs holm hed dal lunda strand mo bäcken älv fjärd åker".split()
#: Real Swedish municipalities the syllables can spell; skipped so every name is invented.
_REAL = frozenset("Alby Nyby Mora Malmo Ekdal Hedemora Lidköping Bergby Sundby Torsby Vallby".split())
_DIRECTIONS = ("Södra", "Norra", "Västra", "Östra", "Mellersta", "Nedre", "Övre")
_INSATS_NAMES = (
    "Kompassen Bryggan Navet Fyren Lotsen Trappan Spåret Startpunkt Kraften Vändpunkten Språnget Hamnen "
    "Stegvis Framsteg Vägvisaren Nystart Ankaret Porten Ledstången Bron Horisont Medvind Gnistan Kölvattnet"
).split()

#: Words naming the shipped federations' places, spelled as the OCR damaged them too (prefix match).
_PLACE_STEMS = {
    "Skellefte": 0,
    "Norsj": 1,
    "Malå": 2,
    "Lule": 0,
    "Pite": 1,
    "Älvsby": 2,
    "Arvidsjaur": 1,
    "Boden": 2,
}
_ORG = re.compile(
    r"Samordningsf\S{0,3}rbundet(?:s)?\s+(?:Skellefte\w*[-–/]\s*Norsj\w*|Södra\s+Norrbotten\w*)", re.UNICODE
)
_REGION = re.compile(r"\bNorrbott\w*")
#: Distinctive words of insats names in the shipped reports (whole words, case-sensitive).
_INSATS_WORDS = (
    "Arbetsmarknadstorget AMT ReSam Co-Active Castor Tidsam MoA DUNA NAFS MySam VILMA Coompanion Arenan "
    "NaBS Praktiksteget UVAS"
).split()
#: A year, also as the start of 20200101; not inside a number or a law reference (lag 2003:1210).
_YEAR = re.compile(r"(?<![\d.,:])(19[89]\d|20[0-3]\d)(?=\d{4}\b|\b)(?![.,:]\d)")
_YEAR_TOKEN = re.compile(r"(?<!\d)(?:19[89]\d|20[0-3]\d)(?!\d)")
#: A count or amount: digit groups (atomic, so a failed look-ahead cannot shorten "1 975 068" to "1 975"),
#: not part of a date, range or section number, not a percentage or an age/duration in years.
_NUMBER = re.compile(
    r"(?<![\w.,:/–-])(?>(\d{1,3}(?:[ \u00a0]\d{3})+|\d+))(?![\w.,:/–-]*\d)"
    r"(?!\s*(?:%|procent|år\b|års\b|åring))"
)
#: Lines where digits (years not counted) are at least this share of letters and digits are table rows.
TABLE_DIGIT_SHARE = 0.4


@dataclass(frozen=True)
class Template:
    name: str
    pages: list[str]
    meta: dict
    base_year: int


@dataclass
class Federation:
    name: str
    places: tuple[str, str, str]
    region: str
    insatser: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GeneratedReport:
    report_id: str
    text: str
    sidecar: dict
    template: str
    factor: int


def load_templates(source: Path, include_ocr: bool = True) -> list[Template]:
    """The shipped reports with sidecars, split into pages; `include_ocr` False skips OCR'd scans."""
    templates = []
    for path in sorted(source.glob("*.txt")):
        sidecar = path.with_suffix(".toml")
        if not sidecar.is_file():
            continue
        raw_sidecar = sidecar.read_text(encoding="utf-8")
        if not include_ocr and "OCR" in raw_sidecar:
            continue
        meta = tomllib.loads(raw_sidecar)
        text = path.read_text(encoding="utf-8")
        pages = (
            split_on_leading_space(text) if meta.get("page_marker") == "leading_space" else text.split("\f")
        )
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", str(meta.get("period", "")))]
        templates.append(Template(path.stem, [p for p in pages if p.strip()], meta, min(years)))
    if not templates:
        raise SystemExit(f"inga rapporter med .toml-fil i {source} / no reports with sidecars in {source}")
    return templates


def invented_place(rng: random.Random, taken: set[str]) -> str:
    """A Swedish-sounding place name that is neither a known real municipality nor already used."""
    while True:
        name = rng.choice(_HEADS) + rng.choice(_TAILS)
        name = name[0] + name[1:].lower()
        if name not in _REAL and name not in taken:
            taken.add(name)
            return name


def make_federation(rng: random.Random, taken: set[str]) -> Federation:
    places = (invented_place(rng, taken), invented_place(rng, taken), invented_place(rng, taken))
    region = invented_place(rng, taken)
    if rng.random() < 0.5:
        name = f"Samordningsförbundet {places[0]}-{places[1]}"
    else:
        name = f"Samordningsförbundet {rng.choice(_DIRECTIONS)} {region}"
    pool = rng.sample(_INSATS_NAMES, len(_INSATS_WORDS))
    insatser = {word: pool[i] for i, word in enumerate(_INSATS_WORDS)}
    insatser["AMT"] = insatser["Arbetsmarknadstorget"][:2].upper() + "T"
    return Federation(name, places, region, insatser)


def _place(word: str, stem: str, name: str) -> str:
    return name + ("s" if word.endswith("s") and not stem.endswith("s") else "")


def rename(text: str, federation: Federation) -> str:
    """Organisation, places, region and insats names of the shipped reports → the federation's own."""
    text = _ORG.sub(federation.name, text)
    for stem, i in _PLACE_STEMS.items():
        pattern = re.compile(rf"\b{stem}\w*")
        text = pattern.sub(lambda m, s=stem, i=i: _place(m.group(), s, federation.places[i]), text)
    text = _REGION.sub(lambda m: _place(m.group(), "Norrbotten", federation.region), text)
    for word, new in federation.insatser.items():
        text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", new, text)
    return text


def shift_years(text: str, shift: int) -> str:
    """Every year (also the year of 20200101 and 2020-01-01) moved by `shift`."""
    return _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text) if shift else text


def _format_like(original: str, value: int) -> str:
    for sep in (" ", "\u00a0"):  # keep the report's own thousands separator
        if sep in original:
            return f"{value:,}".replace(",", sep)
    return str(value)


def scale_figures(text: str, factor: int) -> str:
    """Counts and amounts on prose lines times `factor`; table rows, years, %-values, dates untouched."""
    if factor == 1:
        return text
    out = []
    for line in text.split("\n"):
        digits = sum(c.isdigit() for c in _YEAR_TOKEN.sub("", line))
        if digits and digits >= TABLE_DIGIT_SHARE * (digits + sum(c.isalpha() for c in line)):
            out.append(line)  # a table row: its columns must keep adding up
            continue
        out.append(_NUMBER.sub(lambda m: _scaled(m.group(1), factor), line))
    return "\n".join(out)


def _scaled(number: str, factor: int) -> str:
    digits = re.sub(r"\D", "", number)
    if (len(number) == 4 and 1980 <= int(digits) <= 2039) or re.fullmatch(r"(?:19|20)\d{6}", number):
        return number  # a year or a date (20200101)
    value = int(digits)
    return _format_like(number, value * factor)


def _slug(text: str) -> str:
    folded = text.lower().translate(str.maketrans("åäöé", "aaoe"))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def generate(
    templates: list[Template], n: int, seed: int, pages_per_report: int = PAGES_PER_REPORT
) -> list[GeneratedReport]:
    """`n` reports, the same for the same templates, seed and page count."""
    rng = random.Random(seed)
    taken: set[str] = set()
    reports: list[GeneratedReport] = []
    ids: set[str] = set()
    federation = make_federation(rng, taken)
    year = rng.randint(FIRST_YEAR, LAST_YEAR - REPORTS_PER_FEDERATION // 2)
    for i in range(n):
        if i and i % REPORTS_PER_FEDERATION == 0:
            federation = make_federation(rng, taken)
            year = rng.randint(FIRST_YEAR, LAST_YEAR - REPORTS_PER_FEDERATION // 2)
        report_year = min(LAST_YEAR, year + (i % REPORTS_PER_FEDERATION) // 2)
        if i % 2 == 0:  # two reports a year, of two different kinds
            pair = rng.sample(templates, min(2, len(templates)))
        base = pair[(i % 2) % len(pair)]
        factor = rng.choice(FACTORS)
        chosen = _choose_pages(rng, base, templates, round(pages_per_report * rng.uniform(0.85, 1.15)))
        pages = [
            scale_figures(shift_years(rename(text, federation), report_year - source.base_year), factor)
            for source, text in chosen
        ]
        sidecar = _sidecar(base, federation, report_year - base.base_year, seed, factor)
        org = _slug(federation.name.removeprefix("Samordningsförbundet "))
        report_id = f"{org}_{_slug(base.meta['report_type'])}_{report_year}"
        while report_id in ids:
            report_id += "-b"
        ids.add(report_id)
        reports.append(GeneratedReport(report_id, "\f".join(pages), sidecar, base.name, factor))
    return reports


def _choose_pages(
    rng: random.Random, base: Template, templates: list[Template], target: int
) -> list[tuple[Template, str]]:
    """The base template's pages, a few dropped or swapped for other templates' pages, then other templates'
    pages appended up to `target` pages; no page twice in one report."""
    others = [(t, i) for t in templates if t is not base for i in range(len(t.pages))]
    rng.shuffle(others)
    used: set[tuple[str, int]] = set()
    chosen: list[tuple[Template, str]] = []
    for page in base.pages:
        roll = rng.random()
        if roll < 0.08 and len(base.pages) > 3:
            continue  # dropped
        if roll > 0.85 and others:
            source, index = others.pop()
            used.add((source.name, index))
            chosen.append((source, source.pages[index]))
        else:
            chosen.append((base, page))
    while len(chosen) < target and others:
        source, index = others.pop()
        if (source.name, index) not in used:
            chosen.append((source, source.pages[index]))
    return chosen


def _sidecar(base: Template, federation: Federation, shift: int, seed: int, factor: int) -> dict:
    data = {
        "title": shift_years(rename(base.meta["title"], federation), shift),
        "organisation": federation.name,
        "report_type": base.meta["report_type"],
        "period": shift_years(base.meta["period"], shift),
    }
    if "years" in base.meta:
        data["years"] = [y + shift for y in base.meta["years"]]
    data["source"] = f"generated from {base.name} (seed {seed}, figures ×{factor})"
    return data


def sidecar_toml(data: dict) -> str:
    """TOML for a flat table of strings and integer lists (JSON string escapes are valid TOML)."""
    return "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in data.items())


def write_corpus(reports: list[GeneratedReport], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for report in reports:
        (out / f"{report.report_id}.txt").write_text(report.text, encoding="utf-8")
        (out / f"{report.report_id}.toml").write_text(sidecar_toml(report.sidecar), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pages", type=int, default=PAGES_PER_REPORT, help="pages per report on average")
    parser.add_argument("--source", type=Path, default=REPO / "corpus")
    parser.add_argument("--no-ocr", action="store_true", help="skip OCR'd templates (their cleaning is slow)")
    args = parser.parse_args(argv)
    reports = generate(load_templates(args.source, not args.no_ocr), args.reports, args.seed, args.pages)
    write_corpus(reports, args.out)
    print(f"{len(reports)} rapporter skrivna till {args.out}")


if __name__ == "__main__":
    main()
