"""Auto classes (only the mapping name tables are synthesized)."""
