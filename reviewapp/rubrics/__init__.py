"""Rubrics: versioned sets of weighted criteria."""
