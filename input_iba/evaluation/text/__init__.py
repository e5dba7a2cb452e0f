"""Text metrics, one per file."""
