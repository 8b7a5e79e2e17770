"""Finding and loading report files: text encodings, page splitting, PDF, DOCX, problems and duplicates."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from pypdf import PdfWriter

from index.load import NO_READABLE_PAGES, SUPPORTED, discover, load_corpus, load_report, report_id_for
from index.metadata import ReportLoadError, read_sidecar

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
REAL_REPORTS = sorted(CORPUS.glob("*.txt"))

SIDECAR = """
title = "Verksamhetsberättelse 2019"
organisation = "Samordningsförbundet Exempel"
report_type = "Verksamhetsberättelse"
period = "2019"
"""


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF: one page per entry, each line drawn in Helvetica with WinAnsi (cp1252) encoding."""

    def literal(s: str) -> bytes:
        return s.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    page_ids = [4 + 2 * i for i in range(len(pages))]
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for pid, lines in zip(page_ids, pages, strict=True):
        ops = b"BT /F1 12 Tf 72 720 Td 16 TL " + b" ".join(b"(%s) Tj T*" % literal(x) for x in lines) + b" ET"
        objects[pid] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (pid + 1)
        )
        objects[pid + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops)
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objects[num])
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


PDF_PAGES = [
    ["Verksamhetsberättelse 2019", "Samordningsförbundet Östra Södertörn – första sidan"],
    ["Andra sidan: försörjning för 48 kvinnor (och 47 män)"],
]


def reason_of(path: Path) -> str:
    with pytest.raises(ReportLoadError) as caught:
        load_report(path)
    return caught.value.reason


# --- .txt ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "recorded", "text"),
    [
        ("utf-8", "utf-8", "Förbundet – årets ”resultat” för Åsa och Ärla"),
        ("utf-8-sig", "utf-8-sig", "Förbundet – årets ”resultat” för Åsa och Ärla"),
        ("utf-16", "utf-16", "Förbundet – årets ”resultat” för Åsa och Ärla"),
        ("cp1252", "cp1252", "Förbundet – årets ”resultat” för Åsa och Ärla"),
        ("latin-1", "latin-1", "Förbundet åtgärdar öppet: ÅÄÖ och åäö, 5 ° kallt"),
    ],
)
def test_txt_encodings(tmp_path, encoding, recorded, text):
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode(encoding))
    report = load_report(path)
    assert report.encoding == recorded
    assert [p.text for p in report.pages] == [text]
    assert report.fmt == "txt"


def test_cp1252_text_really_uses_bytes_0x80_to_0x9f():
    raw = "– ”".encode("cp1252")
    assert all(0x80 <= b <= 0x9F for b in raw if b != 0x20)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "filen är tom / file is empty"),
        (b"  \n\n\t ", "filen är tom / file is empty"),
        (b"PK\x03\x04\x00\x00binary\x00data", "binärfil"),
        (bytes(range(1, 9)) * 40 + b"lite text", "binärfil"),
    ],
)
def test_txt_unreadable(tmp_path, data, expected):
    path = tmp_path / "r.txt"
    path.write_bytes(data)
    assert expected in reason_of(path)


