"""What the kernel says about processes, read from /proc: stat lines, snapshots of the
whole table, the roles of multiprocessing's helpers, memory, threads and what they wait
on, and the filter over a snapshot. Pure reading: nothing here changes a process.
"""
