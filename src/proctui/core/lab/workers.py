"""What lab children run: top-level functions, so spawn and forkserver can import them.

A forked child starts as a copy of proctui, a multi-threaded Textual app: only the
forking thread survives, sys.stdout is Textual's print capture, fd 1 and 2 are the
terminal proctui draws on, and signal handlers are proctui's. So every target first
calls ``_become_lab_child``: its stdout and stderr go to a pipe that ends in the event
log, and the signals a user sends have their default effect. After that, children never
touch Textual (whose threads did not come along): they print, sleep, start threads
(a Queue's feeder) or processes of their own, exec sh, write to memory, and exit;
multiprocessing's fork path leaves through ``os._exit``.

Nothing a child does may outlive proctui, even a SIGKILL of proctui that gives it no
chance to clean up: every child arranges to be ended by the kernel when its parent
goes (see ``_die_with_parent`` and ``_leave_when_parent_process_dies``).

A child prints in the language the user had when it started (``ChildOutput.lang``), as
the article's own example prints Chinese: what a process printed is its output, and is
not said again when the user switches language later.
"""

from __future__ import annotations

import io
import multiprocessing
import multiprocessing.connection
import os
import select
import signal
import sys
import time
import types
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, NamedTuple, Protocol, cast

from proctui.core.i18n import words
from proctui.core.linux import set_parent_death_signal
from proctui.core.procfs.helper_roles import FORK_SERVER, helper_role
from proctui.core.procfs.stat import read_proc

if TYPE_CHECKING:
    import multiprocessing.queues

#: Runs in another process (what lab children run: a spawn or fork server child imports it
#: afresh, with none of proctui's UI): it may import only the standard library and stdlib-
#: only modules of proctui's (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True

#: gettext in the child's language: set by take_over_stdio, the first thing a child does.
_ = words("en")


class ChildOutput:
    """The write end of the pipe that carries one child's stdout and stderr to the log.

    Under fork the child simply inherits the descriptor. Under spawn and forkserver the
    Process's arguments are pickled, so the descriptor is handed over with
    ``reduction.DupFd``, the way multiprocessing passes its own Connection objects.
    """

    def __init__(self, fd: int, lang: str = "en") -> None:
        self.fd = fd
        self.lang = lang  # what the child prints in

    def __reduce__(self) -> tuple[Callable[[_DupFd, str], ChildOutput], tuple[_DupFd, str]]:
        from multiprocessing import reduction

        return (_rebuild_child_output, (reduction.DupFd(self.fd), self.lang))

    def __repr__(self) -> str:
        return f"ChildOutput(fd={self.fd}, lang={self.lang!r})"


class Grandchild(NamedTuple):
    """What a lab child is handed to start a child of its own (``Lab.start_with_grandchild``):
    the grandchild's label and output pipe, and the pipe on which to report its PID."""

    label: str
    out: ChildOutput
    report: Connection[int | None, object]


class _DupFd(Protocol):
    """What reduction.DupFd returns: its class differs by start method."""

    def detach(self) -> int: ...


def _rebuild_child_output(dup_fd: _DupFd, lang: str) -> ChildOutput:
    return ChildOutput(dup_fd.detach(), lang)


# Signals whose handlers a forked child would otherwise inherit from proctui.
_RESET_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGWINCH", "SIGCHLD", "SIGTSTP", "SIGCONT")


#: The parent-death signal of pool workers: a catchable one, because it only asks.
_PARENT_THREAD_ENDED = signal.SIGUSR1


def _become_lab_child(out: ChildOutput, die_with_parent: bool = True) -> None:
    take_over_stdio(out, leave_with_parent=False)
    if die_with_parent:
        _die_with_parent()


