"""Concurrent use: the assistant keeps answering while another process re-indexes, and switches to each new
index as soon as it is complete; a second `finsam index` refuses clearly or waits (`--wait`)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.engine import Engine
from index.catalog import vector_key
from index.embed import FakeEmbedder
from index.generations import current_generation
from index.reader import IndexReader
from index.settings import Settings
from tests.faults.test_crash import (
    ANIMALS,
    REPO,
    AskSession,
    add_report,
    cli_env,
    finds,
    finsam_command,
    question,
    run_finsam,
)

RUNS = 3


@pytest.fixture
def indexed(tmp_path):
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    add_report(corpus, "bas-styrelse", seed=1)
    add_report(corpus, "bas-insatser", seed=2)
    first = run_finsam(cli_env(corpus, data), "index")
    assert first.returncode == 0, first.stderr
    return corpus, data


@dataclass
class Watch:
    """What the readers saw of one word while its report was being indexed, and right after."""

    word: str
    seen_during: list[bool] = field(default_factory=list)
    generations: set[Path] = field(default_factory=set)


def open_deleted_files(pid: int, folder: Path) -> list[str]:
    """Files under `folder` that process `pid` holds open although they were deleted."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith(str(folder)) and target.endswith("(deleted)"):
            found.append(target)
    return found


def _assert_monotonic(seen: list[bool], what: str) -> None:
    """Once a reader has seen the new index it never goes back to the old one."""
    first_new = seen.index(True) if True in seen else len(seen)
    assert all(seen[first_new:]), f"{what}: fell back to an older index: {seen}"


