"""Reviewer assignment: affinity from texts and the optimal solver (pure: see `solver`)."""