def take_over_stdio(out: ChildOutput, leave_with_parent: bool = True) -> None:
    """Default signal handlers, stdout/stderr into the pipe that ends in the log, and
    (unless the caller arranges its own end) an exit once the parent process is gone."""
    for name in _RESET_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    global _parent_at_start, _
    _ = words(out.lang)
    # Before letting go of the fork server: while we hold its pipe it cannot have left.
    _parent_at_start = _parent_that_forked_us()
    _let_go_of_the_fork_server()
    if leave_with_parent:
        _leave_when_parent_process_dies()
    os.dup2(out.fd, 1)
    os.dup2(out.fd, 2)
    if out.fd not in (1, 2):
        os.close(out.fd)
    # Fresh text streams on the pipe: the inherited sys.stdout may be Textual's capture
    # object, whose lock another (now vanished) thread may have held at fork time.
    # sys.__stdout__ too, though typeshed calls it Final: whatever falls back on it (a
    # failing print at exit) must write into the pipe as well.
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(  # type: ignore[misc]  # Final in typeshed: see above
        io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="replace", line_buffering=True
    )
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(  # type: ignore[misc]  # as sys.__stdout__
        io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True
    )


#: The PID of the process that forked us, or None if it had died before we could ask.
_parent_at_start: int | None = None


def _parent_that_forked_us() -> int | None:
    """The PID of our parent, or None if it died before this child's first line.

    ``os.getppid()`` alone cannot tell: once the parent is gone it names whoever adopted
    us (a subreaper, PID 1), and a parent-death signal armed then never fires. So the
    answer is checked against what multiprocessing recorded in the parent before the
    fork: the creator's PID, which is our parent under fork and spawn. Under forkserver
    the fork server forked us instead; it is known by its command line, and cannot be
    gone yet (we still hold a copy of its "alive" pipe). ``parent_process().is_alive()``
    is no help: the later siblings inherit the write end of its sentinel pipe.
    """
    ppid = os.getppid()
    creator = multiprocessing.parent_process()
    if creator is None or creator.pid == ppid or helper_role(ppid) == FORK_SERVER:
        return ppid
    return None


class _ForkServerState(Protocol):
    """The private part of multiprocessing.forkserver.ForkServer that we touch."""

    _forkserver_alive_fd: int | None


def _let_go_of_the_fork_server() -> None:
    """Close our copy of the write end of the fork server's "alive" pipe.

    The fork server leaves when every copy of it is closed. Each child of the fork
    server gets one (to ask the server for children of its own, which ours never do),
    and so does every process forked from proctui while a fork server runs. Kept, it
    would make a SIGKILL of proctui leave the fork server waiting for us, and us (our
    parent-death signal armed against the fork server) waiting for it, for ever.
    """
    from multiprocessing import forkserver

    # A private attribute, so typeshed does not declare it; CPython 3.10-3.13 all have it.
    server = cast("_ForkServerState", forkserver._forkserver)
    fd = server._forkserver_alive_fd
    if fd is None:
        return
    server._forkserver_alive_fd = None
    try:
        os.close(fd)
    except OSError:
        pass


def _leave_when_parent_process_dies() -> None:
    """Exit once our parent *process* is gone, whichever of its threads forked us.

    For pool workers. Pool forks replacement workers from its worker-handler thread,
    which ends at every close() or terminate() while workers may still finish their
    tasks, so a PR_SET_PDEATHSIG of SIGKILL (it fires when the forking *thread* ends)
    would kill them there. The signal armed here only asks: the kernel sends it each
    time the thread that is our parent ends, and we leave only if getppid() says the
    whole process is gone. Waiting for end of file on the task queue is not enough:
    a worker of one pool inherits the other pools' queues, and after a SIGKILL of
    proctui the workers of two pools would keep each other waiting for ever.
    """
    parent = _parent_at_start

    def parent_thread_ended(signum: int, frame: types.FrameType | None) -> None:
        if os.getppid() != parent:
            os._exit(0)  # as a worker whose task queue reached end of file leaves

    signal.signal(_PARENT_THREAD_ENDED, parent_thread_ended)
    set_parent_death_signal(_PARENT_THREAD_ENDED)
    if parent is None or os.getppid() != parent:
        os._exit(0)  # the parent went before the signal was armed


