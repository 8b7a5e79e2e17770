"""Token authentication in shared server mode: `finsam chroma-gate` in front of a real `chroma run` on
loopback. A writer indexes and a reader asks through the gate with their tokens; a wrong or missing token is
refused with a message that names the setting, and the live index stays as it was.

Uses the fake embedder (FINSAM_MODEL=fake): what is under test is the gate, not the model.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from index.catalog import Manifest
from index.generations import current_generation
from tests.conftest import ALPHA, BETA, write_report
from tests.functional.test_server_mode import (
    BIN,
    _collections,
    _finsam,
    _free_port,
    _wait_for_heartbeat,
    chroma_server,  # noqa: F401 - a fixture, used by name
)

pytestmark = pytest.mark.functional

WRITER_TOKEN = "writer-7f3a9c2e5b"
READER_TOKEN = "reader-0d8e4b1a6f"
WRONG_TOKEN = "reader-0d8e4b1a6X"
REFUSED = "nekade åtkomst"
REPORTS = {"alfa": ALPHA, "beta": BETA}
QUESTION = "Hur många personer deltog i Betainsatsen under 2019?"


@pytest.fixture
def gate(chroma_server, tmp_path):  # noqa: F811 - the imported fixture
    tokens = tmp_path / "gate-tokens"
    tokens.write_text(f"# staff tokens, one per line\n{WRITER_TOKEN}\n\n{READER_TOKEN}\n")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "gate.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed after the gate stops
    env = {k: v for k, v in os.environ.items() if k != "FINSAM_CHROMA_GATE_TOKEN"}
    process = subprocess.Popen(
        [
            str(BIN / "finsam"),
            "chroma-gate",
            "--listen",
            f"127.0.0.1:{port}",
            "--upstream",
            chroma_server,
            "--token-file",
            str(tokens),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        _wait_for_heartbeat(url, process)  # the heartbeat passes the gate without a token
        yield url, chroma_server, log_path
    finally:
        process.terminate()
        try:
            assert process.wait(timeout=10) == 0, "the gate stops cleanly on SIGTERM"
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()


def _status(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _words(text: str) -> str:
    """Messages as one line: the terminal console wraps them at its width."""
    return " ".join(text.split())


def _live(index_dir: Path) -> tuple[str, set[str]]:
    generation = current_generation(index_dir)
    assert generation is not None
    return (index_dir / "CURRENT").read_text(), set(Manifest.load(generation).reports)


def test_only_requests_with_a_token_pass_the_gate(gate, tmp_path):
    gate_url, chroma_url, gate_log = gate
    corpus = tmp_path / "corpus"
    for name, text in REPORTS.items():
        write_report(corpus, name, text, title=name.title(), organisation="Testförbundet", period="2019")
    data = tmp_path / "shared-data"
    base = {k: v for k, v in os.environ.items() if k != "FINSAM_CHROMA_TOKEN"}
    base |= {
        "FINSAM_DATA_DIR": str(data),
        "FINSAM_CORPUS_DIR": str(corpus),
        "FINSAM_MODEL": "fake",
        "FINSAM_CHROMA_URL": gate_url,
    }
    writer = {**base, "FINSAM_CHROMA_TOKEN": WRITER_TOKEN}
    reader = {**base, "FINSAM_CHROMA_TOKEN": READER_TOKEN}
    wrong = {**base, "FINSAM_CHROMA_TOKEN": WRONG_TOKEN}
    for folder in ("writer", "reader"):
        (tmp_path / folder).mkdir()

    indexed = _finsam(["index"], writer, tmp_path / "writer")
    assert indexed.returncode == 0, indexed.stderr
    live = _live(data / "index")
    assert live[1] == set(REPORTS)
    collections = _collections(chroma_url)  # straight to chroma, past the gate
    assert len(collections) == 1 and next(iter(collections.values())) > 0

    asked = _finsam(["ask", "--json", "--mode", "dense", QUESTION], reader, tmp_path / "reader")
    assert asked.returncode == 0, asked.stderr
    passages = json.loads(asked.stdout)["passages"]
    assert passages and {p["report"] for p in passages} <= set(REPORTS)

    # Wrong and missing token, asked at the same time (two processes) to keep the test short.
    asks = [
        subprocess.Popen(
            [str(BIN / "finsam"), "ask", "--json", "--mode", "dense", QUESTION],
            env=env,
            cwd=tmp_path / "reader",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for env in (wrong, base)
    ]
    for process in asks:
        stdout, stderr = process.communicate(timeout=120)
        refused = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        assert refused.returncode == 2
        message = _words(refused.stderr)
        assert REFUSED in message and "FINSAM_CHROMA_TOKEN" in message and gate_url in message
        assert "Traceback" not in refused.stderr
        assert refused.stdout == ""

    # A changed report to index: a refused writer must leave the live generation and the server as they were.
    (corpus / "beta.txt").write_text(BETA + "\nUnder 2020 deltog 19 personer.\n", encoding="utf-8")
    for env in (wrong, base):
        refused = _finsam(["index"], env, tmp_path / "writer")
        assert refused.returncode == 2
        assert REFUSED in _words(refused.stderr) and "FINSAM_CHROMA_TOKEN" in _words(refused.stderr)
        assert "Traceback" not in refused.stderr
        assert _live(data / "index") == live
        assert not list((data / "index").glob("building-*"))
        assert _collections(chroma_url) == collections

    # Straight requests: 401 without a token, with chroma's error shape; either header passes.
    identity = f"{gate_url}/api/v2/auth/identity"
    status, body = _status(identity, {})
    assert status == 401 and json.loads(body)["error"] == "AuthorizationError"
    assert _status(identity, {"X-Chroma-Token": READER_TOKEN})[0] == 200
    assert _status(identity, {"Authorization": f"Bearer {WRITER_TOKEN}"})[0] == 200

    log_text = gate_log.read_text(encoding="utf-8")
    assert log_text.count("nekad / refused") >= 5
    assert WRONG_TOKEN not in log_text and READER_TOKEN not in log_text


def test_a_token_withdrawn_during_a_session_gives_the_message_not_a_traceback(gate, tmp_path):
    from assistant.engine import Engine
    from index.embed import FakeEmbedder
    from index.pipeline import build_index
    from index.settings import Settings
    from index.vectors import VectorsUnavailable

    gate_url, _, _ = gate
    corpus = tmp_path / "corpus"
    for name, text in REPORTS.items():
        write_report(corpus, name, text, title=name.title(), organisation="Testförbundet", period="2019")

    def settings(token: str) -> Settings:
        return Settings(
            corpus_dir=corpus,
            data_dir=tmp_path / "data",
            model="fake",
            chroma_url=gate_url,
            chroma_token=token,
        )

    build_index(settings(WRITER_TOKEN), FakeEmbedder())
    engine = Engine(settings(READER_TOKEN), FakeEmbedder())
    assert engine.ask(QUESTION, mode="dense").passages
    (tmp_path / "gate-tokens").write_text(f"{WRITER_TOKEN}\n")  # the reader's token is withdrawn
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the gate re-reads its token file within a second or so
        try:
            engine.ask(QUESTION, mode="dense")
        except VectorsUnavailable as refused:
            assert REFUSED in str(refused) and "FINSAM_CHROMA_TOKEN" in str(refused)
            return
        time.sleep(0.2)
    pytest.fail("the withdrawn token was still accepted after 10 s")


def test_gate_start_up_problems_are_messages_with_exit_status_2(chroma_server, tmp_path):  # noqa: F811
    empty = tmp_path / "empty-tokens"
    empty.write_text("# nobody yet\n")
    tokens = tmp_path / "tokens"
    tokens.write_text("t0ken-abc\n")
    busy = chroma_server.rsplit(":", 1)[1]
    env = {k: v for k, v in os.environ.items() if k != "FINSAM_CHROMA_GATE_TOKEN"}
    cases = [
        (["--token-file", str(tmp_path / "missing")], "finns inte"),
        (["--token-file", str(empty)], "ingen token"),
        ([], "FINSAM_CHROMA_GATE_TOKEN"),
        (["--token-file", str(tokens), "--upstream", f"http://127.0.0.1:{_free_port()}"], "svarar inte"),
        (["--token-file", str(tokens), "--listen", f"127.0.0.1:{busy}"], "upptagen"),
    ]
    for args, message in cases:
        run = subprocess.run(
            [str(BIN / "finsam"), "chroma-gate", "--upstream", chroma_server, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 2, (args, run.stderr)
        assert message in _words(run.stderr), (args, run.stderr)
        assert "Traceback" not in run.stderr
