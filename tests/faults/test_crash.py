"""Crash safety: `finsam index` killed with SIGKILL at many moments of a rebuild never loses the index.

One data directory lives through the whole test. For every kill a new report with a distinctive word (an
animal no other report names) is dropped into the corpus and `finsam index` is killed: at a named
checkpoint (`FINSAM_FAULT_POINT`, see index/faults.py) or from outside, once the progress output or the
disk shows a stage. After every kill `finsam ask` must answer from the last complete index (the word not
found before the switch, found after it), what the dead writer left must be harmless, and the next plain
`finsam index` must take the lock at once, finish, clean up and answer with the word.

One long-running `finsam ask --json` process (questions on stdin) is asked after every step, so the test
also proves that a running assistant switches to each new generation on its own.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.faults import CHECKPOINTS, fires
from index.generations import (
    COMPLETE,
    CURRENT,
    current_generation,
    new_build_dir,
    previous_generation,
    publish,
    remove_leftovers,
)
from tests.conftest import write_report

REPO = Path(__file__).resolve().parents[2]
ORGANISATION = "Samordningsförbundet Provet"

# Common Swedish words only: every one is in wordfreq, so cleaning never loads hunspell (≈4–9 s a process).
_SENTENCES = (
    "Förbundet har under året arbetat med att stödja personer som står långt från arbetsmarknaden.",
    "Styrelsen har haft sex möten och beslutat om nya insatser för unga vuxna.",
    "Arbetet sker i samverkan mellan kommunen, regionen och staten.",
    "Många deltagare har fått stöd att börja studera eller att hitta ett arbete.",
    "Verksamheten följs upp varje månad och resultaten redovisas för styrelsen.",
    "Personalen har fått utbildning i att möta människor med olika behov.",
    "Målet är att fler ska kunna försörja sig själva genom arbete.",
    "Insatsen har varit uppskattad av både deltagare och handledare.",
    "Under hösten startade en ny grupp med tolv deltagare.",
    "Kostnaderna har hållits inom den budget som styrelsen beslutade.",
)
_WORD_SENTENCES = (
    "I år har projektet också arbetat med {word} på ett nytt sätt.",
    "Arbetet med {word} har gett goda resultat.",
    "Många {word} har fått stöd under året.",
    "Styrelsen vill att arbetet med {word} ska fortsätta.",
    "Alla {word} i området har fått besök av personalen.",
    "Det är första gången förbundet arbetar med {word}.",
    "Resultaten för {word} redovisas varje månad.",
    "Kostnaden för arbetet med {word} har varit låg.",
    "Handledarna har lärt sig mycket om {word} och deras behov.",
    "Nästa år vill förbundet nå ännu fler {word} i regionen.",
)
_HEADINGS = ("Inledning", "Verksamhet", "Resultat", "Samverkan", "Ekonomi", "Framtiden")
ANIMALS = (
    "giraffer pingviner kameler flodhästar elefanter krokodiler zebror lejon tigrar apor delfiner valar "
    "ugglor ekorrar igelkottar älgar renar vargar björnar rävar harar"
).split()


def report_text(seed: int, sections: int = 4, sentences: int = 9, word: str | None = None) -> str:
    """A report of plain common-word sections; `word` gets a section of its own, so that both the lexical
    and the (fake) dense search find it."""
    rng = random.Random(seed)
    parts = [f"Rapport nummer {seed}"]
    for number in range(sections):
        body = " ".join(rng.choice(_SENTENCES) for _ in range(sentences))
        parts += [_HEADINGS[number % len(_HEADINGS)], body]
    if word:
        parts += [f"Arbetet med {word}", " ".join(s.format(word=word) for s in _WORD_SENTENCES)]
    return "\n\n".join(parts) + "\n"


def add_report(corpus: Path, name: str, seed: int, word: str | None = None, sections: int = 4) -> Path:
    return write_report(
        corpus,
        name,
        report_text(seed, sections, word=word),
        title=f"Verksamhetsberättelse {name}",
        organisation=ORGANISATION,
        period="2021",
    )


def cli_env(corpus: Path, data: Path, **extra: str) -> dict[str, str]:
    """Environment of a `finsam` subprocess: fake embedder, small batches, this corpus and data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINSAM_")}
    env.update(
        FINSAM_MODEL="fake",
        FINSAM_BATCH_SIZE="2",
        FINSAM_CORPUS_DIR=str(corpus),
        FINSAM_DATA_DIR=str(data),
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


def finsam_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args]


