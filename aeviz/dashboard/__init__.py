"""The Streamlit dashboard's shared parts: caches, background jobs, the latent map figure,
the latent-slider component and small UI helpers. The pages themselves live in views/."""
