import multiprocessing as mp
import os
import time

import pytest

from index.generations import collect_garbage, current_generation, new_build_dir, publish
from index.lock import IndexBusy, IndexLock


def test_no_index_until_published(tmp_path):
    build = new_build_dir(tmp_path)
    (build / "data").write_text("x")
    assert current_generation(tmp_path) is None
    gen = publish(tmp_path, build)
    assert current_generation(tmp_path) == gen
    assert (gen / "data").read_text() == "x"


def test_garbage_collection_keeps_live_and_previous(tmp_path):
    first = publish(tmp_path, new_build_dir(tmp_path))
    time.sleep(1.1)  # generation names carry the time to the second
    second = publish(tmp_path, new_build_dir(tmp_path))
    abandoned = new_build_dir(tmp_path)
    removed = collect_garbage(tmp_path, keep_previous=first)
    assert abandoned in removed
    assert first.is_dir() and second.is_dir()
    collect_garbage(tmp_path)
    assert not first.exists() and second.is_dir()


def test_current_pointing_at_incomplete_generation_is_ignored(tmp_path):
    (tmp_path / "gen-x").mkdir()
    (tmp_path / "CURRENT").write_text("gen-x")
    assert current_generation(tmp_path) is None


def _hold_lock(path, ready, release):
    with IndexLock(path):
        ready.set()
        release.wait(10)


def test_second_writer_is_refused_and_lock_recovers_after_kill(tmp_path):
    path = tmp_path / "index.lock"
    ctx = mp.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(path, ready, release))
    proc.start()
    assert ready.wait(10)
    with pytest.raises(IndexBusy, match="annan indexering"), IndexLock(path):
        pass
    os.kill(proc.pid, 9)  # a killed writer must not leave a stale lock
    proc.join()
    with IndexLock(path, wait_seconds=2):
        pass
