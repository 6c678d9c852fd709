"""``proctui run FILE``: the user's script under proctui. ``runner`` lives in proctui;
``host`` (with ``host_channel``, ``host_tracer``, ``breakpoints``, ``fork_hooks``,
``subprocess_patch``), ``warden`` and ``site/sitecustomize.py`` run in other processes (the
script and its children, the warden), where only the standard library may be imported
(each says ``RUNS_IN_ANOTHER_PROCESS``); ``protocol`` is the channel's messages, for both.
"""
