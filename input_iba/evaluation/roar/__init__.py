"""Recursive ROAR."""
