"""aeviz as users install it: a wheel built from this checkout, installed into a new
virtual environment and run from a folder that is not the checkout, serves the dashboard
with the shipped checkpoints (`aeviz app`), and Chromium sees its first page."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from support.server import CHROMIUM, CHROMIUM_ARGS, ERRORS_JS, ROOT, SLOW, Server, free_port, settle, stop, \
    wait_healthy

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel of the files a clone would have (tracked, and new ones git does not ignore),
    built in a copy: an in-tree build leaves build/ behind, whose stale files can slip into
    the next wheel."""
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    # No build isolation: the build needs only setuptools, which this venv has; an isolated
    # build would fetch it from the network.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(src)], check=True, timeout=600)
    (path,) = out.glob("aeviz-*.whl")
    return path


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A new venv with the wheel installed. Its dependencies (torch alone is gigabytes) come
    from this environment through a .pth line, appended after the new venv's own
    site-packages, so `import aeviz` finds the wheel's copy and never this checkout."""
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=300)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True, timeout=600)
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    (site / "aeviz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env_dir


def test_the_wheel_carries_the_dashboard_and_the_shipped_checkpoints(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "aeviz" / "shipped").iterdir() if p.suffix in (".safetensors", ".npz")}
    assert shipped and {f"aeviz/shipped/{n}" for n in shipped} <= names
    views = {p.name for p in (ROOT / "aeviz" / "dashboard" / "views").glob("*.py")}
    assert {f"aeviz/dashboard/views/{n}" for n in views} <= names
    assert {"aeviz/dashboard/app.py", "aeviz/dashboard/config.toml"} <= names
    # the browser decoder's runtime, served by the dashboard itself
    ort = {p.name for p in (ROOT / "aeviz" / "dashboard" / "static" / "ort").iterdir()}
    assert {"ort-wasm-simd-threaded.wasm", "LICENSE"} <= ort and {f"aeviz/dashboard/static/ort/{n}" for n in ort} <= names
    # the components built from web/, and the map's WebGL scatter
    for folder in ("map", "walk", "scrubber", "sampler", "explorer", "scatter"):
        built = {p.name for p in (ROOT / "aeviz" / "dashboard" / "static" / folder).iterdir()}
        assert built and {f"aeviz/dashboard/static/{folder}/{n}" for n in built} <= names, folder


def test_installed_aeviz_runs_from_its_own_files_elsewhere(venv, tmp_path):
    python = venv / "bin" / "python"
    out = subprocess.run([str(python), "-c", "import aeviz, aeviz.checkpoints as c; print(aeviz.__file__); "
                          "print(len(c.list_checkpoints()))"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "AEVIZ_CHECKPOINTS": str(tmp_path / "none")})
    assert out.returncode == 0, out.stderr
    where, count = out.stdout.split()
    assert Path(where).is_relative_to(venv) and int(count) >= 1


def test_aeviz_app_from_a_wheel_serves_the_first_page(venv, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not on PATH (CI installs it; locally: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port, log = free_port(), tmp_path / "app.log"
    env = {**os.environ, "AEVIZ_CHECKPOINTS": str(tmp_path / "checkpoints"), "AEVIZ_CACHE": str(tmp_path / "cache")}
    with open(log, "w") as out:
        proc = subprocess.Popen([str(venv / "bin" / "aeviz"), "app", "--server.port", str(port),
                                 "--server.address", "127.0.0.1"],
                                cwd=elsewhere, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_healthy(server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(server.url, timeout=SLOW)
            page.get_by_role("heading", name="Reconstructions").wait_for(timeout=SLOW)
            settle(page)
            assert page.evaluate(ERRORS_JS) == []
            assert "VAE · mnist5k · 16-d code" in page.locator("[data-testid=stSidebar]").inner_text()
            page.locator("[data-testid=stImage] img").first.wait_for(timeout=SLOW)  # the page's pictures arrive
            browser.close()
    finally:
        stop(server)
    assert "Traceback" not in log.read_text()
