"""Reviews and their per-criterion scores."""
