"""Per-candidate discussion thread for the committee."""
