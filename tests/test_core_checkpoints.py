"""Checkpoint files: what is refused and how, listing beside broken files, symlinks, and
writes that are whole or absent."""
from __future__ import annotations

import json
import re
import os
import struct

import pytest
import torch
from safetensors.torch import save as save_safetensors

import aeviz
from aeviz import CheckpointError
from aeviz.checkpoints import find, list_checkpoints, read_meta, save
from support.files import make_checkpoint


def assert_clear_refusal(path, *words):
    """load() refuses the file with a CheckpointError of one line, naming the file."""
    with pytest.raises(CheckpointError) as info:
        aeviz.load_checkpoint(path)
    message = str(info.value)
    assert "\n" not in message and message.endswith(".") and len(message) < 300, message
    assert path.name in message, message
    for word in words:
        assert word in message, message
    return message


def header_length(blob: bytes) -> int:
    return struct.unpack("<Q", blob[:8])[0]


def test_a_good_checkpoint_loads_and_verifies(tmp_path):
    path, model = make_checkpoint(tmp_path)
    loaded = aeviz.load_checkpoint(path)
    assert loaded.path == path and loaded.meta["checksum"]
    x = torch.rand(3, 1, 8, 8)
    assert torch.equal(loaded.reconstruct(x), model.eval().reconstruct(x))


