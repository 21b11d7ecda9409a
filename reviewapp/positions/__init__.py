"""Positions (a search or a fellowship round), their committees and stages."""
