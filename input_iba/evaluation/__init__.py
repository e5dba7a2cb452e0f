"""Evaluators (one metric per file): vision/, text/, roar/."""
from . import roar, text, vision  # noqa: F401  (registers the evaluators)
