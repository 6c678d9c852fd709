"""The leak check itself must be able to fail: run a leaking test and watch it fail."""

from __future__ import annotations

from helpers.paths import TESTS


def test_a_test_that_leaves_a_child_fails(pytester):
    # The real conftest.py (its leak check), which imports nothing of tests/helpers at its top.
    pytester.makeconftest((TESTS / "conftest.py").read_text())
    pytester.makepyfile(
        test_leaky="""
import subprocess, os, time

def test_leaves_a_sleeper():
    subprocess.Popen(["sleep", "30"])

def test_leaves_a_zombie():
    pid = os.fork()
    if pid == 0:
        os._exit(0)

def test_leaves_an_orphan():
    # The middle process exits at once; its child is re-parented to the test run.
    subprocess.Popen(["sh", "-c", "sleep 30 & exit 0"]).wait()

def test_clean():
    subprocess.run(["true"], check=True)
""",
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=3)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_a_sleeper*",
            "E*test left processes behind:",
            "E*sleeping sleep 30",
            "*ERROR at teardown of test_leaves_a_zombie*",
            "E*test left processes behind:",
            "E*zombie <defunct>",
            "*ERROR at teardown of test_leaves_an_orphan*",
            "E*test left processes behind:",
            "E*sleeping sleep 30",
        ]
    )
