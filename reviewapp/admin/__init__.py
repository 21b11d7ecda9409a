"""Administration: accounts and positions."""