def test_readers_keep_answering_and_switch_while_another_process_indexes(indexed):
    corpus, data = indexed
    env = cli_env(corpus, data)
    settings = Settings(corpus_dir=corpus, data_dir=data, model="fake", batch_size=2)
    engine = Engine(settings, FakeEmbedder())  # the assistant in this process
    session = AskSession(env)  # and `finsam ask` left open in another
    watches: list[Watch] = []
    try:
        # Both readers are warm (index open, lexicon loaded) and answer from the first index.
        assert not finds(session.ask(question(ANIMALS[0])), ANIMALS[0])
        assert not finds(engine.ask(question(ANIMALS[0])).model_dump(), ANIMALS[0])
        for run in range(RUNS):
            word = ANIMALS[run]
            watch = Watch(word)
            watches.append(watch)
            old = current_generation(data / "index")
            add_report(corpus, f"ny-{run}", seed=50 + run, word=word, sections=12)
            writer = subprocess.Popen(
                finsam_command("index"), env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            while writer.poll() is None:
                cli_answer = session.ask(question(word))
                engine_answer = engine.ask(question(word))
                watch.seen_during += [finds(cli_answer, word), finds(engine_answer.model_dump(), word)]
                watch.generations.add(engine.reader.generation)
                time.sleep(0.05)  # leave the writer CPU: two cores
            _, err = writer.communicate()
            assert writer.returncode == 0, err.decode()
            new = current_generation(data / "index")
            assert new not in (None, old)

            # Complete: the very next question of both readers is answered from the new index, and
            # what earlier runs added is still there.
            assert finds(session.ask(question(word)), word)
            assert finds(engine.ask(question(word)).model_dump(), word)
            assert engine.reader.generation == new
            for earlier in ANIMALS[:run]:
                assert finds(session.ask(question(earlier)), earlier)
            # Readers let go of replaced generations: no deleted index file stays open (disk space, fds).
            for pid in (session.proc.pid, os.getpid()):
                assert not open_deleted_files(pid, data), f"pid {pid} after run {run}"
            _assert_monotonic(watch.seen_during[0::2], f"finsam ask, {word}")
            _assert_monotonic(watch.seen_during[1::2], f"Engine, {word}")
            assert watch.generations <= {old, new}
    finally:
        errors = session.close()
    assert "Traceback" not in errors
    during = sum(len(w.seen_during) for w in watches)
    print(f"\n{during} answers during {RUNS} index runs ({session.asked} by finsam ask), all well-formed;")
    for w in watches:
        print(f"  {w.word}: {len(w.seen_during)} answers while indexing, {sum(w.seen_during)} already new")
    assert during >= 2 * RUNS  # each run was watched by both readers at least once
    _assert_index_consistent(settings)


def _assert_index_consistent(settings: Settings) -> None:
    """No corruption: the live generation's catalog, lexical indexes and chroma agree, and a re-index finds
    nothing to do."""
    reader = IndexReader.open(settings)
    assert sum(e.chunks for e in reader.manifest.reports.values()) == len(reader.chunks)
    assert reader.vectors.keys() == {vector_key(c) for c in reader.chunks}
    assert all(len(lex.scores("förbundet")) == len(reader.chunks) for lex in reader.lexical.values())
    env = cli_env(settings.corpus_dir, settings.data_dir)
    again = run_finsam(env, "index")
    assert again.returncode == 0 and "Indexet är aktuellt" in again.stderr, again.stderr


def _start_slow_writer(corpus: Path, data: Path) -> subprocess.Popen:
    """`finsam index` with a large new report, one passage per chroma write: it holds the lock for seconds.
    Returns once the lock file names it as the holder."""
    add_report(corpus, "stor", seed=99, word="valar", sections=150)
    writer = subprocess.Popen(
        finsam_command("index"),
        env=cli_env(corpus, data, FINSAM_BATCH_SIZE="1"),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and writer.poll() is None:
        try:
            if json.loads((data / "index.lock").read_text() or "{}").get("pid") == writer.pid:
                return writer
        except ValueError:
            pass  # read between truncate and write
        time.sleep(0.02)
    raise AssertionError(f"the first writer never took the lock: {writer.communicate()}")


def test_second_index_run_is_refused_clearly(indexed):
    """Without --wait the second run refuses at once; with a too short --wait it says how long it waited.
    Both exit with status 2 and name the running writer."""
    corpus, data = indexed
    writer = _start_slow_writer(corpus, data)
    at_once = run_finsam(cli_env(corpus, data), "index")
    briefly = run_finsam(cli_env(corpus, data), "index", "--wait", "0.5")
    still_running = writer.poll() is None
    _, first_err = writer.communicate()
    assert still_running, "the first run ended before the others asked: the test proved nothing"
    assert writer.returncode == 0, first_err.decode()

    for second in (at_once, briefly):
        assert second.returncode == 2
        assert "Traceback" not in second.stderr
        message = " ".join(second.stderr.split())  # rich wraps long lines
        print(f"\nrefusal (exit {second.returncode}): {message}")
        assert f"En annan indexering pågår (pid {writer.pid} sedan/since " in message
        assert "försök igen när den är klar, eller vänta på den med 'finsam index --wait SEKUNDER'" in message
        assert "Another indexing run holds the lock" in message
        assert "try again when it has finished, or wait for it with 'finsam index --wait SECONDS'" in message
    assert "väntade" not in at_once.stderr
    waited = " ".join(briefly.stderr.split())
    assert "högst 0,5 s. / Waiting for another indexing run." in waited
    assert "väntade 0,5 s; försök igen" in waited and "holds the lock (waited 0.5 s); try again" in waited
    _assert_index_consistent(Settings(corpus_dir=corpus, data_dir=data, model="fake"))


def test_second_index_run_with_wait_waits_then_finds_the_index_current(indexed):
    corpus, data = indexed
    writer = _start_slow_writer(corpus, data)
    second = run_finsam(cli_env(corpus, data), "index", "--wait", "120")
    _, first_err = writer.communicate()
    assert writer.returncode == 0, first_err.decode()
    assert second.returncode == 0, second.stderr
    message = " ".join(second.stderr.split())
    print(f"\nwaiting run: {message}")
    assert re.search(
        rf"Väntar på en annan indexering \(pid {writer.pid} sedan/since [^)]*\), högst 120 s", message
    )
    # It waited for the first run's index instead of building its own: nothing was left to do.
    assert "Indexet är aktuellt" in message


_OPEN_IN_A_LOOP = """
import sys, time, chromadb
from index.vectors import COLLECTION, embedding_function
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    client = chromadb.PersistentClient(sys.argv[1], settings=chromadb.Settings(anonymized_telemetry=False))
    client.get_collection(COLLECTION, embedding_function=embedding_function("fake")).count()
    client.close()
"""


def test_live_vectors_copy_cleanly_while_readers_open_them(indexed, tmp_path):
    """Every chroma client writes chroma.sqlite3 when it opens, so the writer copies the live vectors while
    assistants may be writing them. A plain copytree failed on the vanishing journal file (138 of 2 936
    copies with two readers opening in a loop); the copy must always succeed and be a sound database."""
    import sqlite3

    from index.vectors import LOCAL_DATABASE, LOCAL_FOLDER, copy_local_folder

    _, data = indexed
    live = current_generation(data / "index")
    assert live is not None
    source = live / LOCAL_FOLDER
    with sqlite3.connect(source / LOCAL_DATABASE) as db:
        vectors = db.execute("select count(*) from embeddings").fetchone()[0]
    readers = [
        subprocess.Popen([sys.executable, "-c", _OPEN_IN_A_LOOP, str(source), "12"], cwd=REPO)
        for _ in range(2)
    ]
    copies = 0
    try:
        time.sleep(3)  # the readers are importing chromadb
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and all(r.poll() is None for r in readers):
            target = tmp_path / f"copy-{copies}"
            copy_local_folder(source, target)
            with contextlib.closing(sqlite3.connect(target / LOCAL_DATABASE)) as db:
                assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
                assert db.execute("select count(*) from embeddings").fetchone()[0] == vectors
            assert not list(target.glob("*-journal"))
            shutil.rmtree(target)
            copies += 1
    finally:
        for reader in readers:
            reader.wait(timeout=60)
    assert all(r.returncode == 0 for r in readers)
    print(f"\n{copies} copies of the live vectors while 2 readers opened them: all sound")
    assert copies >= 20
