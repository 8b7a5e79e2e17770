"""Hostile questions and report text: through Engine.ask and `finsam ask` (text and --json) without a crash,
with a clear Swedish message for an empty or too long question, and markup and control characters shown
literally, never interpreted by the terminal or by Rich."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.engine import Engine
from assistant.question import QuestionRejected, check_question, clean_question
from assistant.results import Answer
from index.embed import FakeEmbedder
from index.pipeline import build_index
from index.settings import Settings
from tests.conftest import ALPHA, write_report

REPO = Path(__file__).resolve().parents[2]
LIMIT = Settings.model_fields["max_question_chars"].default


# Report text that a careless export or a hostile sender could produce: Rich/Textual markup, an ANSI escape
# sequence (two control characters: below the loader's "binary file" threshold) and a bidi override.
MARKUP = """Markupprojektet

Resultat

Under 2019 deltog 12 personer i Markupprojektet, se [bold]x[/bold] i tabellen och [link=http://evil]länken[/link]
för mer om projektet. Projektet drivs av förbundet tillsammans med kommunen och Arbetsförmedlingen.

Styrelsen

Styrelsen för Markupprojektet skriver \x1b[31mröd text\x1b[0m och \u202eöverstyrd\u202c text i sin rapport om
hur projektet har gått under året, med fyra möten och en workshop om samverkan.
"""

BASE = "Hur många deltagare hade Markupprojektet 2019?"
MARKUP_QUESTION = "[bold]Hur många[/bold] deltagare [link=http://evil]hade[/link] Markupprojektet?"

# name → (question, what finsam does: "answer", "empty" or "too_long")
CASES: dict[str, tuple[str, str]] = {
    "empty": ("", "empty"),
    "whitespace": ("   \t\n  \u3000 ", "empty"),
    "only_controls": ("\x00\x1b\r\x07", "empty"),
    "only_bidi": ("\u202e\u2066\u200b", "empty"),
    "100k_sentences": ((BASE + " ") * (100_000 // (len(BASE) + 1) + 1), "too_long"),
    "100k_one_word": ("x" * 100_000, "too_long"),
    "over_limit": ("a" * (LIMIT + 1), "too_long"),
    "at_limit": ("å" * LIMIT, "answer"),
    "long_word": ("manga" * 300, "answer"),  # 1 500 letters without å/ä/ö: one "word" for the å/ä/ö repair
    "nul": ("Hur många\x00deltagare hade Markupprojektet 2019?", "answer"),
    "esc": ("\x1b[2J\x1b[31mHur många deltagare hade Markupprojektet 2019?\x1b[0m", "answer"),
    "cr": ("Hur många deltagare\rhade Markupprojektet 2019?", "answer"),
    "c1_and_del": ("Hur många\x85deltagare\x9bhade\x7fMarkupprojektet 2019?", "answer"),
    "bidi": ("\u202eHur många deltagare hade Markupprojektet 2019?\u202c", "answer"),
    "zero_width": ("Hur många\u200b deltagare hade Markupprojektet\ufeff 2019?", "answer"),
    "nfd": (unicodedata.normalize("NFD", "Hur många deltagare hade Markupprojektet 2019?"), "answer"),
    "surrogate": ("Hur m\udce5nga deltagare hade Markupprojektet 2019?", "answer"),
    "rich_markup": (MARKUP_QUESTION, "answer"),
    "textual_action": ("[@click=app.quit]Avsluta[/] [red on white]deltagare[/]", "answer"),
    "unclosed_markup": ("[/] [bold deltagare [[ ]] [/link]", "answer"),
    "sql": ("'; DROP TABLE chunks; --", "answer"),
    "sql_or": ("Markupprojektet' OR '1'='1", "answer"),
    "json_operator": ('{"$ne": null, "report_id": {"$in": ["*"]}}', "answer"),
    "path_unix": ("../../etc/passwd", "answer"),
    "path_windows": ("C:\\Windows\\System32\\config", "answer"),
    "format_string": ("%s %d {0} {question!r} $(rm -rf ~) `id`", "answer"),
    "other_scripts": ("🙂 участники 参加者 المشاركون 2019", "answer"),
    "year_soup": (" ".join(str(y) for y in range(1990, 2040)), "answer"),
}
ANSWERED = [name for name, (_, kind) in CASES.items() if kind == "answer"]
REFUSED = [name for name, (_, kind) in CASES.items() if kind != "answer"]
# Questions that differ from BASE only by characters that cleaning removes: they must find what BASE finds.
SAME_AS_BASE = ["nul", "esc", "cr", "c1_and_del", "bidi", "zero_width", "nfd"]
MESSAGES = {"empty": "Frågan är tom", "too_long": "Frågan är för lång"}


def _unsafe(text: str) -> list[str]:
    """Characters that would reach the terminal as control or bidi codes (newline and tab are fine)."""
    bidi = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    return [c for c in text if (unicodedata.category(c) == "Cc" and c not in "\n\t") or ord(c) in bidi]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("input")
    corpus = root / "corpus"
    common = {"organisation": "Samordningsförbundet Test", "period": "2019"}
    write_report(corpus, "alfa", ALPHA, title="Verksamhetsberättelse 2019", **common)
    write_report(corpus, "markup", MARKUP, title="Markupprojektet 2019", **common)
    settings = Settings(corpus_dir=corpus, data_dir=root / "data", model="fake")
    result = build_index(settings, FakeEmbedder())
    assert not result.problems and len(result.added) == 2
    return settings


@pytest.fixture(scope="module")
def engine(settings) -> Engine:
    return Engine(settings, FakeEmbedder())


@pytest.fixture
def run_cli(settings, monkeypatch):
    """`finsam …` in this process, on the fake-embedder index (CliRunner captures stdout and stderr)."""
    monkeypatch.setattr(cli, "_embedder_factory", lambda _settings: lambda: FakeEmbedder())
    env = {
        "FINSAM_CORPUS_DIR": str(settings.corpus_dir),
        "FINSAM_DATA_DIR": str(settings.data_dir),
        "FINSAM_MODEL": "fake",
        "COLUMNS": "200",
    }

    def run(*args: str, stdin: str | None = None):
        return CliRunner().invoke(cli.app, list(args), env=env, input=stdin, catch_exceptions=False)

    return run


# --- the engine ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ANSWERED)
def test_engine_answers_hostile_questions(engine, name):
    text, _ = CASES[name]
    answer = engine.ask(text)
    assert isinstance(answer, Answer) and answer.passages
    assert answer.question == clean_question(text)
    assert _unsafe(answer.question) == [] and answer.question == answer.question.strip()
    json.dumps(answer.model_dump(), ensure_ascii=False).encode("utf-8")  # no lone surrogate survives


@pytest.mark.parametrize("name", SAME_AS_BASE)
def test_invisible_characters_do_not_change_the_answer(engine, name):
    base, noisy = engine.ask(BASE), engine.ask(CASES[name][0])
    assert noisy.question == BASE
    assert [p.chunk_id for p in noisy.passages] == [p.chunk_id for p in base.passages]
    assert noisy.passages[0].report == "markup"


def test_markup_question_is_kept_literally(engine):
    answer = engine.ask(CASES["rich_markup"][0])
    assert answer.question == CASES["rich_markup"][0]


@pytest.mark.parametrize("name", REFUSED)
def test_engine_refuses_empty_and_too_long_questions(engine, name):
    text, kind = CASES[name]
    with pytest.raises(QuestionRejected, match=MESSAGES[kind]) as refused:
        engine.ask(text)
    message = str(refused.value)
    assert "/ The question is" in message  # Swedish first, then English
    if kind == "too_long":
        limit = f"{LIMIT:,}".replace(",", " ")
        assert f"högst {limit}" in message
        assert f"{len(clean_question(text)):,}".replace(",", " ") + " tecken" in message


def test_limit_is_a_setting(tmp_path):
    assert check_question("a" * 30, 30) == "a" * 30
    with pytest.raises(QuestionRejected, match="högst 30"):
        check_question("a" * 31, 30)
    assert Settings(data_dir=tmp_path, max_question_chars=50).max_question_chars == 50


def test_markup_in_a_report_is_indexed_as_text(engine):
    answer = engine.ask("Markupprojektet tabellen länken")
    text = next(p.text for p in answer.passages if p.report == "markup" and "[bold]" in p.text)
    assert "[bold]x[/bold]" in text and "[link=http://evil]länken[/link]" in text


# --- the CLI ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ANSWERED)
def test_cli_prints_hostile_questions_literally(run_cli, name):
    text, _ = CASES[name]
    shown = run_cli("ask", text)
    assert shown.exit_code == 0, shown.output
    assert _unsafe(shown.stdout) == []
    assert _squeezed("Fråga: " + clean_question(text)) in _squeezed(shown.stdout)
    as_json = run_cli("ask", "--json", text)
    assert as_json.exit_code == 0
    answer = json.loads(as_json.stdout)
    assert answer["question"] == clean_question(text) and answer["passages"]


@pytest.mark.parametrize("name", REFUSED)
@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_cli_refuses_with_a_swedish_message_and_status_2(run_cli, name, json_flag):
    text, kind = CASES[name]
    run = run_cli("ask", *json_flag, text)
    assert run.exit_code == 2
    assert MESSAGES[kind] in run.stderr and run.stdout == ""


def test_cli_prints_report_markup_and_escapes_literally(run_cli):
    run = run_cli("ask", "Markupprojektet styrelsen röd text tabellen länken")
    assert run.exit_code == 0
    out = _squeezed(run.stdout)
    assert "[bold]x[/bold]" in out and "[link=http://evil]länken[/link]" in out
    assert "\x1b" not in run.stdout and _unsafe(run.stdout) == []
    assert "␛[31mrödtext␛[0m" in out  # the escape sequence made visible, not executed
    answer = json.loads(run_cli("ask", "--json", "Markupprojektet styrelsen röd text").stdout)
    texts = " ".join(p["text"] for p in answer["passages"])
    assert "[link=http://evil]" in texts and "\x1b[31m" in texts  # JSON keeps the report's text as it is


def test_cli_stdin_batch_goes_on_past_refused_lines(run_cli):
    lines = [BASE, "", "x" * (LIMIT + 1), "\x00\x1b", CASES["rich_markup"][0]]
    run = run_cli("ask", "--json", stdin="\n".join(lines) + "\n")
    assert run.exit_code == 1  # a line was refused
    objects = [json.loads(line) for line in run.stdout.splitlines()]
    assert [("error" in o) for o in objects] == [False, True, False]
    assert objects[0]["question"] == BASE and objects[2]["question"] == CASES["rich_markup"][0]
    assert objects[1]["error"].startswith("Frågan är för lång")
    assert "rad 3" in run.stderr


def test_cli_subprocess_with_undecodable_argv(settings):
    """A byte that is no UTF-8 reaches Python as a lone surrogate: printing it must not crash the CLI."""
    code = (
        "import sys\n"
        "from assistant import cli\n"
        "from index.embed import FakeEmbedder\n"
        "cli._embedder_factory = lambda settings: lambda: FakeEmbedder()\n"
        "sys.argv = ['finsam', *sys.argv[1:]]\n"
        "cli.main()\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "FINSAM_CORPUS_DIR": str(settings.corpus_dir),
        "FINSAM_DATA_DIR": str(settings.data_dir),
        "FINSAM_MODEL": "fake",
    }
    question = b"Hur m\xe5nga deltagare hade Markupprojektet?"
    for flag in ([], [b"--json"]):
        run = subprocess.run(
            [sys.executable.encode(), b"-c", code.encode(), b"ask", *flag, question],
            cwd=REPO,
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stderr.decode(errors="replace")
        assert b"Markupprojektet" in run.stdout and b"\x1b" not in run.stdout
