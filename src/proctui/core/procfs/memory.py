"""One process's memory, as ``/proc/PID/smaps_rollup`` sums it: what copy-on-write shows."""

from __future__ import annotations

from dataclasses import dataclass


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
