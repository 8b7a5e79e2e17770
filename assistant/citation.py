"""Citations a board can use: "Verksamhetsberättelse 2017, Samordningsförbundet Skellefteå-Norsjö, s. 4"
(and the section where known), never a file stem. One place, so the chat, the figures table, the printed
answer, the Markdown export and the JSON all cite alike."""

from __future__ import annotations

import re

from index.lexical import fold

UNKNOWN_ORGANISATION = "okänd"
_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
_SPAN = re.compile(r"^(\d{4})-(\d\d)-(\d\d)\s*[–-]\s*(\d{4})-(\d\d)-(\d\d)$")


def pages(page: int, page_end: int | None = None) -> str:
    return f"s. {page}" if not page_end or page_end <= page else f"s. {page}–{page_end}"


def citation(title: str, organisation: str, page: int, page_end: int | None = None, section: str = "") -> str:
    """'Titel, Organisation, s. N' (', avsnitt X' when the section is known); the organisation is left out
    when unknown or already in the title ('Samordningsförbundet Alfa – verksamhetsberättelse 2019')."""
    parts = [title.strip() or "Rapport utan titel"]
    org = organisation.strip()
    if org and org != UNKNOWN_ORGANISATION and fold(org) not in fold(title):
        parts.append(org)
    parts.append(pages(page, page_end))
    if section.strip():
        parts.append(f"avsnitt {section.strip()}")
    return ", ".join(parts)


def last_section(path: str) -> str:
    """The two innermost headings of a section path, enough to find the place ('Insatser › Bryggan ›
    Resultat' → 'Bryggan › Resultat')."""
    from index.headings import SEPARATOR

    levels = [level.strip() for level in path.split(SEPARATOR) if level.strip()] if path else []
    return SEPARATOR.join(levels[-2:])


def short_period(period: str) -> str:
    """A period as a table cell: '2020-01-01 – 2020-06-30' → '2020 jan–jun', a whole year → '2020';
    anything else unchanged."""
    m = _SPAN.match(period.strip())
    if not m:
        return period
    y0, m0, d0, y1, m1, d1 = m.groups()
    if y0 != y1:
        return f"{y0}–{y1}"
    if (m0, d0, m1, d1) == ("01", "01", "12", "31"):
        return y0
    return f"{y0} {_MONTHS[int(m0) - 1]}–{_MONTHS[int(m1) - 1]}"
