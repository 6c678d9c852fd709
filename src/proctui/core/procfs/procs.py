"""Snapshots of the kernel's process table, read straight from /proc.

Everything the tree shows about a process's *state* comes from here: the state letter
is the one the kernel writes into ``/proc/PID/stat``, read at the moment of the
snapshot. Reading /proc never reaps anything, so a zombie stays a zombie while we look.

Processes come and go while a snapshot is read (a PID listed by ``os.listdir`` may be
gone by the time its ``stat`` is opened, or may belong to another user); such a PID is
simply left out of that snapshot rather than failing the whole read.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from proctui.core.i18n import N_

#: May be imported in another process (imported by the lab's children): it imports only the
#: standard library and other stdlib-only modules of proctui's
#: (tests/core/test_architecture.py).
STDLIB_ONLY = True

#: What each state letter of /proc/PID/stat means (see proc(5)); message ids, translated where shown.
STATE_WORDS: dict[str, str] = {
    "R": N_("running"),
    "S": N_("sleeping"),
    "D": N_("disk sleep"),
    "Z": N_("zombie"),
    "T": N_("stopped"),
    "t": N_("tracing stop"),
    "X": N_("dead"),
    "x": N_("dead"),
    "K": N_("wakekill"),
    "W": N_("waking"),
    "P": N_("parked"),
    "I": N_("idle"),
}


def state_word(letter: str) -> str:
    return STATE_WORDS.get(letter, N_("unknown"))


@dataclass(frozen=True, slots=True)
class ProcInfo:
    """One process as /proc/PID/stat described it at snapshot time."""

    pid: int
    ppid: int
    state: str  # the kernel's state letter: R, S, D, Z, T, ...
    name: str  # comm: the first 15 bytes of the executable's name
    start_ticks: int  # start time in clock ticks since boot: (pid, start_ticks) names one process
    uid: int | None  # the owner; None in snapshots, which do not ask (see read_procs)
    kernel_thread: bool
    threads: int = 1  # num_threads: how many task/TID/children files list its children

    @property
    def state_word(self) -> str:
        return state_word(self.state)

    @property
    def is_zombie(self) -> bool:
        return self.state == "Z"


# PF_KTHREAD in the flags field of /proc/PID/stat marks a kernel thread.
_PF_KTHREAD = 0x00200000


def parse_stat(pid: int, raw: bytes, uid: int | None) -> ProcInfo:
    """Parse one /proc/PID/stat line.

    comm is enclosed in parentheses and may itself contain spaces or ')', so split at
    the *last* ')' (as procps does) rather than on whitespace.
    """
    open_paren = raw.index(b"(")
    close_paren = raw.rindex(b")")
    name = raw[open_paren + 1 : close_paren].decode("utf-8", "replace")
    fields = raw[close_paren + 2 :].split()
    # fields[0] is field 3 (state) of proc(5); field N is fields[N - 3].
    state = fields[0].decode("ascii", "replace")
    ppid = int(fields[1])
    flags = int(fields[6])
    threads = int(fields[17])
    start_ticks = int(fields[19])
    return ProcInfo(
        pid=pid,
        ppid=ppid,
        state=state,
        name=name,
        start_ticks=start_ticks,
        uid=uid,
        kernel_thread=bool(flags & _PF_KTHREAD),
        threads=threads,
    )


def read_proc(pid: int, owner: bool = True) -> ProcInfo | None:
    """The process with this PID now, or None if there is none (or it just went away).

    owner=False leaves uid unread (None): one system call less per process, for snapshots.
    """
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    except (FileNotFoundError, ProcessLookupError, PermissionError, NotADirectoryError):
        return None
    try:
        raw = os.read(fd, 4096)
        uid = os.fstat(fd).st_uid if owner else None
    except (ProcessLookupError, FileNotFoundError, PermissionError, OSError):
        return None
    finally:
        os.close(fd)
    try:
        return parse_stat(pid, raw, uid)
    except (ValueError, IndexError):
        # A stat line we cannot parse (truncated read during exit): treat as gone.
        return None


def all_pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def read_procs(pids: Iterable[int]) -> dict[int, ProcInfo]:
    found: dict[int, ProcInfo] = {}
    for pid in pids:
        info = read_proc(pid, owner=False)  # nothing drawn from a snapshot needs the owner
        if info is not None:
            found[pid] = info
    return found


@dataclass(slots=True)
class Snapshot:
    """The process table (or the part of it we looked at) at one moment."""

    procs: dict[int, ProcInfo]

    def parent_link(self, pid: int) -> int | None:
        """The PPID of pid if it still names its parent in this snapshot, else None.

        A snapshot reads one /proc/PID/stat after another. If a parent exits after its
        child's line was read and a new process is given the parent's PID before that
        PID's line is read, the child's PPID names a stranger. A parent is never younger
        than its child, so a PPID that names a younger process is such a stale link.
        """
        info = self.procs[pid]
        parent = self.procs.get(info.ppid)
        if parent is not None and parent.start_ticks > info.start_ticks:
            return None
        return info.ppid

    def children_of(self) -> dict[int, list[int]]:
        """ppid -> sorted child PIDs, for every process in the snapshot (stale links left out)."""
        kids: dict[int, list[int]] = {}
        for info in self.procs.values():
            ppid = self.parent_link(info.pid)
            if ppid is not None:
                kids.setdefault(ppid, []).append(info.pid)
        for pids in kids.values():
            pids.sort()
        return kids

    def descendants(self, root: int) -> Iterator[int]:
        """root's descendants as the kernel links them (PPID), depth first."""
        kids = self.children_of()
        stack = list(reversed(kids.get(root, [])))
        while stack:
            pid = stack.pop()
            yield pid
            stack.extend(reversed(kids.get(pid, [])))


