"""What a gone process's row says of its end, in the user's language: its exit, how long
it was a zombie, and who reaped it (or that nothing said who)."""

from __future__ import annotations

from proctui.core.i18n import N_, words
from proctui.core.lifeline.lives import Life, Reaper, ReapKind
from proctui.core.linux import describe_exitcode

#: Who reaped it, for each kind of reaper; {pid} is the reaping process.
_REAPED_BY = {
    ReapKind.JOIN: N_("reaped by join() in PID {pid}"),
    ReapKind.STEPPED_JOIN: N_("reaped by the stepped join()'s os.waitpid in PID {pid}"),
    ReapKind.IS_ALIVE: N_("reaped by is_alive() in PID {pid}"),
    ReapKind.FORK_SERVER: N_("reaped at once by its parent, the fork server (PID {pid})"),
    ReapKind.POOL_HANDLER: N_("reaped by the pool's worker handler in PID {pid}"),
    ReapKind.POOL_JOIN: N_("reaped by Pool.join() in PID {pid}"),
    ReapKind.POOL_TERMINATE: N_("reaped by Pool.terminate() in PID {pid}"),
    ReapKind.SUBREAPER: N_("reaped by proctui (PID {pid}), its subreaper: init's role"),
    ReapKind.PROCTUI: N_("reaped by proctui (PID {pid}), its parent"),
    ReapKind.EXIT_HANDLER: N_("reaped by its parent's exit handler (PID {pid})"),
    ReapKind.KERNEL: N_("reaped by the kernel at once: its parent ignores SIGCHLD"),
    ReapKind.UNKNOWN: N_("who reaped it is not known: /proc no longer has it and no event said "
                         "(its parent was PID {parent})"),
}
_BY_SCRIPT = N_("reaped by {call} in {label} (PID {pid})")
_BY_SCRIPT_AT = N_("reaped by {call} in {label} (PID {pid}), at {file}:{line}")


def reaper_words(reaper: Reaper, lang: str) -> str:
    _ = words(lang)
    if reaper.kind is ReapKind.SCRIPT:
        call = reaper.via or reaper.call or "os.waitpid"
        label = reaper.label or _("the script")
        if reaper.file is not None and reaper.line is not None:
            return _(_BY_SCRIPT_AT).format(call=call, label=label, pid=reaper.pid, file=reaper.file,
                                           line=reaper.line)
        return _(_BY_SCRIPT).format(call=call, label=label, pid=reaper.pid)
    return _(_REAPED_BY[reaper.kind]).format(pid=reaper.pid if reaper.pid is not None else "?",
                                             parent=reaper.parent if reaper.parent is not None else "?")


def exit_words(life: Life, lang: str) -> str:
    _ = words(lang)
    if life.exitcode is None:
        return _("exit code not known")
    return _("exit {code}").format(code=describe_exitcode(life.exitcode))


def zombie_words(life: Life, lang: str) -> str | None:
    """How long it was a zombie; None where it never was one that anyone could see."""
    _ = words(lang)
    seconds = life.zombie_seconds()
    if seconds is not None:
        reaper = life.reaper
        if reaper is not None and reaper.kind in (ReapKind.FORK_SERVER, ReapKind.KERNEL):
            return None  # reaped the moment it exited
        return _("zombie {seconds:.1f} s").format(seconds=seconds)
    if any(state == "Z" for _time, state in life.states):
        return _("a zombie for a while (seen in /proc)")
    return None


def ghost_words(life: Life, lang: str) -> str:
    """Everything after the label: exit · zombie · reaped by."""
    parts = [exit_words(life, lang)]
    zombie = zombie_words(life, lang)
    if zombie is not None:
        parts.append(zombie)
    reaper = life.reaper_now()
    if reaper is not None:
        parts.append(reaper_words(reaper, lang))
    return " · ".join(parts)
