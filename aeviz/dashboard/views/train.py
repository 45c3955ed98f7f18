"""Train: a form for the model, dataset, code size and main hyperparameters. Training runs
as an `aeviz train` child process (one run per server), with a progress bar, a live loss
chart and a Cancel button; the checkpoint then joins the sidebar's list. A run cancelled,
killed or crashed keeps its finished epochs, and Continue trains on from them. A
configuration trained before is served from the cache at once."""
import time

import streamlit as st

import aeviz
from aeviz.checkpoints import find
from aeviz.config import LOSSES, NOISES, SPARSITY, ConfigError, parse_classes, parse_widths
from aeviz.dashboard import cache, jobs, ui
from aeviz.models import code_phrase
from aeviz.dashboard.charts import training_curves
from aeviz.datasets import DATASETS
from aeviz.training import runs
from aeviz.training.schedule import SCHEDULES

NAMED = [name for name, spec in DATASETS.items() if not spec.argument]  # folder:PATH goes by the CLI

st.title("Train")
trainer = jobs.trainer()


def _open(checkpoint_id: str) -> None:
    cache.checkpoint_table.clear()
    st.session_state[ui.CHECKPOINT_KEY] = checkpoint_id


names = sorted(aeviz.MODELS)
model_name = st.selectbox("Model", names, index=names.index(aeviz.TrainConfig().model), key="tr_model",
                          format_func=lambda m: f"{m}: {aeviz.MODELS[m].description}")
d = aeviz.defaults_for(model_name)
# The form's keyed boxes start from the chosen model's recipe. They are set through the session
# state: a keyed box in a form keeps the browser's last value whatever its default becomes
# (seen: vanilla showed conv's code size and epochs). Streamlit drops a box's state when
# another page is shown, so they are set again then too.
recipe = {"tr_dataset": d.dataset, "tr_latent": d.latent_dim, "tr_epochs": d.epochs,
          "tr_hidden": ",".join(map(str, d.hidden))}
if st.session_state.get("tr_defaults_of") != model_name or not all(k in st.session_state for k in recipe):
    st.session_state.update(recipe, tr_defaults_of=model_name)
applies = aeviz.MODELS[model_name].abilities.fields()
with st.form("train_form"):
    c1, c2, c3 = st.columns(3)
    dataset = c1.selectbox("Dataset", NAMED, key="tr_dataset",
                           help="mnist5k, digits and photos ship with aeviz; debian-photos and debian-scenes "
                                "need their Debian packages; the others download through torchvision.")
    sized = aeviz.MODELS[model_name].abilities.code_size
    latent_dim = c2.number_input("Code size (latent_dim)", 1, 1024, key="tr_latent", disabled=not sized,
                                 help=None if sized else f"A {model_name} model squeezes nothing through a code: "
                                                         "this is not used.")
    epochs = c3.number_input("Epochs", 1, 500, key="tr_epochs",
                             help="On two CPU cores an epoch of mnist5k takes some seconds.")
    c4, c5, c6 = st.columns(3)
    lr = c4.number_input("Learning rate", 1e-5, 1.0, d.lr, format="%.5f")
    batch_size = c5.number_input("Batch size", 1, 4096, d.batch_size)
    loss = c6.selectbox("Reconstruction loss", LOSSES, index=LOSSES.index(d.loss))
    c7, c8, c8b = st.columns(3)
    chosen = {
        "noise": c7.selectbox("Input noise (makes a denoiser)", NOISES, index=NOISES.index(d.noise)),
        "noise_level": c8.slider("Noise level", 0.0, 1.0, float(d.noise_level), 0.05),
        "schedule": c8b.selectbox("Learning-rate schedule", SCHEDULES, index=SCHEDULES.index(d.schedule),
                                  help="onecycle warms up to the learning rate, then anneals it to almost zero: "
                                       "a lower test error at the end of the same epochs."),
    }
    # The model's own settings, as its registry entry declares them; no other model shows them.
    own = st.columns(3) if applies - {"fully_conv"} else []
    if "beta" in applies:
        chosen["beta"] = own[0].number_input("β (weight of the prior term)", 0.0, 100.0, d.beta)
    if "sparsity" in applies:
        chosen["sparsity"] = own[0].selectbox("Sparsity penalty", SPARSITY, index=SPARSITY.index(d.sparsity))
        chosen["sparsity_weight"] = own[1].number_input("Sparsity weight", 0.0, 10.0, d.sparsity_weight, format="%.5f")
        chosen["sparsity_target"] = own[2].number_input("Target activation (KL)", 0.001, 0.999, d.sparsity_target,
                                                        format="%.3f")
    if "contractive_weight" in applies:
        chosen["contractive_weight"] = own[0].number_input("Contractive weight", 0.0, 10.0, d.contractive_weight,
                                                           format="%.5f")
    if "stage_convs" in applies:
        # beside the model's other own setting when it has one (the VAE's beta), else first in the row
        chosen["stage_convs"] = own[1 if "beta" in applies else 0].number_input(
            "Convs per stage", 1, 4, d.stage_convs,
            help="3x3 convolutions in each stage, the strided one included: 1 is the tutorials' shape and about "
                 "half the cost of 2.")
    if "log_error" in applies:
        chosen["log_error"] = st.checkbox(
            "Each image's error through its log", value=d.log_error,
            help="Each image counts by its PSNR, as a user judges each photo. Colorizer: a nearly gray photo "
                 "counts as much as a colorful one (fewer wrong tints on gray photos). Residual denoiser: a lightly "
                 "noisy photo as much as a heavily noisy one (light noise is removed, not smoothed with the texture).")
    if "noise_map" in applies:
        chosen["noise_map"] = st.checkbox(
            "The noise level as an input", value=d.noise_map,
            help="FFDNet's way: the network is told how noisy the image is (the noise's own level in training, the "
                 "photo's as read when it denoises), so it need not guess, and takes less texture for noise.")
    if "full_size_conv" in applies:
        chosen["full_size_conv"] = st.checkbox(
            "A conv at the image's full size", value=d.full_size_conv,
            help="After the last transposed conv: batch norm and a 3x3 conv at full size. Off, the transposed conv "
                 "draws the image itself, as in the tutorials: an epoch costs about half.")
    if "fully_conv" in applies:
        chosen["fully_conv"] = st.checkbox("Fully convolutional (no dense code; any image size)", value=d.fully_conv)
    c9h, c9, c10 = st.columns([1, 1, 2])
    hidden = c9h.text_input("Widths", key="tr_hidden",
                            help="Dense layer widths or conv channels, from the input inwards, comma-separated; "
                                 "empty: the model's own (conv family: 32,64).")
    seed = c9.number_input("Seed", 0, 2**31 - 1, d.seed)
    exclude = c10.text_input("Leave classes out (anomaly detection)", "", key="tr_exclude", placeholder="e.g. 7",
                             help="Class numbers kept out of training, comma-separated. The test split still holds "
                                  "them: the Applications page then measures how well the model finds them.")
    record = st.checkbox("Record the map as it learns", key="tr_record",
                         help="The codes of 1,000 test images at log-spaced epochs, laid out as one moving map when "
                              "training ends: the Latent map page plays it. The weights are the same either way.")
    submitted = st.form_submit_button("Train", type="primary", key="tr_submit")

