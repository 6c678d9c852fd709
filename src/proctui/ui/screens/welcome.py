"""The first line of the log: who proctui is, how its children start, and the first keys."""

from __future__ import annotations

import multiprocessing
import os
import platform

from proctui.core.i18n import N_
from proctui.core.start_method import StartMethod
from proctui.ui.widgets.event_log import EventLog


def say_welcome(log: EventLog, start_method: StartMethod) -> None:
    """The first line, in log."""
    # This Python's own default (forkserver on Linux from 3.14) is said beside the lab's,
    # which is chosen explicitly: a learner's own script gets the default.
    default = multiprocessing.get_all_start_methods()[0]
    if default == start_method:
        text = N_("proctui is PID {pid}, its parent PPID {ppid}. New children use start method '{method}', "
                  "Python {version}'s default (m changes it). f forks a child, z leaves a zombie, "
                  "l opens the lessons, ? lists every key.")
    else:
        text = N_("proctui is PID {pid}, its parent PPID {ppid}. New children use start method '{method}', "
                  "as in the article; this Python ({version}) defaults to '{default}' (m changes it). "
                  "f forks a child, z leaves a zombie, l opens the lessons, "
                  "? lists every key.")
    log.add_message(text, pid=os.getpid(), ppid=os.getppid(), method=start_method, default=default,
                    version=platform.python_version())
