"""How good a model is: whole-split metrics and per-image errors, beside PCA."""
