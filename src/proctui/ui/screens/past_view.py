"""The tree as it stood at a moment of the past: made from the frame recorded then (what
/proc said) and the lives (labels, how each started, the gone), never from a guess. No
widget and no Lab: a replay has neither processes nor a Lab."""

from __future__ import annotations

import os
from typing import cast

from proctui.core.lab.records import LabProcess
from proctui.core.lifeline.ghosts import MOST_GHOSTS, with_ghost_rows
from proctui.core.lifeline.history import Moment
from proctui.core.lifeline.lives import Life, Lives
from proctui.core.procfs.snapshot import Snapshot
from proctui.core.procfs.stat import ProcInfo
from proctui.core.procfs.tree import TreeShape, lab_shape
from proctui.core.start_method import StartMethod
from proctui.ui.widgets.process_tree import TreeContent


def past_content(moment: Moment, lives: Lives, own_pid: int, lang: str, ghosts_shown: bool = True) -> TreeContent:
    """What the tree shows at moment: its frame's processes, labelled as the lab named them."""
    at = max(moment.frame.time, moment.event.time) if moment.frame is not None else moment.event.time
    procs: dict[int, ProcInfo] = {}
    records = {}
    for row in moment.frame.rows if moment.frame is not None else ():
        life = lives.named(row.pid, row.start_ticks)
        if _reaped_since_read(life, moment):
            continue
        procs[row.pid] = ProcInfo(row.pid, row.ppid, row.state, row.name, row.start_ticks, None, False)
        if life is not None and life.label is not None:
            records[row.pid] = record_then(life, at)
    snapshot = Snapshot(procs)
    shape = lab_shape(snapshot, own_pid) if own_pid in procs else TreeShape(own_pid, {})
    ghosts: dict[int, Life] = {}
    if ghosts_shown:
        shape, ghosts = with_ghost_rows(shape, moment.ghosts[-MOST_GHOSTS:], records)
    return TreeContent(shape, snapshot, records, lang=lang, ghosts=ghosts)


def _reaped_since_read(life: Life | None, moment: Moment) -> bool:
    """An event said this process was reaped, at or before the moment's event, after the
    frame was read (the last read of a session may come before its last reaps): its row
    is a gone one then, as the event said."""
    if life is None or life.reaped is None or moment.frame is None:
        return False
    return moment.frame.time < life.reaped <= moment.event.time


def record_then(life: Life, at: float) -> LabProcess:
    """A lab record as the lab knew the process at ``at``: its exit only if it had exited."""
    exited = life.exited is not None and life.exited <= at
    reaped = life.reaped is not None and life.reaped <= at
    adopted = any(time <= at for time, _ in life.parents)
    return LabProcess(
        label=life.label or "", role="", pid=life.pid, start_method=cast(StartMethod, life.how or ""),
        started_at=life.born, start_ticks=life.start_ticks or 0,
        exit_status=life.status if exited else None, exitcode=life.exitcode if reaped else None,
        former_parent=life.parent if adopted else None,
        script_path=os.path.basename(life.script) if life.script else None)