def snapshot_system() -> Snapshot:
    """Every process on the system."""
    return Snapshot(read_procs(all_pids()))


def list_proc() -> dict[int, int]:
    """Every PID in /proc, with the inode number of its directory, from one listing.

    The listing's inode numbers come with the directory entries (getdents), at no cost
    beyond the listing itself. procfs makes a new inode for /proc/PID when a process is
    first looked up and drops it when the process is reaped, so a PID listed with
    another inode than last time may be another process (or the same one, looked up
    again after the kernel let its inode go: its start time tells)."""
    with os.scandir("/proc") as entries:
        return {int(entry.name): entry.inode() for entry in entries if entry.name.isdigit()}


class SystemTable:
    """The whole system's process table, kept from one read to the next, so that a read
    costs what changed and what is watched rather than one ``stat`` per process.

    Each read lists /proc once. A PID that is new, or listed with a new inode (a PID
    reused by another process), is read; so is every watched PID (the rows on screen,
    the lab's processes): their state letters are read each time. A process whose
    parent went away (gone from /proc, replaced, or seen to turn zombie) is read again,
    since the kernel has re-parented it. Every other process keeps the line read
    before: what changes in it (the state letter, the name after an exec) is not on
    screen until its row is. A process that is gone is dropped at once, watched or not.
    """

    def __init__(self) -> None:
        self._inodes: dict[int, int] = {}
        self._procs: dict[int, ProcInfo] = {}
        self._last: Snapshot | None = None
        self.last_read: frozenset[int] = frozenset()  # whose stat the last read opened (tests, benchmarks)

    def read(self, watched: Iterable[int] = ()) -> Snapshot:
        """The table now. A process whose line has not changed keeps the very same
        ProcInfo; if nothing changed at all, the very same Snapshot comes back, so that
        what is drawn from it need not be worked out again."""
        listing = list_proc()
        known, inodes = self._procs, self._inodes
        # Unchanged and unwatched: kept. A dict of the PIDs still listed with the same inode.
        procs = {pid: known[pid] for pid, inode in listing.items() if inodes.get(pid) == inode and pid in known}
        fresh = {pid for pid in listing if pid not in procs}
        fresh.update(pid for pid in watched if pid in procs)
        # The parents whose children the kernel has handed on: those gone from /proc, and
        # below, those whose PID another process now has and those seen to turn zombie.
        went_away = known.keys() - listing.keys()
        changed = bool(went_away)
        for pid in fresh:
            info = read_proc(pid, owner=False)
            before = known.get(pid)
            if info is None:
                procs.pop(pid, None)
                changed = changed or before is not None
                continue
            if info == before:
                info = before  # the same line: the same object, so a row drawn from it is not drawn again
            else:
                changed = True
                if before is not None and before.start_ticks != info.start_ticks:
                    went_away.add(pid)
                elif info.state == "Z" and (before is None or before.state != "Z"):
                    went_away.add(pid)
            procs[pid] = info
        # A new process (a new PID, or a PID another process now has): its parent, if kept
        # or read before it. Between that read and the child's, the parent may have exited
        # and its PID gone to the child's true parent (a reused PID forks at once); and a
        # kept line's inode is no proof either (procfs may list a PID with the dentry of its
        # previous owner until the kernel flushes it). Its start time tells; at most one
        # read per parent.
        born = [pid for pid in fresh if pid in procs and (pid not in known or known[pid].start_ticks
                                                          != procs[pid].start_ticks)]
        parents = {procs[pid].ppid for pid in born}
        for ppid in parents & procs.keys():
            info = read_proc(ppid, owner=False)
            if info is None or info.start_ticks != procs[ppid].start_ticks:
                changed = True
                went_away.add(ppid)
                if info is None:
                    del procs[ppid]
                else:
                    procs[ppid] = info
        fresh.update(parents & procs.keys())
        # A parent younger than its child is a newcomer that took the PID after the child's
        # parent left: the child has been re-parented since it was read. Read it again.
        for pid in born:
            child = procs.get(pid)
            parent = procs.get(child.ppid) if child is not None else None
            if child is not None and parent is not None and parent.start_ticks > child.start_ticks:
                info = read_proc(pid, owner=False)
                if info is None:
                    del procs[pid]
                else:
                    procs[pid] = info
        again: list[int] = []
        if went_away:
            again = [pid for pid, info in procs.items() if info.ppid in went_away and pid not in fresh]
            for pid in again:
                info = read_proc(pid, owner=False)
                if info is None:
                    del procs[pid]
                elif info != procs[pid]:
                    procs[pid] = info
        self._inodes = listing
        self.last_read = frozenset(fresh.union(again))
        if not changed and self._last is not None and procs.keys() == self._last.procs.keys():
            return self._last
        self._procs = procs
        self._last = Snapshot(procs)
        return self._last


