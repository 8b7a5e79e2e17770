"""The CI-sized fuzz run: 300 generated questions (benchmarks/fuzz_questions.py, fixed seed) through follow-up
resolution and Engine.ask on a fake-embedder index of two shipped reports, with zero crashes. The full run
(≥ 10 000 questions, real model) is `python benchmarks/fuzz_questions.py`."""

from __future__ import annotations

import shutil
import unicodedata

import pytest

from assistant.question import clean_question
from benchmarks.fuzz_questions import fake_corpus_engine, fuzz, generate_questions
from tests.conftest import CORPUS

REPORTS = ("sodra-norrbotten_delarsredovisning_2020", "skelleftea-norsjo_verksamhetsplan_2015")
COUNT = 300
LIMIT = 2000


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("fuzz-corpus")
    for name in REPORTS:
        for suffix in (".txt", ".toml"):
            shutil.copy(CORPUS / f"{name}{suffix}", corpus)
    return fake_corpus_engine(tmp_path_factory.mktemp("fuzz-data"), corpus)


def test_generation_is_deterministic_and_covers_the_noise():
    questions = list(generate_questions(7, COUNT, LIMIT))
    assert questions == list(generate_questions(7, COUNT, LIMIT))
    assert questions != list(generate_questions(8, COUNT, LIMIT))
    cleaned = [clean_question(q) for q in questions]
    assert any(not c for c in cleaned)  # empty after cleaning
    assert any(len(c) > LIMIT for c in cleaned)  # too long
    assert any(any(unicodedata.category(ch) == "Cc" for ch in q) for q in questions)  # control characters
    assert any("[" in q and "]" in q for q in questions)  # markup
    assert any(q.startswith("och ") or q.endswith(" då?") for q in questions)  # follow-ups
    assert len(set(questions)) > 0.8 * COUNT


def test_300_generated_questions_without_a_crash(engine):
    result = fuzz(engine, generate_questions(0, COUNT, engine.settings.max_question_chars))
    crashes = [f"{c.question[:80]!r}: {c.error}" for c in result.crashes]
    assert crashes == []
    assert result.count == COUNT == result.answered + result.refused
    assert result.refused > 0 and result.answered > 0.9 * COUNT and result.supported > 0


def test_a_crash_is_counted_not_hidden(engine):
    class Broken:
        settings = engine.settings

        def ask(self, text):
            raise KeyError("chunk")

    result = fuzz(Broken(), iter(["Hur många deltagare hade AMT 2017?", "och 2016?"]))
    assert [c.error for c in result.crashes] == ["KeyError: 'chunk'"] * 2
