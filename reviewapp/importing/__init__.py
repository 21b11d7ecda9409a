"""CV import: files to text to candidate profiles."""