def _die_with_parent() -> None:
    """If our parent dies without ending us (SIGKILL of proctui), the kernel ends us too.

    This fires when the *thread* that forked us exits, which is why the Lab forks only
    from proctui's main thread. If the parent died before the signal was armed, we are
    orphaned already and leave at once.
    """
    set_parent_death_signal(signal.SIGKILL)
    if _parent_at_start is None or os.getppid() != _parent_at_start:
        os._exit(1)


def sleeper(label: str, out: ChildOutput) -> None:
    """The article's first child: say who we are and who our parent is, then wait."""
    _become_lab_child(out)
    print(_("[child {label}] PID: {pid}, PPID: {ppid}").format(label=label, pid=os.getpid(), ppid=os.getppid()))
    _sleep_for_ever()


def exit_at_once(label: str, out: ChildOutput, exit_code: int) -> None:
    """A child that ends straight away: it stays a zombie until its parent reaps it."""
    _become_lab_child(out)
    print(_("[zombie {label}] PID: {pid}, PPID: {ppid}, exiting with code {code}").format(
        label=label, pid=os.getpid(), ppid=os.getppid(), code=exit_code))
    sys.exit(exit_code)


def _sleep_for_ever() -> None:
    while True:
        # Until a signal ends it: terminate(), kill(), or proctui quitting.
        time.sleep(3600)


def orphan_parent(label: str, out: ChildOutput, to_start: Grandchild) -> None:
    """Start a grandchild, then leave with os._exit(), so the grandchild is orphaned.

    A normal return would not orphan it: multiprocessing's exit handler joins a
    non-daemon child first. os._exit() skips every exit handler.
    """
    _become_lab_child(out)
    grandchild_label, grandchild_out, report = to_start
    grandchild = multiprocessing.get_context("fork").Process(
        target=orphan_grandchild, args=(grandchild_label, grandchild_out, os.getpid()), name=grandchild_label
    )
    grandchild.start()
    report.send(grandchild.pid)
    report.close()
    print(_("[{label}] PID: {pid}, PPID: {ppid}: started grandchild {grandchild}, "
            "now leaving with os._exit(0) without joining it").format(
        label=label, pid=os.getpid(), ppid=os.getppid(), grandchild=grandchild.pid))
    sys.stdout.flush()
    os._exit(0)


def orphan_grandchild(label: str, out: ChildOutput, parent_pid: int) -> None:
    # No parent-death signal yet: it would fire the moment our parent leaves, which is
    # the point of the exercise. We arm it once adopted, against the adopter.
    _become_lab_child(out, die_with_parent=False)
    print(_("[{label}] PID: {pid}, PPID: {ppid}").format(label=label, pid=os.getpid(), ppid=parent_pid))
    while os.getppid() == parent_pid:
        time.sleep(0.005)
    adopter = os.getppid()
    print(_("[{label}] my parent {parent} is gone: PPID is now {adopter}").format(
        label=label, parent=parent_pid, adopter=adopter))
    set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != adopter:
        os._exit(1)
    _sleep_for_ever()


def waiting_orphan_parent(label: str, out: ChildOutput, to_start: Grandchild, proctui_pid: int) -> None:
    """Start a grandchild, then wait until the user ends us (t or x): the grandchild is
    orphaned when we die, and not before. A signal's default action ends us at once, with
    no exit handler to join the grandchild."""
    _become_lab_child(out)
    grandchild_label, grandchild_out, report = to_start
    grandchild = multiprocessing.get_context("fork").Process(
        target=adoptable_grandchild, args=(grandchild_label, grandchild_out, os.getpid(), proctui_pid),
        name=grandchild_label,
    )
    grandchild.start()
    report.send(grandchild.pid)
    report.close()
    print(_("[{label}] PID: {pid}, PPID: {ppid}: started grandchild {grandchild}; I wait until you end me "
            "(t or x)").format(label=label, pid=os.getpid(), ppid=os.getppid(), grandchild=grandchild.pid))
    _sleep_for_ever()


