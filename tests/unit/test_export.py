"""Answers and sessions as Markdown, and writing them to files. Passages are real pages of the OCR'd 2016
annual report of Skellefteå-Norsjö; its figures are the ones on its page 8."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from assistant import compute
from assistant.answering.models import FigureOut, Source
from assistant.export import (
    ExportError,
    answer_markdown,
    block_quote,
    escape_line_start,
    export_folder,
    safe_stem,
    session_markdown,
    table_cell,
    write_markdown,
)
from assistant.results import Answer, Passage
from index.load import load_report
from index.settings import Settings
from tests.conftest import CORPUS, REPO

REPORT = "skelleftea-norsjo_arsredovisning_2016"
TITLE = "Årsredovisning 2016"
ORGANISATION = "Samordningsförbundet Skellefteå-Norsjö"
PARTICIPANTS = "Under éret har 287 personer (varav 125 kvinnor och 145 min) deltagit"
TABLE_HEAD = "| INSATS, SYFTE, MAL MALGRUPP2016 DELTAGAR- PROJEKTRESUL-"


def page_with(text: str) -> tuple[int, str]:
    """The page of the real report holding `text`, and that page's text."""
    report = load_report(CORPUS / f"{REPORT}.txt")
    return next((p.number, p.text) for p in report.pages if text in p.text)


def paragraph_with(text: str) -> tuple[int, str]:
    number, page = page_with(text)
    return number, next(par for par in page.split("\n\n") if text in par)


def passage(
    text: str, page: int, section: str = "", page_end: int | None = None, ocr: bool = False
) -> Passage:
    return Passage(
        report=REPORT,
        title=TITLE,
        organisation=ORGANISATION,
        period="2016",
        page=page,
        page_end=page_end or page,
        section=section,
        text=text,
        score=1.0,
        chunk_id=f"{REPORT}-{page}",
        ocr_repaired=ocr,
    )


def participant_figures(page: int, quote: str) -> list[FigureOut]:
    """The page's stated total, a share computed from it and the check that women + men add up (they don't:
    125 + 145 = 270, the report says 287)."""
    source = [Source(report=REPORT, page=page, quote=quote)]
    common = {"subject": "Individinriktat stöd", "period": "2016", "sources": source}
    share = compute.share(125, 287)
    check = compute.check_parts(287, [125, 145], "personer")
    return [
        FigureOut(
            label="deltagare", measure="deltagare", value=287, unit="personer", kind="stated", **common
        ),
        FigureOut(
            label="andel kvinnor",
            measure="andel kvinnor",
            value=share.value,
            unit=share.unit,
            kind="computed",
            formula=share.formula,
            **common,
        ),
        FigureOut(
            label="kvinnor + män = deltagare",
            measure="deltagare",
            value=287,
            unit="personer",
            kind="check",
            formula=check.formula,
            ok=check.ok,
            **common,
        ),
    ]


@pytest.fixture(scope="module")
def answer() -> Answer:
    page, text = paragraph_with(PARTICIPANTS)
    return Answer(
        question="Hur många personer fick individinriktat stöd 2016?",
        answer=" ".join(text.split()),
        supported=True,
        passages=[passage(text, page, section="Individinriktat stöd", ocr=True)],
        figures=participant_figures(page, PARTICIPANTS),
    )


# --- quotes and citations ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("section", "page_end", "ocr", "expected_tail"),
    [
        ("Individinriktat stöd", None, False, ", avsnitt Individinriktat stöd"),
        ("", None, False, ""),
        ("Individinriktat stöd", 9, True, "–9, avsnitt Individinriktat stöd (OCR-korrigerad text)"),
    ],
)
def test_passage_is_quoted_with_its_citation(section, page_end, ocr, expected_tail):
    page, text = paragraph_with(PARTICIPANTS)
    md = answer_markdown(
        Answer(
            question="q", answer="a", supported=True, passages=[passage(text, page, section, page_end, ocr)]
        )
    )
    quoted = [line[2:] for line in md.splitlines() if line.startswith("> ")]
    assert quoted == [line.strip() for line in text.strip().splitlines()]  # verbatim, line by line
    citation = f"— *{TITLE}*, {ORGANISATION} (2016), s. {page}{expected_tail}"
    assert citation in md.splitlines()
    assert md.index(PARTICIPANTS) < md.index(citation)


