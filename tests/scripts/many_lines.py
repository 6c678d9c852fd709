"""Prints as many lines as its first argument says (100,000 if none), then a last one
with no newline, as a program with a progress counter or a chatty loop does."""

import sys

for i in range(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000):
    print(f"line {i} of the script's output")
sys.stdout.write("all done, no newline")