def run_finsam(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        finsam_command(*args), env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


class AskSession:
    """A running `finsam ask --json` that reads one question per stdin line: the assistant left open."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            finsam_command("ask", "--json"),
            env=env,
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.asked = 0

    def ask(self, question: str) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(question + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"finsam ask died: {self.proc.stderr.read() if self.proc.stderr else ''}")
        self.asked += 1
        return json.loads(line)

    def close(self) -> str:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        assert self.proc.stderr
        errors = self.proc.stderr.read()
        assert self.proc.returncode == 0, errors
        return errors


def question(word: str) -> str:
    return f"Vad har förbundet gjort för {word}?"


def finds(answer: dict, word: str) -> bool:
    """Whether an answer (finsam ask --json) quotes a passage naming `word`."""
    assert answer["passages"], answer  # an answer from a complete index always lists passages
    return any(word in p["text"] for p in answer["passages"])


@dataclass(frozen=True)
class Leftovers:
    building: list[str]
    generations: list[str]
    pointers: list[str]

    @classmethod
    def of(cls, index_dir: Path) -> Leftovers:
        names = sorted(p.name for p in index_dir.iterdir())
        return cls(
            [n for n in names if n.startswith("building-")],
            [n for n in names if n.startswith("gen-")],
            [n for n in names if n.startswith(f"{CURRENT}.tmp-")],
        )


@dataclass(frozen=True)
class Kill:
    """One way to kill a rebuild: at a checkpoint (`point`), or from outside once `trigger` is seen."""

    label: str
    leaves: str
    """What the dead writer leaves: nothing, building (an unfinished folder), generation (a complete gen-*
    that is not live), pointer (that and a CURRENT.tmp-*), or switched (the new generation is live)."""
    point: str | None = None
    trigger: str | None = None
    sections: int = 4
    reports: int = 1
    """New reports added before the kill (two, so that a kill can fall between them)."""

    @property
    def switched(self) -> bool:
        return self.leaves == "switched"


# Every checkpoint, in the order a rebuild passes them, then kills timed from outside the process.
SEAM_KILLS = [
    Kill("lock taken", "nothing", "lock-acquired"),
    Kill("load: first of 2 reports read", "building", "report-loaded:1", reports=2),
    Kill("chroma copied and opened", "building", "vectors-opened"),
    Kill("embedding: batch 3 in chroma", "building", "embedded-batch:3"),
    Kill("figures + subjects written", "building", "figures-saved"),
    Kill("lexical index 1 of 2 written", "building", "lexical-saved:1"),
    Kill("manifest written", "building", "manifest-saved"),
    Kill("switch: COMPLETE marker written", "building", "marked-complete"),
    Kill("switch: renamed to gen-*", "generation", "renamed"),
    Kill("switch: CURRENT.tmp written", "pointer", "pointer-written"),
    Kill("switch: CURRENT replaced", "switched", "switched"),
    Kill("GC: first old generation gone", "switched", "garbage-removed"),
]
OUTSIDE_KILLS = [
    Kill("outside: progress shows 'bäddar in'", "building", trigger="progress:bäddar in", sections=24),
    Kill("outside: building-*/chroma on disk", "building", trigger="disk:chroma", sections=24),
]


def check_leftovers(kill: Kill, before: Leftovers, left: Leftovers) -> None:
    """What the killed writer left is exactly what its kill moment allows, and nothing a reader would use."""
    new_generations = sorted(set(left.generations) - set(before.generations))
    expected = {
        "nothing": ([], [], []),
        "building": (["building"], [], []),
        "generation": ([], ["gen"], []),
        "pointer": ([], ["gen"], ["pointer"]),
        "switched": ([], ["gen"], []),
    }[kill.leaves]
    found = (
        ["building"] * len(left.building),
        ["gen"] * len(new_generations),
        ["pointer"] * len(left.pointers),
    )
    assert found == expected, f"{kill.label}: left {left}, had {before}"


def test_every_checkpoint_is_killed():
    """A checkpoint added to the writer is killed here too (a fault point never fired proves nothing)."""
    assert {k.point.split(":")[0] for k in SEAM_KILLS if k.point} == set(CHECKPOINTS)


def _kill_from_outside(env: dict[str, str], index_dir: Path, trigger: str) -> subprocess.Popen:
    """Start `finsam index` and SIGKILL it once `trigger` shows: a progress stage on stderr (rich draws
    its bars when FORCE_COLOR says it is a terminal) or a folder inside the unfinished build."""
    kind, _, what = trigger.partition(":")
    proc = subprocess.Popen(
        finsam_command("index"),
        # One passage per chroma write (≈40 ms each): the embedding stage lasts long enough to be seen.
        env={**env, "FORCE_COLOR": "1", "COLUMNS": "120", "FINSAM_BATCH_SIZE": "1"},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen = b""
    deadline = time.monotonic() + 60
    os.set_blocking(proc.stderr.fileno(), False)  # type: ignore[union-attr]
    while time.monotonic() < deadline and proc.poll() is None:
        if kind == "progress":
            seen += proc.stderr.read() or b""  # type: ignore[union-attr]
            hit = what.encode() in seen
        else:
            hit = any(index_dir.glob(f"building-*/{what}"))
        if hit:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, f"{trigger} never showed: {seen.decode(errors='replace')}"
    return proc


@pytest.fixture(scope="module")
def data_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    corpus, data = root / "corpus", root / "data"
    add_report(corpus, "bas-styrelse", seed=1)
    add_report(corpus, "bas-insatser", seed=2)
    first = run_finsam(cli_env(corpus, data), "index")
    assert first.returncode == 0, first.stderr
    return corpus, data


def test_killed_rebuilds_never_lose_the_index(data_dirs):
    corpus, data = data_dirs
    env = cli_env(corpus, data)
    index_dir = data / "index"
    session = AskSession(env)
    log: list[str] = []
    try:
        for number, kill in enumerate(SEAM_KILLS + OUTSIDE_KILLS):
            word = ANIMALS[number]
            started = time.monotonic()
            before = current_generation(index_dir)
            before_left = Leftovers.of(index_dir)
            assert not finds(session.ask(question(word)), word)
            add_report(corpus, f"ny-{number:02d}", seed=100 + number, word=word, sections=kill.sections)
            for extra in range(1, kill.reports):
                add_report(corpus, f"extra-{number:02d}-{extra}", seed=200 + number)

            if kill.point:
                killed = run_finsam(cli_env(corpus, data, FINSAM_FAULT_POINT=kill.point), "index")
                assert killed.returncode == -signal.SIGKILL, f"{kill.label}: {killed.stderr}"
            else:
                assert kill.trigger
                _kill_from_outside(env, index_dir, kill.trigger)
            left = Leftovers.of(index_dir)
            live = current_generation(index_dir)

            # The last complete index answers: the old one before the switch, the new one after it.
            assert live is not None
            assert (live != before) is kill.switched, kill.label
            assert finds(session.ask(question(word)), word) is kill.switched, kill.label
            check_leftovers(kill, before_left, left)

            dead = json.loads((data / "index.lock").read_text())["pid"]
            assert not Path(f"/proc/{dead}").exists()  # the lock file still names the killed writer …
            recovered = run_finsam(env, "index")  # … yet, without --wait, the next run takes the lock at once
            assert recovered.returncode == 0, f"{kill.label}: {recovered.stderr}"
            after = Leftovers.of(index_dir)
            assert not after.building and not after.pointers, f"{kill.label}: {after}"
            assert len(after.generations) <= 2, f"{kill.label}: {after}"  # live + previous only
            assert finds(session.ask(question(word)), word), kill.label
            seconds = time.monotonic() - started
            log.append(f"{kill.label:<38} {seconds:4.1f} s  left {left} → after recovery {after}")
        # A fresh `finsam ask` (not just the running one) answers from the final index.
        fresh = run_finsam(env, "ask", "--json", question(ANIMALS[0]))
        assert fresh.returncode == 0, fresh.stderr
        assert finds(json.loads(fresh.stdout), ANIMALS[0])
    finally:
        print("\n".join(log))
        session.close()
    assert session.asked == 3 * len(SEAM_KILLS + OUTSIDE_KILLS)


def test_killed_first_build_leaves_no_index_and_the_next_command_builds_it(tmp_path):
    """A first build killed just before its switch: there is no index (the unfinished build is never read),
    and the next `finsam ask` builds one and answers from it."""
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    add_report(corpus, "forsta", seed=7, word="harar")
    killed = run_finsam(cli_env(corpus, data, FINSAM_FAULT_POINT="marked-complete"), "index")
    assert killed.returncode == -signal.SIGKILL
    assert current_generation(data / "index") is None
    assert Leftovers.of(data / "index").building
    answer = run_finsam(cli_env(corpus, data), "ask", "--json", question("harar"))
    assert answer.returncode == 0, answer.stderr
    assert finds(json.loads(answer.stdout), "harar")
    assert not Leftovers.of(data / "index").building


@pytest.mark.parametrize(
    ("fault_point", "name", "hit", "expected"),
    [
        (None, "switched", 1, False),
        ("switched", "switched", 1, True),
        ("switched", "renamed", 1, False),
        ("embedded-batch:3", "embedded-batch", 2, False),
        ("embedded-batch:3", "embedded-batch", 3, True),
        ("embedded-batch", "embedded-batch", 2, False),  # no hit given: the first one
    ],
)
def test_fault_point_selects_one_checkpoint_hit(fault_point, name, hit, expected):
    assert fires(fault_point, name, hit) is expected


def test_leftovers_of_killed_writers_go_and_live_and_previous_stay(tmp_path):
    index_dir = tmp_path / "index"
    oldest = publish(index_dir, new_build_dir(index_dir))
    previous = publish(index_dir, new_build_dir(index_dir))
    live = publish(index_dir, new_build_dir(index_dir))
    unfinished = new_build_dir(index_dir)  # a writer killed while building
    never_switched = new_build_dir(index_dir)  # … and one killed after its rename, before the switch
    (never_switched / COMPLETE).write_text("x")
    orphan = never_switched.rename(index_dir / never_switched.name.replace("building-", "gen-"))
    (index_dir / f"{CURRENT}.tmp-999999").write_text(orphan.name)
    assert previous_generation(index_dir) == previous  # the orphan finished later: it was never live

    removed = remove_leftovers(index_dir)
    assert sorted(removed) == sorted([oldest, unfinished, orphan])
    assert sorted(p.name for p in index_dir.iterdir()) == sorted([CURRENT, previous.name, live.name])
    assert current_generation(index_dir) == live


def test_without_a_live_generation_only_unfinished_builds_go(tmp_path):
    """A damaged CURRENT must not cost the complete generations it could be repaired to point at."""
    index_dir = tmp_path / "index"
    kept = publish(index_dir, new_build_dir(index_dir))
    (index_dir / CURRENT).write_text("gen-does-not-exist")
    unfinished = new_build_dir(index_dir)
    assert remove_leftovers(index_dir) == [unfinished]
    assert kept.is_dir() and not unfinished.exists()


def test_previous_generation_of_an_index_without_previous_file(tmp_path):
    """Indexes published before PREVIOUS existed: the newest generation completed before the live one."""
    index_dir = tmp_path / "index"
    older = publish(index_dir, new_build_dir(index_dir))
    live = publish(index_dir, new_build_dir(index_dir))
    orphan = publish(index_dir, new_build_dir(index_dir))
    (index_dir / CURRENT).write_text(live.name)  # the orphan's writer "died" before its switch
    for number, gen in enumerate((older, live, orphan)):
        (gen / "PREVIOUS").unlink()
        os.utime(gen / COMPLETE, ns=(number * 10**9, number * 10**9))
    assert previous_generation(index_dir) == older
