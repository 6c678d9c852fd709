"""proctui: see and teach how Unix processes live and die under Python's multiprocessing."""

__version__ = "0.1.0"
