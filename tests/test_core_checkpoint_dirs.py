"""Where checkpoints go and are found: $AEVIZ_CHECKPOINTS first, else a checkout's own
checkpoints/ folder (marked by its committed link to the shipped ones), else the user's cache;
a checkout still finds what it trained into the cache before. Nothing here writes into the
repository: the checkout's folder is only named, never written."""
from __future__ import annotations

import shutil
from pathlib import Path

from aeviz import checkpoints
from aeviz.checkpoints import SHIPPED_DIR

ROOT = Path(__file__).resolve().parent.parent
VAE = "vae-mnist5k-e4fbd8312e88"


def test_the_checkouts_checkpoints_folder_shows_the_shipped_ones_through_its_link():
    link = ROOT / "checkpoints" / "shipped"
    assert link.is_symlink() and link.resolve() == SHIPPED_DIR
    assert (link / f"{VAE}.safetensors").is_file()


def test_a_checkout_keeps_new_checkpoints_in_its_own_folder_unless_told_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("AEVIZ_CHECKPOINTS")
    assert checkpoints.user_dir() == ROOT / "checkpoints"
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(tmp_path / "mine"))
    assert checkpoints.user_dir() == tmp_path / "mine"


def test_an_installed_package_keeps_them_in_the_users_cache(monkeypatch, tmp_path):
    # A wheel's package sits in site-packages, with no checkpoints/shipped link beside it.
    monkeypatch.setattr(checkpoints, "CHECKOUT_DIR", tmp_path / "site-packages" / "checkpoints")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AEVIZ_CHECKPOINTS")
    assert checkpoints.user_dir() == tmp_path / "home" / ".cache" / "aeviz" / "checkpoints"


def test_a_checkout_still_finds_what_it_trained_into_the_cache_before(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AEVIZ_CHECKPOINTS")
    old = checkpoints.home_cache_dir()
    old.mkdir(parents=True)
    shutil.copy(SHIPPED_DIR / f"{VAE}.safetensors", old / "earlier.safetensors")
    assert checkpoints.find("earlier") == old / "earlier.safetensors"
    # Told where to look, it looks there alone (what keeps the tests apart from the cache).
    monkeypatch.setenv("AEVIZ_CHECKPOINTS", str(tmp_path / "mine"))
    assert checkpoints.find("earlier") is None
