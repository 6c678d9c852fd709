"""``proctui practice``: exercises that ask what a process tree will look like, the
puppet processes that act them out, and the transcript of the answers.
"""