if submitted:
    try:
        cfg = aeviz.defaults_for(model_name, dataset=dataset, latent_dim=int(latent_dim), epochs=int(epochs),
                                 lr=float(lr), batch_size=int(batch_size), loss=loss, seed=int(seed),
                                 hidden=parse_widths(hidden), exclude_classes=parse_classes(exclude), **chosen)
    except ConfigError as exc:
        st.error(str(exc))
        cfg = None
    if cfg is not None and find(cfg.id) is not None:  # the same id: the same configuration
        st.success(f"This configuration was trained before: {cfg.id}, served from the cache.")
        st.button("Open it in the sidebar", on_click=_open, args=(cfg.id,), key="tr_open_cached")
    elif cfg is not None and (other := trainer.start(cfg, record_learning=record)) is not None:
        st.warning(f"A training run is in progress (model {other.cfg.model}); try again when it finishes.")


def ended(run: runs.Run, elapsed: float) -> None:
    """What became of the run, and what can be done next."""
    state = run.state()
    cfg = run.cfg
    if state == "done":
        st.success(f"Done in {elapsed:.0f} s: {cfg.id}. It is in the sidebar's checkpoint list.")
        # Not a callback: this button is in the fragment, whose rerun leaves the sidebar's picker
        # as the browser shows it, and the browser would send its old value back on the next
        # page. A whole-app rerun draws the picker with the new checkpoint.
        if st.button("Open it in the sidebar", key="tr_open_done"):
            _open(cfg.id)
            st.rerun()
        return
    (st.warning if state == "cancelled" else st.error)(runs.outcome(run))
    # Not a callback either: the page's polling starts with a whole-app rerun.
    if run.continuable() and find(cfg.id) is None and st.button(
            "Continue" if run.progress.finished else "Start again", key="tr_continue"):
        if (other := trainer.start(cfg, record_learning=run.records_learning())) is None:
            st.rerun()
        st.warning(f"A training run is in progress (model {other.cfg.model}); try again when it finishes.")


def progress(was_running: bool):
    run = trainer.run
    if run is None:
        st.caption("No training run yet on this server.")
        return
    cfg, p = run.cfg, run.progress
    without = f" without class {', '.join(map(str, cfg.exclude_classes))}" if cfg.exclude_classes else ""
    st.subheader(f"{cfg.model} on {cfg.dataset}{without}, {code_phrase(cfg)}, {cfg.epochs} epochs")
    if trainer.busy():
        elapsed = time.time() - run.started
        frac = min(p.step / p.total, 1.0) if p.total else 0.0
        st.progress(frac, text=f"epoch {max(p.epoch, 1)}/{cfg.epochs}, step {p.step}/{p.total or '?'}, "
                               f"{elapsed:.0f} s" + ("" if p.total else " (loading the data)"))
        st.button("Cancel", key="tr_cancel", on_click=trainer.cancel,
                  help="Stops the run; its finished epochs are kept, and Continue trains on from them.")
    elif was_running:
        st.rerun()  # the run just ended: a full rerun shows it in the sidebar and stops the polling
    else:
        ended(run, p.history[-1]["seconds"] if p.history else 0.0)
    if p.losses:
        left, right = st.columns(2)
        left.caption("Training loss per step" + (" (averaged over groups of steps)" if
                                                  len(p.losses) > training_curves.MAX_POINTS else ""))
        losses = [{"step": step, "loss": loss} for step, loss in p.losses]
        training_curves.line_chart(left, losses, "step", ["loss"], 240)
        if p.history:
            right.caption("Test MSE per epoch")
            training_curves.line_chart(right, list(p.history), "epoch", ["test_mse"], 240)


# Polls the shared run once a second while it trains; only this part of the page reruns.
running = trainer.busy()
st.fragment(progress, run_every=1.0 if running else None)(running)
