"""Children for test_stepper, at module level so spawn and forkserver children can import them.

A spawned or forkserver child unpickles its target by module name; test_stepper puts
this directory on sys.path, which the child inherits through multiprocessing's
preparation data.
"""

import sys
import time


def exit_with(code: int) -> None:
    sys.exit(code)


def sleep_a_while(seconds: float = 30.0) -> None:
    # Bounded, so a child outlives a crashed test run by seconds, not forever.
    time.sleep(seconds)
