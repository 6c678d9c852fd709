"""The named experiments: what the user can start in the Lab, one function each.

Each takes the Lab first and uses only its engine (``Lab.start_child``,
``Lab.start_labelled``, ``Lab.start_with_grandchild``, ``Lab.new_pool``, ...): the
experiments are what a key starts (see ``proctui.ui.actions``); the Lab is how
anything is started, watched, signalled and reaped.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from proctui.core.errors import refuse
from proctui.core.events import JoinStepped, OrphanLeavesTheTree, Refusal
from proctui.core.lab import workers
from proctui.core.lab.lab import Lab, LabError
from proctui.core.lab.pool import LabPool
from proctui.core.lab.queue_deadlock import QUEUE_BYTES
from proctui.core.lab.records import Labelled, LabProcess
from proctui.core.lab.start_methods import start_method
from proctui.core.linux import read_line
from proctui.core.stepping.stepper import Step, Stepper


def fork_child(lab: Lab) -> LabProcess:
    """Start a child that prints its PID and PPID, then sleeps until it is ended."""
    return lab.start_child("child", workers.sleeper)


def leave_zombie(lab: Lab, exit_code: int = 0) -> LabProcess:
    """Start a child that exits at once with exit_code; it stays a zombie until joined."""
    if not 0 <= exit_code <= 255:
        raise refuse(Refusal.EXIT_CODE_RANGE, value=str(exit_code))
    return lab.start_child("zombie", workers.exit_at_once, (exit_code,))


def make_orphan(lab: Lab) -> tuple[LabProcess, LabProcess]:
    """A child starts a grandchild and leaves with os._exit(): the grandchild is orphaned.

    With proctui a child subreaper, the kernel re-parents the grandchild to proctui,
    which then has to reap it itself (multiprocessing never heard of it).
    """
    if not lab.subreaper:
        lab.emit(OrphanLeavesTheTree())
    number = lab.records.next_number("orphan")
    return lab.start_with_grandchild(
        Labelled("orphan", f"orphan-{number}-parent"), workers.orphan_parent,
        Labelled("grandchild", f"orphan-{number}-grandchild"),
    )


def orphan_when_you_choose(lab: Lab) -> tuple[LabProcess, LabProcess]:
    """A child starts a grandchild and waits: the grandchild is orphaned only when the
    user ends the child (t or x), and then re-parented before the user's eyes."""
    if not lab.subreaper:
        lab.emit(OrphanLeavesTheTree())
    number = lab.records.next_number("orphan")
    return lab.start_with_grandchild(
        Labelled("waiting parent", f"orphan-{number}-parent"), workers.waiting_orphan_parent,
        Labelled("grandchild", f"orphan-{number}-grandchild"), (lab.pid,),
    )


def ignore_sigchld_then_fork(lab: Lab) -> tuple[LabProcess, LabProcess]:
    """A child that sets SIGCHLD to SIG_IGN and starts a child of its own, which sleeps
    until it is ended: then the kernel reaps it at once, and the parent says what
    waitpid(), is_alive() and join() make of that."""
    number = lab.records.next_number("sigchld")
    return lab.start_with_grandchild(
        Labelled("ignores SIGCHLD", f"sigchld-{number}"), workers.sigchld_ignoring_parent,
        Labelled("grandchild", f"sigchld-{number}-child"),
    )


def start_daemon(lab: Lab) -> LabProcess:
    """A daemon=True child of proctui; it tries, and fails, to start a child of its own."""
    return lab.start_child("daemon", workers.daemon_child, daemon=True)


def daemon_dies_with_parent(lab: Lab, linger: float = 3.0) -> tuple[LabProcess, LabProcess]:
    """A normal child with a daemon child, which returns after linger seconds: its
    exit handler terminates the daemon."""
    number = lab.records.next_number("daemon")
    return lab.start_with_grandchild(
        Labelled("daemon parent", f"daemon-{number}-parent"), workers.daemon_parent,
        Labelled("daemon", f"daemon-{number}-daemon"), (linger,),
    )