def test_answer_starts_with_question_heading_and_short_answer(answer):
    lines = answer_markdown(answer).splitlines()
    assert lines[0] == "# " + answer.question
    assert lines[2] == answer.answer
    assert "## Källor" in lines


def test_unsupported_answer_says_so_and_still_quotes(answer):
    unsupported = answer.model_copy(update={"supported": False, "answer": "Finns inte i rapporterna."})
    md = answer_markdown(unsupported)
    assert "*Finns inte i rapporterna.*" in md and "Närmaste passager" in md
    assert PARTICIPANTS in md and "## Källor" not in md


# --- figures -------------------------------------------------------------------------------------------
def table_rows(md: str) -> list[list[str]]:
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]  # header dropped


def test_figures_table_has_swedish_values_formula_and_source(answer):
    rows = table_rows(answer_markdown(answer))
    page = answer.figures[0].sources[0].page
    by_label = {row[1].split(" – ")[0]: row for row in rows}
    stated = by_label["deltagare"]
    assert stated[2:] == ["287 personer", "utläst", "", f"{REPORT}, s. {page}"]  # no citation filled in
    computed = by_label["andel kvinnor"]
    assert computed[2] == "43,6 %" and computed[3] == "beräknad"
    assert computed[4] == "125 / 287 = 43,6 %"


def test_figures_table_cites_title_organisation_and_page(answer):
    cited = "Årsredovisning 2016, Samordningsförbundet Skellefteå-Norsjö, s. 8"
    figures = [
        f.model_copy(update={"sources": [s.model_copy(update={"citation": cited}) for s in f.sources]})
        for f in answer.figures
    ]
    rows = table_rows(answer_markdown(answer.model_copy(update={"figures": figures})))
    assert all(row[5].split("; ")[0] == cited for row in rows)
    assert not any(REPORT in row[5] for row in rows)


def test_failed_check_is_marked_and_listed_first(answer):
    md = answer_markdown(answer)
    rows = table_rows(md)
    assert rows[0][0] == "✗" and rows[0][3] == "kontroll ✗"
    assert rows[0][4] == "125 + 145 = 270 personer ≠ 287 personer"
    assert [row[0] for row in rows[1:]] == ["", ""]
    deviations = md.index("**Avvikelser**")
    assert deviations < md.index("| ✗ |")
    assert "- ✗ kvinnor + män = deltagare – Individinriktat stöd (2016): 125 + 145 = 270" in md


def test_passing_check_is_not_a_deviation(answer):
    figures = [f.model_copy(update={"ok": True}) if f.kind == "check" else f for f in answer.figures]
    md = answer_markdown(answer.model_copy(update={"figures": figures}))
    assert "Avvikelser" not in md and "✗" not in md and "kontroll ✓" in md


def test_no_figures_no_table(answer):
    md = answer_markdown(answer.model_copy(update={"figures": []}))
    assert "Siffror" not in md and "| vad |" not in md


# --- escaping ------------------------------------------------------------------------------------------
def test_pipe_in_report_text_is_escaped_in_cells_and_kept_in_quotes():
    page, text = page_with(TABLE_HEAD)
    figure = participant_figures(page, TABLE_HEAD)[0].model_copy(update={"subject": TABLE_HEAD})
    md = answer_markdown(
        Answer(question="q", answer="a", supported=True, passages=[passage(text, page)], figures=[figure])
    )
    assert "> " + TABLE_HEAD in md.splitlines()  # a '|' at a line start is no block marker: verbatim
    row = next(line for line in md.splitlines() if "INSATS" in line and not line.startswith(">"))
    assert "\\| INSATS, SYFTE" in row
    assert row.count(" | ") == 5  # still six cells: the escaped pipe did not split one


