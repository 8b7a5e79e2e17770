"""`finsam`: index the reports, ask questions, evaluate retrieval. A thin layer over the engine."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from index.settings import Settings, set_offline_environment

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    help="finsam – frågor om samordningsförbundens rapporter",
)
err = Console(stderr=True)
EXAMPLE_QUESTION = "Hur många deltagare hade Arbetsmarknadstorget under 2017?"


class CliError(Exception):
    """A domain error shown as a plain message with exit status 2."""


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj


def _embedder_factory(settings: Settings):
    def factory():
        from index.embed import load_embedder

        return load_embedder(settings)

    return factory


def run_index(settings: Settings, full: bool = False, wait: float = 0.0, quiet: bool = False):
    from index.pipeline import build_index
    from index.progress import RichProgress

    progress = None if quiet else RichProgress()
    try:
        result = build_index(settings, _embedder_factory(settings), progress, full=full, lock_wait=wait)
    finally:
        if progress:
            progress.close()
    if not quiet:
        _print_index_result(result, settings.corpus_dir)
    return result


def _print_index_result(result, corpus_dir: Path) -> None:
    if not result.rebuilt:
        err.print(
            f"Indexet är aktuellt: {len(result.unchanged)} rapporter, {result.chunks} passager "
            "(inget att bädda in).",
            highlight=False,
        )
    else:
        err.print(
            f"Index klart: {len(result.added)} nya, {len(result.changed)} ändrade, "
            f"{len(result.removed)} borttagna, {len(result.unchanged)} oförändrade rapporter; "
            f"{result.chunks} passager, {result.embedded} inbäddade.",
            highlight=False,
        )
        for t in result.timings:
            err.print(f"  {t.stage:<12} {t.count:>6} st  {t.seconds:7.2f} s", highlight=False)
    for report_id, fields in result.missing_meta.items():
        err.print(
            Text(
                f"  {report_id}: metadata gissad/saknas för {', '.join(fields)} "
                "(lägg en .toml-fil bredvid rapporten)"
            )
        )
    if result.missing_meta:
        err.print(
            Text(
                "Se vad som gissades och varifrån: finsam reports / "
                "see what was guessed and from where: finsam reports"
            )
        )
    for problem in sorted(result.problems, key=lambda p: p.path):
        # The path inside the corpus folder: two reports may share a name in different folders.
        path = problem.path
        name = path.relative_to(corpus_dir) if path.is_relative_to(corpus_dir) else path
        err.print(Text(f"  HOPPADE ÖVER {name.as_posix()}: {problem.reason}", style="yellow"))
    if result.problems:
        err.print(
            Text(
                f"{len(result.problems)} filer hoppades över / {len(result.problems)} files skipped "
                "(se ovan / see above)",
                style="yellow",
            )
        )


def _engine(settings: Settings):
    from assistant.engine import Engine
    from index.pipeline import rebuild_reason

    reason = rebuild_reason(settings)
    if reason:
        err.print(f"{reason} – bygger indexet från {settings.corpus_dir}", highlight=False)
        run_index(settings)
    return Engine(settings, _embedder_factory(settings))


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context) -> None:
    set_offline_environment()
    try:
        ctx.obj = Settings()
    except Exception as exc:  # pydantic ValidationError: show it in plain words
        err.print(Text(f"Ogiltig inställning / invalid setting: {exc}"))
        raise typer.Exit(2) from exc
    if ctx.invoked_subcommand is None:
        _default_job(ctx.obj)


def _default_job(settings: Settings) -> None:
    """On a terminal: build or update the index (with progress) and open the chat assistant. Without one
    (a script, CI): answer an example question on stdout, so the set-up command shows that it works."""
    from index.pipeline import rebuild_reason

    if sys.stdin.isatty() and sys.stdout.isatty():
        reason = rebuild_reason(settings)
        if reason:
            err.print(f"{reason} – bygger indexet från {settings.corpus_dir}", highlight=False)
            run_index(settings)
        from assistant.ui import make_app

        make_app(settings).run()
        return
    _print_answer(_engine(settings).ask(EXAMPLE_QUESTION))


@app.command("index")
def index_cmd(
    ctx: typer.Context,
    full: Annotated[bool, typer.Option("--full", help="Bygg om allt (annars bara nytt och ändrat).")] = False,
    wait: Annotated[float, typer.Option(help="Sekunder att vänta om en annan indexering pågår.")] = 0.0,
) -> None:
    """Indexera rapporterna i korpusmappen (inkrementellt)."""
    result = run_index(_settings(ctx), full=full, wait=wait)
    if result.problems:
        raise typer.Exit(1)


@app.command("ask")
def ask_cmd(
    ctx: typer.Context,
    question: Annotated[
        str | None, typer.Argument(help="Frågan; utan fråga läses en fråga per rad från stdin.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv JSON (JSON Lines för stdin).")] = False,
    top_k: Annotated[int | None, typer.Option("--top-k", "-k", min=1, max=100)] = None,
    organisation: Annotated[str | None, typer.Option("--org", help="Bara detta förbund.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Bara rapporter som omfattar året.")] = None,
    report_type: Annotated[str | None, typer.Option("--type", help="Bara denna rapporttyp.")] = None,
    mode: Annotated[str, typer.Option(help="hybrid, lexical eller dense.")] = "hybrid",
) -> None:
    """Ställ en fråga och få passager med rapport, sida och avsnitt."""
    from assistant.question import QuestionRejected, clean_question
    from assistant.results import Filters

    if mode not in ("hybrid", "lexical", "dense"):
        raise typer.BadParameter("mode måste vara hybrid, lexical eller dense")
    settings = _settings(ctx)
    engine = _engine(settings)
    filters = Filters(organisation=organisation, year=year, report_type=report_type)
    questions = [question] if question is not None else (line.strip() for line in sys.stdin)
    refused = 0
    for number, q in enumerate(questions, start=1):
        if question is None and not clean_question(q):
            continue  # blank lines between questions on stdin
        try:
            answer = engine.ask(q, filters, mode, top_k)  # type: ignore[arg-type]
        except QuestionRejected as exc:
            if question is not None:
                err.print(Text(str(exc)))
                raise typer.Exit(2) from exc
            refused += 1  # one bad line must not stop the rest of a batch
            err.print(Text(f"rad {number} / line {number}: {exc}"))
            if as_json:
                line = {"question": clean_question(q), "error": str(exc)}
                sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
            continue
        if as_json:
            sys.stdout.write(json.dumps(answer.model_dump(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            _print_answer(answer)
    if refused:
        raise typer.Exit(1)


def reflow(text: str) -> str:
    """Join the PDF export's hard line breaks inside sentences, for the terminal. A newline becomes one
    space, so character offsets (the highlights) stay valid."""
    return re.sub(r"(?<=[^.:!?\n])\n(?=[a-zåäö0-9(])", " ", text)


_TERMINAL_CONTROLS = {
    **{code: chr(0x2400 + code) for code in range(32) if code != 10},  # ESC → ␛, NUL → ␀, CR → ␍
    0x7F: "\u2421",
    **{code: "\ufffd" for code in range(0x80, 0xA0)},
    **{code: "\ufffd" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},  # bidi overrides
}


def terminal_text(text: str) -> str:
    """Report text as the terminal shows it: control characters (an ESC sequence in a report would restyle
    or rewrite the screen) and bidi overrides become visible symbols, one for one, so that highlight
    offsets stay valid. Rich markup needs nothing: it is always printed as `Text`, never parsed."""
    return text.translate(_TERMINAL_CONTROLS)


def _print_answer(answer) -> None:
    out = Console()
    out.print(Text("Fråga: ", style="bold") + Text(terminal_text(answer.question)))
    style = "bold green" if answer.supported else "bold yellow"
    out.print(Text("Svar: ", style="bold") + Text(terminal_text(answer.answer), style=style))
    for i, p in enumerate(answer.passages, start=1):
        pages = f"s. {p.page}" if p.page == p.page_end else f"s. {p.page}–{p.page_end}"
        head = f"\n[{i}] " + (p.citation or f"{p.title}, {p.organisation}, {pages}")
        out.print(Text(terminal_text(head), style="bold cyan"))
        section = f"    Avsnitt: {p.section}" + ("   (OCR-korrigerad)" if p.ocr_repaired else "")
        out.print(Text(terminal_text(section), style="dim"))
        body = Text(terminal_text(reflow(p.text)))
        for a, b in p.highlights:
            body.stylize("bold reverse", a, b)
        out.print(body)
    if answer.figures:
        out.print(figures_table(answer.figures))


def figures_table(figures) -> Table:
    """Stated and computed figures with formula and ✓/✗ for checks; failed checks in red."""
    from index.numbers import format_swedish

    table = Table(title="Siffror", show_lines=False, expand=False)
    for col in ("", "vad", "värde", "formel / citat", "källa"):
        table.add_column(col, overflow="fold")
    for f in figures:
        mark = {"stated": "", "computed": "=", "check": "✓" if f.ok else "✗"}[f.kind]
        value = format_swedish(f.value, "procent" if f.kind == "check" and f.unit == "procent" else f.unit)
        source = f.sources[0] if f.sources else None
        where = (source.citation or f"{source.report}, s. {source.page}") if source else ""
        detail = f.formula or (f"”{source.quote[:90]}”" if source else "")
        style = (
            "bold red" if f.kind == "check" and f.ok is False else ("bold" if f.kind == "computed" else "")
        )
        table.add_row(
            Text(mark),
            Text(terminal_text(f"{f.label} – {f.subject}" if f.subject else f.label)),
            Text(value),
            Text(terminal_text(detail)),
            Text(where),
            style=style,
        )
    return table


@app.command("figures")
def figures_cmd(
    ctx: typer.Context,
    subject: Annotated[str | None, typer.Option("--subject", "-s", help="Bara denna insats/projekt.")] = None,
    checks: Annotated[bool, typer.Option("--checks", help="Bara kontroller som inte stämmer.")] = False,
) -> None:
    """Sifferrevision: utlästa siffror, serier över år och rapporter, och kontroller som inte stämmer."""
    from assistant.audit import audit, render_audit
    from assistant.citation import citation
    from index.pipeline import rebuild_reason
    from index.reader import IndexReader

    settings = _settings(ctx)
    if rebuild_reason(settings):
        run_index(settings)
    reader = IndexReader.open(settings)
    result = audit(reader.figures, subject=subject, only_failed=checks, registry=reader.subjects)

    def name_of(report_id: str) -> str:
        meta = reader.report(report_id).meta
        return citation(meta.title, meta.organisation, 0).removesuffix(", s. 0")

    render_audit(result, Console(), name_of)


@app.command("reports")
def reports_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="En JSON-rad per rapport.")] = False,
) -> None:
    """Katalogen: varje indexerad rapport med titel, organisation, typ, period, sidor, passager, siffror,
    OCR-sidor och vilka fält som gissades och varifrån."""
    from assistant.catalogue import report_rows
    from index.catalog import Manifest
    from index.generations import current_generation
    from index.pipeline import rebuild_reason

    settings = _settings(ctx)
    if rebuild_reason(settings):
        run_index(settings, quiet=as_json)
    generation = current_generation(settings.index_dir)
    if generation is None:
        raise CliError("Inget index finns; kör 'finsam index'. / No index yet; run 'finsam index'.")
    manifest = Manifest.load(generation)
    rows = report_rows(manifest)
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row.model_dump(), ensure_ascii=False) + "\n")
        return
    out = Console()
    out.print(reports_table(rows))
    for problem in manifest.problems:
        out.print(
            Text(f"  Hoppades över {problem.get('path', '?')}: {problem.get('reason', '')}", style="yellow")
        )
    if any(row.guessed for row in rows):
        out.print(
            Text(
                "Gissade fält kommer från filnamnet eller texten; "
                "en .toml-fil bredvid rapporten anger dem säkert.",
                style="dim",
            )
        )


def reports_table(rows) -> Table:
    """The catalogue as a table: what the index holds and how sure each field is. A report is its title
    over its organisation, its type over its period, so 100 columns hold it; the OCR and guessed columns
    are shown when some report has something in them."""
    from rich import box

    from assistant.catalogue import guessed_label, ocr_label

    ocr = any(row.ocr_pages for row in rows)
    guessed = any(row.guessed for row in rows)
    table = Table(
        title=f"Indexerade rapporter ({len(rows)})", title_justify="left", box=box.SIMPLE_HEAD, expand=True
    )
    table.add_column("Rapport / organisation", ratio=3)
    table.add_column("Typ / period", ratio=2)
    for name in ("Sidor", "Pass.", "Siffror"):
        table.add_column(name, justify="right", no_wrap=True)
    if ocr:
        table.add_column("OCR-sidor (konf.)", ratio=1)
    table.add_column("Rep.", justify="right", no_wrap=True)
    if guessed:
        table.add_column("Gissat: varifrån", ratio=2, style="yellow")
    for number, row in enumerate(rows, 1):
        cells: list[Text | str] = [
            Text.assemble((row.title, "bold"), "\n", (row.organisation, "dim")),
            Text.assemble(row.report_type, "\n", row.period),
            str(row.pages),
            str(row.passages),
            str(row.figures),
        ]
        cells += [ocr_label(row)] if ocr else []
        cells += [str(row.repaired_words)]
        cells += [guessed_label(row)] if guessed else []
        table.add_row(*cells, end_section=number < len(rows))
    return table


@app.command("eval")
def eval_cmd(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(exists=True, dir_okay=False, help="JSON Lines som shared/eval/dev.jsonl")
    ],
    top_k: Annotated[int, typer.Option("--top-k", "-k")] = 5,
    extra_reports: Annotated[
        Path | None,
        typer.Option(
            "--extra-reports",
            exists=True,
            file_okay=False,
            help="Mapp med rapporter att indexera i ett tillfälligt index bredvid korpusen.",
        ),
    ] = None,
    modes: Annotated[str, typer.Option(help="Sökläge(n), kommaseparerade.")] = "hybrid,lexical,dense",
) -> None:
    """Mät retrieval (recall@1, recall@5, MRR), siffror per frågetyp och "finns inte"-beslutet, för en eller
    flera frågefiler. Med --extra-reports byggs ett tillfälligt index av korpusen plus de rapporterna; det
    ordinarie indexet rörs inte."""
    from assistant.evaluation import QuestionFileError, evaluate, load_questions

    settings = _settings(ctx)
    chosen = [m.strip() for m in modes.split(",") if m.strip()]
    if bad := [m for m in chosen if m not in ("hybrid", "lexical", "dense")]:
        raise CliError(f"Okänt sökläge: {', '.join(bad)} (välj hybrid, lexical, dense)")
    try:  # every file read before any index is built: a bad line is reported at once
        question_sets = [(file, load_questions(file)) for file in files]
    except QuestionFileError as err:
        raise CliError(str(err)) from err
    if extra_reports is not None:
        settings = _settings_with_reports(settings, extra_reports)
        run_index(settings, quiet=True)
    engine = _engine(settings)
    out = Console()
    for file, questions in question_sets:

        def ask(text: str, mode: str):
            from assistant.evaluation import Outcome

            answer = engine.ask(text, mode=mode, k=top_k)  # type: ignore[arg-type]
            return Outcome([p.text for p in answer.passages], answer.supported, answer.figures)

        _print_eval(out, file, len(questions), evaluate(questions, ask, chosen))


def _settings_with_reports(settings: Settings, reports: Path) -> Settings:
    """A temporary corpus (the shipped reports and `reports`) and data folder; the embedding model
    already rebuilt in the ordinary data folder is reused rather than rebuilt."""
    import shutil
    import tempfile

    from index.load import SUPPORTED

    root = Path(tempfile.mkdtemp(prefix="finsam-eval-"))
    corpus = root / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    for path in sorted(reports.iterdir()):
        if path.is_file() and (path.suffix.lower() in SUPPORTED or path.suffix == ".toml"):
            shutil.copy2(path, corpus / path.name)
    data = root / "data"
    data.mkdir()
    if settings.models_dir.is_dir():
        shutil.copytree(settings.models_dir, data / "models")
    return settings.model_copy(update={"corpus_dir": corpus, "data_dir": data})


def _print_eval(out: Console, file: Path, count: int, reports) -> None:
    table = Table(title=f"Retrieval på {file.name} ({count} frågor)")
    for col in ("läge", "typ", "n", "recall@1", "recall@5", "MRR"):
        table.add_column(col, justify="right" if col not in ("läge", "typ") else "left")
    for report in reports:
        for kind in sorted(report.by_kind):
            row = report.by_kind[kind].row()
            table.add_row(
                report.mode,
                kind,
                str(row["n"]),
                f"{row['recall@1']:.3f}",
                f"{row['recall@5']:.3f}",
                f"{row['mrr']:.3f}",
            )
        row = report.overall.row()
        table.add_row(
            report.mode,
            "ALLA (besvarbara)",
            str(row["n"]),
            f"{row['recall@1']:.3f}",
            f"{row['recall@5']:.3f}",
            f"{row['mrr']:.3f}",
            style="bold",
            end_section=True,
        )
    out.print(table)
    figures = Table(title=f"Siffror på {file.name} (första siffran / någon siffra rätt)")
    for col in ("läge", "typ", "n", "första", "någon"):
        figures.add_column(col, justify="right" if col not in ("läge", "typ") else "left")
    for report in reports:
        for kind in sorted(report.figures_by_kind):
            t = report.figures_by_kind[kind]
            figures.add_row(report.mode, kind, str(t.n), f"{t.first / t.n:.3f}", f"{t.any / t.n:.3f}")
        t = report.figures_overall
        n = t.n or 1
        figures.add_row(
            report.mode,
            "ALLA med siffra",
            str(t.n),
            f"{t.first / n:.3f}",
            f"{t.any / n:.3f}",
            style="bold",
            end_section=True,
        )
    out.print(figures)
    verdicts = Table(title=f'"Finns inte" på {file.name}')
    for col in ("läge", "obesvarbara → finns inte", "besvarbara felaktigt finns inte", "supported rätt"):
        verdicts.add_column(col, justify="left" if col == "läge" else "right")
    for report in reports:
        verdicts.add_row(
            report.mode,
            f"{report.unanswerable_right}/{report.unanswerable}",
            f"{report.false_not_found}/{report.answerable} ({report.false_not_found_rate():.1%})",
            f"{report.supported_right}/{report.supported_total}",
        )
    out.print(verdicts)
    for report in reports:
        out.print(
            f"{report.mode}: missar (recall@5): {', '.join(report.misses) or 'inga'}; "
            f"fel första siffra: {', '.join(report.figure_misses) or 'inga'}",
            highlight=False,
        )


def main() -> None:
    from index.embed import EmbedderUnavailable
    from index.lock import IndexBusy
    from index.reader import IndexMissing

    try:
        app()
    except (IndexBusy, EmbedderUnavailable, IndexMissing, CliError) as exc:
        err.print(Text(str(exc), style="red"))
        sys.exit(2)


@app.command("ui")
def ui_cmd(ctx: typer.Context) -> None:
    """Starta chattgränssnittet i terminalen (modellen laddas i bakgrunden)."""
    from assistant.ui import make_app

    make_app(_settings(ctx)).run()


@app.command("chroma-gate")
def chroma_gate_cmd(
    listen: Annotated[str, typer.Option(help="VÄRD:PORT som klienterna ansluter till.")] = "127.0.0.1:8001",
    upstream: Annotated[str, typer.Option(help="Chroma-servern ('chroma run').")] = "http://127.0.0.1:8000",
    token_file: Annotated[
        Path | None, typer.Option("--token-file", help="Giltiga token, en per rad (läses om vid ändring).")
    ] = None,
) -> None:
    """Släpp in förfrågningar till Chroma-servern bara med giltig token (FINSAM_CHROMA_TOKEN hos klienterna).

    Token läses från --token-file och/eller FINSAM_CHROMA_GATE_TOKEN, aldrig från kommandoraden."""
    from index.chroma_gate import GateError, serve

    try:
        serve(listen, upstream, token_file)
    except GateError as exc:
        raise CliError(str(exc)) from exc
