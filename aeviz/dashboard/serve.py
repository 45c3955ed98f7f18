"""`aeviz app`: `streamlit run` on the package's own server (server.py: the router app.py as
an st.App) with the package's own settings (config.toml beside this file), so the dashboard
behaves the same from any folder, in a checkout or from a wheel. Streamlit options given by
the user come last and win."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
SERVER = HERE / "server.py"
CONFIG = HERE / "config.toml"


def config_flags(path: Path = CONFIG) -> list[str]:
    """config.toml as `streamlit run` flags: {"server": {"headless": True}} -> --server.headless=true.
    Streamlit reads a config file only from the working folder or the home folder, so the
    package's settings travel as flags."""
    flags = []
    for section, options in tomllib.loads(path.read_text()).items():
        for key, value in options.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{key}={text}")
    return flags


def command(streamlit_args: list[str]) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(SERVER), *config_flags(), *streamlit_args]


def serve(streamlit_args: list[str]) -> int:
    """Run the dashboard until it is stopped; returns Streamlit's exit code."""
    cmd = command(streamlit_args)
    if os.name == "posix":  # Streamlit takes this process's place: Ctrl-C and signals reach it directly
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(cmd[0], cmd)
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0