def test_markup_in_report_text_is_kept_verbatim():
    text = "Projektet [bold]Steget[/bold] nådde 12 personer."
    md = answer_markdown(Answer(question="q", answer="a", supported=True, passages=[passage(text, 3)]))
    assert "> " + text in md.splitlines()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# 3 mål för året", "\\# 3 mål för året"),
        ("> citat", "\\> citat"),
        ("- punkt", "\\- punkt"),
        ("2019. Året då", "2019\\. Året då"),
        ("[1]: fotnot", "\\[1]: fotnot"),
        ("Mål # 3 och [bold]", "Mål # 3 och [bold]"),
        ("287 personer", "287 personer"),
    ],
)
def test_escape_line_start(line, expected):
    assert escape_line_start(line) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a | b", "a \\| b"), ("rad ett\nrad två", "rad ett rad två"), ("[bold]x", "[bold]x")],
)
def test_table_cell(text, expected):
    assert table_cell(text) == expected


def test_block_quote_keeps_paragraphs_and_drops_indents():
    assert block_quote(" Första raden\n\n    # andra") == "> Första raden\n>\n> \\# andra"


# --- the session memo ----------------------------------------------------------------------------------
@dataclass
class Turn:
    answer: Answer | None


def test_session_memo_has_date_and_answers_in_order(answer):
    second = answer.model_copy(update={"question": "Stämmer antalet kvinnor och män?"})
    memo = session_markdown([Turn(answer), Turn(None), Turn(second)], today=date(2026, 3, 5))
    lines = memo.splitlines()
    assert lines[0] == "# finsam – PM" and lines[2] == "Datum: 2026-03-05"
    first_at = memo.index("## 1. " + answer.question)
    second_at = memo.index("## 2. Stämmer antalet kvinnor och män?")
    assert first_at < second_at
    assert memo.count("> " + PARTICIPANTS) == 2 and "### Källor" in memo and "### Siffror" in memo


def test_empty_session_memo(answer):
    memo = session_markdown([Turn(None)], title="Styrelsemöte", today=date(2026, 3, 5))
    assert memo.startswith("# Styrelsemöte\n\nDatum: 2026-03-05") and "Inga besvarade frågor" in memo


# --- files ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("Hur många personer fick stöd 2016?", "hur-manga-personer-fick-stod-2016"),
        ("../../etc/passwd", "etc-passwd"),
        ("???", "finsam"),
        ("å" * 100, "a" * 60),
    ],
)
def test_safe_stem(stem, expected):
    assert safe_stem(stem) == expected


def test_write_markdown_creates_folder_and_never_overwrites(tmp_path):
    folder = tmp_path / "ny" / "mapp"
    first = write_markdown("ett", folder, "Svar?")
    second = write_markdown("två", folder, "Svar?")
    third = write_markdown("tre", folder, "Svar?")
    assert [p.name for p in (first, second, third)] == ["svar.md", "svar-2.md", "svar-3.md"]
    assert [p.read_text(encoding="utf-8") for p in (first, second, third)] == ["ett", "två", "tre"]


def test_unwritable_folder_gives_a_swedish_message(tmp_path):
    in_the_way = tmp_path / "export"
    in_the_way.write_text("en fil, inte en mapp", encoding="utf-8")
    with pytest.raises(ExportError, match=r"Kan inte skapa mappen .*export: sökvägen är en fil"):
        write_markdown("text", in_the_way, "svar")
    with pytest.raises(ExportError, match=r"Kan inte skapa mappen .*inuti: sökvägen är en fil"):
        write_markdown("text", in_the_way / "inuti", "svar")


def test_read_only_folder_gives_a_swedish_message(tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)  # root ignores chmod, so refuse the write itself
    with pytest.raises(ExportError, match=r"Kan inte skriva i mappen .*: saknar skrivrättighet"):
        write_markdown("text", tmp_path, "svar")


def test_export_folder_default_and_override(tmp_path):
    settings = Settings(corpus_dir=tmp_path, data_dir=tmp_path / "data", model="fake")
    assert export_folder(settings) == tmp_path / "data" / "export"
    chosen = Settings(
        corpus_dir=tmp_path, data_dir=tmp_path / "data", model="fake", export_dir=tmp_path / "pm"
    )
    assert export_folder(chosen) == tmp_path / "pm"


def test_export_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FINSAM_EXPORT_DIR", str(tmp_path / "styrelse"))
    assert export_folder(Settings(data_dir=tmp_path)) == tmp_path / "styrelse"


def test_export_does_not_import_textual():
    code = "import assistant.export, sys; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
