"""The notes on lines of multiprocessing's own source (core/stepping/notes.py), as the two
code viewers show them: a real script stepped with s into p.start() and p.join() under
fork, spawn and forkserver (proctui run), and the table itself against the source of the
interpreter that runs the tests. Tests read the notes' keys, never their words."""

from __future__ import annotations

import ast
import importlib
import inspect
import multiprocessing.popen_fork
import re
from pathlib import Path

import pytest

from helpers.events import events_of
from helpers.paths import SCRIPTS
from helpers.script_driver import Driver, run_to_the_end, source_line
from helpers.waiting import wait_until
from proctui.core.events import ScriptForked
from proctui.core.i18n import words
from proctui.core.script.pauses import SentOn
from proctui.core.script.runner import Ended, Pause
from proctui.core.stepping import notes as line_notes

# The calls stepped into (s), one level deeper each, from the script's p.start() and
# p.join() down to the start method's _launch and poll; every other line is stepped over (n).
DEEPER = frozenset({
    "p.start()", "p.join()", "self._popen = self._Popen(self)", "return Popen(process_obj)",
    "self._launch(process_obj)", "super().__init__(process_obj)", "res = self._popen.wait(timeout)",
    "return self.poll(os.WNOHANG if timeout == 0.0 else 0)",
    "self.sentinel, w = forkserver.connect_to_new_process(self._fds)",
})


def steps(driver: Driver, pid: int, stop, limit: int = 400) -> list[tuple[str, str | None]]:
    """Step pid from where it waits (s into DEEPER, n elsewhere) until a pause meets stop
    or the process ends; (line, key of its note) of every pause before a line."""
    seen: list[tuple[str, str | None]] = []
    item: Pause | Ended | SentOn = driver.paused.pop(pid, None) or driver.next_of(pid)
    for _ in range(limit):
        if not isinstance(item, Pause):  # ended (nothing here sends a process on by itself)
            return seen
        line = source_line(item)
        if item.event == "line":
            note = line_notes.pause_note(item)
            seen.append((line, note.key if note is not None else None))
        if stop(item):
            driver.paused[pid] = item
            return seen
        driver.send(pid, "step" if item.event == "line" and line in DEEPER else "next")
        item = driver.next_of(pid)
    raise AssertionError(f"{pid} went on for {limit} pauses")


def at_module(line: str):
    return lambda pause: pause.func == "<module>" and source_line(pause) == line


def source_of(function) -> str:
    return inspect.getsource(function)


def assert_notes(seen: list[tuple[str, str | None]], expected: dict[str, str]) -> None:
    """Each expected line was paused at, and every pause there had the expected note."""
    for line, key in expected.items():
        keys = {found for at, found in seen if at == line}
        assert keys == {key}, (line, keys, seen)


def common_expected() -> dict[str, str]:
    return {
        "_cleanup()": "start_cleanup",
        "self._popen = self._Popen(self)": "start_popen",
        "return Popen(process_obj)": "ctx_popen",
        "self._launch(process_obj)": "popen_launch",
        "self._sentinel = self._popen.sentinel": "start_sentinel",
        "_children.add(self)": "start_children",
    }


#: join() -> wait() -> poll() under every start method.
JOIN = {"res = self._popen.wait(timeout)": "join_wait", "_children.discard(self)": "join_discard",
        "return self.poll(os.WNOHANG if timeout == 0.0 else 0)": "wait_flag"}


def walk_the_script(driver: Driver, method: str) -> tuple[int, list[tuple[str, str | None]]]:
    """The script stepped into start() until it is back at p.join(): its notes so far."""
    script = driver.start("launch.py", method)
    driver.step_until(script, "next", at_module("p.start()"))
    return script, steps(driver, script, at_module("p.join()"))


def the_child(driver: Driver) -> tuple[int, ScriptForked]:
    """The script's child, from its hello: its PID and the event."""
    [child] = wait_until(lambda: events_of(driver.events, ScriptForked), what="the child's hello")
    assert isinstance(child, ScriptForked) and child.pid is not None
    return child.pid, child


def join_to_the_end(driver: Driver, script: int, seen: list[tuple[str, str | None]]) -> None:
    seen += steps(driver, script, at_module('print("exitcode", p.exitcode)'))
    assert run_to_the_end(driver, script, "continue") == 0
    assert_notes(seen, JOIN)