def snapshot_subtree(root: int, extra: Iterable[int] = ()) -> Snapshot:
    """root and its descendants, plus the PIDs in ``extra`` wherever they now live.

    The kernel links a process to its parent, and (with CONFIG_PROC_CHILDREN) lists each
    thread's children in /proc/PID/task/TID/children. Walking those reads two small files
    per process of the subtree instead of every /proc/PID/stat on the system, which is
    what makes an idle lab scope cheap. Without those files, every process is read, as
    ps and htop do. ``extra`` lets the lab keep showing processes of its own that have
    been re-parented away from us.

    The kernel documents the children files as able to miss a child while its siblings
    exit at that very moment; a snapshot is a sequence of reads anyway (see
    Snapshot.parent_link), and the next one shows it.
    """
    if not children_files_exist():
        return _subtree_of(snapshot_system(), root, extra)
    found: dict[int, ProcInfo] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in found:
            continue
        info = read_proc(pid, owner=False)
        if info is None:
            continue
        found[pid] = info
        stack.extend(children_of_process(pid, info.threads))
    for pid in extra:
        if pid not in found:
            info = read_proc(pid, owner=False)
            if info is not None:
                found[pid] = info
    return Snapshot(found)


def _subtree_of(full: Snapshot, root: int, extra: Iterable[int]) -> Snapshot:
    """The part of a whole-system snapshot that snapshot_subtree(root, extra) reads."""
    keep = {root, *full.descendants(root)}
    keep.update(extra)
    return Snapshot({pid: full.procs[pid] for pid in keep if pid in full.procs})


