"""Candidates and their documents."""
