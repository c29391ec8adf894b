"""Check primitives: one module per kind of place. Each is a pure function of the index and a rule."""
