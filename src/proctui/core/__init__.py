"""proctui's domain: processes, the lab that owns them, and the stepper.

Nothing in this package may import Textual (tests/core/test_architecture.py enforces it),
so the same code can be driven from a test, a script or the UI.
"""
