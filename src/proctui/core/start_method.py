"""The name of a multiprocessing start method, as multiprocessing spells it: a type for
both the lab (which starts children by one) and a script's processes (which report
theirs over the channel, script/protocol.py), so it lives above both.

Imported in the script's processes too: the standard library only.
"""

from __future__ import annotations

from typing import Literal

StartMethod = Literal["fork", "spawn", "forkserver"]
