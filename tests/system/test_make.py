"""The two commands README opens with, and test-versions, as make runs them: what must fail
fails, and what is skipped says so."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers.paths import ROOT

#: The virtual environment these tests run in, as the Makefile names it (.venv, .venv-3.X...).
VENV = os.path.relpath(sys.prefix, ROOT)


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, MAKEFLAGS=""), stdin=subprocess.DEVNULL)


def test_make_test_fails_when_pytest_runs_no_test():
    done = make("test", "STATIC=0", f"VENV={VENV}", "ARGS=-k no_test_has_this_name -p no:cacheprovider")
    assert done.returncode != 0, done.stdout + done.stderr
    assert "make test: pytest ran no tests" in done.stderr


def test_a_python_test_versions_cannot_have_is_named_as_skipped_at_the_end():
    done = make("test-versions", "VERSIONS=3.99")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "== Python 3.99: SKIPPED: not on this machine, and not to be had here" in lines
    assert lines[-1] == "== test-versions: ran on nothing; SKIPPED (not on this machine): 3.99"
