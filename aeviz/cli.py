"""`aeviz` on the command line: train, list, models, datasets, eval (--applications), embed,
directions, locate, colorize, export.

Every user mistake ends in one sentence on stderr and exit code 2; a failed run ends in
one sentence and exit code 1."""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import signal
import sys
import threading
from pathlib import Path

from .config import LOSSES, NOISES, SPARSITY, ConfigError, TrainConfig
from .training.schedule import SCHEDULES

EXIT_USAGE, EXIT_FAILED = 2, 1


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    # `aeviz app` hands every option it does not know to Streamlit (--server.port 8502).
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "app":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra, args.argv = extra, argv
    from .training import distributed

    usage, failed = said_errors()
    # Under torchrun every process meets the same error: rank 0 alone says it.
    say = (lambda text: print(f"aeviz: {text}", file=sys.stderr)) if distributed.env_rank() == 0 else (lambda text: None)
    try:
        return args.run(args) or 0
    except usage as exc:
        say(exc)
        return EXIT_USAGE
    except failed as exc:
        say(exc)
        return EXIT_FAILED
    except KeyboardInterrupt:
        say("interrupted; the same command continues from the last finished epoch.")
        return 130
    except RuntimeError as exc:  # PeerLost and torch's DistError are RuntimeErrors too
        if not distributed.lost_a_peer(exc):
            raise
        if not os.environ.get(distributed.LAUNCHER_ENV):  # the launcher names the process that died
            job, after = distributed.AFTER_A_DEATH.get(args.command, distributed.AFTER_A_DEATH["train"])
            print(f"aeviz: {job} process rank {distributed.env_rank()} stopped because another process of "
                  f"this run died or was stopped; {after}.", file=sys.stderr)
        return distributed.EXIT_PEER_LOST


def said_errors() -> tuple[tuple, tuple]:
    """The errors that end in one sentence: (a user's mistake, exit 2), (a failed run, exit 1).
    Imported on use: `aeviz --help` never needs torch."""
    from .apply import HintError
    from .checkpoints import CheckpointError, CheckpointNotFound
    from .datasets import DatasetError
    from .export.onnx_graphs import ExportError
    from .images import ImageError
    from .safefile import WriteError
    from .training.loop import TrainingDiverged

    # CheckpointNotFound before CheckpointError, its base: no such checkpoint is the user's mistake.
    return ((ConfigError, DatasetError, ImageError, ExportError, HintError, CheckpointNotFound),
            (CheckpointError, TrainingDiverged, WriteError))


