"""`streamlit run app.py` in a checkout: the dashboard's server as `aeviz app` serves it
wherever aeviz is installed (aeviz/dashboard/server.py; the router is aeviz/dashboard/app.py)."""
import streamlit as st

from aeviz.dashboard import server

app = st.App(server.ROUTER, **server.OPTIONS)  # `streamlit run` serves the App by this name
