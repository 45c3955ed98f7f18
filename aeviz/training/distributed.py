"""Data-parallel training over processes: joining the process group torchrun sets up (gloo
on CPU, NCCL on CUDA), the rank helpers the training loop asks, and the launcher behind
`aeviz train --nproc N` and `aeviz embed --nproc N`.

A process that torchrun started finds RANK, WORLD_SIZE and LOCAL_RANK in its environment;
any other process is a world of one, where every helper here does nothing. Rank 0 alone
writes files; from_main() hands what it read or wrote (or the error it met) to every rank,
so all of them decide alike and none waits for a rank that has already given up.
"""
from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import sys
import uuid
from datetime import timedelta

import torch
import torch.distributed as dist

# The exit code of a process that stopped because another process of its run died or was
# stopped: the launcher names the process that went first, not the ones that followed it.
EXIT_PEER_LOST = 3
LAUNCHER_ENV = "AEVIZ_LAUNCHED"  # set by launch(): failures of a peer are the launcher's to report
# How long a rank waits in a collective for the others (rank 0 may be holding the training
# lock while another process trains the same config) before the run fails.
TIMEOUT = timedelta(minutes=30)
# What each command's processes are called, and what its user does after a process died.
AFTER_A_DEATH = {
    "train": ("training", "nothing was half-written, and the same command continues from the last finished epoch"),
    "embed": ("embedding", "nothing was written, and the same command starts it again"),
}


class PeerLost(RuntimeError):
    """Another process of this run died or was stopped, so this one cannot go on."""


def launched() -> bool:
    """True in a process that torchrun started as one of several."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def active() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    return dist.get_rank() if active() else 0


def world_size() -> int:
    return dist.get_world_size() if active() else 1


def is_main() -> bool:
    return rank() == 0


def env_rank() -> int:
    """This process's rank from its environment: known before the process group is joined."""
    return int(os.environ.get("RANK", "0"))


def device_for(requested: str | torch.device | None) -> torch.device:
    """The device this process trains on: under torchrun on CUDA, the GPU of its local rank."""
    device = torch.device(requested) if requested else torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda" and device.index is None and launched():
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    return device


@contextlib.contextmanager
def process_group(device: torch.device):
    """Join the run's process group when torchrun started this process, and leave it after.
    SIGTERM (torchrun stopping the others when one process dies) becomes PeerLost, so a
    file being written is cleaned up (safefile.write_atomic) instead of left half-written."""
    if not launched() or dist.is_initialized():
        yield
        return
    if device.type == "cuda":
        torch.cuda.set_device(device)
        dist.init_process_group("nccl", timeout=TIMEOUT, device_id=device)
    else:
        dist.init_process_group("gloo", timeout=TIMEOUT)
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        yield
    except BaseException:
        # Leaving on an error, torchrun's SIGTERM may come while this process is on its way out
        # (in the interpreter's shutdown, even): it ends it quietly, as one that lost a peer.
        signal.signal(signal.SIGTERM, _exit_quietly)
        with contextlib.suppress(Exception):  # a peer gone already: nothing left to say goodbye to
            dist.destroy_process_group()
        raise
    signal.signal(signal.SIGTERM, previous)
    # DDP's reducer can sit in reference cycles, holding the group and its last gloo work, whose
    # tensors point into Python: freed during the interpreter's shutdown they can abort the
    # process (SIGABRT, "terminate called without an active exception": seen once in CI).
    # Collect them now, and let every rank finish before any tears the group down.
    gc.collect()
    dist.barrier()
    dist.destroy_process_group()


def _stopped(signum, frame):
    raise PeerLost("this process was stopped")


def _exit_quietly(signum, frame):
    os._exit(EXIT_PEER_LOST)


def lost_a_peer(exc: BaseException) -> bool:
    """True for the errors a process meets when another process of its run is gone: a
    collective's DistError, or the RuntimeError that gloo or NCCL raise inside DDP's backward."""
    if isinstance(exc, (PeerLost, dist.DistError)):
        return True
    text = str(exc)
    return launched() and isinstance(exc, RuntimeError) and any(k in text for k in ("gloo", "NCCL", "Connection"))


def from_main(fn):
    """fn() run on rank 0 alone, its result (or the exception it raised) handed to every rank."""
    if not active():
        return fn()
    box = [None]
    if is_main():
        try:
            box[0] = (True, fn())
        except Exception as exc:  # noqa: BLE001  raised again on every rank, rank 0 included
            box[0] = (False, exc)
    dist.broadcast_object_list(box, src=0)
    ok, value = box[0]
    if not ok:
        raise value
    return value


def main_only(make_context):
    """make_context() on rank 0 (a file lock: the others must not wait on it), nothing elsewhere."""
    return make_context() if is_main() else contextlib.nullcontext()


