"""Benchmarks by concern (speed, quality, reference, roar, text): the index is README.md."""
