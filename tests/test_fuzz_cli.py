"""Fuzzing the command line (aeviz.cli.main) for `train`, `eval`, `embed` and `export`:
generated argument lists, each ending in exit code 0, 2 (a usage mistake) or 1 (a checkpoint
file that cannot be used), one sentence on stderr, never a traceback. No generated case does
real work: past its checks, each command reaches a stand-in for the training run, the
evaluation, the projection or the export, which records that it was reached; `export
--html` destinations are fuzzed on the real writing code in test_fuzz_export.py.
Seeded; the fuzz tests are in the slow tier (`pytest --all`). Counts: RELIABILITY.md."""
from __future__ import annotations

import contextlib
import io
import re

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import aeviz
from aeviz.cli import build_parser, main
from aeviz.datasets import dataset_names
from support.files import make_checkpoint
from support.fuzz import assert_one_sentence, fuzz

COMMANDS = ("train", "eval", "embed", "export")


class Reached(Exception):
    """Raised by a stand-in: the command got past every check of its arguments."""


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    path, _ = make_checkpoint(tmp_path_factory.mktemp("ckpt"))
    return path


@pytest.fixture(scope="module", autouse=True)
def own_folder(tmp_path_factory):
    """A generated relative path (`--log-jsonl x.csv`, which train writes before its run)
    lands in a folder of this file's own, not in the checkout the tests run from."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp("cwd"))
        yield


@pytest.fixture(scope="module", autouse=True)
def stand_ins(checkpoint):
    """The heavy work behind each command, replaced for this file's generated cases only."""
    import aeviz.applications
    import aeviz.evaluation.metrics
    import aeviz.export.onnx_graphs
    import aeviz.export.static_site
    import aeviz.latent.embedding
    import aeviz.training.distributed
    import aeviz.training.loop

    def reached(*args, **kwargs):
        raise Reached

    with pytest.MonkeyPatch.context() as mp:
        for module, name in ((aeviz.training.loop, "train"), (aeviz.training.distributed, "launch"),
                             (aeviz.evaluation.metrics, "evaluate"), (aeviz.applications, "cached_report"),
                             (aeviz.latent.embedding, "export_embedding"), (aeviz.export.onnx_graphs, "write_decoder"),
                             (aeviz.export.static_site, "write_explorer")):
            mp.setattr(module, name, reached)
        yield


def options(command: str) -> list[str]:
    return sorted(s for a in actions(command) for s in a.option_strings)


NUMBERS = st.sampled_from(["0", "-1", "1", "2", "3", "16", "1e6", "1e309", "-1e309", "nan", "inf", "-inf", "0.5",
                           "99999999999999999999", "1,2", "", " ", "7,x", "8G", "infG", "-5G", "1.5T", "cpu",
                           "cuda", "cuda:7", "meta", "mps", "gpu", "x.npz", "x.csv", "x.txt"])
WORDS = st.sampled_from(sorted(aeviz.MODELS) + dataset_names() + ["folder:", "folder:/nonexistent", "umap", "pca",
                                                                    "test", "train", "mse", "bce", "none", "gaussian"])

# Any text a user can type as one argument (control characters aside: argparse repeats an
# argument it refuses, and a newline typed into it would break that line as the user typed it).
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)


def values(checkpoint: str, folder: str):
    return NUMBERS | WORDS | TEXT | st.sampled_from(
        [checkpoint, folder, f"{folder}/out.npz", f"{folder}/out.csv", f"{folder}/site", f"{folder}/d.onnx", "no-such-id",
         "../elsewhere/x", "/etc/passwd", "/", "-", "--"])


@st.composite
def argv(draw, checkpoint: str, folder: str):
    command = draw(st.sampled_from(COMMANDS))
    args = [command]
    if command != "train" and draw(st.integers(0, 9)):  # the checkpoint, usually
        args.append(draw(st.sampled_from([checkpoint] * 3 + ["no-such-id", folder, "/etc/passwd"])))
    if command == "train" and draw(st.integers(0, 9)):
        args += ["--model", draw(st.sampled_from(sorted(aeviz.MODELS)) | TEXT)]
    for _ in range(draw(st.integers(0, 6))):
        args.append(draw(st.sampled_from(options(command)) | values(checkpoint, folder)))
        if draw(st.integers(0, 3)):
            args.append(draw(values(checkpoint, folder)))
    return args


def actions(command: str) -> list:
    sub = build_parser()._subparsers._group_actions[0].choices[command]
    return [a for a in sub._actions if a.option_strings and a.option_strings[0] not in ("-h", "--help")]


