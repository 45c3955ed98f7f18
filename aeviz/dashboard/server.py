"""The dashboard's server: Streamlit's own, as an st.App around the router (app.py), so that
it can add what `streamlit run` on the router alone cannot:
- the static files' precompressed copies, sent as they are (precompressed.py);
- the latent map's thumbnails past its sprite atlas, one a hover (thumbnails.py);
- the first page's modules imported as the server starts, in the background, while the
  browser is still loading Streamlit's front end (about a second): the first run then finds
  them imported (0.15 to 0.2 s of a fresh process here). They need no torch (lazy.py).

`aeviz app` runs `streamlit run` on this file (serve.py), and a checkout's app.py beside the
README builds the same App. Streamlit finds an App by the assignment `app = st.App(...)` in
the file it runs, and has uvicorn import that file as a top-level module ("server" here):
the App is made only then, so that importing aeviz.dashboard.server for ROUTER and OPTIONS
never makes a second one in a process."""
from __future__ import annotations

import contextlib
import importlib
import threading
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from aeviz.dashboard import precompressed, thumbnails

ROUTER = Path(__file__).resolve().parent / "app.py"
# The router and what the first page (views/reconstructions.py) imports that the router does not.
FIRST_PAGE_MODULES = ("aeviz.dashboard.app", "aeviz.dashboard.charts.training_curves")


def _import_first_page() -> None:
    for name in FIRST_PAGE_MODULES:
        importlib.import_module(name)


@contextlib.asynccontextmanager
async def lifespan(_app):
    threading.Thread(target=_import_first_page, name="aeviz-first-page-imports", daemon=True).start()
    yield


OPTIONS = {"middleware": [Middleware(precompressed.Middleware)], "lifespan": lifespan, "routes": thumbnails.ROUTES}

if __name__ == "server":  # run by `streamlit run` (aeviz app)
    app = st.App(ROUTER, **OPTIONS)
