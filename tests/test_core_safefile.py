"""Safe files: a write is whole or absent and reaches the disk, the lock keeps two holders
apart (threads and processes, and a killed holder lets go), and a bad safetensors header is
refused in one sentence."""
from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import threading
import time

import pytest
import torch
from safetensors.torch import save as save_safetensors

from aeviz import safefile
from aeviz.safefile import HeaderError, WriteError, checksum, file_lock, read_metadata, tensor_bytes, write_atomic


def one_sentence(message: str, *words: str) -> None:
    assert "\n" not in message and message.endswith(".") and len(message) < 300, message
    for word in words:
        assert word in message, message


# --- atomic writes ------------------------------------------------------------------------------


def test_write_puts_the_bytes_in_place_and_leaves_nothing_else(tmp_path):
    path = tmp_path / "sub" / "file.bin"  # the folder is created
    assert write_atomic(path, b"hello") == path
    assert path.read_bytes() == b"hello"
    write_atomic(path, lambda f: f.write(b"again"))  # a writer function, over the old file
    assert path.read_bytes() == b"again"
    assert [p.name for p in path.parent.iterdir()] == ["file.bin"]


def half_then(exc):
    def writer(f):
        f.write(b"half of the new ")
        raise exc
    return writer


@pytest.mark.parametrize("exc", [RuntimeError("writer crashed"), KeyboardInterrupt()])
def test_a_writer_failing_mid_way_leaves_the_old_file_or_none(tmp_path, exc):
    old, new = tmp_path / "old.bin", tmp_path / "new.bin"
    old.write_bytes(b"the old contents")
    for path in (old, new):
        with pytest.raises(type(exc)):  # not an OSError: raised as it came
            write_atomic(path, half_then(exc))
    assert old.read_bytes() == b"the old contents" and not new.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["old.bin"]  # no temporary file either


def test_an_os_error_ends_in_one_sentence_of_the_callers_class(tmp_path):
    path = tmp_path / "state.bin"
    path.write_bytes(b"kept")
    with pytest.raises(WriteError) as info:
        write_atomic(path, half_then(OSError(28, "No space left on device")), "the state")
    one_sentence(str(info.value), "Could not write the state to", str(tmp_path), "No space left on device")
    assert isinstance(info.value, OSError)  # callers that suppress OSError keep working

    class Refused(ValueError):
        pass

    blocker = tmp_path / "file.txt"
    blocker.write_text("a file where a folder would go")
    with pytest.raises(Refused) as info:
        write_atomic(blocker / "sub" / "x.bin", b"data", "the map", error=Refused)
    one_sentence(str(info.value), "Could not write the map to", "file.txt")
    assert path.read_bytes() == b"kept" and sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "state.bin"]


def test_the_file_and_its_folder_are_fsynced_before_and_after_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.path.isdir(f"/proc/self/fd/{fd}") if sys.platform == "linux" else None))
        real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", None))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomic(tmp_path / "x.bin", b"data")
    names = [name for name, _ in events]
    assert names[:2] == ["fsync", "replace"]  # the data is on disk before the new name points at it
    if os.name != "nt":
        assert names == ["fsync", "replace", "fsync"]  # and the rename itself is made durable
        if sys.platform == "linux":
            assert [is_dir for _, is_dir in events if is_dir is not None] == [False, True]


def test_a_folder_that_refuses_fsync_is_skipped_quietly(tmp_path, monkeypatch):
    def refuse(fd):
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "fsync", refuse)
    safefile.fsync_directory(tmp_path)  # no error: the file itself was already synced


# --- the lock -----------------------------------------------------------------------------------


def test_the_lock_keeps_two_threads_apart(tmp_path):
    lock, log = tmp_path / ".abc.lock", []
    first_in, second_trying = threading.Event(), threading.Event()

    def first():
        with file_lock(lock):
            log.append("first in")
            first_in.set()
            second_trying.wait(5)
            time.sleep(0.3)  # the second thread is waiting on the lock by now
            log.append("first out")

    def second():
        first_in.wait(5)
        second_trying.set()
        with file_lock(lock):
            log.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert log == ["first in", "first out", "second in"]
    assert [p.name for p in tmp_path.iterdir()] == [".abc.lock"]  # hidden, as .gitignore's .*.lock expects


HOLDER = """
import importlib.util, sys, time
spec = importlib.util.spec_from_file_location("safefile", sys.argv[1])
safefile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(safefile)
with safefile.file_lock(sys.argv[2]):
    print("held", flush=True)
    time.sleep(60)
"""


def test_the_lock_keeps_another_process_out_until_it_dies(tmp_path):
    lock = tmp_path / "sub" / ".abc.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, safefile.__file__, str(lock)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        got = threading.Event()

        def take():
            with file_lock(lock):
                got.set()

        waiter = threading.Thread(target=take, daemon=True)
        waiter.start()
        assert not got.wait(0.5)  # the other process holds it
        holder.kill()  # a killed holder leaves no stuck lock behind
        assert got.wait(10)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


# --- safetensors headers ------------------------------------------------------------------------


def safetensors_file(tmp_path, name="x.safetensors"):
    path = tmp_path / name
    path.write_bytes(save_safetensors({"w": torch.arange(6.0)}, metadata={"aeviz": json.dumps({"id": "x"})}))
    return path


def test_the_metadata_and_the_tensor_bytes_read_back(tmp_path):
    path = safetensors_file(tmp_path)
    assert read_metadata(path) == {"aeviz": '{"id": "x"}'}
    assert tensor_bytes(path.read_bytes()) == torch.arange(6.0).numpy().tobytes()
    bare = tmp_path / "bare.safetensors"
    bare.write_bytes(save_safetensors({"w": torch.zeros(2)}))
    assert read_metadata(bare) == {}


def refusal(path, *words) -> str:
    with pytest.raises(HeaderError) as info:
        read_metadata(path)
    one_sentence(str(info.value), path.name, *words)
    return str(info.value)


def test_truncated_oversized_and_malformed_files_are_refused_in_one_sentence(tmp_path):
    blob = safetensors_file(tmp_path).read_bytes()
    (n,) = struct.unpack("<Q", blob[:8])
    cases = {
        "empty": (b"", "truncated"),
        "short": (blob[:5], "truncated"),
        "cut": (blob[:8 + n // 2], "truncated"),
        "weights-cut": (blob[:-8], "truncated"),
        "huge": (struct.pack("<Q", 2**60) + b"{}", "claims more than"),
        "notjson": (struct.pack("<Q", 4) + b"\xff{[x" + b"\x00" * 8, "JSON"),
        "list": (struct.pack("<Q", 2) + b"[]", "JSON"),
        "deep": (struct.pack("<Q", 200_000) + b"[" * 200_000, "JSON"),
        "bad-offsets": (blob[:8] + blob[8:8 + n].replace(b"[0,24]", b"[8,32]") + blob[8 + n:], "malformed"),
    }
    for name, (data, word) in cases.items():
        file = tmp_path / f"{name}.safetensors"
        file.write_bytes(data)
        refusal(file, word)


def test_a_missing_file_raises_the_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_metadata(tmp_path / "none.safetensors")


# --- checksums ----------------------------------------------------------------------------------


def test_the_checksum_covers_data_and_metadata_but_not_itself():
    meta = {"id": "x", "config": {"lr": 0.001}}
    base = checksum(b"weights", meta)
    assert checksum(b"weights", {"config": {"lr": 0.001}, "id": "x", "checksum": base}) == base  # order, own field
    assert checksum(b"weightz", meta) != base
    assert checksum(b"weights", {"id": "x", "config": {"lr": 0.002}}) != base
