"""The one-cycle learning rate: its shape, and that training follows it."""
import pytest
import torch

import aeviz
import aeviz.training.loop
from aeviz.training import schedule


def test_onecycle_warms_up_peaks_and_anneals():
    f = [schedule.factor("onecycle", p / 100) for p in range(101)]
    peak = f.index(max(f))
    assert f[0] == pytest.approx(1 / schedule.START_DIV) and f[-1] == pytest.approx(1 / schedule.END_DIV)
    assert peak == round(100 * schedule.WARMUP) and f[peak] == pytest.approx(1.0)
    assert all(a < b for a, b in zip(f[:peak], f[1:peak + 1])) and all(a > b for a, b in zip(f[peak:], f[peak + 1:]))
    assert schedule.factor("constant", 0.5) == 1.0


def test_each_optimizer_keeps_its_own_base_rate():
    params = [torch.nn.Parameter(torch.zeros(1))]
    opts = [torch.optim.Adam(params, lr=1e-3), torch.optim.Adam(params, lr=4e-3)]
    schedule.set_rate(opts, "onecycle", schedule.WARMUP)
    schedule.set_rate(opts, "onecycle", 1.0)
    assert [o.param_groups[0]["lr"] for o in opts] == pytest.approx([1e-3 / schedule.END_DIV, 4e-3 / schedule.END_DIV])
    schedule.set_rate(opts, "constant", 0.5)  # a constant schedule leaves the optimizer alone
    assert opts[0].param_groups[0]["lr"] == pytest.approx(1e-3 / schedule.END_DIV)


def test_a_schedule_changes_the_id_only_when_it_is_used():
    cfg = aeviz.defaults_for("conv")
    assert cfg.replace(schedule="constant").id == cfg.id != cfg.replace(schedule="onecycle").id
    assert "schedule" not in cfg.canonical_json()
    with pytest.raises(aeviz.ConfigError, match="Unknown schedule 'cosine'; choose one of: constant, onecycle."):
        cfg.replace(schedule="cosine")


def test_training_follows_the_schedule(monkeypatch, small_data):
    seen = []
    real = schedule.set_rate
    monkeypatch.setattr(aeviz.training.loop, "set_rate", lambda opts, s, p: (real(opts, s, p), seen.append(
        opts[0].param_groups[0]["lr"])))
    cfg = aeviz.defaults_for("conv", dataset="digits", epochs=2, batch_size=16, lr=1e-2, schedule="onecycle")
    aeviz.training.loop.fit(cfg)
    assert len(seen) == 12 and seen[0] == pytest.approx(1e-2 / schedule.START_DIV)
    assert max(seen) > 0.9e-2 and seen[-1] < 1e-3 and seen.index(max(seen)) in (3, 4)
