"""Pure analytics: NumPy/Ibis functions with no Django inside (checked by a test)."""
