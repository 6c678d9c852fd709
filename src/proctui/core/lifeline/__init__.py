"""The session's history: every event and what the tree showed at each moment, kept so
that gone processes stay visible (ghost rows), each process's life can be drawn on a
timeline, the past can be shown again (back in time), and a session can be written to a
record and read back (``proctui --record``, ``proctui replay``)."""
