"""The landing dashboard for every role."""