def share(batch_size: int) -> slice:
    """This rank's rows of a global batch: contiguous, the sizes at most one apart."""
    world, r = world_size(), rank()
    base, extra = divmod(batch_size, world)
    start = r * base + min(r, extra)
    return slice(start, start + base + (r < extra))


def gather_rows(part):
    """Each rank's rows (a numpy array) stacked in rank order on rank 0; None on the others."""
    if not active():
        return part
    import numpy as np

    parts = [None] * world_size() if is_main() else None
    dist.gather_object(part, parts, dst=0)
    return np.concatenate(parts) if is_main() else None


def mean(values: dict[str, float], weight: int, device: torch.device) -> dict[str, float]:
    """The mean over all ranks of each value, each rank weighted by its share of the batch:
    the figure one process would have logged for the whole batch."""
    if not active():
        return values
    keys = sorted(values)
    t = torch.tensor([*(values[k] * weight for k in keys), weight], dtype=torch.float64, device=device)
    dist.all_reduce(t)
    return {k: float(v) / float(t[-1]) for k, v in zip(keys, t[:-1])}


def wrap(model: torch.nn.Module, device: torch.device, find_unused: bool) -> torch.nn.Module:
    """The model under DistributedDataParallel when there are several processes, else itself.
    find_unused: a step whose loss reaches only some parameters (the AAE's discriminator step)."""
    if not active():
        return model
    from torch.nn.parallel import DistributedDataParallel

    return DistributedDataParallel(model, device_ids=[device] if device.type == "cuda" else None,
                                   find_unused_parameters=find_unused)


def check_nproc(nproc: int, device: str | None) -> None:
    """A ConfigError unless nproc processes can run here: one GPU each on CUDA."""
    from ..config import ConfigError

    if nproc < 1:
        raise ConfigError(f"--nproc must be 1 or more, not {nproc}.")
    if nproc > 1 and launched():
        raise ConfigError("--nproc starts its own processes; under torchrun, --nproc_per_node says how many.")
    gpus = torch.cuda.device_count()
    if nproc > 1 and device_for(device).type == "cuda" and nproc > gpus:
        fewer = f"ask for at most {gpus}, or " if gpus else ""
        raise ConfigError(f"--nproc {nproc} on CUDA needs a GPU per process and this machine has "
                          f"{gpus or 'none'}; {fewer}add --device cpu.")


def without_nproc(argv: list[str]) -> list[str]:
    """The command line each launched process runs: the same, less --nproc N."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "--nproc":
            skip = True
        elif not a.startswith("--nproc="):
            out.append(a)
    return out


def launch(argv: list[str], nproc: int) -> int:
    """Run `aeviz ARGV` (less its --nproc) in nproc processes on this machine under torch's
    elastic launcher (torchrun's own engine), rendezvous at a free port; returns the exit code.
    A process that dies is named in one sentence; one that failed with a reason said it already."""
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.launcher.api import LaunchConfig, elastic_launch

    for name in list(logging.root.manager.loggerDict):  # the agent's own log lines: the sentences say it
        if name.startswith("torch.distributed"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    config = LaunchConfig(min_nodes=1, max_nodes=1, nproc_per_node=nproc, run_id=uuid.uuid4().hex,
                          rdzv_backend="c10d", rdzv_endpoint="localhost:0", max_restarts=0)
    os.environ[LAUNCHER_ENV] = "1"
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // nproc)))
    try:
        elastic_launch(config, sys.executable)("-m", "aeviz", *without_nproc(argv))
    except ChildFailedError as exc:
        return _report(exc.failures, nproc, argv[0])
    except (SignalException, KeyboardInterrupt):  # Ctrl-C: the processes said so themselves
        return 130
    finally:
        os.environ.pop(LAUNCHER_ENV, None)
    return 0


def _report(failures: dict, nproc: int, command: str = "train") -> int:
    """The exit code for a failed run, after one sentence naming the process that died."""
    # The agent stops the other processes with SIGTERM once one has failed: those, and the ones
    # that stopped because a peer was gone, followed the failure and are named only when alone.
    followed = (EXIT_PEER_LOST, -signal.SIGTERM)
    # A process in a gloo collective when its peer dies is sometimes aborted by gloo itself
    # (SIGABRT) before it can say it lost the peer, and the agent's timestamps have whole seconds:
    # CI once saw rank 1 killed and rank 0's abort named. An abort is named when no other is.
    first_rank, first = min(failures.items(), key=lambda kv: (kv[1].exitcode in followed,
                                                              kv[1].exitcode == -signal.SIGABRT,
                                                              kv[1].timestamp, kv[0]))
    if first.exitcode in (1, 2, 130):  # that process printed its own sentence (cli.main)
        return first.exitcode
    how = f"was killed ({first.signal_name()})" if first.exitcode < 0 else f"exited with code {first.exitcode}"
    job, after = AFTER_A_DEATH[command]
    print(f"aeviz: {job} process rank {first_rank} of {nproc} {how}, so the run stopped; {after}.", file=sys.stderr)
    return 1
