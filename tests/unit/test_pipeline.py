"""Incremental, atomic indexing with the fake embedder (no torch)."""

from __future__ import annotations

import pytest

from assistant.engine import Engine
from index.embed import FakeEmbedder
from index.generations import current_generation
from index.pipeline import build_index
from index.reader import IndexReader
from tests.conftest import ALPHA, BETA, write_report

GAMMA = """Gammaverksamheten

Organisation

Styrelsen består av fem ledamöter och fem ersättare. Kansliet har en förbundschef och en administratör.
"""


def _corpus(tmp_path):
    corpus = tmp_path / "corpus"
    write_report(
        corpus,
        "alfa",
        ALPHA,
        title="Verksamhetsberättelse 2019",
        organisation="Samordningsförbundet Test",
        period="2019",
    )
    write_report(
        corpus,
        "beta",
        BETA,
        title="Årsredovisning 2019",
        organisation="Samordningsförbundet Test",
        period="2019",
        report_type="Årsredovisning",
    )
    return corpus


def test_incremental_add_change_remove_and_noop(tmp_path, make_settings):
    corpus = _corpus(tmp_path)
    settings = make_settings(corpus)
    fake = FakeEmbedder()
    first = build_index(settings, fake)
    assert sorted(first.added) == ["alfa", "beta"]
    assert first.embedded == first.chunks > 0
    embedded_after_first = fake.embedded

    noop = build_index(settings, lambda: pytest.fail("a no-op re-index must not load the model"))
    assert not noop.rebuilt and noop.embedded == 0
    assert current_generation(settings.index_dir) == first.generation

    write_report(
        corpus,
        "gamma",
        GAMMA,
        title="Verksamhetsplan 2020",
        organisation="Samordningsförbundet Test",
        period="2020",
        report_type="Verksamhetsplan",
    )
    added = build_index(settings, fake)
    assert added.added == ["gamma"] and sorted(added.unchanged) == ["alfa", "beta"]
    gamma_chunks = sum(1 for c in IndexReader.open(settings).chunks if c.report_id == "gamma")
    assert added.embedded == gamma_chunks == fake.embedded - embedded_after_first

    (corpus / "beta.txt").write_text(BETA.replace("15\npersoner", "17\npersoner"), encoding="utf-8")
    changed = build_index(settings, fake)
    assert changed.changed == ["beta"] and changed.embedded >= 1
    reader = IndexReader.open(settings)
    assert any("17" in c.text for c in reader.chunks if c.report_id == "beta")
    assert not any("15\npersoner" in c.text or "deltog 15" in c.text for c in reader.chunks)

    (corpus / "alfa.txt").unlink()
    (corpus / "alfa.toml").unlink()
    removed = build_index(settings, fake)
    assert removed.removed == ["alfa"]
    reader = IndexReader.open(settings)
    assert {c.report_id for c in reader.chunks} == {"beta", "gamma"}
    assert reader.vectors.count() == len(reader.chunks)


def test_interrupted_rebuild_keeps_old_index(tmp_path, make_settings):
    corpus = _corpus(tmp_path)
    settings = make_settings(corpus)
    build_index(settings, FakeEmbedder())
    live = current_generation(settings.index_dir)

    class Crashing(FakeEmbedder):
        def embed_passages(self, texts):
            raise KeyboardInterrupt  # as if the user pressed ctrl-c mid-embedding

    write_report(
        corpus,
        "gamma",
        GAMMA,
        title="Verksamhetsplan 2020",
        organisation="Samordningsförbundet Test",
        period="2020",
    )
    with pytest.raises(KeyboardInterrupt):
        build_index(settings, Crashing())
    assert current_generation(settings.index_dir) == live
    assert not list(settings.index_dir.glob("building-*"))
    engine = Engine(settings, FakeEmbedder())
    answer = engine.ask("Hur många personer arbetade Alfaprojektet med?")
    assert answer.passages[0].report == "alfa"
    # The next run completes and includes the new report.
    assert build_index(settings, FakeEmbedder()).added == ["gamma"]


def test_bad_file_is_reported_and_rest_indexed(tmp_path, make_settings):
    corpus = _corpus(tmp_path)
    (corpus / "trasig.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus / "tom.txt").write_bytes(b"")
    settings = make_settings(corpus)
    result = build_index(settings, FakeEmbedder())
    assert sorted(result.added) == ["alfa", "beta"]
    assert {p.path.name for p in result.problems} == {"trasig.pdf", "tom.txt"}
    assert all(p.reason for p in result.problems)
    # Unchanged bad files do not force a rebuild on the next run, but are reported again.
    again = build_index(settings, FakeEmbedder())
    assert not again.rebuilt and {p.path.name for p in again.problems} == {"trasig.pdf", "tom.txt"}


def test_engine_filters_and_json_shape(tmp_path, make_settings):
    corpus = _corpus(tmp_path)
    settings = make_settings(corpus)
    build_index(settings, FakeEmbedder())
    engine = Engine(settings, FakeEmbedder())
    from assistant.results import Filters

    answer = engine.ask("Hur många personer deltog?", Filters(report_type="Årsredovisning"))
    assert answer.passages and {p.report for p in answer.passages} == {"beta"}
    data = answer.model_dump()
    assert set(data) == {"question", "answer", "supported", "passages", "figures"}
    assert {"report", "title", "organisation", "period", "page", "section", "text", "score"} <= set(
        data["passages"][0]
    )
    assert "highlights" not in data["passages"][0]


def test_index_from_another_pipeline_version_is_rebuilt_before_use(tmp_path, make_settings, monkeypatch):
    import index.pipeline as pipeline

    settings = make_settings(_corpus(tmp_path))
    assert pipeline.rebuild_reason(settings) is not None  # no index yet
    build_index(settings, FakeEmbedder())
    assert pipeline.rebuild_reason(settings) is None
    monkeypatch.setattr(pipeline, "PIPELINE_VERSION", pipeline.PIPELINE_VERSION + 1)
    assert "version" in pipeline.rebuild_reason(settings)
    fake = FakeEmbedder()
    result = build_index(settings, fake)
    assert result.rebuilt and fake.embedded == 0  # re-chunked, vectors reused by text hash
    assert pipeline.rebuild_reason(settings) is None
    other_model = make_settings(_corpus(tmp_path)).model_copy(update={"model": "another-model"})
    assert "modellen" in pipeline.rebuild_reason(other_model)


def test_engine_switches_to_a_new_generation_between_questions(tmp_path, make_settings):
    corpus = _corpus(tmp_path)
    settings = make_settings(corpus)
    build_index(settings, FakeEmbedder())
    engine = Engine(settings, FakeEmbedder())
    first = engine.ask("Hur många personer deltog?")
    assert {p.report for p in first.passages} <= {"alfa", "beta"}
    write_report(
        corpus,
        "gamma",
        GAMMA,
        title="Verksamhetsplan 2020",
        organisation="Samordningsförbundet Test",
        period="2020",
    )
    build_index(settings, FakeEmbedder())  # as if another process published a new generation
    answer = engine.ask("Hur många ledamöter och ersättare har styrelsen?")
    assert answer.passages[0].report == "gamma"
