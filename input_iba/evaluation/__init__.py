"""Evaluators (one metric per file): vision/, text/, roar/."""
from . import text, vision  # noqa: F401  (registers the evaluators)
