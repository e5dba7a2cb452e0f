"""Image metrics, one per file."""