def test_form_feeds_split_pages_and_trailing_one_is_dropped(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("sida ett\n\fsida två\n\f\fsida fyra\n\f", encoding="utf-8")
    pages = load_report(path).pages
    assert [(p.number, p.text) for p in pages] == [
        (1, "sida ett\n"),
        (2, "sida två\n"),
        (3, ""),
        (4, "sida fyra\n"),
    ]


def test_leading_space_pages_from_sidecar(tmp_path):
    text = (
        "Inledning utan markör\nmer text\n"
        " Andra sidan\n  två blanksteg är ingen markör\n"
        " Tredje sidan\nslut\n"
    )
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    (tmp_path / "r.toml").write_text(SIDECAR + 'page_marker = "leading_space"\n', encoding="utf-8")
    report = load_report(tmp_path / "r.txt")
    assert [p.text for p in report.pages] == [
        "Inledning utan markör\nmer text\n",
        " Andra sidan\n  två blanksteg är ingen markör\n",
        " Tredje sidan\nslut\n",
    ]
    assert [p.number for p in report.pages] == [1, 2, 3]
    assert report.missing_meta == []


def test_sidecar_without_marker_keeps_one_page(tmp_path):
    text = " Ett\nb\nc\nd\n Två\nb\nc\nd\n Tre\nb\nc\nd\n"
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    (tmp_path / "r.toml").write_text(SIDECAR, encoding="utf-8")
    assert len(load_report(tmp_path / "r.txt").pages) == 1


def test_leading_space_autodetected_without_sidecar(tmp_path):
    body = "rad\n" * 6
    text = f" Ett\n{body} Två\n{body} Tre\n{body}"
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    report = load_report(tmp_path / "r.txt")
    assert [p.text.split("\n")[0] for p in report.pages] == [" Ett", " Två", " Tre"]
    assert report.meta.page_marker == "leading_space"
    assert "page_marker" in report.missing_meta
    assert "".join(p.text for p in report.pages) == text


def test_no_autodetect_when_most_lines_start_with_a_space(tmp_path):
    text = "".join(f" rad {i}\n" for i in range(20))
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    report = load_report(tmp_path / "r.txt")
    assert len(report.pages) == 1
    assert "page_marker" not in report.missing_meta


def marker_line_count(text: str) -> tuple[int, bool]:
    lines = text.split("\n")
    markers = sum(
        1 for line in lines if line.startswith(" ") and line[1:2] not in ("", " ") and line[1:2].strip()
    )
    return markers, lines[0].startswith(" ") and not lines[0].startswith("  ")


@pytest.mark.parametrize("report", REAL_REPORTS, ids=lambda p: p.stem)
def test_real_reports_load_with_marker_page_counts(report):
    text = report.read_text(encoding="utf-8")
    markers, first_line_is_marker = marker_line_count(text)
    loaded = load_report(report)
    assert len(loaded.pages) == markers + (0 if first_line_is_marker else 1)
    assert [p.number for p in loaded.pages] == list(range(1, len(loaded.pages) + 1))
    assert "".join(p.text for p in loaded.pages) == text  # page text is verbatim
    assert all(p.text.startswith(" ") and not p.text.startswith("  ") for p in loaded.pages[1:])
    assert loaded.meta == read_sidecar(report)
    assert loaded.missing_meta == []
    assert loaded.encoding == "utf-8"
    assert loaded.report_id == report.stem


# --- .pdf ---------------------------------------------------------------------------------------------


def test_pdf_pages_and_numbers(tmp_path):
    path = tmp_path / "rapport.pdf"
    path.write_bytes(make_pdf(PDF_PAGES))
    report = load_report(path)
    assert report.fmt == "pdf"
    assert [p.number for p in report.pages] == [1, 2]
    for page, lines in zip(report.pages, PDF_PAGES, strict=True):
        assert [line.strip() for line in page.text.strip().split("\n")] == lines
    assert report.meta.organisation == "Samordningsförbundet Östra Södertörn"
    assert report.meta.report_type == "Verksamhetsberättelse"


def test_pdf_encrypted(tmp_path):
    (tmp_path / "plain.pdf").write_bytes(make_pdf(PDF_PAGES))
    writer = PdfWriter(clone_from=tmp_path / "plain.pdf")
    writer.encrypt("hemligt", algorithm="RC4-128")
    writer.write(tmp_path / "locked.pdf")
    assert "krypterad PDF" in reason_of(tmp_path / "locked.pdf")


def test_pdf_with_only_owner_password_opens(tmp_path):
    (tmp_path / "plain.pdf").write_bytes(make_pdf(PDF_PAGES))
    writer = PdfWriter(clone_from=tmp_path / "plain.pdf")
    writer.encrypt("", owner_password="ägare", algorithm="RC4-128")
    writer.write(tmp_path / "restricted.pdf")
    assert len(load_report(tmp_path / "restricted.pdf").pages) == 2


def test_pdf_without_text_layer(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    writer.write(tmp_path / "scan.pdf")
    assert reason_of(tmp_path / "scan.pdf") == NO_READABLE_PAGES


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda b: b[: len(b) // 2], "avkortad"),
        (lambda b: b[:300] + b"garbage" * 60 + b[-200:], "trasig PDF / corrupt PDF"),
        (lambda b: "hej, jag är ingen pdf".encode(), "inte en PDF-fil"),
    ],
)
def test_pdf_damaged(tmp_path, damage, expected):
    path = tmp_path / "r.pdf"
    path.write_bytes(damage(make_pdf(PDF_PAGES)))
    assert expected in reason_of(path)


# --- .docx --------------------------------------------------------------------------------------------


def test_docx_headings_table_and_page_break(tmp_path):
    document = docx.Document()
    document.add_heading("Verksamhetsberättelse 2018", level=1)
    document.add_paragraph("Samordningsförbundet Västra Skaraborg stödjer samverkan.")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["Insats", "Kvinnor", "Män"], ["Arbetsträning", "12", "9"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    paragraph = document.add_paragraph("Före brytningen.")
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    paragraph.add_run("Efter brytningen.")
    document.add_heading("Ekonomi", level=2)
    document.add_paragraph("Resultatet blev 1 200 tkr.")
    document.save(tmp_path / "rapport.docx")

    report = load_report(tmp_path / "rapport.docx")
    assert report.fmt == "docx"
    assert report.headings == {"Verksamhetsberättelse 2018": 1, "Ekonomi": 2}
    assert [p.number for p in report.pages] == [1, 2]
    assert report.pages[0].text.split("\n") == [
        "Verksamhetsberättelse 2018",
        "Samordningsförbundet Västra Skaraborg stödjer samverkan.",
        "Insats Kvinnor Män",
        "Arbetsträning 12 9",
        "Före brytningen.",
    ]
    assert report.pages[1].text.split("\n") == ["Efter brytningen.", "Ekonomi", "Resultatet blev 1 200 tkr."]
    assert report.meta.report_type == "Verksamhetsberättelse"


def test_docx_rendered_break_after_explicit_break_is_one_page_turn(tmp_path):
    document = docx.Document()
    document.add_paragraph("Sida ett.").add_run().add_break(WD_BREAK.PAGE)
    second = document.add_paragraph()
    second._p.append(second._p.makeelement(f"{{{second._p.nsmap['w']}}}lastRenderedPageBreak", {}))
    second.add_run("Sida två.")
    document.save(tmp_path / "r.docx")
    assert [p.text.strip() for p in load_report(tmp_path / "r.docx").pages] == ["Sida ett.", "Sida två."]


def test_docx_text_inside_content_control_is_kept(tmp_path):
    document = docx.Document()
    document.add_paragraph("Före.")
    inner = document.add_paragraph("I en innehållskontroll.")._p
    w = inner.nsmap["w"]
    sdt = inner.makeelement(f"{{{w}}}sdt", {})
    content = sdt.makeelement(f"{{{w}}}sdtContent", {})
    inner.addprevious(sdt)
    sdt.append(content)
    content.append(inner)  # moves the paragraph into the control
    document.add_paragraph("Efter.")
    document.save(tmp_path / "r.docx")
    assert load_report(tmp_path / "r.docx").pages[0].text.split("\n") == [
        "Före.",
        "I en innehållskontroll.",
        "Efter.",
    ]


def test_docx_that_is_a_zip_of_something_else(tmp_path):
    with zipfile.ZipFile(tmp_path / "r.docx", "w") as archive:
        archive.writestr("hej.txt", "inte word")
    assert "inte en giltig .docx / not a valid .docx" in reason_of(tmp_path / "r.docx")


def test_docx_that_is_not_a_zip(tmp_path):
    (tmp_path / "r.docx").write_bytes(b"det var aldrig ett dokument")
    assert "inte en giltig .docx" in reason_of(tmp_path / "r.docx")


# --- ids, hashes, sidecars ----------------------------------------------------------------------------


def test_content_hash_follows_file_and_sidecar(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("Samma text.", encoding="utf-8")
    bare = load_report(path).content_hash
    (tmp_path / "r.toml").write_text(SIDECAR, encoding="utf-8")
    with_sidecar = load_report(path).content_hash
    (tmp_path / "r.toml").write_text(SIDECAR.replace("2019", "2020"), encoding="utf-8")
    edited = load_report(path).content_hash
    assert len({bare, with_sidecar, edited}) == 3
    assert load_report(path).content_hash == edited


def test_invalid_sidecar_is_the_reason(tmp_path):
    (tmp_path / "r.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "r.toml").write_text(SIDECAR.replace('period = "2019"', ""), encoding="utf-8")
    assert reason_of(tmp_path / "r.txt") == "r.toml: fältet 'period' saknas / field 'period' is missing"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("arsredovisning_2016.txt", "arsredovisning_2016"),
        ("Årsredovisning 2018 (slutlig).pdf", "Årsredovisning_2018_slutlig"),
        ("..konstig;namn.txt", "konstig_namn"),
        ("!!!.txt", "rapport"),
    ],
)
def test_report_id_is_sanitised_stem(name, expected):
    assert report_id_for(Path(name)) == expected


# --- discovery and the whole corpus --------------------------------------------------------------------


def test_discover_recurses_sorts_and_skips(tmp_path):
    (tmp_path / "b.txt").write_text("b", encoding="utf-8")
    (tmp_path / "b.toml").write_text(SIDECAR, encoding="utf-8")
    (tmp_path / "README.md").write_text("läs mig", encoding="utf-8")
    (tmp_path / "LICENSE").write_text("MIT", encoding="utf-8")
    (tmp_path / ".dold.txt").write_text("dold", encoding="utf-8")
    (tmp_path / "~$lås.docx").write_bytes(b"word lock")
    (tmp_path / "sub" / "djup").mkdir(parents=True)
    (tmp_path / "sub" / "djup" / "a.pdf").write_bytes(b"%PDF-")
    (tmp_path / "sub" / "c.DOCX").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "tabell.xlsx").write_bytes(b"x")
    (tmp_path / "ANTECKNINGAR").write_bytes(b"x")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")  # a symlink loop must not recurse forever

    files, problems = discover(tmp_path)
    assert files == sorted(files)
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["b.txt", "sub/c.DOCX", "sub/djup/a.pdf"]
    assert [(p.path.name, p.reason) for p in problems] == [
        ("ANTECKNINGAR", "filer utan filändelse stöds inte / files without an extension are not supported"),
        ("tabell.xlsx", "filtypen .xlsx stöds inte / unsupported file type .xlsx"),
    ]
    assert {f.suffix.lower() for f in files} <= SUPPORTED


def test_discover_missing_folder(tmp_path):
    with pytest.raises(ReportLoadError, match="finns inte"):
        discover(tmp_path / "saknas")


def test_load_corpus_reports_problems_and_loads_the_rest(tmp_path):
    for report in REAL_REPORTS:
        shutil.copyfile(report, tmp_path / report.name)
        shutil.copyfile(report.with_suffix(".toml"), tmp_path / report.with_suffix(".toml").name)
    (tmp_path / "zz-kopia").mkdir()  # sorts after the original: the later file is the duplicate
    shutil.copyfile(REAL_REPORTS[0], tmp_path / "zz-kopia" / "samma.txt")
    (tmp_path / "tom.txt").write_bytes(b"")
    (tmp_path / "trasig.pdf").write_bytes(make_pdf(PDF_PAGES)[:200])
    (tmp_path / "blad.xlsx").write_bytes(b"x")

    result = load_corpus(tmp_path)
    assert sorted(r.report_id for r in result.reports) == sorted(p.stem for p in REAL_REPORTS)
    reasons = {p.path.relative_to(tmp_path).as_posix(): p.reason for p in result.problems}
    original = REAL_REPORTS[0].name
    assert reasons == {
        "blad.xlsx": "filtypen .xlsx stöds inte / unsupported file type .xlsx",
        "zz-kopia/samma.txt": f"samma innehåll som {original} / duplicate of {original}",
        "tom.txt": "filen är tom / file is empty",
        "trasig.pdf": reasons["trasig.pdf"],
    }
    assert "avkortad" in reasons["trasig.pdf"]


def test_load_corpus_gives_namesakes_distinct_ids(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "rapport.txt").write_text("Första.", encoding="utf-8")
    (tmp_path / "b" / "rapport.txt").write_text("Andra.", encoding="utf-8")
    (tmp_path / "rapport.pdf").write_bytes(make_pdf(PDF_PAGES))
    ids = [r.report_id for r in load_corpus(tmp_path).reports]
    assert len(set(ids)) == 3
    assert ids[0] == "rapport"
    assert ids == [r.report_id for r in load_corpus(tmp_path).reports]  # stable between runs
