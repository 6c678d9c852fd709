"""A life said in words, beside its lifeline: who it is, how it started, its exit, how
long it was a zombie, who reaped it and who adopted it, in the user's language.

Each is one message with named fields (never glued from pieces), said from what the
events and frames said (``Life``), never guessed: where nothing said who reaped a process,
the words say that it is not known, and name the parent it last had.
"""

from __future__ import annotations

from proctui.core.events import ReapedVia
from proctui.core.i18n import N_, words
from proctui.core.lifeline.lives import Life, Reaper, ReapKind
from proctui.core.lifeline.timeline import cells
from proctui.core.linux import describe_exitcode
from proctui.core.procfs.stat import state_word
from proctui.core.teaching.sentences import REAPED_VIA

#: Who reaped it, for each kind: (with the reaper's PID, without it).
_REAPED_BY: dict[ReapKind, tuple[str, str]] = {
    ReapKind.JOIN: (N_("reaped by join() in PID {pid}"), N_("reaped by join()")),
    ReapKind.STEPPED_JOIN: (N_("reaped by the stepped join's waitpid() in PID {pid}"),
                            N_("reaped by the stepped join's waitpid()")),
    ReapKind.IS_ALIVE: (N_("reaped by is_alive() in PID {pid}"), N_("reaped by is_alive()")),
    ReapKind.FORK_SERVER: (N_("reaped at once by its parent, the fork server (PID {pid})"),
                           N_("reaped at once by its parent, the fork server")),
    ReapKind.POOL_HANDLER: (N_("reaped by the pool's worker handler in PID {pid}"),
                            N_("reaped by the pool's worker handler")),
    ReapKind.POOL_JOIN: (N_("reaped by Pool.join() in PID {pid}"), N_("reaped by Pool.join()")),
    ReapKind.POOL_TERMINATE: (N_("reaped by Pool.terminate() in PID {pid}"), N_("reaped by Pool.terminate()")),
    ReapKind.SUBREAPER: (N_("reaped by the subreaper, PID {pid}, in init's role"),
                         N_("reaped by the subreaper, in init's role")),
    ReapKind.PROCTUI: (N_("reaped by its parent, proctui (PID {pid})"), N_("reaped by its parent, proctui")),
    ReapKind.EXIT_HANDLER: (N_("reaped by its exiting parent's exit handler (PID {pid})"),
                            N_("reaped by its exiting parent's exit handler")),
    ReapKind.KERNEL: (N_("reaped by the kernel at once: its parent (PID {pid}) ignores SIGCHLD"),
                      N_("reaped by the kernel at once: its parent ignores SIGCHLD")),
    ReapKind.SCRIPT: (N_("reaped by {call} in PID {pid}"), N_("reaped by {call}")),
    ReapKind.UNKNOWN: (N_("gone; who reaped it is not known (its last parent: PID {pid})"),
                       N_("gone; who reaped it is not known")),
}


def name_of(life: Life) -> str:
    """What the timeline calls it: the lab's label, else its name in /proc, else its PID."""
    return life.label or life.name or str(life.pid)


def reaped_by(reaper: Reaper, lang: str) -> str:
    """Who reaped it, from what proctui knows for sure."""
    _ = words(lang)
    with_pid, without = _REAPED_BY[reaper.kind]
    pid = reaper.parent if reaper.kind is ReapKind.UNKNOWN else reaper.pid
    call = _(REAPED_VIA[ReapedVia(reaper.via)]) if reaper.via is not None else (reaper.call or "os.waitpid") + "()"
    said = _(without).format(call=call) if pid is None else _(with_pid).format(pid=pid, call=call)
    if reaper.kind is ReapKind.SCRIPT and reaper.file is not None:
        said = _("{reaped} at {file}:{line}").format(reaped=said, file=reaper.file, line=reaper.line)
    return said


def seconds_text(seconds: float) -> str:
    """A zombie's time: tenths, and milliseconds where tenths would say 0.0."""
    return f"{seconds:.1f}" if seconds >= 0.1 else f"{seconds:.3f}"


def life_words(life: Life, now: float, lang: str) -> list[str]:
    """What the timeline says after a lifeline, each a phrase: 'zombie-1 (4242)', 'fork',
    'exit 3', 'zombie 3.2 s', 'reaped by join() in PID 4100', 're-parented to PID 4100'.
    Shown joined with ' · '."""
    _ = words(lang)
    said = [_("{name} (PID {pid})").format(name=name_of(life), pid=life.pid)]
    if life.how is not None:
        said.append(life.how)  # a start method's own name, the same in every language
    ended = life.ended
    if ended is None and life.exitcode is None and life.states:
        letter = life.states[-1][1]
        said.append(f"{letter} {_(state_word(letter))}")
    if life.exitcode is not None:
        said.append(_("exit {code}").format(code=describe_exitcode(life.exitcode)))
    since = life.zombie_since()
    if since is not None:
        if life.reaped is not None:
            if life.reaped > since:
                said.append(_("zombie {seconds} s").format(seconds=seconds_text(life.reaped - since)))
        elif ended is None:
            said.append(_("a zombie for {seconds} s, not reaped yet").format(
                seconds=seconds_text(max(0.0, now - since))))
        elif ended > since:  # gone, and nothing said when it was reaped: the read that found it gone
            said.append(_("a zombie until it was gone, {seconds} s at most").format(
                seconds=seconds_text(ended - since)))
    reaper = life.reaper_now()
    if reaper is not None and (ended is not None or reaper.kind is not ReapKind.EXIT_HANDLER):
        said.append(reaped_by(reaper, lang))
    if life.parents:
        adopters = ", ".join(str(pid) for _when, pid in life.parents)
        said.append(_("re-parented to PID {pid}").format(pid=adopters))
    return said


def ghost_words(life: Life, lang: str) -> str:
    """What a gone process's row says after its label and how it started: its exit, how
    long it was a zombie, who reaped it, who adopted it."""
    said = life_words(life, life.ended if life.ended is not None else life.born, lang)[1:]
    if life.how is not None:
        said = said[1:]
    return " · ".join(said)


def fit_life_words(life: Life, phrases: list[str], width: int) -> str:
    """The phrases joined, as fit in width cells: if they do not, how it started goes first
    (its start mark, its row say it), then its name (its line's name column, its row say
    it), then the end is cut with "…"."""
    if life.how is not None and len(phrases) > 1 and cells(" · ".join(phrases)) > width:
        phrases = phrases[:1] + phrases[2:]
    if len(phrases) > 1 and cells(" · ".join(phrases)) > width:
        phrases = phrases[1:]
    said = " · ".join(phrases)
    while said and cells(said) > width:
        said = said[:-2] + "…"
    return said