def build_parser() -> argparse.ArgumentParser:
    from .models import MODELS

    p = argparse.ArgumentParser(prog="aeviz", description="Train, cache and explore image autoencoders.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    t = sub.add_parser("train", help="train a model (or return the cached checkpoint)")
    t.add_argument("--model", required=True, choices=sorted(MODELS))
    t.add_argument("--dataset", help="a name `aeviz datasets` lists, or folder:PATH")
    t.add_argument("--latent-dim", type=int)
    t.add_argument("--hidden", type=_widths, help="comma-separated widths (dense) or channels (conv), e.g. 512,256; "
                                                  "\"\" for the model's own (conv family: 32,64)")
    t.add_argument("--loss", choices=LOSSES)
    t.add_argument("--lr", type=float)
    t.add_argument("--schedule", choices=SCHEDULES, help="learning rate over the run (default: the model's recipe)")
    t.add_argument("--epochs", type=int)
    t.add_argument("--batch-size", type=int)
    t.add_argument("--noise", choices=NOISES)
    t.add_argument("--noise-level", type=float)
    t.add_argument("--beta", type=float)
    t.add_argument("--sparsity", choices=SPARSITY)
    t.add_argument("--sparsity-weight", type=float)
    t.add_argument("--sparsity-target", type=float)
    t.add_argument("--contractive-weight", type=float)
    t.add_argument("--fully-conv", action=argparse.BooleanOptionalAction, default=None,
                   help="conv family: no dense layer, any image size")
    t.add_argument("--stage-convs", type=int, help="conv family: 3x3 convs per stage, the strided one included "
                                                  "(2, or 1 for about half the cost)")
    t.add_argument("--full-size-conv", action=argparse.BooleanOptionalAction, default=None,
                   help="conv family: batch norm and a 3x3 conv at the image's full size after the last transposed "
                        "conv (--no-full-size-conv: the transposed conv draws the image, about half a step's cost)")
    t.add_argument("--log-error", action=argparse.BooleanOptionalAction, default=None,
                   help="colorizer and residual denoiser: each image's error counts through its log (its PSNR), "
                        "so a nearly gray photo counts as much as a colorful one, and a lightly noisy photo as "
                        "much as a heavily noisy one")
    t.add_argument("--noise-map", action=argparse.BooleanOptionalAction, default=None,
                   help="residual denoiser: the noise level is an input beside the image (FFDNet): the noise's "
                        "own in training, the photo's as read when it denoises")
    t.add_argument("--image-size", type=int)
    t.add_argument("--grayscale", action=argparse.BooleanOptionalAction, default=None)
    t.add_argument("--seed", type=int)
    t.add_argument("--exclude-classes", type=_class_numbers, metavar="CLASSES",
                   help="comma-separated class numbers left out of training, e.g. 7: the test split's images "
                        "of them are then the anomalies `aeviz eval --applications` scores")
    t.add_argument("--data-dir", help="where torchvision datasets are downloaded or placed")
    t.add_argument("--out", help="checkpoint folder (default $AEVIZ_CHECKPOINTS, else a checkout's checkpoints/, "
                                      "else ~/.cache/aeviz/checkpoints)")
    t.add_argument("--device", type=_device, help="cpu or cuda (default: cuda when present)")
    t.add_argument("--force", action="store_true", help="train again even if the checkpoint is cached")
    t.add_argument("--record-learning", action="store_true",
                   help="record the map as it learns (1,000 test codes at log-spaced epochs) beside the checkpoint, "
                        "for the Latent map page's replay")
    _add_stream_options(t, "the training images")
    t.add_argument("--compile", action="store_true", help="torch.compile the training step (pays off on long CUDA runs)")
    t.add_argument("--nproc", type=int, default=1, metavar="N",
                   help="train in N processes on this machine with DistributedDataParallel (gloo on CPU, NCCL on "
                        "CUDA with a GPU each), at the same global batch size; torchrun runs several machines")
    t.add_argument("--log-jsonl", metavar="PATH",
                   help="append the run's progress to PATH as JSON lines, one event a line (start, each step's loss "
                        "terms, each epoch's figures, then done, failed or stopped), for a program to follow")
    t.set_defaults(run=cmd_train)

    a = sub.add_parser("app", help="open the dashboard in the browser (Streamlit options may follow, "
                                   "e.g. aeviz app --server.port 8502)")
    a.set_defaults(run=cmd_app)

    sub.add_parser("list", help="table of checkpoints").set_defaults(run=cmd_list)
    sub.add_parser("models", help="the registered models").set_defaults(run=cmd_models)
    sub.add_parser("datasets", help="the datasets").set_defaults(run=cmd_datasets)

    e = sub.add_parser("eval", help="test metrics of checkpoints, beside PCA at the same code size; "
                                    "with --applications, compression, clustering, features, retrieval, anomalies")
    e.add_argument("checkpoint", nargs="+", help="checkpoint ids or paths")
    e.add_argument("--applications", action="store_true",
                   help="one table of what each checkpoint is good for, beside PCA, pixels, JPEG and WebP "
                        "(computed once per checkpoint, then read from the cache)")
    e.add_argument("--json", action="store_true",
                   help="one JSON object per checkpoint a line: the metrics, the number of active code dimensions "
                        "and each dimension's figures; with --applications, the applications' figures")
    e.add_argument("--data-dir")
    e.set_defaults(run=cmd_eval)

    m = sub.add_parser("embed", help="latent codes, labels and 2D map of a split, as .parquet, .npz or .csv")
    m.add_argument("checkpoint")
    m.add_argument("--out", required=True, help="output file: .parquet (columns index, label, map x and y, z0..), "
                                                ".npz or .csv, with the same columns")
    m.add_argument("--split", choices=("train", "test", "augmented"), default="test",
                   help="augmented: the train and test images, each in 15 seeded versions (the dashboard then "
                        "offers this map in its sidebar)")
    m.add_argument("--method", choices=("umap", "pca"), default="umap")
    m.add_argument("--no-map", dest="with_map", action="store_false",
                   help="codes and labels only: no 2D map (which takes minutes on a large split)")
    m.add_argument("--limit", type=int, metavar="N", help="only the split's first N images (their map is not cached)")
    m.add_argument("--data-dir")
    m.add_argument("--device", type=_device, help="cpu or cuda (default: cuda when present)")
    _add_stream_options(m, "the split's images")
    m.add_argument("--nproc", type=int, default=1, metavar="N",
                   help="encode in N processes on this machine, each its share of the split (gloo on CPU, NCCL on "
                        "CUDA with a GPU each); rank 0 maps and writes; torchrun runs several machines")
    m.set_defaults(run=cmd_embed)

    d = sub.add_parser("directions", help="directions in code space that change a measurable property (ink, slant, "
                                          "width; brightness, colourfulness), and how well each works")
    d.add_argument("checkpoint")
    d.add_argument("--split", choices=("train", "test"), default="test")
    d.add_argument("--json", action="store_true",
                   help="one JSON object: the checkpoint and, per property, its unit vector, spearman and class_kept")
    d.add_argument("--data-dir")
    d.set_defaults(run=cmd_directions)
    o = sub.add_parser("locate", help="where images land on a split's 2D UMAP map, and the nearest map points")
    o.add_argument("checkpoint")
    o.add_argument("image", nargs="+", help="image files (PNG, JPEG, WebP, BMP, GIF or TIFF)")
    o.add_argument("--split", choices=("train", "test"), default="test")
    o.add_argument("--json", action="store_true",
                   help='one JSON object per image a line: {"image", "code", "position": [x, y], '
                        '"nearest": [{"index", "label"}, ...]}')
    o.add_argument("--data-dir")
    o.set_defaults(run=cmd_locate)

    c = sub.add_parser("colorize", help="color a photo (a gray one, or a color one from its lightness), steered by "
                                        "color hints and a reference photo")
    c.add_argument("input", help="the photo (PNG, JPEG, WebP, BMP, GIF or TIFF)")
    c.add_argument("output", help="where to write the colorized photo: .png, .jpg, .webp, .bmp or .tif")
    c.add_argument("--hint", action="append", default=[], metavar="X,Y,#RRGGBB",
                   help="this color at pixel X,Y (from the top left); the colorizer spreads it over the region "
                        "around it (repeat for more hints)")
    c.add_argument("--reference", metavar="REF", help="a photo whose colors the result should take")
    c.add_argument("--checkpoint", help="a colorizer's id or path (default: the shipped one)")
    c.set_defaults(run=cmd_colorize)

    x = sub.add_parser("export", help="the decoder as ONNX, or a static latent explorer any web server can serve")
    x.add_argument("checkpoint")
    what = x.add_mutually_exclusive_group(required=True)
    what.add_argument("--onnx", metavar="FILE", help="write the decoder's ONNX graph: z (N, D) -> image (N, C, H, W)")
    what.add_argument("--html", metavar="DIR", help="write the static explorer (map, sliders, interpolation) into DIR")
    x.add_argument("--overwrite", action="store_true", help="write into a DIR that is not empty")
    x.add_argument("--split", choices=("train", "test"), default="test")
    x.add_argument("--method", choices=("umap", "pca"), default="umap")
    x.add_argument("--data-dir")
    x.set_defaults(run=cmd_export)
    return p


def _add_stream_options(p: argparse.ArgumentParser, images: str) -> None:
    p.add_argument("--stream", action=argparse.BooleanOptionalAction, default=None,
                   help=f"read {images} through DataLoader workers instead of holding them in memory "
                        "(default: only a folder: or torchvision dataset larger than --memory-budget)")
    p.add_argument("--memory-budget", metavar="SIZE", help="e.g. 8G (default $AEVIZ_MEMORY_BUDGET, else a quarter of the RAM)")
    p.add_argument("--workers", type=int, default=2, help="DataLoader workers when streaming (default 2)")


def _widths(text: str) -> tuple[int, ...]:
    from .config import parse_widths

    try:
        return parse_widths(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None


def _device(text: str) -> str:
    """--device as torch names it, on a device this machine has: torch.device("gpu") is a
    RuntimeError and "cuda" without a GPU an AssertionError once training starts, tracebacks both."""
    import torch

    try:
        device = torch.device(text)
    except RuntimeError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a device; use cpu or cuda") from None
    usable = {"cpu": True, "cuda": (device.index or 0) < torch.cuda.device_count(),
              "mps": torch.backends.mps.is_available()}
    if not usable.get(device.type):
        raise argparse.ArgumentTypeError(f"this machine has no device {text!r}; use cpu"
                                         + (" or cuda" if torch.cuda.device_count() else ""))
    return text


def _class_numbers(text: str) -> tuple[int, ...]:
    from .config import parse_classes

    try:
        return parse_classes(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None


def config_from_args(args) -> TrainConfig:
    from .config import defaults_for
    from .models import MODELS, SETTINGS

    names = {f.name for f in dataclasses.fields(TrainConfig)} - {"model"}
    overrides = {k: v for k, v in vars(args).items() if k in names and v is not None}
    # A model-specific setting given to a model it does not apply to would be ignored silently.
    own = MODELS[args.model].abilities.fields()
    foreign = sorted(k for k in overrides if k not in own and any(k in fs for fs in SETTINGS.values()))
    if foreign:
        flags = ", ".join("--" + k.replace("_", "-") for k in foreign)
        users = sorted(n for n, spec in MODELS.items() if spec.abilities.fields() & set(foreign))
        raise ConfigError(f"{flags} does not apply to the {args.model} model; it applies to: {', '.join(users)}.")
    return defaults_for(args.model, **overrides)


def train_command(cfg: TrainConfig) -> list[str]:
    """The `aeviz train` arguments that config_from_args turns back into cfg: the model, and
    each field where cfg differs from the model's recipe (so a setting of another model is
    never passed). Raises ValueError if they would not give cfg back (a field without a flag)."""
    from .config import defaults_for

    recipe, argv = defaults_for(cfg.model), ["train", "--model", cfg.model]
    for f in dataclasses.fields(TrainConfig):
        value = getattr(cfg, f.name)
        if f.name == "model" or value == getattr(recipe, f.name):
            continue
        flag = "--" + f.name.replace("_", "-")
        if isinstance(value, bool):
            argv.append(flag if value else "--no-" + flag[2:])
        elif isinstance(value, tuple):
            argv.append(f"{flag}={','.join(map(str, value))}")
        else:  # repr: a float's shortest exact form, so the config hashes to the same id
            argv.append(f"{flag}={value!r}" if isinstance(value, float) else f"{flag}={value}")
    args = build_parser().parse_args(argv)
    if config_from_args(args) != cfg:
        raise ValueError(f"`aeviz {' '.join(argv)}` does not give the configuration {cfg.id} back.")
    return argv


def cmd_app(args) -> int:
    from .dashboard.serve import serve

    return serve(args.extra)


def cmd_train(args) -> int:
    from tqdm import tqdm

    from .training import distributed
    from .checkpoints import read_meta, user_dir
    from .training.loop import cached, train
    from .training.progress import open_log, reported

    cfg = config_from_args(args)
    out_dir = Path(args.out) if args.out else user_dir()
    main = distributed.env_rank() == 0
    distributed.check_nproc(args.nproc, args.device)
    runtime = runtime_from_args(args)  # before launching: a bad --memory-budget is said once
    # The launched processes write it (rank 0), not the one that launches them.
    log = open_log(args.log_jsonl) if args.log_jsonl is not None and main and args.nproc == 1 else None
    with reported(log, cfg, said_errors()) as done, _sigterm_interrupts():
        # Under torchrun, train() asks rank 0's folder: another machine's may not hold the file.
        if not args.force and not distributed.launched() and (hit := cached(cfg, out_dir)):
            print(f"Cached: {cfg.id} was trained before with this exact configuration; not training again.")
            _print_test(read_meta(hit)["test"])
            if args.record_learning and not _has_learning(hit):
                print("It was trained without --record-learning: add --force to train it again and record the map "
                      "as it learns.", file=sys.stderr)
            print(hit)
            done(hit, cached=True)
            return 0
        if args.nproc > 1:
            return distributed.launch(args.argv, args.nproc)
        bar = None  # made at the first step, so a dataset that fails to load shows no empty bar

        def on_batch_end(epoch, step, steps, terms):
            nonlocal bar
            if bar is None:
                if epoch > 1:  # a run killed before continues where it stopped
                    tqdm.write(f"Resuming {cfg.id} after epoch {epoch - 1} of {cfg.epochs}.", file=sys.stderr)
                bar = tqdm(total=steps * cfg.epochs, initial=(epoch - 1) * steps, unit="step",
                           dynamic_ncols=True, file=sys.stderr)
            bar.set_description(f"epoch {epoch}/{cfg.epochs}")
            bar.set_postfix(loss=f"{terms['loss']:.4g}")
            bar.update(1)
            if log:
                log.on_batch_end(epoch, step, steps, terms)

        def on_epoch_end(epoch, logs):
            tqdm.write(f"epoch {epoch}: train loss {logs['train_loss']:.4g}, test mse {logs['test_mse']:.5f}",
                       file=sys.stderr)
            if log:
                log.on_epoch_end(epoch, logs)

        device = distributed.device_for(args.device)
        recorder = _recorder(cfg, out_dir, args) if main and args.record_learning else None
        try:
            with distributed.process_group(device):  # joined only when torchrun started this process
                path = train(cfg, on_epoch_end if main else None, on_batch_end if main else None, ckpt_dir=out_dir,
                             data_dir=args.data_dir, device=device, force=args.force, runtime=runtime,
                             watch=recorder)
        finally:
            if bar is not None:
                bar.close()
        if recorder is not None:
            _keep_learning(recorder, path)
        if main:
            _print_test(read_meta(path)["test"])
            print(path)
            done(path)
    return 0


@contextlib.contextmanager
def _sigterm_interrupts():
    """SIGTERM (the dashboard's Cancel, `kill`) stops a run as Ctrl+C does: the last finished
    epoch is kept and said to be. Not under torchrun, whose own handling stays as it is, and
    only on the main thread, where Python runs signal handlers."""
    from .training import distributed

    if threading.current_thread() is not threading.main_thread() or distributed.launched():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _recorder(cfg, out_dir: Path, args):
    from .latent.learning import Recorder

    recorder = Recorder(cfg.epochs, out_dir / f".{cfg.id}.learning.npz")
    if args.force:  # a run started over records from its start
        recorder.discard()
        recorder = Recorder(cfg.epochs, recorder.partial)
    return recorder


def _has_learning(path: Path) -> bool:
    from .checkpoints import load
    from .latent import learning

    return learning.find(load(path)) is not None


def _keep_learning(recorder, path: Path) -> None:
    from .checkpoints import load
    from .latent import learning

    print("Laying out the map as it learned...", file=sys.stderr)
    kept = learning.keep(recorder.finish(), load(path))
    recorder.discard()
    print(f"The map as it learned: {kept}", file=sys.stderr)


def runtime_from_args(args):
    from .training.runtime import parse_bytes, Runtime

    budget = parse_bytes(args.memory_budget) if args.memory_budget else None
    return Runtime(stream=args.stream, workers=args.workers, memory_budget=budget,
                   compile=getattr(args, "compile", False))  # embed compiles nothing


def _print_test(test: dict) -> None:
    print("test: " + ", ".join(f"{k} {v:.4g}" for k, v in test.items()))


def cmd_list(args) -> int:
    from .checkpoints import list_checkpoints

    rows = [("id", "model", "dataset", "code", "epochs", "test mse", "psnr", "path")]
    for e in list_checkpoints():
        if e.meta is None:
            rows.append((e.path.stem, "BROKEN", e.error, "", "", "", "", str(e.path)))
            continue
        c, t = e.meta["config"], e.meta.get("test", {})
        rows.append((e.id, c["model"], c["dataset"], str(c["latent_dim"]), str(c["epochs"]),
                     _fmt(t.get("mse"), ".5f"), _fmt(t.get("psnr"), ".2f"), str(e.path)))
    if len(rows) == 1:
        print("No checkpoints yet; `aeviz train --model conv` makes one.")
        return 0
    _table(rows)
    return 0


def _fmt(value, spec: str) -> str:
    return "" if value is None else format(value, spec)


def cmd_models(args) -> int:
    from .models import MODELS

    rows = [("model", "code", "prior", "colorizes", "own settings", "what it is")]
    for name in sorted(MODELS):
        spec = MODELS[name]
        can = spec.abilities
        code = ("vector or map (--fully-conv)" if "fully_conv" in can.settings
                else "vector" if can.vector_code else "feature map")
        settings = ", ".join("--" + f.replace("_", "-") for f in sorted(can.fields() - {"fully_conv"})) or "-"
        rows.append((name, code, "yes" if can.prior else "-", "yes" if can.colorizes else "-", settings,
                     spec.description))
    _table(rows)
    return 0


def cmd_datasets(args) -> int:
    from .datasets import DATASETS, dataset_names

    rows = [("dataset", "images", "source", "what it is")]
    for name, spec in zip(dataset_names(), DATASETS.values()):
        rows.append((name, "x".join(map(str, spec.image_shape)), spec.source, spec.description))
    _table(rows)
    return 0


def cmd_eval(args) -> int:
    import json

    from .checkpoints import load
    from .datasets.classes import training_images
    from .datasets import load_dataset
    from .evaluation.metrics import evaluate

    models = [load(c) for c in args.checkpoint]
    if args.applications:
        return _eval_applications(models, args)
    for i, model in enumerate(models):
        cfg = model.config
        test = load_dataset(cfg.dataset, "test", cfg.image_size, cfg.grayscale, args.data_dir)
        m = evaluate(model, test.x, training_images(cfg, args.data_dir).x, seed=cfg.seed)
        activity = _activity(model, args.data_dir)
        if args.json:  # without a code vector, null: there are no dimensions to count
            dims = {"active_dims": None, "dims": None} if activity is None else \
                {"active_dims": activity.count, "dims": activity.rows()}
            print(json.dumps({"checkpoint": model.checkpoint_id, **m, **dims}))
            continue
        rows = [("metric", "value")] + [(k, f"{v:.5g}") for k, v in m.items()]
        if activity is not None:
            rows.append(("active_dims", f"{activity.count} of {len(activity.variance)}"))
        print(("\n" if i else "") +
              f"{model.checkpoint_id}: {cfg.model} on {cfg.dataset}, code size {cfg.latent_dim}, {len(test)} test images")
        _table(rows)
    return 0


def _activity(model, data_dir):
    """The test split's figures per code dimension (latent/activity.py), None without a code vector."""
    from .latent.activity import cached_activity

    return cached_activity(model, "test", data_dir) if model.abilities.vector_code else None


def _eval_applications(models, args) -> int:
    from tqdm import tqdm

    from .applications import applies, cached_report, table, to_json

    for model in models:  # every checkpoint checked before any is computed
        if problem := applies(model):
            raise ConfigError(problem)
    reports = []
    for model in models:
        bar = None  # made on the first progress report: a report read from the cache shows none

        def progress(fraction, what, model=model):
            nonlocal bar
            if bar is None:
                bar = tqdm(total=100, unit="%", dynamic_ncols=True, file=sys.stderr, desc=model.checkpoint_id)
            bar.set_postfix_str(what)
            bar.update(round(100 * fraction) - bar.n)
        try:
            reports.append(cached_report(model, args.data_dir, progress))
        finally:
            if bar is not None:
                bar.close()
    if args.json:
        for report in reports:
            print(to_json(report))
        return 0
    _table(table([r.summary for r in reports], [m.meta.get("test", {}) for m in models]))
    for report in reports:
        for note in report.notes.values():
            print(f"{report.summary['checkpoint']}: {note}")
    return 0


def cmd_embed(args) -> int:
    from .training import distributed
    from .latent.embedding import check_suffix, export_embedding

    check_suffix(args.out)  # before launching: each mistake is said once
    if args.limit is not None and args.limit < 1:
        raise ConfigError(f"--limit must be 1 or more, not {args.limit}.")
    distributed.check_nproc(args.nproc, args.device)
    runtime = runtime_from_args(args)
    if args.nproc > 1:
        return distributed.launch(args.argv, args.nproc)
    device = distributed.device_for(args.device)
    with distributed.process_group(device):  # joined only when torchrun started this process
        path = export_embedding(args.checkpoint, Path(args.out), args.split, args.method, args.data_dir,
                                args.with_map, runtime, args.limit, device)
    if distributed.env_rank() == 0:
        print(path)
    return 0


def cmd_directions(args) -> int:
    import json

    from .checkpoints import load
    from .latent.directions import cached_directions

    model = load(args.checkpoint)
    found = cached_directions(model, args.split, args.data_dir)
    if args.json:
        print(json.dumps({"checkpoint": model.checkpoint_id, "directions": {k: d.row() for k, d in found.items()}}))
        return 0
    rows = [("property", "spearman", "class kept")]
    rows += [(name, f"{d.spearman:.3f}", _fmt(d.class_kept, ".3f")) for name, d in found.items()]
    _table(rows)
    return 0


def cmd_locate(args) -> int:
    import json

    from .checkpoints import load
    from .latent.locate import locate

    def on_miss():
        print(f"Computing the {args.split} split's UMAP map (once; then read from the cache).", file=sys.stderr)

    found = locate(load(args.checkpoint), [Path(p) for p in args.image], args.split, args.data_dir, on_miss)
    if args.json:
        for row in found:
            print(json.dumps(row))
        return 0
    rows = [("image", "x", "y", "nearest map points (index:label)")]
    for row in found:
        near = " ".join(f"{n['index']}:{'-' if n['label'] is None else n['label']}" for n in row["nearest"])
        rows.append((row["image"], f"{row['position'][0]:.3f}", f"{row['position'][1]:.3f}", near))
    _table(rows)
    return 0


def cmd_colorize(args) -> int:
    from PIL import Image

    from .apply import colorize_tensor, parse_hint
    from .checkpoints import load
    from .images import decode_image, to_uint8
    from .safefile import write_atomic

    formats = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".bmp": "BMP", ".tif": "TIFF",
               ".tiff": "TIFF"}
    kind = formats.get(Path(args.output).suffix.lower())
    if kind is None:
        raise ConfigError(f"{args.output} has no image suffix aeviz writes; end it in {', '.join(formats)}.")
    hints = [parse_hint(h) for h in args.hint]

    def read(path):
        try:
            return decode_image(Path(path).read_bytes(), channels=3)
        except OSError as exc:
            raise ConfigError(f"Could not read {path}: {exc.strerror or exc}.") from None
    image = read(args.input)
    reference = read(args.reference) if args.reference else None
    out = colorize_tensor(image, hints, reference, load(args.checkpoint) if args.checkpoint else None)
    print(write_atomic(Path(args.output), lambda f: Image.fromarray(to_uint8(out)).save(f, kind), "the photo"))
    return 0


def cmd_export(args) -> int:
    from .checkpoints import load

    flag, target = ("--onnx", args.onnx) if args.onnx is not None else ("--html", args.html)
    if not target.strip():  # '' is falsy: --onnx '' went on as if --html had been given, to Path(None)
        raise ConfigError(f"{flag} needs a {'file' if flag == '--onnx' else 'folder'} name, not an empty one.")
    model = load(args.checkpoint)
    if args.onnx is not None:
        from .export.onnx_graphs import write_decoder
        print(write_decoder(model, Path(args.onnx)))
        return 0
    from .export.static_site import write_explorer
    out = write_explorer(model, Path(args.html), args.split, args.method, args.overwrite, args.data_dir)
    print(f"{out}  (serve it with any static file server, e.g. python -m http.server -d {out})")
    return 0


def _table(rows) -> None:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for j, r in enumerate(rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
        if j == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    sys.exit(main())
