"""Fixes: exact, minimal edits of the repository files."""
