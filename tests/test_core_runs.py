"""Training in a child process (aeviz issue 27): the progress log (`aeviz train --log-jsonl`),
the run's folder, and the supervision of a real `aeviz train` child: cancelled, continued,
killed, and found again by a process that did not start it (a restarted server)."""
from __future__ import annotations

import json
import os
import signal
import time

import pytest

import aeviz
from aeviz import checkpoints
from aeviz.cli import build_parser, config_from_args, train_command
from aeviz.models import MODELS
from aeviz.training import progress, runs
from aeviz.training.resume import path_for

pytestmark = pytest.mark.timeout(300)


def tiny(epochs: int, **changes):
    """A run of some seconds an epoch on two busy cores (most of it the child's start)."""
    return aeviz.defaults_for("vanilla", **{"dataset": "digits", "epochs": epochs, "latent_dim": 4, **changes})


def wait_for(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the training process made no progress"
        time.sleep(0.05)


@pytest.fixture
def started():
    """runs.start, with every run it started stopped at the end whatever the test did."""
    made = []

    def start(cfg, **options):
        made.append(runs.start(cfg, **options))
        return made[-1]
    yield start
    for run in made:
        if run.alive():
            run.cancel()


# --- the progress log -------------------------------------------------------------------

def test_the_reader_takes_whole_lines_only_and_skips_a_line_cut_short(tmp_path):
    path = tmp_path / "log.jsonl"
    log, tail = progress.ProgressLog(path), progress.Tail(path)
    log.write("start", id="x", epochs=2)
    with open(path, "ab") as f:
        f.write(b'{"event": "batch", "epo')  # a line being written: not read yet
    assert [e["event"] for e in tail.read()] == ["start"]
    with open(path, "ab") as f:
        f.write(b'ch": 1, "step": 1, "steps": 3, "terms": {"loss": 2.0}}\n{"event": "ba\n')  # whole; then a cut one
    log.write("epoch", epoch=1, test_mse=0.5)
    assert [e["event"] for e in tail.read()] == ["batch", "epoch"]
    assert tail.read() == []


def test_a_continued_run_rewinds_the_steps_and_epochs_it_redoes():
    p = progress.Progress()

    def batch(epoch, step):
        return {"event": "batch", "epoch": epoch, "step": step, "steps": 2, "terms": {"loss": float(epoch)}}

    p.feed([{"event": "start", "epochs": 3}, batch(1, 1), batch(1, 2), {"event": "epoch", "epoch": 1, "test_mse": .1},
            batch(2, 1), batch(2, 2), {"event": "epoch", "epoch": 2, "test_mse": .09}, batch(3, 1),
            {"event": "stopped"}])
    assert (p.finished, p.step, p.total, p.end["event"]) == (2, 5, 6, "stopped")
    # killed while epoch 2's state was being written: the next attempt starts at epoch 2 again
    p.feed([{"event": "start", "epochs": 3}, batch(2, 1)])
    assert p.end is None and p.finished == 1 and [s for s, _ in p.losses] == [1, 2, 3]
    assert p.epoch == 2 and p.step == 3


def test_a_log_is_never_written_into_a_file_a_run_did_not_write(tmp_path, capsys):
    from aeviz.cli import main

    foreign = tmp_path / "notes.txt"
    foreign.write_text("mine\n")
    assert main(["train", "--model", "vanilla", "--log-jsonl", str(foreign)]) == 2
    assert foreign.read_text() == "mine\n" and "is a file aeviz did not write" in capsys.readouterr().err
    ours = tmp_path / "run.jsonl"  # one a run wrote is appended to (Continue)
    progress.ProgressLog(ours).write("start", epochs=1)
    progress.open_log(ours).write("stopped")
    assert [e["event"] for e in progress.Tail(ours).read()] == ["start", "stopped"]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_command_a_run_is_started_with_gives_its_configuration_back(name):
    d = aeviz.defaults_for(name)
    own = MODELS[name].abilities.fields()
    changes = {"epochs": 3, "lr": 0.1 + 0.2, "seed": 7, "exclude_classes": (3, 7), "hidden": ()}
    changes.update({"fully_conv": not d.fully_conv} if "fully_conv" in own else {})
    changes.update({"log_error": not d.log_error} if "log_error" in own else {})
    changes.update({"full_size_conv": not d.full_size_conv} if "full_size_conv" in own else {})
    changes.update({"beta": 0.25} if "beta" in own else {})
    cfg = aeviz.defaults_for(name, **changes)
    argv = train_command(cfg)
    assert config_from_args(build_parser().parse_args(argv)) == cfg, argv
    assert argv[:3] == ["train", "--model", name] and "--seed=7" in argv and "--latent-dim" not in " ".join(argv)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_while_an_epoch_is_kept_waits_until_the_epoch_is_reported(stop):
    # The race the cancel test once lost: the state of epoch 2 saved, then the stop, and the
    # log never said epoch 2, so Continue went on from epoch 3 with a gap in its history.
    from aeviz.training.loop import fit

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # Ctrl+C as Python sets it up in a terminal: a shell starts a background job with SIGINT
    # ignored, and Python then keeps it ignored, so a suite run with `&` got no KeyboardInterrupt.
    before = {signal.SIGTERM: signal.signal(signal.SIGTERM, interrupt),  # as `aeviz train` does
              signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler)}
    reported = []
    try:
        with pytest.raises(KeyboardInterrupt):
            fit(tiny(epochs=3), lambda epoch, logs: reported.append(epoch), device="cpu",
                save_state=lambda state: state["epoch"] == 1 and signal.raise_signal(stop))
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
    assert reported == [1]