def adoptable_grandchild(label: str, out: ChildOutput, parent_pid: int, proctui_pid: int) -> None:
    """A grandchild that lives under its parent for as long as the parent does, and says
    who adopted it when the parent dies.

    Its parent may wait for a long time, so it does not poll getppid(): the kernel tells
    it, with a catchable parent-death signal, when its parent is gone. Then it arms SIGKILL
    against its adopter, as every lab process dies with its parent. Whoever adopts it, it
    never outlives proctui: it waits on a pidfd of proctui, readable once proctui has
    exited (after a SIGKILL of proctui the adopter is some subreaper further up, which
    would keep it for ever).
    """
    _become_lab_child(out, die_with_parent=False)
    proctui = os.pidfd_open(proctui_pid)  # while our parent, and so proctui, is alive (checked below)

    def parent_gone(signum: int | None = None, frame: types.FrameType | None = None) -> None:
        adopter = os.getppid()
        print(_("[{label}] my parent {parent} is gone: PPID is now {adopter}").format(
            label=label, parent=parent_pid, adopter=adopter), flush=True)
        set_parent_death_signal(signal.SIGKILL)
        if os.getppid() != adopter:
            os._exit(1)  # the adopter went too, before the signal was armed

    signal.signal(_PARENT_THREAD_ENDED, parent_gone)
    set_parent_death_signal(_PARENT_THREAD_ENDED)
    print(_("[{label}] PID: {pid}, PPID: {ppid}").format(label=label, pid=os.getpid(), ppid=parent_pid), flush=True)
    if os.getppid() != parent_pid:
        parent_gone()  # the parent went before the signal was armed
    select.select([proctui], [], [])  # until proctui has exited; a signal's handler runs meanwhile
    os._exit(0)


def daemon_child(label: str, out: ChildOutput) -> None:
    """A daemon=True child, which then tries to start a child of its own."""
    _become_lab_child(out)
    me = multiprocessing.current_process()
    print(_("[{label}] PID: {pid}, PPID: {ppid}, daemon={daemon}").format(
        label=label, pid=os.getpid(), ppid=os.getppid(), daemon=me.daemon))
    try:
        child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(0.1,))
        child.start()
    except AssertionError as error:
        print(_("[{label}] Process.start() of a child failed: AssertionError: {error}").format(
            label=label, error=error))
    else:
        print(_("[{label}] started child {pid}: asserts are off (python -O), so nothing stopped it").format(
            label=label, pid=child.pid))
        child.join()
    _sleep_for_ever()


def daemon_parent(label: str, out: ChildOutput, to_start: Grandchild, linger: float) -> None:
    """A normal child with a daemon child; it then returns normally after ``linger`` s.

    On its way out, multiprocessing's exit handler (util._exit_function) terminates
    every daemonic child and joins it: the daemon dies with its parent.
    """
    _become_lab_child(out)
    daemon_label, daemon_out, report = to_start
    daemon = multiprocessing.get_context("fork").Process(
        target=daemon_grandchild, args=(daemon_label, daemon_out), name=daemon_label, daemon=True
    )
    daemon.start()
    report.send(daemon.pid)
    report.close()
    print(_("[{label}] PID: {pid}: started daemon child {daemon}; returning normally in {seconds} s").format(
        label=label, pid=os.getpid(), daemon=daemon.pid, seconds=f"{linger:g}"))
    time.sleep(linger)
    print(_("[{label}] returning: multiprocessing's exit handler now terminate()s and joins daemon {daemon}").format(
        label=label, daemon=daemon.pid))


def daemon_grandchild(label: str, out: ChildOutput) -> None:
    _become_lab_child(out)
    print(_("[{label}] PID: {pid}, PPID: {ppid}, daemon=True").format(label=label, pid=os.getpid(), ppid=os.getppid()))
    _sleep_for_ever()


