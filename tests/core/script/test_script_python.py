"""proctui run --python PYTHON FILE: the script under the learner's own interpreter, with
nothing of proctui's environment; what runs inside it needs only the standard library;
and every PYTHON that cannot be used is refused before anything of the script starts."""

from __future__ import annotations

import functools
import glob
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input

import proctui
from helpers.app_screen import refused
from helpers.events import assert_refused, events_of
from helpers.script_driver import EXAMPLES, Driver, run_to_the_end, source_line
from helpers.waiting import pilot_wait_until, wait_until
from proctui import cli
from proctui.core.events import Output, Refusal, ScriptForked, ScriptStarted
from proctui.core.lab.lab import Lab, LabError
from proctui.core.procfs.snapshot import children
from proctui.core.script import interpreter as script_python
from proctui.core.script.runner import (
    NEEDS_A_FILE,
    NEEDS_A_FOLLOW,
    NEEDS_A_PYTHON,
    ScriptToRun,
    check_script,
    parse_run,
)
from proctui.ui.app import ProcTUI
from proctui.ui.dialogs.run_script import RunScriptScreen, complete_path

OURS = sys.version_info[:2]
PYENV = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")


@functools.cache
def version_of(python: str) -> tuple[int, int, int] | None:
    """What python says it is, or None if it cannot be run as a Python."""
    try:
        done = subprocess.run([python, "-E", "-s", "-S", "-c", "import sys; print('%d %d %d' % sys.version_info[:3])"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    words = done.stdout.split()
    return (int(words[0]), int(words[1]), int(words[2])) if done.returncode == 0 and len(words) == 3 else None


def another_python() -> tuple[str, tuple[int, int, int]] | None:
    """A CPython 3.10-3.15 of another version than the one running the tests: pyenv's
    (the host's 3.10-3.13), else one on PATH (in the Debian root, the other of 3.14 and 3.15)."""
    candidates = sorted(glob.glob(f"{PYENV}/versions/3.*/bin/python3.*"))
    candidates += [found for minor in range(10, 16) if (found := shutil.which(f"python3.{minor}"))]
    for candidate in candidates:
        if not re.search(r"/python3\.\d+$", candidate):
            continue  # python3.12-config, python3.12-gdb.py
        version = version_of(candidate)
        if version is not None and version[:2] != OURS and (3, 10) <= version[:2] <= (3, 15):
            return candidate, version
    return None


def pyenv_python(prefix: str) -> str | None:
    """pyenv's python of a version that must be refused (2.7, 3.9), if there is one."""
    found = sorted(glob.glob(f"{PYENV}/versions/{prefix}.*/bin/python{prefix}"))
    return found[0] if found else None


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory) -> tuple[str, tuple[int, int, int]]:
    """A virtual environment of another Python with no package at all (not even pip):
    only the standard library can be imported there."""
    other = another_python()
    if other is None:
        pytest.skip(f"no CPython 3.10-3.15 other than this {OURS[0]}.{OURS[1]} here (pyenv, PATH)")
    python, version = other
    venv = tmp_path_factory.mktemp("bare-venv")
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    return str(venv / "bin" / "python"), version


def nothing_started(lab: Lab, events: list) -> bool:
    return lab.processes == [] and lab.scripts.record is None and not events_of(events, ScriptStarted)


# -- the script under another Python -------------------------------------------------------

USER_SCRIPT = '''\
import importlib.util
import multiprocessing
import sys

import greeting  # a module of the user's own, beside the script


def child(method):
    print(f"{method} child: {greeting.hello()} under Python {sys.version_info[0]}.{sys.version_info[1]}", flush=True)


if __name__ == "__main__":
    print(f"Python {sys.version_info[0]}.{sys.version_info[1]} of {sys.prefix}, -O {sys.flags.optimize}, "
          f"argv {sys.argv[1:]}", flush=True)
    print("psutil:", importlib.util.find_spec("psutil") is not None,
          "textual:", importlib.util.find_spec("textual") is not None, flush=True)
    for method in ("fork", "spawn"):
        p = multiprocessing.get_context(method).Process(target=child, args=(method,))
        p.start()
        p.join()
        print(f"{method} child exit code {p.exitcode}", flush=True)
    sys.exit(3)
'''


def test_a_script_runs_under_another_python_as_that_python_runs_it(lab, lab_events, bare_venv, tmp_path):
    """Under the bare venv's python (another version than proctui's, with no package):
    stepped over p.start() (fork returns twice, in the other Python's multiprocessing), then
    run to its end, it prints and exits as `python -O FILE ARG` gives, its fork and spawn
    children included; proctui's packages are not on its path."""
    python, version = bare_venv
    script = tmp_path / "mine.py"
    script.write_text(USER_SCRIPT)
    (tmp_path / "greeting.py").write_text("def hello():\n    return 'hello'\n")
    plain = subprocess.run([python, "-O", str(script), "an arg"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=120)
    expected = plain.stdout.splitlines()
    assert plain.returncode == 3 and expected[:2] == [
        f"Python {version[0]}.{version[1]} of {os.path.dirname(os.path.dirname(python))}, -O 1, argv ['an arg']",
        "psutil: False textual: False"], plain.stdout

    driver = Driver(lab, lab_events)
    record = lab.scripts.start(str(script), ("an arg",), optimize=True, on_pause=driver._reported.put, python=python)
    [started] = events_of(lab_events, ScriptStarted)
    assert (started.python, started.python_version) == (python, ".".join(map(str, version)))
    driver.step_until(record.pid, "next", lambda p: source_line(p) == "p.start()")
    driver.send(record.pid, "next")  # the fork child: fork() returns twice
    [forked] = wait_until(lambda: events_of(lab_events, ScriptForked), what="the fork child's hello")
    child_side = driver.pause_of(forked.pid)
    # Where fork() returned 0, in that Python's own multiprocessing (popen_fork; from 3.14
    # first the resource tracker's at-fork code).
    assert f"/python{version[0]}.{version[1]}/multiprocessing/" in child_side.file, child_side
    assert run_to_the_end(driver, record.pid, "continue") == plain.returncode
    wait_until(lambda: len(events_of(lab_events, ScriptForked)) == 2, what="the spawn child's hello")
    [fork_child, spawn_child] = events_of(lab_events, ScriptForked)
    assert (fork_child.via, spawn_child.via) == ("fork", "spawn")

    def lines(pid: int) -> list[str]:
        return [event.line for event in events_of(lab_events, Output, pid)]

    wait_until(lambda: lines(fork_child.pid) and lines(spawn_child.pid), what="the children's lines")
    assert lines(record.pid) == [line for line in expected if " child: " not in line]
    assert lines(fork_child.pid) + lines(spawn_child.pid) == [line for line in expected if " child: " in line]


@pytest.mark.parametrize("example", [EXAMPLES[0]], ids=lambda path: path.name)
def test_an_example_runs_to_its_end_under_another_python(driver, bare_venv, example):
    python, _ = bare_venv
    record = driver.lab.scripts.start(str(example), on_pause=driver._reported.put, python=python)
    assert run_to_the_end(driver, record.pid, "next") == 0
    said = " ".join(event.line for event in events_of(driver.events, Output))
    assert "Traceback" not in said, said


def test_what_runs_in_the_script_s_processes_needs_only_the_standard_library(tmp_path):
    """host and the modules beside it (the script process, its forks) and sitecustomize (spawn children, the
    fork server), with the English fallback of sitecustomize's message: imported with
    nothing but the standard library and a directory holding a link to proctui on the
    path, as the script's processes get it, each module they load is the standard
    library's or one of these few of proctui's."""
    package = Path(proctui.__file__).resolve().parent
    only_proctui = tmp_path / "python-path"
    only_proctui.mkdir()
    (only_proctui / "proctui").symlink_to(package)
    code = (
        "import sys\n"
        f"sys.path[:0] = [{str(package / 'core' / 'script' / 'site')!r}, {str(only_proctui)!r}]\n"
        "import json, sitecustomize, proctui.core.script.host, proctui.core.i18n, sysconfig\n"
        "stdlib = [sysconfig.get_path('stdlib'), sysconfig.get_path('platstdlib')]\n"
        "print(json.dumps({name: any((getattr(module, '__file__', None) or '').startswith(place) for place in stdlib)\n"
        "                  for name, module in list(sys.modules.items())}))\n"
    )
    # -S: not even site-packages (proctui's virtual environment) is on the path.
    done = subprocess.run([sys.executable, "-E", "-s", "-S", "-c", code], capture_output=True, text=True, timeout=60,
                          env={"PATH": os.environ.get("PATH", "")}, check=True)
    in_stdlib_folder = json.loads(done.stdout)
    loaded = set(in_stdlib_folder)
    ours = {name for name in loaded if name.split(".")[0] == "proctui"}
    host = {"host", "host_channel", "host_reaper", "host_tracer", "breakpoints", "fork_hooks", "subprocess_patch",
            "protocol"}
    assert ours == {"proctui", "proctui.core", "proctui.core.script", "proctui.core.stepping",
                    *(f"proctui.core.script.{name}" for name in host), "proctui.core.linux",
                    "proctui.core.stepping.values", "proctui.core.i18n", "proctui.core.start_method"}
    # The standard library's by name, or by where it lies: a distribution may add modules of
    # its own there (Debian's 3.15 loads _missing_stdlib_info when an import fails).
    others = {name for name in loaded - ours
              if name.split(".")[0] not in sys.stdlib_module_names and not in_stdlib_folder[name]}
    assert others <= {"__main__", "sitecustomize"}, others
    assert "multiprocessing" not in loaded  # not before the script imports it: python FILE would not


# -- syntax: the script is compiled by the Python that runs it -----------------------------

#: Syntax a version brought (so a Python before it cannot compile it).
NEW_SYNTAX = {
    (3, 11): "try:\n    pass\nexcept* ValueError:\n    pass\n",
    (3, 12): "type Number = int\n",
    (3, 14): 'greeting = t"hello"\n',
    (3, 15): "lazy import json\n",
}


def test_the_script_is_compiled_by_the_python_that_runs_it(lab, lab_events, bare_venv, tmp_path):
    python, version = bare_venv
    older, newer = sorted([OURS, version[:2]])
    brought = [since for since in NEW_SYNTAX if older < since <= newer]
    if not brought:
        pytest.skip(f"no syntax new between {older} and {newer}")
    script = tmp_path / "newer.py"
    script.write_text(NEW_SYNTAX[brought[-1]] + "print('ran')\n")
    if version[:2] < OURS:
        check_script(str(script))  # proctui's own Python compiles it ...
        with pytest.raises(LabError) as under_other:  # ... the older one the user named does not
            lab.scripts.start(str(script), python=python)
        assert_refused(under_other, Refusal.SCRIPT_SYNTAX, version=".".join(map(str, version)))
        assert nothing_started(lab, lab_events)
        return
    with pytest.raises(LabError) as under_ours:  # proctui's own Python cannot compile it ...
        lab.scripts.start(str(script))
    assert_refused(under_ours, Refusal.SCRIPT_SYNTAX, version=None)
    assert nothing_started(lab, lab_events)
    driver = Driver(lab, lab_events)  # ... the newer one the user named runs it
    record = lab.scripts.start(str(script), on_pause=driver._reported.put, python=python)
    assert run_to_the_end(driver, record.pid, "continue") == 0
    assert [event.line for event in events_of(lab_events, Output, record.pid)] == ["ran"]


def test_a_syntax_error_is_said_as_the_other_python_finds_it(lab, lab_events, bare_venv, tmp_path):
    python, version = bare_venv
    script = tmp_path / "bad.py"
    script.write_text("x = 1\nif x = 1:\n    pass\n")
    with pytest.raises(LabError) as refusal:
        lab.scripts.start(str(script), python=python)
    assert_refused(refusal, Refusal.SCRIPT_SYNTAX, line=2, version=".".join(map(str, version)))
    assert "if x = 1" in (refusal.value.refusal.text or "")
    assert nothing_started(lab, lab_events)


# -- what cannot be a script's Python --------------------------------------------------------


def executable(path: Path, text: str) -> str:
    path.write_text(text)
    path.chmod(0o755)
    return str(path)


def refusal_cases(tmp_path: Path) -> dict[str, tuple[str, Refusal, dict]]:
    """A PYTHON that cannot be used, the refusal, and facts it must carry."""
    notes = tmp_path / "notes.txt"
    notes.write_text("not a program\n")
    cases: dict[str, tuple[str, Refusal, dict]] = {
        "a directory": (str(tmp_path), Refusal.PYTHON_IS_DIRECTORY, {"program": str(tmp_path)}),
        "a text file": (str(notes), Refusal.PYTHON_NOT_EXECUTABLE, {"program": str(notes)}),
        "an executable text file": (executable(tmp_path / "no-interpreter-line", "print('hi')\n"),
                                    Refusal.PYTHON_NOT_PYTHON, {"error": os.strerror(8), "text": None}),  # ENOEXEC
        "/bin/true": (os.path.realpath("/bin/true"), Refusal.PYTHON_NOT_PYTHON, {"exitcode": 0, "text": None}),
        "a shell script": (executable(tmp_path / "python", "#!/bin/sh\necho 'I am not Python'\nexit 4\n"),
                           Refusal.PYTHON_NOT_PYTHON, {"exitcode": 4, "text": "I am not Python"}),
        "PyPy, say": (executable(tmp_path / "pypy3", "#!/bin/sh\necho 'proctui-python PyPy 3.10.14'\n"),
                      Refusal.PYTHON_NOT_CPYTHON, {"version": "PyPy 3.10.14"}),
        "a name not on PATH": ("python3.99-nowhere", Refusal.PYTHON_NOT_ON_PATH, {"program": None}),
        "a path to nothing": (str(tmp_path / "venv" / "bin" / "python"), Refusal.PYTHON_MISSING, {}),
    }
    return cases


CASES = ["a directory", "a text file", "an executable text file", "/bin/true", "a shell script", "PyPy, say",
         "a name not on PATH", "a path to nothing"]


@pytest.mark.parametrize("case", CASES)
def test_a_python_that_cannot_be_used_is_refused_and_nothing_runs(lab, lab_events, tmp_path, case):
    python, reason, facts = refusal_cases(tmp_path)[case]
    with pytest.raises(LabError) as refusal:
        lab.scripts.start(str(EXAMPLES[0]), python=python)
    assert_refused(refusal, reason, value=python, **facts)
    assert nothing_started(lab, lab_events)


@pytest.mark.parametrize("version", ["2.7", "3.9"])
def test_a_python_too_old_is_refused_with_its_version(lab, lab_events, version):
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"no Python {version} here (pyenv)")
    with pytest.raises(LabError) as refusal:
        lab.scripts.start(str(EXAMPLES[0]), python=python)
    assert_refused(refusal, Refusal.PYTHON_VERSION, value=python, program=python)
    assert str(refusal.value.refusal.version).startswith(f"{version}.")
    assert "3.10 to 3.15" in str(refusal.value)
    assert nothing_started(lab, lab_events)


def test_a_python_on_path_is_found_by_its_name(lab, lab_events, tmp_path, monkeypatch):
    """A name is looked up on PATH as a shell does; what it stands for is said."""
    executable(tmp_path / "my-python", "#!/bin/sh\necho 'proctui-python CPython 3.9.18'\n")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(LabError) as refusal:
        lab.scripts.start(str(EXAMPLES[0]), python="my-python")
    assert_refused(refusal, Refusal.PYTHON_VERSION, value="my-python", program=str(tmp_path / "my-python"),
                   version="3.9.18")
    assert nothing_started(lab, lab_events)


def test_a_program_that_does_not_answer_is_given_up_and_leaves_nothing(lab, lab_events, tmp_path, monkeypatch):
    """No answer in time: refused, the program ended, and what it started in the
    background too (the leak check of conftest sees any process left)."""
    monkeypatch.setattr(script_python, "ASK_SECONDS", 1)
    before = our_children()
    hangs = executable(tmp_path / "hangs", "#!/bin/sh\nsleep 60 &\nexec sleep 60\n")
    with pytest.raises(LabError) as refusal:
        lab.scripts.start(str(EXAMPLES[0]), python=hangs)
    assert_refused(refusal, Refusal.PYTHON_NOT_PYTHON, limit=1, exitcode=None, error=None)
    # At once, not after the lab's shutdown: the orphaned sleep came to us (a subreaper),
    # was killed and reaped, not left a zombie.
    assert our_children() == before and nothing_started(lab, lab_events)
    left_behind = executable(tmp_path / "leaves", "#!/bin/sh\nsleep 60 &\necho not python\n")
    with pytest.raises(LabError) as refusal:
        lab.scripts.start(str(EXAMPLES[0]), python=left_behind)
    assert_refused(refusal, Refusal.PYTHON_NOT_PYTHON, text="not python", exitcode=0)
    assert our_children() == before and nothing_started(lab, lab_events)


def our_children() -> set[int]:
    return {info.pid for info in children(os.getpid())}


# -- the command line and r's prompt ---------------------------------------------------------


def test_run_s_words():
    assert parse_run(["a.py"]) == ScriptToRun("a.py")
    assert parse_run(["--python", "python3.14", "-O", "a.py", "-O", "x"]) == ScriptToRun(
        "a.py", ("-O", "x"), True, "python3.14")  # after FILE, the words are the script's
    assert parse_run(["-O", "--python=venv/bin/python", "a.py"]) == ScriptToRun("a.py", (), True, "venv/bin/python")
    assert parse_run(["--follow", "child", "a.py", "--follow", "x"]) == ScriptToRun(
        "a.py", ("--follow", "x"), follow="child")
    assert parse_run(["--follow=parent", "-O", "a.py"]) == ScriptToRun("a.py", (), True, follow="parent")
    for words, missing in ((["--python"], NEEDS_A_PYTHON), (["--python="], NEEDS_A_PYTHON),
                           (["--python", "python3"], NEEDS_A_FILE), (["-O"], NEEDS_A_FILE),
                           (["--follow"], NEEDS_A_FOLLOW), (["--follow", "sideways", "a.py"], NEEDS_A_FOLLOW),
                           (["--follow=", "a.py"], NEEDS_A_FOLLOW)):
        with pytest.raises(ValueError, match=re.escape(missing)):
            parse_run(words)


@pytest.mark.parametrize(("lang", "said"), [("en", "--python needs a PYTHON"), ("zh", "--python 后面要跟一个 PYTHON")])
def test_proctui_run_without_python_s_value_stops_at_once(capsys, lang, said):
    with pytest.raises(SystemExit) as ended:
        cli.main(["--lang", lang, "run", "--python"])
    assert ended.value.code == 2 and said in capsys.readouterr().err


def test_the_prompt_completes_python_s_path_and_the_script_s(tmp_path, monkeypatch):
    (tmp_path / "venv").mkdir()
    (tmp_path / "mine.py").write_text("")
    monkeypatch.chdir(tmp_path)
    assert complete_path("--python ve") == "--python venv/"
    assert complete_path("--python venv/ -O mi") == "--python venv/ -O mine.py"
    assert complete_path("-O --python=venv mi") == "-O --python=venv mine.py"
    assert complete_path("mine.py mi") is None  # the script's arguments are not paths


async def test_a_python_refused_at_the_command_line_is_said_in_the_log(tmp_path):
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, script=ScriptToRun(str(EXAMPLES[0]), python=str(tmp_path)))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot_wait_until(pilot, lambda: refused(app, Refusal.PYTHON_IS_DIRECTORY, value=str(tmp_path)),
                                   what="the refusal")
            assert not app.main_screen.script_open and lab.processes == []
    finally:
        lab.shutdown()


async def test_r_takes_python_as_proctui_run_does(bare_venv):
    python, version = bare_venv
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("r")
            await pilot_wait_until(pilot, lambda: isinstance(app.screen, RunScriptScreen), what="the prompt")
            app.screen.query_one("#script-path", Input).value = f"--python {python} {EXAMPLES[0]}"
            await pilot.press("enter")
            [started] = await pilot_wait_until(pilot, lambda: events_of(app.main_screen.event_log.events,
                                                                        ScriptStarted), what="the script started")
            assert (started.python, started.python_version) == (python, ".".join(map(str, version)))
            await pilot_wait_until(pilot, lambda: app.main_screen.script_open, what="its viewer")
    finally:
        lab.shutdown()
