"""Fuzzing checkpoint files (aeviz.load_checkpoint: checkpoints.py and safefile.py): a real
small checkpoint with its header's length, its tensors' dtypes, shapes and offsets, its
metadata (with the checksum recomputed, as anyone can, or left as it was) and its bytes
mutated. Each loads or ends in one CheckpointError sentence, within a memory bound.
Seeded; the fuzz tests are in the slow tier (`pytest --all`). Counts: RELIABILITY.md."""
from __future__ import annotations

import json
import struct

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import aeviz
from aeviz import CheckpointError
from aeviz.checkpoints import list_checkpoints
from aeviz.safefile import checksum
from support.files import make_checkpoint
from support.fuzz import assert_one_sentence, fuzz, memory_bound



@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """(header, tensor bytes, metadata) of a small real checkpoint."""
    path, _ = make_checkpoint(tmp_path_factory.mktemp("real"))
    blob = path.read_bytes()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    return header, blob[8 + n:], json.loads(header["__metadata__"]["aeviz"])


def assemble(header: dict, data: bytes) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data


def check(folder, blob: bytes) -> None:
    """The property: the file loads, or listing and loading it say why in one sentence."""
    path = folder / "fuzzed.safetensors"
    path.write_bytes(blob)
    with memory_bound(300):  # the real model is a few KiB: whatever a file claims, nothing big is built
        try:
            aeviz.load_checkpoint(path)
            event("loaded")  # what the cases gave: --hypothesis-show-statistics
        except CheckpointError as exc:
            assert_one_sentence(str(exc))
            event(str(exc).split(" ", 1)[1][:24])
        (entry,) = list_checkpoints([folder])
        assert entry.meta is not None or entry.error


JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)
SIZES = st.integers(-2, 2**40) | st.sampled_from([0, 1, 8, 16, 10**9])  # fields that size a model
CONFIG_FIELDS = ("latent_dim", "hidden", "model", "image_size", "grayscale", "fully_conv", "stage_convs", "loss", "lr")


@st.composite
def forged_meta(draw, meta: dict) -> dict:
    """The metadata with a few fields set to anything: config fields, image_shape, id, test."""
    meta = json.loads(json.dumps(meta))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(("config", "image_shape", "top", "remove")))
        if where == "config" and isinstance(meta.get("config"), dict):
            field = draw(st.sampled_from(CONFIG_FIELDS))
            value = draw(SIZES | st.lists(SIZES, max_size=3) | JSON) if field in ("latent_dim", "hidden", "image_size") \
                else draw(JSON | st.sampled_from(sorted(aeviz.MODELS)))
            meta["config"][field] = value
        elif where == "image_shape":
            meta["image_shape"] = draw(st.lists(SIZES, max_size=4) | JSON)
        elif where == "top":
            meta[draw(st.sampled_from(("id", "test", "config", "aeviz_version")))] = draw(JSON)
        elif meta:
            meta.pop(draw(st.sampled_from(sorted(meta))))
    return meta


@st.composite
def forged_tensors(draw, header: dict) -> dict:
    """The header with one tensor's dtype, shape or offsets changed, or a tensor added or dropped."""
    header = json.loads(json.dumps(header))
    names = sorted(k for k in header if k != "__metadata__")
    name = draw(st.sampled_from(names))
    what = draw(st.sampled_from(("dtype", "shape", "data_offsets", "drop", "add", "metadata")))
    if what == "dtype":
        header[name]["dtype"] = draw(st.sampled_from(["F64", "F32", "F16", "BF16", "I64", "I32", "U8", "BOOL",
                                                      "F8_E4M3", "XX"]) | JSON)
    elif what in ("shape", "data_offsets"):
        header[name][what] = draw(st.lists(SIZES, max_size=4) | JSON)
    elif what == "drop":
        del header[name]
    elif what == "add":
        header[draw(st.text(max_size=12))] = draw(JSON)
    else:
        header["__metadata__"] = draw(JSON)
    return header


@fuzz(800)
@given(data=st.data())
def test_forged_metadata_loads_or_says_why(tmp_path_factory, real, data):
    header, tensors, meta = real
    meta = data.draw(forged_meta(meta))
    if data.draw(st.booleans(), label="checksum recomputed"):
        meta["checksum"] = checksum(tensors, meta)
    header = {**header, "__metadata__": {"aeviz": json.dumps(meta)}}
    check(tmp_path_factory.mktemp("meta"), assemble(header, tensors))


