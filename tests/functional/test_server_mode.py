"""Shared server mode: a real `chroma run` server on loopback; one process indexes through it, another
answers.

Uses the fake embedder (FINSAM_MODEL=fake) so the test stays well under a minute; what is under test is where
the vectors live and how generations switch, not the model.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from index.catalog import Manifest
from index.generations import current_generation

pytestmark = pytest.mark.functional

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REPORTS = ("sodra-norrbotten_delarsredovisning_2020", "skelleftea-norsjo_verksamhetsberattelse_2017")
QUESTION = "Hur många deltagare hade Arbetsmarknadstorget 2017?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_heartbeat(url: str, server: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"chroma run exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"no heartbeat from {url} within {seconds} s")


@pytest.fixture
def chroma_server(tmp_path):
    chroma = BIN / "chroma"
    if not chroma.is_file():
        pytest.skip(f"{chroma} not installed (chromadb provides it)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "chroma.log", "wb")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        _wait_for_heartbeat(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _finsam(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "finsam"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _collections(url: str) -> dict[str, int]:
    import chromadb

    host, port = url.removeprefix("http://").split(":")
    client = chromadb.HttpClient(
        host=host, port=int(port), settings=chromadb.Settings(anonymized_telemetry=False)
    )
    return {c.name: c.count() for c in client.list_collections()}


def test_index_through_server_and_answer_from_another_process(chroma_server, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in REPORTS:
        for suffix in (".txt", ".toml"):
            shutil.copy(REPO / "corpus" / f"{name}{suffix}", corpus / f"{name}{suffix}")
    data = tmp_path / "shared-data"
    env = {
        **os.environ,
        "FINSAM_DATA_DIR": str(data),
        "FINSAM_CORPUS_DIR": str(corpus),
        "FINSAM_MODEL": "fake",
        "FINSAM_CHROMA_URL": chroma_server,
    }
    (tmp_path / "writer").mkdir()
    (tmp_path / "reader").mkdir()

    indexed = _finsam(["index"], env, tmp_path / "writer")
    assert indexed.returncode == 0, indexed.stderr

    generation = current_generation(data / "index")
    assert generation is not None
    assert not (generation / "chroma").exists(), "vectors must live on the server, not in the data dir"
    chunks = sum(e.chunks for e in Manifest.load(generation).reports.values())
    on_server = _collections(chroma_server)
    record = json.loads((generation / "vectors.json").read_text())
    assert on_server == {record["collection"]: chunks}

    # Another process (another working directory, same data dir and server) answers from the dense index.
    asked = _finsam(["ask", "--json", "--mode", "dense", QUESTION], env, tmp_path / "reader")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert len(answer["passages"]) == 5
    assert {p["report"] for p in answer["passages"]} <= set(REPORTS)

    # A client without the server setting is told where the vectors are instead of answering from nothing.
    local_env = {k: v for k, v in env.items() if k != "FINSAM_CHROMA_URL"}
    refused = _finsam(["ask", "--json", "--mode", "dense", QUESTION], local_env, tmp_path / "reader")
    assert refused.returncode == 2
    assert "FINSAM_CHROMA_URL" in refused.stderr


def test_each_generation_has_its_own_collection_and_old_ones_are_dropped(chroma_server, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in REPORTS:
        for suffix in (".txt", ".toml"):
            shutil.copy(REPO / "corpus" / f"{name}{suffix}", corpus / f"{name}{suffix}")
    index_dir = tmp_path / "data" / "index"
    env = {
        **os.environ,
        "FINSAM_DATA_DIR": str(tmp_path / "data"),
        "FINSAM_CORPUS_DIR": str(corpus),
        "FINSAM_MODEL": "fake",
        "FINSAM_CHROMA_URL": chroma_server,
    }
    collections: list[str] = []
    chunks: list[int] = []
    # Removing reports needs no re-reading, so three builds stay quick; the third build garbage-collects the
    # first generation (the previous one is kept for readers that opened it just before the switch).
    for removed in ((), REPORTS[:1], REPORTS):
        for name in removed:
            for suffix in (".txt", ".toml"):
                (corpus / f"{name}{suffix}").unlink(missing_ok=True)
        run = _finsam(["index"], env, tmp_path)
        assert run.returncode == 0, run.stderr
        live = current_generation(index_dir)
        collections.append(json.loads((live / "vectors.json").read_text())["collection"])
        chunks.append(sum(e.chunks for e in Manifest.load(live).reports.values()))
    assert len(set(collections)) == 3
    assert chunks[0] > chunks[1] > chunks[2] == 0
    # Only the live and the previous generation keep a collection, each with exactly its own chunks.
    assert _collections(chroma_server) == {collections[1]: chunks[1], collections[2]: chunks[2]}