def children_of_process(pid: int, threads: int = 0) -> list[int]:
    """The PIDs the kernel lists as pid's children, from every thread's children file.

    Children belong to the thread that forked them (or, when adopted, to the thread the
    kernel chose), so all threads are read; ``threads`` == 1 saves listing them."""
    if threads == 1:
        tids = [str(pid)]
    else:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            return []
    kids: list[int] = []
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                kids.extend(int(child) for child in f.read().split())
        except OSError:
            continue  # the thread or the process has gone
    return kids


def children(pid: int) -> list[ProcInfo]:
    """pid's children now: from its threads' children files where the kernel has them (a
    few reads), else from every /proc/PID/stat."""
    if not children_files_exist():
        return [info for info in snapshot_system().procs.values() if info.ppid == pid]
    found = (read_proc(child, owner=False) for child in children_of_process(pid))
    return [info for info in found if info is not None and info.ppid == pid]


@functools.cache
def children_files_exist() -> bool:
    """Whether this kernel has /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN)."""
    return os.path.exists(f"/proc/self/task/{os.getpid()}/children")


class LabSnapshots:
    """Snapshots of one subtree, read whichever way costs fewer reads.

    Walking the children files reads about two files per process of the subtree;
    reading every /proc/PID/stat reads one per process on the system. With a thousand
    lab children and few other processes, the second is cheaper; the last sizes seen
    decide.
    """

    def __init__(self, root: int) -> None:
        self.root = root
        self._subtree_size = 1
        self._system_size = len(all_pids())

    def __call__(self, extra: Iterable[int] = ()) -> Snapshot:
        if children_files_exist() and 2 * self._subtree_size < self._system_size:
            snapshot = snapshot_subtree(self.root, extra)
            self._subtree_size = len(snapshot.procs)
            if self._subtree_size * 4 > self._system_size:  # growing: look at the system again
                self._system_size = len(all_pids())
            return snapshot
        full = snapshot_system()
        self._system_size = len(full.procs)
        snapshot = _subtree_of(full, self.root, extra)
        self._subtree_size = len(snapshot.procs)
        return snapshot


#: multiprocessing's helper processes, by what their command line runs.
FORK_SERVER = N_("fork server (its children's parent)")
_HELPER_ROLES = (
    ("multiprocessing.forkserver", FORK_SERVER),
    ("multiprocessing.resource_tracker", N_("resource tracker (spawn/forkserver helper)")),
    ("proctui.core.script.warden --for practice", N_("warden (ends the exercise if proctui is killed)")),
    ("proctui.core.script.warden", N_("warden (ends the script if proctui is killed)")),
)