@fuzz(800)
@given(data=st.data())
def test_forged_tensor_headers_load_or_say_why(tmp_path_factory, real, data):
    header, tensors, _ = real
    check(tmp_path_factory.mktemp("tensors"), assemble(data.draw(forged_tensors(header)), tensors))


@fuzz(800)
@given(data=st.data())
def test_mutated_bytes_and_lengths_load_or_say_why(tmp_path_factory, real, data):
    header, tensors, _ = real
    blob = bytearray(assemble(header, tensors))
    if data.draw(st.booleans(), label="header length forged"):
        blob[:8] = struct.pack("<Q", data.draw(st.integers(0, 2**64 - 1) | st.integers(0, len(blob))))
    for _ in range(data.draw(st.integers(0, 4))):
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(blob)) | st.just(len(blob)))
    check(tmp_path_factory.mktemp("bytes"), bytes(blob[:cut]))


@fuzz(600)
@given(data=st.data())
def test_any_model_and_shape_a_valid_checksum_claims_loads_or_says_why(tmp_path_factory, real, data):
    """Plausible claims with a recomputed checksum: every registered model at any small shape,
    so the model is really built (on torch's meta device) and compared with the weights."""
    header, tensors, meta = real
    model = data.draw(st.sampled_from(sorted(aeviz.MODELS)))
    config = {**aeviz.MODELS[model].defaults, "model": model, "dataset": "digits",
              "latent_dim": data.draw(st.integers(1, 64)), "hidden": data.draw(st.lists(st.integers(1, 64), max_size=3)),
              "fully_conv": data.draw(st.booleans()), "stage_convs": data.draw(st.integers(1, 3))}
    forged = {**meta, "config": config, "image_shape": data.draw(st.lists(st.integers(1, 40), min_size=3, max_size=3))}
    forged["checksum"] = checksum(tensors, forged)
    check(tmp_path_factory.mktemp("claims"), assemble({**header, "__metadata__": {"aeviz": json.dumps(forged)}}, tensors))


def test_a_checkpoint_claiming_a_huge_model_with_a_valid_checksum_is_refused_without_building_it(real, tmp_path):
    """Found by the fuzzing above: the checksum is no signature, and load() built the claimed
    model before comparing it with the weights: a 10^9-d code tried to allocate 160 GB and
    ended in torch's RuntimeError (a traceback); a smaller claim took the memory."""
    header, tensors, meta = real
    for forged in ({**meta, "config": {**meta["config"], "latent_dim": 10**9}},
                   {**meta, "config": {**meta["config"], "hidden": [10**7, 10**7]}},
                   {**meta, "image_shape": [1, 100000, 100000]},
                   {**meta, "image_shape": [10, 922337200, 1000000004]}):  # pixels past int64: torch's TypeError
        forged["checksum"] = checksum(tensors, forged)
        path = tmp_path / "huge.safetensors"
        path.write_bytes(assemble({**header, "__metadata__": {"aeviz": json.dumps(forged)}}, tensors))
        with memory_bound(100), pytest.raises(CheckpointError, match="its weights do not match its config"):
            aeviz.load_checkpoint(path)


def test_an_infinite_image_shape_is_malformed_metadata_not_an_overflow(real, tmp_path):
    """Found by the fuzzing above: int(Infinity) (JSON allows it) raised OverflowError."""
    header, tensors, meta = real
    path = tmp_path / "inf.safetensors"
    path.write_bytes(assemble({**header, "__metadata__": {"aeviz": json.dumps({**meta, "image_shape": [1, 8, float("inf")]})}},
                              tensors))
    with pytest.raises(CheckpointError, match="inf.safetensors is not an aeviz checkpoint, or its metadata is malformed"):
        aeviz.load_checkpoint(path)


def test_a_forged_value_in_a_config_is_quoted_short_on_one_line(real, tmp_path):
    """Found by the fuzzing above: the refusal repeated the whole forged value (any length, a
    newline included) and read as two sentences ("Unknown model 'x'. Choose one of: ...")."""
    header, tensors, meta = real
    for value, shown in (("a\nb", "'a\\nb'"), ("x" * 10_000, "'xxx"), ({"deep": list(range(1000))}, "{'deep'")):
        forged = {**meta, "config": {**meta["config"], "model": value}}
        path = tmp_path / "forged.safetensors"
        path.write_bytes(assemble({**header, "__metadata__": {"aeviz": json.dumps(forged)}}, tensors))
        with pytest.raises(CheckpointError) as info:
            aeviz.load_checkpoint(path)
        assert shown in str(info.value)
        assert_one_sentence(str(info.value))
