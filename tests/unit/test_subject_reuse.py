"""Adding a report resolves again only the kept figures whose subject the new registry could change, and the
result is the same as resolving every figure from scratch."""

from __future__ import annotations

import pytest

import index.pipeline as pipeline
from index.catalog import SUBJECTS, load_figures
from index.embed import FakeEmbedder
from index.generations import current_generation
from index.pipeline import build_index
from index.subjects import SubjectRegistry, registry_change
from tests.conftest import write_report

# Kompassen's report mentions Navigatorn, outside any insats's section, before a report has a section
# about it.
KOMPASSEN = """Verksamhetsberättelse 2019

Förbundets chef besökte Navigatorn, där 7 personer deltog under hösten 2019.

Kompassen

Målgrupp

Kompassen vänder sig till unga vuxna. Under 2019 har Kompassen arbetat med 40 personer, varav 22 kvinnor
och 18 män.

Resultat

Av deltagarna har tolv gått vidare till arbete.

Samverkan

Målgrupp

Tillsammans med Navigatorn deltog 12 personer i gemensamma aktiviteter under 2019.

Resultat

Samverkan gav 3 nya arbetsplatser.
"""

NAVIGATORN = """Navigatorn

Målgrupp

Navigatorn riktar sig till personer långt från arbetsmarknaden.

Resultat

Under 2019 har Navigatorn haft 15 deltagare, varav 9 kvinnor och 6 män.

Uppföljning

Målgrupp

Uppföljningen gäller alla som avslutat en insats.

Resultat

Under 2019 följdes 20 personer upp.
"""

FYREN = """Fyren

Målgrupp

Fyren är en insats för unga.

Resultat

Under 2019 har Fyren haft 30 deltagare, varav 14 kvinnor och 16 män.

Uppföljning

Målgrupp

Uppföljningen gäller alla som avslutat Fyren.

Resultat

Under 2019 följdes 25 personer upp.
"""


def _write(corpus, name, text, organisation):
    write_report(
        corpus,
        name,
        text,
        title=f"Verksamhetsberättelse 2019 {name}",
        organisation=organisation,
        period="2019",
    )


def _subjects(settings) -> dict[str, str]:
    return {f.figure_id: f.subject for f in load_figures(current_generation(settings.index_dir))}


@pytest.fixture
def corpus_with_kompassen(tmp_path, make_settings):
    corpus = tmp_path / "corpus"
    _write(corpus, "kompassen", KOMPASSEN, "Samordningsförbundet Ost")
    settings = make_settings(corpus)
    build_index(settings, FakeEmbedder())
    return settings


def _assert_a_full_build_agrees(settings, incremental: dict[str, str]) -> None:
    build_index(settings, FakeEmbedder(), full=True)
    assert _subjects(settings) == incremental


def _resolved_count(monkeypatch) -> list[int]:
    calls = [0]
    original = pipeline._subject_of

    def counting(*args):
        calls[0] += 1
        return original(*args)

    monkeypatch.setattr(pipeline, "_subject_of", counting)
    return calls


def test_a_new_report_naming_an_old_sentence_changes_that_figure_as_a_full_build_would(
    corpus_with_kompassen, monkeypatch
):
    settings = corpus_with_kompassen
    before = _subjects(settings)
    # the same federation's next report: names never reach across organisations
    _write(settings.corpus_dir, "navigatorn", NAVIGATORN, "Samordningsförbundet Ost")
    calls = _resolved_count(monkeypatch)
    build_index(settings, FakeEmbedder())
    incremental = _subjects(settings)
    changed = {k for k in before if before[k] != incremental[k]}
    assert changed, "the sentence naming Navigatorn should now belong to Navigatorn"
    assert all("Navigatorn" in incremental[k] for k in changed)
    assert calls[0] < len(incremental), "kept figures the change cannot touch are not resolved again"
    _assert_a_full_build_agrees(settings, incremental)


def test_an_unrelated_report_resolves_only_its_own_figures(corpus_with_kompassen, monkeypatch):
    settings = corpus_with_kompassen
    before = _subjects(settings)
    _write(settings.corpus_dir, "fyren", FYREN, "Samordningsförbundet Nord")
    calls = _resolved_count(monkeypatch)
    build_index(settings, FakeEmbedder())
    after = _subjects(settings)
    assert {k: after[k] for k in before} == before
    assert calls[0] == len(after) - len(before)


@pytest.mark.parametrize("damage", ["{not json", '{"version": 99, "subjects": []}', ""])
def test_an_unreadable_live_registry_means_resolving_everything_again(
    corpus_with_kompassen, monkeypatch, damage
):
    settings = corpus_with_kompassen
    (current_generation(settings.index_dir) / SUBJECTS).write_text(damage, encoding="utf-8")
    # the same federation's next report: names never reach across organisations
    _write(settings.corpus_dir, "navigatorn", NAVIGATORN, "Samordningsförbundet Ost")
    calls = _resolved_count(monkeypatch)
    build_index(settings, FakeEmbedder())
    incremental = _subjects(settings)
    assert calls[0] == len(incremental)
    _assert_a_full_build_agrees(settings, incremental)


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("Tillsammans med Navigatorn deltog 12 personer.", True),
        ("Navigatorns deltagare var 12.", True),  # genitive
        ("Under året deltog 12 personer i Kompassen.", False),  # an unchanged subject
        ("Ingen insats nämns här.", False),
    ],
)
def test_may_mention_finds_forms_the_new_registry_added(text, mentions):
    old = SubjectRegistry.from_sections(
        [
            ("a", "Kompassen › Målgrupp"),
            ("a", "Kompassen › Resultat"),
            ("a", "Samverkan › Målgrupp"),
            ("a", "Samverkan › Resultat"),
        ]
    )
    new = SubjectRegistry.from_sections(
        [
            ("a", "Kompassen › Målgrupp"),
            ("a", "Kompassen › Resultat"),
            ("a", "Samverkan › Målgrupp"),
            ("a", "Samverkan › Resultat"),
            ("b", "Navigatorn › Målgrupp"),
            ("b", "Navigatorn › Resultat"),
        ]
    )
    assert "navigatorn" in new.subjects and "navigatorn" not in old.subjects
    change = registry_change(old, new)
    assert change.may_mention(text) is mentions
    assert registry_change(new, new).may_mention(text) is False


def test_a_subject_renamed_by_a_new_report_is_renamed_on_kept_figures(corpus_with_kompassen):
    settings = corpus_with_kompassen
    before = _subjects(settings)
    assert "Kompassen" in before.values()
    # The new report defines an abbreviation for Kompassen: its display name becomes "Kompassen (KP)".
    text = NAVIGATORN.replace(
        "Navigatorn riktar sig", "Deltagare från Kompassen (KP) deltog. Navigatorn riktar sig"
    )
    _write(settings.corpus_dir, "navigatorn", text, "Samordningsförbundet Ost")
    build_index(settings, FakeEmbedder())
    incremental = _subjects(settings)
    assert "Kompassen" not in incremental.values() and "Kompassen (KP)" in incremental.values()
    _assert_a_full_build_agrees(settings, incremental)
