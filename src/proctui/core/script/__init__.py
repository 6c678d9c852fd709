"""``proctui run FILE``: the user's script under proctui. ``runner`` lives in proctui;
``host``, ``warden`` and ``site/sitecustomize.py`` run in other processes (the script and
its children, the warden), where only the standard library may be imported.
"""