def test_stepping_into_start_under_fork(driver):
    script, seen = walk_the_script(driver, "fork")
    launch = source_of(vars(multiprocessing.popen_fork.Popen)["_launch"])  # private: not in typeshed
    expected = common_expected() | {
        "from .popen_fork import Popen": "ctx_fork",
        "parent_r, child_w = os.pipe()": "fork_pipe_sentinel",
        "self.pid = os.fork()": "fork_call",
        "if self.pid == 0:": "fork_side_parent",
        "os.close(child_w)": "fork_parent_closes_w",
        "self.sentinel = parent_r": "sentinel",
    }
    if "_fork_intent" in launch:  # 3.14+: the fork sits in a try/finally around the flag
        expected |= {"_fork_intent.preserve_fd = True": "fork_intent_set",
                     "_fork_intent.preserve_fd = False": "fork_intent_reset_parent"}
    assert_notes(seen, expected)
    # fork() returned twice: the child pauses where it returned 0, and is stepped to its end.
    pid, child = the_child(driver)
    assert child.traced and child.parent_pid == script
    child_seen = steps(driver, pid, lambda pause: False)
    child_expected = {
        "if self.pid == 0:": "fork_side_child",
        "code = process_obj._bootstrap(parent_sentinel=child_r)": "fork_bootstrap",
        "os._exit(code)": "fork_exit",
    }
    if "_fork_intent" in launch:
        child_expected["_fork_intent.preserve_fd = False"] = "fork_intent_reset_child"
        assert child_seen[0] == ("_fork_intent.preserve_fd = False", "fork_intent_reset_child")
    if "atexit._clear()" in launch:  # 3.13+: the child's exit handlers are its own
        child_expected["atexit._clear()"] = "fork_atexit_clear"
    assert_notes(child_seen, child_expected)
    # The parent's join reaps it: waitpid with flag 0, and the pid it returns is the child's.
    join_to_the_end(driver, script, seen)
    assert_notes(seen, {"pid, sts = os.waitpid(self.pid, flag)": "waitpid_blocks",
                        "if pid == self.pid:": "poll_reaped"})


def test_stepping_into_start_under_spawn(driver):
    script, seen = walk_the_script(driver, "spawn")
    assert_notes(seen, common_expected() | {
        "from .popen_spawn_posix import Popen": "ctx_spawn",
        "super().__init__(process_obj)": "popen_super",
        "prep_data = spawn.get_preparation_data(process_obj._name)": "prep_data",
        "reduction.dump(process_obj, fp)": "pickle_process",
        "self.pid = util.spawnv_passfds(spawn.get_executable(),": "spawn_exec",
        "self.sentinel = parent_r": "sentinel",
        "f.write(fp.getbuffer())": "spawn_write",
    })
    pid, child = the_child(driver)
    assert child.via == "spawn"
    driver.pause_of(pid)  # at its target's first line: a fresh Python ran nothing of _launch
    driver.send(pid, "continue")
    join_to_the_end(driver, script, seen)
    assert_notes(seen, {"pid, sts = os.waitpid(self.pid, flag)": "waitpid_blocks",
                        "if pid == self.pid:": "poll_reaped"})


def test_stepping_into_start_under_forkserver(driver):
    script, seen = walk_the_script(driver, "forkserver")
    assert_notes(seen, common_expected() | {
        "from .popen_forkserver import Popen": "ctx_forkserver",
        "super().__init__(process_obj)": "popen_super",
        "reduction.dump(process_obj, buf)": "pickle_process",
        "self.sentinel, w = forkserver.connect_to_new_process(self._fds)": "fs_connect",
        "self.ensure_running()": "fs_ensure",
        "reduction.sendfds(client, allfds)": "fs_sendfds",
        "self.pid = forkserver.read_signed(self.sentinel)": "fs_read_pid",
    })
    # The script forked nothing: no line of popen_fork's _launch was run.
    assert not [line for line, _ in seen if line == "self.pid = os.fork()"]
    pid, child = the_child(driver)
    assert child.via == "forkserver" and child.parent_pid != script
    driver.pause_of(pid)
    driver.send(pid, "continue")
    join_to_the_end(driver, script, seen)
    assert_notes(seen, {"timeout = 0 if flag == os.WNOHANG else None": "fs_poll_timeout",
                        "self.returncode = forkserver.read_signed(self.sentinel)": "fs_poll_read"})
    assert not [line for line, _ in seen if "os.waitpid(" in line]


# -- the table against this interpreter's source ------------------------------------------

# Lines that only some of 3.10-3.15 have (read in their sources): the rest must be found
# in every release, so that a note never silently stops being shown.
SOME_RELEASES = {
    ("popen_fork", "_launch"): {"from .resource_tracker import _fork_intent", "_fork_intent.preserve_fd = True",
                                "_fork_intent.preserve_fd = False", "atexit._clear()",
                                "atexit.register(util._exit_function)", "atexit._run_exitfuncs()"},
    ("process", "_bootstrap"): {"util._exit_function()"},
    ("popen_spawn_posix", "_launch"): {"os.close(child_r)", "os.close(child_w)"},
    ("forkserver", "connect_to_new_process"): {"connection.answer_challenge(", "connection.deliver_challenge("},
}


def function_lines(module: str, function: str) -> list[str]:
    """The stripped lines of every def of that name in multiprocessing/<module>.py."""
    path = Path(importlib.import_module(f"multiprocessing.{module}").__file__ or "")
    source = path.read_text()
    lines = source.splitlines()
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name == function:
            found += [line.strip() for line in lines[node.lineno - 1:node.end_lineno]]
    return found


@pytest.mark.parametrize(("module", "function"), list(line_notes._NOTES), ids=lambda value: value)
def test_every_line_of_the_table_is_in_this_python_s_source(module, function):
    lines = function_lines(module, function)
    assert lines, f"no {function} in multiprocessing/{module}.py"
    for fragment, _ in line_notes._NOTES[(module, function)]:
        if fragment not in SOME_RELEASES.get((module, function), set()):
            assert any(fragment in line for line in lines), (module, function, fragment)


