"""The audit log pages: a position's events for its chairs, every event for admins."""
