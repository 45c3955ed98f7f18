"""Training: the loop, its schedule, resume state, data-parallel processes and how a run is carried out."""
