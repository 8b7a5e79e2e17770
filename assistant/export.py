"""Answers as Markdown for board preparations: the short answer, the quoted passages with report, page and
section, and the figures with their formulas and sources; a session becomes a memo. No Textual here, so
the CLI and the tests use it as the UI does."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from index.numbers import format_swedish

if TYPE_CHECKING:
    from assistant.answering.models import FigureOut
    from assistant.results import Answer, Passage
    from index.settings import Settings

FIGURE_HEADER = ("", "vad", "värde", "typ", "formel", "källa")
KIND_NAMES = {"stated": "utläst", "computed": "beräknad", "check": "kontroll"}
MAX_STEM = 60
"""Characters of a file name taken from a question; the rest is dropped."""


class ExportError(Exception):
    """A memo could not be written; the message is Swedish and meant for the user."""


class HasAnswer(Protocol):
    """A transcript exchange: its answer once the question is answered, else None."""

    answer: Answer | None


# --- escaping ------------------------------------------------------------------------------------------
# A line starting with one of these turns into a heading, quote, list, setext underline or link definition.
_BLOCK_START = re.compile(r"^(\s*)([#>+*=\-\[]|\d+(?=[.)](\s|$)))")


def escape_line_start(line: str) -> str:
    """'# 3 mål' → '\\# 3 mål', '2019. Året' → '2019\\. Året': report text stays text, nothing else
    changes."""
    match = _BLOCK_START.match(line)
    if match is None:
        return line
    indent, mark = match.group(1), match.group(2)
    rest = line[match.end() :]
    if mark[0].isdigit():
        return f"{indent}{mark}\\{rest}"  # escape the '.' or ')' after the number
    return f"{indent}\\{mark}{rest}"


def table_cell(text: str) -> str:
    """One line, pipes escaped: a '|' in report text would otherwise split the cell."""
    return " ".join(text.split()).replace("|", "\\|")


def inline(text: str) -> str:
    """Metadata inside emphasis or a heading: one line, '*' and '_' escaped, no closing '#' run."""
    text = " ".join(text.split()).replace("*", "\\*").replace("_", "\\_")
    return re.sub(r"(#+)$", lambda m: "\\" + m.group(1), text)


# --- one answer ----------------------------------------------------------------------------------------
def block_quote(text: str) -> str:
    """The passage verbatim as a block quote; blank lines keep its paragraphs, indents are dropped so that
    no line becomes a code block."""
    lines = [escape_line_start(line.strip()) for line in text.strip().splitlines()]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def pages(passage: Passage) -> str:
    if passage.page_end <= passage.page:
        return f"s. {passage.page}"
    return f"s. {passage.page}–{passage.page_end}"


def citation(passage: Passage) -> str:
    """'— *Verksamhetsberättelse 2019*, Samordningsförbundet Alfa (2019), s. 1, avsnitt Resultat'."""
    line = f"— *{inline(passage.title)}*, {inline(passage.organisation)}"
    if passage.period:
        line += f" ({inline(passage.period)})"
    line += f", {pages(passage)}"
    if passage.section:
        line += f", avsnitt {inline(passage.section)}"
    if passage.ocr_repaired:
        line += " (OCR-korrigerad text)"
    return line


def is_deviation(figure: FigureOut) -> bool:
    return figure.kind == "check" and figure.ok is False


def figure_what(figure: FigureOut) -> str:
    what = figure.label
    if figure.subject and figure.subject not in what:
        what += f" – {figure.subject}"
    if figure.period:
        what += f" ({figure.period})"
    return what


def figure_kind(figure: FigureOut) -> str:
    if figure.kind == "check":
        return "kontroll " + ("✗" if figure.ok is False else "✓")
    return KIND_NAMES[figure.kind]


def figure_sources(figure: FigureOut) -> str:
    return "; ".join(s.citation or f"{s.report}, s. {s.page}" for s in figure.sources)


def figure_row(figure: FigureOut) -> str:
    cells = (
        "✗" if is_deviation(figure) else "",
        figure_what(figure),
        format_swedish(figure.value, figure.unit),
        figure_kind(figure),
        figure.formula or "",
        figure_sources(figure),
    )
    return "| " + " | ".join(table_cell(c) for c in cells) + " |"


def figures_markdown(figures: list[FigureOut], level: int) -> str:
    """Failed checks first, listed under 'Avvikelser' and marked ✗ in the table; then the rest in order."""
    deviations = [f for f in figures if is_deviation(f)]
    ordered = deviations + [f for f in figures if not is_deviation(f)]
    parts = [f"{'#' * level} Siffror"]
    if deviations:
        items = [
            f"- ✗ {inline(figure_what(f))}: {inline(f.formula or format_swedish(f.value, f.unit))}"
            f" ({figure_sources(f)})"
            for f in deviations
        ]
        parts.append("**Avvikelser**\n\n" + "\n".join(items))
    header = "| " + " | ".join(FIGURE_HEADER) + " |"
    rule = "|" + "|".join("---" for _ in FIGURE_HEADER) + "|"
    parts.append("\n".join([header, rule, *(figure_row(f) for f in ordered)]))
    return "\n\n".join(parts)


def answer_markdown(answer: Answer, level: int = 1) -> str:
    """The question as a heading (of `level`), the short answer, the quoted passages each with its
    citation, then the figures table."""
    sub = "#" * (level + 1)
    parts = [f"{'#' * level} {inline(answer.question)}"]
    if answer.supported:
        parts.append(answer.answer.strip())
        heading = f"{sub} Källor"
    else:
        parts.append("*Finns inte i rapporterna.*")
        heading = f"{sub} Närmaste passager (stöder inte ett svar)"
    if answer.passages:
        parts.append(heading)
        parts.extend(f"{block_quote(p.text)}\n\n{citation(p)}" for p in answer.passages)
    if answer.figures:
        parts.append(figures_markdown(answer.figures, level + 1))
    return "\n\n".join(parts) + "\n"


# --- a session -----------------------------------------------------------------------------------------
def session_markdown(
    exchanges: Iterable[HasAnswer], title: str = "finsam – PM", today: date | None = None
) -> str:
    """A memo: the title, a date line, then every answered question in the order asked (the unanswered
    and failed are left out)."""
    answers = [e.answer for e in exchanges if e.answer is not None]
    day = (today or date.today()).isoformat()
    parts = [f"# {inline(title)}", f"Datum: {day}"]
    if not answers:
        parts.append("*Inga besvarade frågor.*")
    for number, answer in enumerate(answers, start=1):
        numbered = answer.model_copy(update={"question": f"{number}. {answer.question}"})
        parts.append(answer_markdown(numbered, level=2).rstrip("\n"))
    return "\n\n".join(parts) + "\n"


# --- files ---------------------------------------------------------------------------------------------
def safe_stem(stem: str) -> str:
    """'Hur många personer?' → 'hur-manga-personer': ASCII letters, digits and dashes only."""
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_STEM].rstrip("-") or "finsam"


def export_folder(settings: Settings) -> Path:
    """`FINSAM_EXPORT_DIR` when set, else `export/` in the data directory."""
    if settings.export_dir is not None:
        return settings.export_dir.expanduser()
    return settings.data_dir / "export"


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "saknar skrivrättighet"
    if isinstance(error, (NotADirectoryError, FileExistsError)):
        return "sökvägen är en fil, inte en mapp"
    return error.strerror or type(error).__name__


def write_markdown(text: str, folder: Path, stem: str) -> Path:
    """Write `text` to `folder/<safe stem>.md`, or `-2`, `-3` … when taken (never overwrites); creates the
    folder. Raises ExportError with a Swedish message when the folder cannot be written."""
    base = safe_stem(stem)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"Kan inte skapa mappen {folder}: {_reason(error)}.") from error
    for number in range(1, 10_000):
        path = folder / (f"{base}.md" if number == 1 else f"{base}-{number}.md")
        try:
            with path.open("x", encoding="utf-8") as file:  # "x": fails instead of overwriting
                file.write(text)
        except FileExistsError:
            continue
        except OSError as error:
            raise ExportError(f"Kan inte skriva i mappen {folder}: {_reason(error)}.") from error
        return path
    raise ExportError(f"Kan inte skriva i mappen {folder}: för många filer heter {base}.")