def test_every_note_exists_in_both_languages_with_the_same_facts():
    placeholders = re.compile(r"{(\w+)}")
    english = line_notes.PHRASES
    chinese = {key: words("zh")(text) for key, text in english.items()}
    for key, text in english.items():
        assert set(placeholders.findall(text)) == set(placeholders.findall(chinese[key])), key
        assert re.search(r"[\u4e00-\u9fff]", chinese[key]), key
    keys = {key for notes in line_notes._NOTES.values() for _, key in notes}
    sided = {f"{key}_{side}" for key in line_notes._SIDED for side in ("child", "parent")}
    refined = {"waitpid_blocks", "waitpid_nohang", "poll_not_yet", "poll_reaped"}
    assert keys | sided | refined == english.keys()


def test_a_note_says_which_side_of_the_fork_from_the_popen_s_pid():
    file = multiprocessing.popen_fork.__file__
    child = line_notes.note_for_line(file, "Popen._launch", "if self.pid == 0:",
                                     {"self": "<Popen pid=0 returncode=None>"}, "zh")
    parent = line_notes.note_for_line(file, "_launch", "        if self.pid == 0:\n",
                                      {"self": "<Popen pid=4242 returncode=None>"})
    unknown = line_notes.note_for_line(file, "_launch", "if self.pid == 0:", {})
    assert child is not None and child.key == "fork_side_child" and "子进程" in child.text
    assert parent is not None and parent.key == "fork_side_parent" and "4242" in parent.text
    assert unknown is not None and unknown.key == "fork_side"
    # Not multiprocessing's file, or not that function: nothing to say.
    assert line_notes.note_for_line("/tmp/popen_fork.py", "_launch", "if self.pid == 0:", {}) is None
    assert line_notes.note_for_line(file, "poll", "if self.pid == 0:", {}) is None


# -- in the app: the script viewer shows the note of the line it is paused at ---------------


def viewer_text(viewer) -> str:
    content = viewer.note.content
    return getattr(content, "plain", None) or str(content)


async def test_the_script_viewer_says_the_note_of_the_line_in_both_languages():
    from helpers.app_screen import logged
    from helpers.waiting import pilot_wait_until
    from proctui.core.events import ScriptStarted
    from proctui.core.lab.lab import Lab
    from proctui.ui.app import ProcTUI

    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, script=(str(SCRIPTS / "launch.py"),
                                                    ("fork",), False))
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            main = app.main_screen
            await pilot_wait_until(pilot, lambda: logged(app, ScriptStarted) and main.script_viewers.viewers,
                                   what="the script's viewer")
            [script] = logged(app, ScriptStarted)
            viewer = main.script_viewers.viewers[script.pid]

            def paused() -> Pause:
                assert viewer.pause is not None
                return viewer.pause

            async def press(key: str) -> None:
                before = viewer.pause
                await pilot.press(key)
                await pilot_wait_until(pilot, lambda: viewer.pause is not None and viewer.pause is not before,
                                       what="the next pause")

            await pilot_wait_until(pilot, lambda: viewer.pause is not None, what="the first pause")
            while source_line(paused()) != "p.start()":
                await press("n")
            await press("s")
            while source_line(paused()) != "_cleanup()":
                await press("n")
            note = line_notes.pause_note(paused())
            assert note is not None and note.key == "start_cleanup"
            await pilot_wait_until(pilot, lambda: viewer_text(viewer) == note.text, what="the note shown")
            await pilot.press("L")  # the language: the same note, in Chinese
            chinese = line_notes.pause_note(paused(), "zh")
            assert chinese is not None
            await pilot_wait_until(pilot, lambda: viewer_text(viewer) == chinese.text, what="the note in Chinese")
            viewer.focus()
            await pilot.press("c")
            await pilot_wait_until(pilot, lambda: not main.script_open, what="the script ended")
    finally:
        lab.shutdown()


def test_a_fork_child_s_first_pause_leaves_the_side_to_the_viewer_s_first_words():
    """The viewer's first words on a fork child say what fork() returned: the line's note
    does not say it again there, and does at any later pause on that line."""
    import linecache

    file = multiprocessing.popen_fork.__file__
    lines = linecache.getlines(file)
    line = next(number for number, text in enumerate(lines, 1) if text.strip() == "if self.pid == 0:")
    pause = Pause(pid=4242, event="line", file=file, line=line, func="Popen._launch", stack=(),
                  locals={"self": "<Popen pid=0 returncode=None>"}, via="fork")
    assert line_notes.pause_note(pause, first=True) is None
    later = line_notes.pause_note(pause)
    assert later is not None and later.key == "fork_side_child"
    parent = line_notes.pause_note(Pause(pid=4241, event="line", file=file, line=line, func="_launch", stack=(),
                                         locals={"self": "<Popen pid=4242 returncode=None>"}), first=True)
    assert parent is not None and parent.key == "fork_side_parent"
