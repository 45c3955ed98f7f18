"""aeviz dashboard: `streamlit run app.py`.

This file is the router and the shared sidebar (which checkpoint, which split); each page
in views/ is a short script of widgets and calls into aeviz."""
import streamlit as st

from dashboard import ui

st.set_page_config(page_title="aeviz: what did the autoencoder learn?", page_icon=":material/explore:", layout="wide")

PAGES = [
    # The default page is served at the app's root URL.
    st.Page("views/reconstructions.py", title="Reconstructions", icon=":material/compare:", default=True),
    st.Page("views/latent_map.py", title="Latent map", icon=":material/scatter_plot:", url_path="latent-map"),
    st.Page("views/interpolation.py", title="Interpolation", icon=":material/linear_scale:", url_path="interpolation"),
    st.Page("views/latent_walk.py", title="Latent walk", icon=":material/tune:", url_path="latent-walk"),
    st.Page("views/sampling.py", title="Sampling", icon=":material/casino:", url_path="sampling"),
    st.Page("views/denoise.py", title="Denoise", icon=":material/auto_fix_high:", url_path="denoise"),
    st.Page("views/colorize.py", title="Colorize", icon=":material/palette:", url_path="colorize"),
    st.Page("views/train.py", title="Train", icon=":material/model_training:", url_path="train"),
]

page = st.navigation(PAGES)
ui.sidebar()
page.run()
