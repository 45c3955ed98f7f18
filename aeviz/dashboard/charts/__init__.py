"""The dashboard's figures: the plotly latent map, the Applications and Compare figures, training curves."""