def raise_error(label: str, out: ChildOutput) -> None:
    """A child whose target raises: multiprocessing prints the traceback, exit code 1."""
    _become_lab_child(out)
    print(_("[{label}] PID: {pid}: about to raise").format(label=label, pid=os.getpid()))
    raise RuntimeError(_("{label} raised this on purpose").format(label=label))


def exit_with_message(label: str, out: ChildOutput) -> None:
    """sys.exit("message"): the message goes to stderr, exit code 1."""
    _become_lab_child(out)
    print(_("[{label}] PID: {pid}: calling sys.exit() with a message").format(label=label, pid=os.getpid()))
    sys.exit(_("{label}: goodbye from sys.exit()").format(label=label))


#: What sigterm_handler's handler exits with: a code of its own, not SIGTERM's -15.
SIGTERM_HANDLER_EXIT_CODE = 3


def sigterm_handler(label: str, out: ChildOutput) -> None:
    """A child with its own SIGTERM handler: terminate() runs the handler, which says so
    and exits with a code of its own, instead of the kernel ending it (-15)."""
    _become_lab_child(out)

    def on_sigterm(signum: int, frame: object) -> None:
        print(_("[{label}] got SIGTERM: my handler runs sys.exit({code})").format(
            label=label, code=SIGTERM_HANDLER_EXIT_CODE), flush=True)
        sys.exit(SIGTERM_HANDLER_EXIT_CODE)

    signal.signal(signal.SIGTERM, on_sigterm)
    print(_("[{label}] PID: {pid}, PPID: {ppid}: SIGTERM now runs my handler").format(
        label=label, pid=os.getpid(), ppid=os.getppid()))
    _sleep_for_ever()


def sigterm_ignorer(label: str, out: ChildOutput) -> None:
    """A child that ignores SIGTERM: terminate() changes nothing. kill() (SIGKILL, which
    cannot be caught or ignored) ends it, and so does SIGINT (interrupt()), which
    _become_lab_child left to its default action: the kernel ends it, -2."""
    _become_lab_child(out)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print(_("[{label}] PID: {pid}, PPID: {ppid}: SIGTERM is now ignored (SIG_IGN)").format(
        label=label, pid=os.getpid(), ppid=os.getppid()))
    _sleep_for_ever()


def exit_256(label: str, out: ChildOutput) -> None:
    """sys.exit(256): under fork and forkserver multiprocessing passes 256 to os._exit(); a
    spawn child's Python ends with sys.exit(256). The kernel keeps only the low 8 bits of
    an exit status either way, so the parent sees exit code 0."""
    _become_lab_child(out)
    print(_("[{label}] PID: {pid}: calling sys.exit(256)").format(label=label, pid=os.getpid()))
    sys.exit(256)


#: The shell's child: a Python that arms its parent-death signal against the shell, then
#: becomes ``sleep``. PR_SET_PDEATHSIG survives execve (of a binary that is not set-user-ID),
#: so the sleep dies with the shell, as every lab process dies with its parent; a plain
#: ``sleep`` started by sh would outlive a SIGKILL of proctui. -I -S: no site, no user paths.
_SHELLS_CHILD = (
    "import ctypes, os, sys\n"
    "ctypes.CDLL(None).prctl(1, 9)\n"  # PR_SET_PDEATHSIG, SIGKILL
    "if os.getppid() != int(sys.argv[1]): os._exit(1)\n"  # the shell was gone before it was armed
    "os.execvp('sleep', ['sleep', '3600'])\n"
)

#: sh -c's script. $0: python, $1: the code above, $2..$7: what it prints, in the child's
#: language, around the two values only the shell knows ($! and $?). fd 3: the grandchild's
#: output pipe, fd 4: where it reports the grandchild's PID to the Lab. ``wait`` gives the
#: child's status as the shell gives every status: 128+N for a child killed by signal N.
_SHELL_SCRIPT = """\
"$0" -I -S -c "$1" "$$" >&3 2>&3 3>&- 4>&- &
child=$!
echo "$child" >&4
exec 3>&- 4>&-
printf '%s%s%s%s%s\\n' "$2" "$child" "$3" "$child" "$4"
wait "$child"
status=$?
printf '%s%s%s%s%s\\n' "$5" "$status" "$6" "$status" "$7"
exit "$status"
"""

