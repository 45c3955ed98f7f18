"""The Streamlit dashboard: caches, background jobs, the latent map figure, the
latent-slider component and small UI helpers; the pages live in views/, the router in
app.py."""