INTS = st.integers(-5, 70) | st.sampled_from([0, 2**31, 10**12]) | st.integers()
FLOATS = st.floats() | st.sampled_from([0.0, 1e-9, 0.3, 1.0, 1e6, 1e309])


def typed_value(action, checkpoint: str, folder: str):
    """A value of the option's own kind, at and past its edges (or, sometimes, any word)."""
    if action.choices:
        return st.sampled_from(sorted(map(str, action.choices))) | TEXT
    if action.type is int:
        return INTS.map(str)
    if action.type is float:
        return FLOATS.map(str)
    return values(checkpoint, folder)


@st.composite
def well_formed_argv(draw, checkpoint: str, folder: str):
    """A command with its required arguments right and one to four options of the right kind:
    what reaches past argparse into each command's own checks."""
    command = draw(st.sampled_from(COMMANDS))
    args = [command] + ([] if command == "train" else [draw(st.sampled_from([checkpoint, "no-such-id"]))])
    if command == "train":
        args += ["--model", draw(st.sampled_from(sorted(aeviz.MODELS))), "--dataset", draw(WORDS)]
    if command == "embed":
        args += ["--out", draw(st.sampled_from([f"{folder}/e.npz", f"{folder}/e.csv", f"{folder}/e.txt"]) | TEXT)]
    if command == "export":
        args += [draw(st.sampled_from(["--onnx", "--html"])), draw(values(checkpoint, folder))]
    chosen = draw(st.permutations(actions(command)))[:draw(st.integers(1, 4))]
    for action in chosen:
        args.append(action.option_strings[0])
        if action.nargs != 0:
            args.append(draw(typed_value(action, checkpoint, folder)))
    return args


def run(args: list[str]) -> tuple[int, str]:
    """main(args): its exit code and what it wrote on stderr; Reached counts as 0."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(args)
        except Reached:
            code = 0
        except SystemExit as exc:  # argparse: a usage mistake (2), or --help (0)
            code = exc.code
    return code, err.getvalue()


def assert_one_sentence_on_stderr(code: int, err: str) -> None:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    if code == 0:
        return
    assert code in (1, 2), (code, err)
    if not re.match(r"aeviz( \w+)?: error: ", lines[-1]):
        assert len(lines) == 1, err
        assert_one_sentence(lines[0].removeprefix("aeviz: "))
    else:  # argparse: its usage lines, then "aeviz train: error: <one sentence>"
        assert code == 2, err


def check(args: list[str]) -> None:
    code, err = run(args)
    assert_one_sentence_on_stderr(code, err)
    event(f"{args[0]}: exit {code}")  # --hypothesis-show-statistics


@fuzz(1000, deadline_ms=None)  # a first eval loads the digits (seconds); later cases take milliseconds
@given(data=st.data())
def test_generated_arguments_exit_0_1_or_2_with_one_sentence(checkpoint, tmp_path_factory, data):
    check(data.draw(argv(str(checkpoint), str(tmp_path_factory.mktemp("cli")))))


@fuzz(1500, deadline_ms=None)
@given(data=st.data())
def test_well_formed_arguments_of_any_value_exit_0_1_or_2_with_one_sentence(checkpoint, tmp_path_factory, data):
    check(data.draw(well_formed_argv(str(checkpoint), str(tmp_path_factory.mktemp("cli")))))


@pytest.mark.parametrize("args, words", [
    (["train", "--model", "vanilla", "--device", "gpu"], ["'gpu'", "--device"]),
    (["embed", "no-such-id", "--out", "codes.npz", "--device", "0"], ["'0'", "--device"]),  # torch's RuntimeError
    (["train", "--model", "vanilla", "--memory-budget", "infG"], ["'infG'", "memory size"]),
    (["export", "no-such-id", "--onnx", ""], ["--onnx needs a file name"]),
    (["export", "no-such-id", "--html", " "], ["--html needs a folder name"]),
    (["train", "--model", "vanilla", "--log-jsonl", "/"], ["--log-jsonl '/'", "not a regular file"]),
    (["train", "--model", "vanilla", "--log-jsonl", ""], ["--log-jsonl needs a file name"]),
    (["train", "--model", "vanilla", "--log-jsonl", "x" * 5000], ["Could not open --log-jsonl", "too long"]),
])
def test_arguments_the_fuzzing_found_exit_2_with_one_sentence(args, words):
    code, err = run(args)
    assert code == 2 and "Traceback" not in err, err
    assert_one_sentence_on_stderr(code, err)
    assert all(w in err for w in words), err