_HOLE = "\x01"  # where a value only the shell knows goes, in a sentence made here


def shell_waits_for_its_child(label: str, out: ChildOutput, child_out: ChildOutput, report: ChildOutput) -> None:
    """Become ``sh -c``: the shell starts a child (sleep), waits for it, prints ``$?`` and
    exits with it. A shell's $? is 128+N for a child killed by signal N, where
    multiprocessing says -N: and the shell's own exit (143, say) is an ordinary exit code."""
    _become_lab_child(out)  # its parent-death signal survives the exec, as do fds 1 and 2
    started = _("[{label}] sh -c: started {child} in the background; now: wait {child}").format(
        label=label, child=_HOLE).split(_HOLE)
    waited = _("[{label}] sh -c: wait -> $? = {status}; exit {status}").format(
        label=label, status=_HOLE).split(_HOLE)
    os.dup2(child_out.fd, 3)
    os.dup2(report.fd, 4)
    for fd in (child_out.fd, report.fd):
        if fd not in (3, 4):
            os.close(fd)
    sys.stdout.flush()
    # Under fork the sentinel's write end is not inheritable and closes here, so
    # join(timeout) may see the sentinel ready before the shell ends; join() and the
    # Lab's pidfd do not depend on it.
    os.execv("/bin/sh", ["sh", "-c", _SHELL_SCRIPT, sys.executable, _SHELLS_CHILD,
                         *started, *waited])


def keyboard_interrupt_child(label: str, out: ChildOutput) -> None:
    """A child with Python's own SIGINT handler, as a plain script has: SIGINT raises
    KeyboardInterrupt in it, which nothing catches, so multiprocessing prints the
    traceback and the exit code is 1. (proctui's other children leave SIGINT to its
    default action: the kernel ends them, -2.)"""
    _become_lab_child(out)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(_("[{label}] PID: {pid}, PPID: {ppid}: SIGINT now raises KeyboardInterrupt (Python's own handler)").format(
        label=label, pid=os.getpid(), ppid=os.getppid()))
    _sleep_for_ever()


def sigchld_ignoring_parent(label: str, out: ChildOutput, to_start: Grandchild) -> None:
    """A parent that sets SIGCHLD to SIG_IGN, then starts a child: when the child ends, the
    kernel reaps it at once, so the parent's waitpid() fails with ECHILD. multiprocessing's
    poll() takes that OSError for "still running": is_alive() says True of a process that
    is gone, and join() returns with exitcode None. Each is called here, and said as it is."""
    _become_lab_child(out)
    grandchild_label, grandchild_out, report = to_start
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    child = multiprocessing.get_context("fork").Process(
        target=sleeping_grandchild, args=(grandchild_label, grandchild_out, os.getpid()), name=grandchild_label)
    child.start()
    pid = child.pid
    assert pid is not None  # start() sets it
    report.send(pid)
    report.close()
    print(_("[{label}] signal(SIGCHLD, SIG_IGN), then started child {child}: is_alive() -> {alive}").format(
        label=label, child=pid, alive=child.is_alive()), flush=True)
    # The sentinel turns readable when the child exits; waiting on it reaps nothing.
    multiprocessing.connection.wait([child.sentinel])
    # It turns readable as the exiting child closes its files, a moment before the kernel
    # is done with it: wait for the kernel's last word, which is "gone" here (a parent
    # that does not ignore SIGCHLD would see a zombie, Z, instead).
    deadline = time.monotonic() + 5
    while (info := read_proc(pid, owner=False)) is not None and info.state != "Z" \
            and time.monotonic() < deadline:
        time.sleep(0.001)
    print(_("[{label}] child {child} has exited: /proc/{child} exists: {exists}").format(
        label=label, child=pid, exists=os.path.exists(f"/proc/{pid}")), flush=True)
    try:
        waited = repr(os.waitpid(pid, os.WNOHANG))
    except OSError as error:
        waited = repr(error)  # ChildProcessError(10, 'No child processes'): ECHILD
    print(_("[{label}] os.waitpid({child}, WNOHANG) -> {result}").format(label=label, child=pid, result=waited),
          flush=True)
    print(_("[{label}] is_alive() -> {alive}").format(label=label, alive=child.is_alive()), flush=True)
    child.join()
    print(_("[{label}] join() returned; exitcode -> {code}").format(label=label, code=child.exitcode), flush=True)
    _sleep_for_ever()