def helper_role(pid: int) -> str | None:
    """What a multiprocessing helper process is for, from its command line; else None."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    for marker, role in _HELPER_ROLES:
        if marker in cmdline:
            return role
    return None


def pipe_writers(read_fd: int) -> list[int]:
    """The processes, other than this one, that hold the write end of the pipe whose read
    end is our read_fd: while any of them does, the read end never reports end of file.

    A multiprocessing sentinel is such a read end: it turns readable when every copy of
    the child's write end is closed, which is usually when the child exits, but not if
    a process the child forked inherited a copy. Both ends of a pipe show as the same
    ``pipe:[inode]`` in /proc/PID/fd; /proc/PID/fdinfo's flags tell the write end
    (O_WRONLY). Processes we may not look into are left out.
    """
    target = f"pipe:[{os.fstat(read_fd).st_ino}]"
    me = os.getpid()
    writers: list[int] = []
    for pid in all_pids():
        if pid == me:
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") != target:
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}") as info:
                    flags = next(int(line.split()[1], 8) for line in info if line.startswith("flags:"))
            except (OSError, StopIteration, ValueError):
                continue
            if flags & os.O_ACCMODE != os.O_RDONLY:
                writers.append(pid)
                break
    return writers


class HelperRoles:
    """multiprocessing's own helper processes among a parent's children (the fork server,
    the resource tracker), by PID. Each command line is read once per process: a PID
    seen again with the same start time is the same process."""

    def __init__(self, parent: int) -> None:
        self.parent = parent
        self._seen: dict[tuple[int, int], str | None] = {}
        self._last: tuple[Snapshot, set[int], frozenset[int], dict[int, str]] | None = None

    def among(self, snapshot: Snapshot, skip: Iterable[int], also_under: Iterable[int] = ()) -> dict[int, str]:
        """The helpers among the direct children of the parent (and of also_under: the
        processes of a script run by proctui, which start helpers of their own) in
        snapshot, but for skip (the same answer as last time for the same snapshot: a look
        at every process)."""
        skipped = set(skip)
        parents = frozenset((self.parent, *also_under))
        last = self._last
        if last is not None and last[0] is snapshot and last[1] == skipped and last[2] == parents:
            return last[3]
        roles: dict[int, str] = {}
        for pid, info in snapshot.procs.items():
            if info.ppid not in parents or pid in skipped:
                continue
            role = self.of(pid, info.start_ticks)
            if role is not None:
                roles[pid] = role
        self._last = (snapshot, skipped, parents, roles)
        return roles

    def of(self, pid: int, start_ticks: int) -> str | None:
        key = (pid, start_ticks)
        if key not in self._seen:
            self._seen[key] = helper_role(pid)
        return self._seen[key]

    def known(self, pid: int, start_ticks: int) -> str | None:
        """The role already read for this process, without reading anything."""
        return self._seen.get((pid, start_ticks))


@dataclass(frozen=True)
class MemoryUse:
    """One process's memory as ``/proc/PID/smaps_rollup`` sums it over its mappings, in kB.

    Shared pages are mapped by another process too (after fork(), the parent); a private
    page is this process's alone: one it wrote after the fork got a copy of its own.
    """

    rss: int
    pss: int  # each shared page counted as 1/n of the n processes that map it
    shared_clean: int
    shared_dirty: int
    private_clean: int
    private_dirty: int

    @property
    def shared(self) -> int:
        return self.shared_clean + self.shared_dirty


def read_memory_use(pid: int) -> MemoryUse | None:
    """smaps_rollup's sums (Linux 4.14+), or None once the process is gone."""
    fields: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                name, _, rest = line.partition(b":")
                value = rest.split()
                if value and value[0].isdigit():
                    fields[name.decode()] = int(value[0])
    except (FileNotFoundError, ProcessLookupError):
        return None
    if "Rss" not in fields:  # a zombie has no mappings left to sum
        return None
    return MemoryUse(rss=fields["Rss"], pss=fields["Pss"], shared_clean=fields["Shared_Clean"],
                     shared_dirty=fields["Shared_Dirty"], private_clean=fields["Private_Clean"],
                     private_dirty=fields["Private_Dirty"])


@dataclass(frozen=True)
class ThreadWait:
    """One thread of a process as the kernel shows it: its state letter, and the kernel
    function it sleeps in (``/proc/PID/task/TID/wchan``; "0" when it runs, or is hidden)."""

    tid: int
    state: str
    wchan: str


def read_threads(pid: int) -> tuple[ThreadWait, ...]:
    """Every thread of pid, main thread first; () once the process is gone."""
    try:
        tids = sorted(int(name) for name in os.listdir(f"/proc/{pid}/task"))
    except (FileNotFoundError, ProcessLookupError):
        return ()
    found = []
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat", "rb") as f:
                raw = f.read()
            with open(f"/proc/{pid}/task/{tid}/wchan", "rb") as f:
                wchan = f.read().decode(errors="replace").strip() or "0"
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended while we looked
        found.append(ThreadWait(tid=tid, state=raw[raw.rindex(b")") + 2:].split()[0].decode(), wchan=wchan))
    return tuple(found)