# --- a real child -------------------------------------------------------------------------

@pytest.mark.slow
def test_a_cancelled_run_keeps_its_finished_epochs_and_continues_from_them(started):
    # Epochs enough that the Cancel lands mid-run on a busy machine (with 3, a slow look at the
    # log once found every epoch done). How soon it answers is said by the Train page's tests.
    cfg = tiny(epochs=40)
    run = started(cfg)
    assert (run.folder / "command.json").is_file() and int((run.folder / "pid").read_text()) == run.pid
    if hasattr(os, "SCHED_IDLE"):  # it runs only when the pages leave the CPU idle
        assert os.sched_getscheduler(run.pid) == os.SCHED_IDLE
    wait_for(lambda: run.refresh().finished >= 1)
    run.cancel()
    assert run.state() == "cancelled"
    kept = run.progress.finished
    assert runs.outcome(run) == (f"Cancelled during epoch {kept + 1} of 40; Continue trains on from epoch {kept + 1}, "
                                 f"the {kept} finished epoch{'s' * (kept != 1)} kept.")
    assert path_for(checkpoints.user_dir(), cfg.id).is_file() and checkpoints.find(cfg.id) is None
    again = started(cfg)  # Continue: the same folder, the same log
    assert again.folder == run.folder
    wait_for(lambda: again.state() != "running")
    assert again.state() == "done", runs.outcome(again)
    assert [h["epoch"] for h in again.progress.history] == list(range(1, 41))
    assert checkpoints.read_meta(again.path())["resumed_from_epoch"] == kept


@pytest.mark.slow
def test_a_killed_run_is_said_in_one_sentence_and_offers_to_continue(started):
    # Epochs enough that the kill lands mid-run: with 3, CI once found all 3 done by then (the
    # sentence then rightly said "after its last epoch").
    run = started(tiny(epochs=40))
    wait_for(lambda: run.refresh().step >= 1)
    os.kill(run.pid, signal.SIGKILL)
    wait_for(lambda: not run.alive())
    assert run.state() == "ended" and json.loads((run.folder / "exit.json").read_text()) == {"returncode": -9}
    said = runs.outcome(run)
    assert said.startswith("The training process was killed by SIGKILL (out of memory, perhaps) during epoch ")
    assert "its last log line \"epoch " in said and "Continue" in said and said.count(".") <= 3, said
    # A server started later reads the same from the folder.
    assert runs.outcome(runs.open_run(run.folder)) == said


@pytest.mark.slow
def test_a_restarted_server_finds_a_run_still_going_and_can_stop_it(started):
    run = started(tiny(epochs=40))  # still going when looked for, on a busy machine too
    wait_for(lambda: run.refresh().step >= 1)
    found = runs.latest()  # as a new server does: no Popen, only the folder
    assert found.proc is None and found.pid == run.pid and found.cfg == run.cfg
    assert found.alive() and found.progress.step >= 1 and [r.pid for r in runs.running()] == [run.pid]
    found.cancel()
    wait_for(lambda: not run.alive(), timeout=5)
    assert found.state() == "cancelled" and runs.running() == []


def test_a_pid_that_now_runs_another_program_is_not_the_run(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(tmp_path))
    folder = runs.runs_dir() / "vanilla-digits-0"
    folder.mkdir(parents=True)
    (folder / "command.json").write_text(json.dumps({"argv": [], "config": tiny(2).to_dict()}))
    (folder / "pid").write_text(str(os.getpid()))  # alive, but pytest, not this run's `aeviz train`
    (folder / "progress.jsonl").write_text(json.dumps({"event": "start", "epochs": 2}) + "\n")
    run = runs.latest()
    assert run is not None and not run.alive() and run.state() == "ended"
    assert runs.outcome(run).startswith("The training process ended without a word (killed, perhaps out of memory) "
                                        "during epoch 1 of 2, its last log line \"started\"; no epoch had finished")


@pytest.mark.slow
def test_a_run_started_to_record_the_map_as_it_learns_keeps_the_record_and_continues_recording(started):
    from aeviz.latent import learning

    run = started(tiny(2), record_learning=True)
    assert run.records_learning()
    wait_for(lambda: run.state() != "running")
    assert run.state() == "done", runs.outcome(run)
    record = learning.find(checkpoints.load(run.cfg.id))
    assert record is not None and list(record.epochs) == [0, 1, 2]
    assert not started(tiny(3)).records_learning()