def sleeping_grandchild(label: str, out: ChildOutput, parent_pid: int) -> None:
    """A child of a lab child that sleeps until it is ended, and dies with its parent."""
    _become_lab_child(out)
    print(_("[{label}] PID: {pid}, PPID: {ppid}").format(label=label, pid=os.getpid(), ppid=parent_pid))
    _sleep_for_ever()


# -- copy-on-write ---------------------------------------------------------------------------

#: The objects of the copy-on-write child: globals of proctui's own interpreter. The Lab
#: fills cow_list before the first such fork, so a forked child starts with the very
#: pages proctui has, and the kernel copies one only when either side writes to it.
cow_writer = "proctui"  # who wrote it last: the child writes its label
cow_list: list[int] = []
#: 2 Mi items: 16 MiB of pointers on a 64-bit build, every one to the same small int.
COW_LIST_LENGTH = 2 * 1024 * 1024
#: What asks the child to write: blocked until it waits for it, so nothing is lost.
COW_WRITE_SIGNAL = signal.SIGUSR2


def copy_on_write_child(label: str, out: ChildOutput, report: Connection[object, object]) -> None:
    """Say what the globals hold, then wait for COW_WRITE_SIGNAL; then set cow_writer to
    our label and fill cow_list with 1s, and say both again. ``report`` tells the Lab when to read our
    smaps_rollup: once ready (nothing written yet) and once written."""
    _become_lab_child(out)
    global cow_writer
    signal.pthread_sigmask(signal.SIG_BLOCK, {COW_WRITE_SIGNAL})
    before = (cow_writer, sum(cow_list))
    print(_("[{label}] PID: {pid}, PPID: {ppid}: cow_writer = {writer!r}, sum(cow_list) = {total}, "
            "as proctui has them").format(label=label, pid=os.getpid(), ppid=os.getppid(),
                                           writer=before[0], total=before[1]))
    report.send("ready")
    signal.sigwait({COW_WRITE_SIGNAL})
    cow_writer = label
    for index in range(len(cow_list)):
        cow_list[index] = 1
    print(_("[{label}] I wrote: cow_writer = {writer!r}, sum(cow_list) = {total} (they were {old!r} "
            "and {old_total})").format(label=label, writer=cow_writer, total=sum(cow_list),
                                       old=before[0], old_total=before[1]))
    report.send("written")
    report.close()
    _sleep_for_ever()


# -- the Queue deadlock ------------------------------------------------------------------------


def queue_putter(label: str, out: ChildOutput, queue: multiprocessing.queues.Queue[bytes], size: int) -> None:
    """Put ``size`` bytes on the queue and return. put() only hands the object to the
    queue's feeder thread, which writes it into the queue's pipe; the pipe holds far less,
    so that thread blocks until someone reads. At exit multiprocessing joins the feeder
    thread (Queue's finalizer), so this process cannot exit before the data is read."""
    _become_lab_child(out)
    print(_("[{label}] PID: {pid}, PPID: {ppid}: queue.put() of {size} bytes").format(
        label=label, pid=os.getpid(), ppid=os.getppid(), size=size))
    queue.put(b"x" * size)
    print(_("[{label}] put() returned; my target returns now, and at exit I wait for the queue's "
            "feeder thread").format(label=label))
