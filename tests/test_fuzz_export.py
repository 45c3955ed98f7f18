"""Fuzzing `aeviz export CKPT --html DIR` destinations (export/static_site.py): DIR anywhere
in a generated layout of folders, files, links out of it (to folders and files outside) and
leftovers inside it, written with the explorer's own file names. Either every file is there,
whole, or one ConfigError sentence; never a write outside DIR, never a temporary or a
half-written file. The writing code is the real one; the files' contents are small stand-ins
(the explorer's model, map and 14 MB runtime are the same bytes whatever DIR is).
Seeded; the fuzz tests are in the slow tier (`pytest --all`). Counts: RELIABILITY.md."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from aeviz.config import ConfigError
from aeviz.export.static_site import check_destination, write_files
from aeviz.safefile import WriteError
from support.fuzz import assert_one_sentence, fuzz


# the explorer's layout: its own files at the top, each built component in a folder of its own
FILES = {name: f"<{name}>".encode() * 3 for name in
         ("index.html", "explorer.js", "explorer.json", "decoder.onnx", "thumbs.png", "map/map.js", "walk/walk.js",
          "scrubber/scrubber.js", "ort/ort.wasm", "scatter/scatter.js")}
NAMES = st.sampled_from(["site", "map", "ort", "a", "out", "walk", "é", "x y", "index.html"])
PARTS = NAMES | st.sampled_from(["..", "."])
ENTRIES = st.sampled_from(["dir", "file", "link-out-dir", "link-out-file", "link-in", "broken-link", "link-self"])


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under folder (links not followed): a file's bytes, a link's target."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            found[str(p.relative_to(folder))] = (f"-> {os.readlink(p)}" if p.is_symlink()
                                                 else p.read_bytes() if p.is_file() else "dir")
    return found


def build(root: Path, layout: list[tuple[str, str]]) -> None:
    """Make the generated entries under root/world; root/outside holds what must never change."""
    (root / "outside" / "folder").mkdir(parents=True)
    (root / "outside" / "file").write_bytes(b"keep me")
    (root / "world").mkdir()
    for rel, kind in layout:
        p = root / "world" / rel
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            if kind == "dir":
                p.mkdir(exist_ok=True)
            elif kind == "file":
                p.write_bytes(b"old")
            else:
                target = {"link-out-dir": root / "outside" / "folder", "link-out-file": root / "outside" / "file",
                          "link-in": root / "world", "broken-link": root / "nowhere", "link-self": p}[kind]
                p.symlink_to(target)
        except OSError:
            pass  # a layout that cannot be made (a file in the way): what was made stays


def resolved(p: Path) -> Path | None:
    try:
        return p.resolve()
    except RuntimeError:  # a link loop leads nowhere
        return None


@st.composite
def destinations(draw):
    layout = draw(st.lists(st.tuples(st.lists(NAMES, min_size=1,
                                              max_size=3).map("/".join), ENTRIES), max_size=5))
    out = "/".join(draw(st.lists(PARTS, min_size=1, max_size=4)))
    return layout, out, draw(st.booleans())


@fuzz(500)
@given(destinations())
def test_any_destination_gets_the_whole_explorer_or_one_sentence_and_nothing_outside(tmp_path_factory, case):
    layout, rel, overwrite = case
    root = tmp_path_factory.mktemp("export")
    build(root, layout)
    out = root / "world" / rel
    inside = resolved(out) or root / "nowhere"  # DIR as named, links followed: where writes may go
    before = snapshot(root)
    written = False
    try:
        check_destination(out, overwrite)
        write_files(out, FILES)
        written = True
        event("written")
    except (ConfigError, WriteError) as exc:
        assert_one_sentence(str(exc))
        event(type(exc).__name__)
    after = snapshot(root)
    for name, content in after.items():
        p = root / name
        assert not p.name.endswith(".tmp"), f"temporary file left: {name}"
        where = resolved(p)
        made_parent = content == "dir" and where is not None and inside.is_relative_to(where)  # DIR's parents
        if (where is None or not where.is_relative_to(inside) or p.is_symlink()) and not made_parent:
            assert before.get(name) == content, f"changed outside {rel}: {name}"
    for name, data in FILES.items():  # each file whole, or what was there before
        p = inside / name
        if written:
            assert p.is_file() and p.read_bytes() == data, f"{name} missing or half-written"
        elif p.is_file() and not p.is_symlink() and p.is_relative_to(root):
            assert p.read_bytes() == data or p.read_bytes() == before.get(str(p.relative_to(root))), name


def test_a_link_out_of_dir_is_refused_before_any_file_is_written(tmp_path):
    """Found while fuzzing: the link check ran file by file, so a link at DIR/ort left the
    explorer's first files written before the refusal (half an explorer)."""
    (tmp_path / "outside").mkdir()
    out = tmp_path / "site"
    out.mkdir()
    (out / "ort").symlink_to(tmp_path / "outside")
    with pytest.raises(ConfigError, match="leads outside"):
        write_files(out, FILES)
    assert sorted(p.name for p in out.iterdir()) == ["ort"] and not list((tmp_path / "outside").iterdir())


@pytest.mark.parametrize("make", ["file-parent", "broken-link"])
def test_a_dir_that_cannot_be_made_is_one_sentence(tmp_path, make):
    """Found while fuzzing: --html FILE/sub and --html BROKEN-LINK ended in NotADirectoryError
    and FileExistsError from mkdir, tracebacks both."""
    if make == "file-parent":
        (tmp_path / "file").write_bytes(b"x")
        out = tmp_path / "file" / "sub"
    else:
        out = tmp_path / "link"
        out.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ConfigError) as info:
        check_destination(out, False)
        write_files(out, FILES)
    assert_one_sentence(str(info.value))


def test_a_dir_through_dot_dot_makes_no_folder_beside_it(tmp_path):
    """Found by the fuzzing above: `--html a/../site` made an empty folder a beside site
    (mkdir of each file's folder went through a/.. as written)."""
    check_destination(tmp_path / "a" / ".." / "site", False)
    write_files(tmp_path / "a" / ".." / "site", FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert all((tmp_path / "site" / name).read_bytes() == data for name, data in FILES.items())