def start_pool(lab: Lab, processes: int = 2, maxtasksperchild: int | None = 2, tasks: int = 6) -> LabPool:
    """A multiprocessing.Pool of the Lab's start method, mapping ``tasks`` tasks."""
    pool = lab.new_pool(processes, maxtasksperchild)
    pool.map(tasks)
    return pool


def start_raising_child(lab: Lab) -> LabProcess:
    """A child whose target raises: its traceback reaches the log, exit code 1."""
    return lab.start_child("raises", workers.raise_error)


def start_exiting_with_message(lab: Lab) -> LabProcess:
    """A child that calls sys.exit("message"): the message reaches the log, exit code 1."""
    return lab.start_child("exits", workers.exit_with_message)


def start_exit_256(lab: Lab) -> LabProcess:
    """A child that calls sys.exit(256): exit code 0, since an exit status is 8 bits."""
    return lab.start_child("exit256", workers.exit_256)


def start_shell(lab: Lab) -> tuple[LabProcess, LabProcess]:
    """A child that becomes ``sh -c``: the shell starts a child of its own (sleep) and
    waits for it, then prints ``$?`` and exits with it. End the shell's child to see a
    shell's 128+N beside multiprocessing's -N."""
    number = lab.records.next_number("shell")
    label = f"shell-{number}"
    child_read, child_write = os.pipe()
    report_read, report_write = os.pipe()
    try:
        parent = lab.start_labelled(Labelled("shell", label), workers.shell_waits_for_its_child,
                                    (workers.ChildOutput(child_write, lab.language),
                                     workers.ChildOutput(report_write, lab.language)))
    except LabError:
        os.close(child_read)
        raise
    finally:
        os.close(child_write)
        os.close(report_write)
    try:
        # The shell writes $! as a line, not a pickle: it is sh, not Python, by then.
        line = read_line(report_read, timeout=30)
    finally:
        os.close(report_read)
    if not line.strip().isdigit():
        os.close(child_read)
        raise refuse(Refusal.NO_GRANDCHILD_REPORT, pid=parent.pid, label=label)
    child = lab.add_grandchild(parent, Labelled("grandchild", f"{label}-sleep"), int(line), child_read)
    return parent, child


def start_cow_child(lab: Lab) -> LabProcess:
    """A child forked with proctui's cow_list, which waits to write (see ``copy_on_write``)."""
    if lab.start_method != "fork":
        # spawn and forkserver children are fresh interpreters: they share no page of proctui's.
        raise refuse(Refusal.COW_NEEDS_FORK, value=lab.start_method)
    return lab.cow.start(lambda report: lab.start_child("cow", workers.copy_on_write_child, (report,)))


def cow_write(lab: Lab) -> LabProcess:
    """The newest copy-on-write child changes a global and fills cow_list; its memory is
    read again. Waits for the child: call it from a worker thread."""
    return lab.cow.write(lab.signal_for_a_lesson)


def start_queue_child(lab: Lab) -> LabProcess:
    """A child that puts 10 MiB on a Queue proctui made, then returns: it cannot exit
    until proctui reads the queue (``queue_get``). See ``queue_deadlock``."""
    return lab.queues.start(lab.start_method, lambda queue: lab.start_child(
        "queue", workers.queue_putter, (queue, QUEUE_BYTES)))


def queue_get(lab: Lab) -> LabProcess:
    """queue.get() on the newest queue child's queue. Waits for the data: call it from
    a worker thread."""
    return lab.queues.get()


def step_unstarted_join(lab: Lab, on_step: Callable[[Step], None] | None = None) -> tuple[str, Stepper]:
    """join() of a Process created but never started, under the stepper: what join()
    refuses (the article's assert). Its label, and the stepper paused at join's first line."""
    label = lab.records.next_label("unstarted")
    process = start_method(lab.start_method).new_process(target=workers.sleeper, name=label)
    stepper = Stepper(process, on_step=on_step)
    lab.emit(JoinStepped(label=label, timeout=None, started=False))
    stepper.start()
    return label, stepper
