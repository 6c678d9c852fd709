"""Stepping through the stdlib's own code line by line: the tracer and the stepper, the
values shown without running their code, and the words for each step and line.
"""
