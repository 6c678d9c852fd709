"""Helpers for tests that watch real processes, one subject a module (each tested in
tests/helpers/test_*.py)."""