def test_truncated_file_is_refused(tmp_path):
    path, _ = make_checkpoint(tmp_path)
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])  # cut in the weights
    assert_clear_refusal(path)
    path.write_bytes(blob[: header_length(blob) // 2])  # cut in the header
    assert_clear_refusal(path)


def test_flipped_byte_in_the_weights_fails_the_checksum(tmp_path):
    path, _ = make_checkpoint(tmp_path)
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0x01  # one bit of one weight
    path.write_bytes(bytes(blob))
    assert_clear_refusal(path, "checksum")


def test_changed_metadata_fails_the_checksum(tmp_path):
    path, _ = make_checkpoint(tmp_path)
    blob = path.read_bytes()
    # lr's last digit changed: the same length, still valid JSON, a different run
    changed = re.sub(rb'(\\"lr\\": [0-9.e-]*)([0-9])', lambda m: m[1] + str((int(m[2]) + 1) % 10).encode(),
                     blob, count=1)
    assert changed != blob
    path.write_bytes(changed)
    assert_clear_refusal(path, "checksum")


def test_malformed_json_metadata_is_refused(tmp_path):
    state = {"w": torch.zeros(2)}
    for name, metadata in [("notjson", {"aeviz": "{not json"}), ("missing", {"other": "1"}),
                           ("noconfig", {"aeviz": json.dumps({"id": "x", "image_shape": [1, 8, 8]})}),
                           ("noid", {"aeviz": json.dumps({"config": {}, "image_shape": [1, 8, 8]})}),
                           ("badshape", {"aeviz": json.dumps({"id": "x", "config": {}, "image_shape": [8, 8]})})]:
        path = tmp_path / f"{name}.safetensors"
        path.write_bytes(save_safetensors(state, metadata=metadata))
        assert_clear_refusal(path, "malformed")
    path = tmp_path / "plain.safetensors"  # a safetensors file with no metadata at all
    path.write_bytes(save_safetensors(state))
    assert_clear_refusal(path)


def test_config_aeviz_cannot_build_is_refused(tmp_path):
    meta = {"id": "x", "config": {"model": "resnet"}, "image_shape": [1, 8, 8]}
    path = tmp_path / "future.safetensors"
    path.write_bytes(save_safetensors({"w": torch.zeros(2)}, metadata={"aeviz": json.dumps(meta)}))
    assert "resnet" in assert_clear_refusal(path)


def test_weights_that_do_not_match_the_config_are_refused(tmp_path):
    _, model = make_checkpoint(tmp_path, latent_dim=4)
    other = aeviz.defaults_for("vanilla", dataset="digits", latent_dim=8)  # what the metadata claims
    meta = {"id": other.id, "config": other.to_dict(), "image_shape": [1, 8, 8]}
    path = save(model, meta, tmp_path / "mismatch.safetensors")  # a valid checksum over the wrong weights
    assert_clear_refusal(path, "do not match")


def test_zero_byte_and_random_files_are_refused(tmp_path):
    empty = tmp_path / "empty.safetensors"
    empty.write_bytes(b"")
    assert_clear_refusal(empty)
    noise = tmp_path / "noise.safetensors"
    noise.write_bytes(os.urandom(4096))
    assert_clear_refusal(noise)
    small_header = tmp_path / "small.safetensors"  # a plausible header length, then garbage
    small_header.write_bytes(struct.pack("<Q", 64) + os.urandom(200))
    assert_clear_refusal(small_header)
    pickle_file = tmp_path / "model.pt"  # what torch.save writes: never unpickled
    torch.save({"w": torch.zeros(2)}, pickle_file)
    assert_clear_refusal(pickle_file)


def test_missing_file_folder_and_unknown_id_are_refused():
    for what in ["no-such-model-abc", "/nonexistent/folder/x.safetensors", "../escape"]:
        with pytest.raises(CheckpointError) as info:
            aeviz.load_checkpoint(what)
        assert "\n" not in str(info.value)


def test_a_folder_is_not_a_checkpoint(tmp_path):
    folder = tmp_path / "x.safetensors"
    folder.mkdir()
    with pytest.raises(CheckpointError):
        aeviz.load_checkpoint(folder)


def test_list_shows_good_checkpoints_beside_broken_ones(tmp_path):
    good_a, _ = make_checkpoint(tmp_path, seed=0)
    good_b, _ = make_checkpoint(tmp_path, seed=1)
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x00" * 3)
    (tmp_path / "notes.txt").write_text("not a checkpoint")
    entries = {e.path.name: e for e in list_checkpoints([tmp_path])}
    assert set(entries) == {good_a.name, good_b.name, broken.name}
    assert entries[good_a.name].meta["id"] == good_a.stem and entries[good_a.name].error is None
    assert entries[good_b.name].id == good_b.stem
    assert entries[broken.name].meta is None and "broken.safetensors" in entries[broken.name].error


def test_list_and_find_use_the_user_folder(aeviz_dirs):
    path, _ = make_checkpoint(aeviz_dirs.checkpoints)
    assert find(path.stem) == path
    assert path in [e.path for e in list_checkpoints()]


def test_symlink_pointing_outside_the_folder_is_not_loaded_by_id(tmp_path, aeviz_dirs):
    outside, _ = make_checkpoint(tmp_path / "elsewhere")
    aeviz_dirs.checkpoints.mkdir()
    link = aeviz_dirs.checkpoints / outside.name
    link.symlink_to(outside)
    assert find(outside.stem) is None
    with pytest.raises(CheckpointError):
        aeviz.load_checkpoint(outside.stem)
    assert list_checkpoints([aeviz_dirs.checkpoints]) == []
    # find() takes ids, never paths
    assert find("../elsewhere/" + outside.stem) is None and find(".hidden") is None


def test_read_meta_reads_the_header_only(tmp_path):
    path, _ = make_checkpoint(tmp_path)
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0x01  # corrupt weights: read_meta does not look at them; load does
    path.write_bytes(bytes(blob))
    assert read_meta(path)["id"] == path.stem


# --- atomic writes ------------------------------------------------------------------------------


def test_save_leaves_no_temporary_file(tmp_path):
    path, _ = make_checkpoint(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_save_into_an_uncreatable_folder_raises_checkpoint_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file where a folder would go")
    with pytest.raises(CheckpointError) as info:
        make_checkpoint(blocker / "sub")  # works as root too, where chmod would not stop a write
    assert "file.txt" in str(info.value) and "\n" not in str(info.value)
    assert blocker.read_text() == "a file where a folder would go"


def test_failed_save_leaves_the_earlier_checkpoint_intact(tmp_path, monkeypatch):
    path, _ = make_checkpoint(tmp_path)
    before = path.read_bytes()

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    other = aeviz.build(aeviz.defaults_for("vanilla", dataset="digits", latent_dim=4, seed=5), (1, 8, 8))
    with monkeypatch.context() as patch, pytest.raises(CheckpointError) as info:
        patch.setattr(os, "replace", disk_full)
        save(other, read_meta(path), path)
    assert "No space left on device" in str(info.value)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # the temporary file was removed
    aeviz.load_checkpoint(path)  # and the old checkpoint still verifies


def test_every_shipped_command_still_names_its_checkpoint():
    # A registry recipe that changes must not change what a shipped checkpoint's command
    # trains: each command in scripts/ship_checkpoints.py, read as `aeviz train` reads it,
    # gives the id of a file in aeviz/shipped/ (else the README and MANIFEST would lie, and
    # the script would train a different model under that name).
    import importlib.util
    import shlex
    from pathlib import Path

    from aeviz.checkpoints import SHIPPED_DIR
    from aeviz.cli import build_parser, config_from_args

    script = Path(__file__).resolve().parent.parent / "scripts" / "ship_checkpoints.py"
    spec = importlib.util.spec_from_file_location("ship_checkpoints", script)
    ship = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ship)
    shipped = {p.stem for p in SHIPPED_DIR.glob("*.safetensors")}
    ids = [config_from_args(build_parser().parse_args(shlex.split(c)[1:])).id for c in ship.COMMANDS]
    assert sorted(ids) == sorted(shipped)


def test_a_checkpoint_loaded_first_in_a_fresh_process_has_no_tensor_left_on_the_meta_device():
    """load_checkpoint checks a file's shapes on torch's meta device; a model's module first
    imported there made its module-level tensors meta ones, and the shipped colorizer then
    failed at its first picture. Each shipped checkpoint is loaded in a fresh interpreter, so
    its model's module is imported by the load itself, and then used."""
    import subprocess
    import sys

    script = """
import sys, torch, aeviz
from aeviz.checkpoints import SHIPPED_DIR
for path in sorted(SHIPPED_DIR.glob("*.safetensors")):
    model = aeviz.load_checkpoint(path)
    c, h, w = model.image_shape
    model.reconstruct(torch.rand(1, c, h, w))
meta = [f"{name}.{attr}" for name, module in list(sys.modules.items()) if name.startswith("aeviz")
        for attr, value in vars(module).items() if isinstance(value, torch.Tensor) and value.is_meta]
assert not meta, meta
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
