"""Review rounds (stages) managed by the chair in the browser."""
