"""Which lab process an action on the selected row acts on, or why there is none."""

from __future__ import annotations

from proctui.core.events import Refusal, Refused
from proctui.core.lab.lab import Lab, LabProcess


def lab_process_at(pid: int | None, own_pid: int, lab: Lab, verb: str) -> tuple[LabProcess | None, Refused | None]:
    """The selected row's lab record, and the refusal that says why not (verb: what the
    user asked to do to it, as the refusal says it)."""
    if pid is None:
        return None, Refused(reason=Refusal.NOTHING_SELECTED, verb=verb)
    if pid == own_pid:
        return None, Refused(reason=Refusal.PROCTUI_ITSELF, pid=pid, verb=verb)
    record = lab.get(pid)
    worker = lab.pool_workers().get(pid)
    if worker is not None:
        return record, Refused(reason=Refusal.POOL_WORKER, pid=pid, label=worker)
    if record is None:
        return None, Refused(reason=Refusal.NOT_A_LAB_PROCESS, pid=pid)
    return record, None
