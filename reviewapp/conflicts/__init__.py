"""Conflict-of-interest detection in CV text (pure: see `detect`)."""
