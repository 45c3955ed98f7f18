"""aeviz dashboard: the router and the shared sidebar (which checkpoint, which split).

`aeviz app` serves this file; `streamlit run app.py` in a checkout runs the shim beside
the repo's README, which calls main(). Each page in views/ is a short script of widgets
and calls into aeviz; the pages are named by absolute path, so the router works from
wherever it was installed."""
from pathlib import Path

import streamlit as st

from aeviz.dashboard import ui

VIEWS = Path(__file__).resolve().parent / "views"


def main() -> None:
    # The tab's icon is a file of our own: a material icon there is fetched from Google's font
    # server, which an offline dashboard cannot reach (the pages' icons come with Streamlit).
    st.set_page_config(page_title="aeviz: what did the autoencoder learn?",
                       page_icon=str(Path(__file__).resolve().parent / "favicon.png"), layout="wide")
    pages = [
        # The default page is served at the app's root URL.
        st.Page(VIEWS / "reconstructions.py", title="Reconstructions", icon=":material/compare:", default=True),
        st.Page(VIEWS / "latent_map.py", title="Latent map", icon=":material/scatter_plot:", url_path="latent-map"),
        st.Page(VIEWS / "interpolation.py", title="Interpolation", icon=":material/linear_scale:",
                url_path="interpolation"),
        st.Page(VIEWS / "latent_walk.py", title="Latent walk", icon=":material/tune:", url_path="latent-walk"),
        st.Page(VIEWS / "attributes.py", title="Attributes", icon=":material/swap_horiz:", url_path="attributes"),
        st.Page(VIEWS / "sampling.py", title="Sampling", icon=":material/casino:", url_path="sampling"),
        st.Page(VIEWS / "denoise.py", title="Denoise", icon=":material/auto_fix_high:", url_path="denoise"),
        st.Page(VIEWS / "colorize.py", title="Colorize", icon=":material/palette:", url_path="colorize"),
        st.Page(VIEWS / "applications.py", title="Applications", icon=":material/insights:", url_path="applications"),
        st.Page(VIEWS / "compare.py", title="Compare", icon=":material/view_column:", url_path="compare"),
        st.Page(VIEWS / "train.py", title="Train", icon=":material/model_training:", url_path="train"),
    ]
    page = st.navigation(pages)
    ui.sidebar()
    page.run()


if __name__ == "__main__":  # how Streamlit runs its main script
    main()
