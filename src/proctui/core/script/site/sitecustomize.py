"""Loaded at start-up by every Python interpreter that a script run by proctui starts
(proctui puts this directory first on the script's PYTHONPATH).

multiprocessing's spawn children and its fork server are fresh interpreters, started
with ``fork_exec``: no at-fork hook of the script process runs in them. Here, before
their own code, they connect to proctui (``host.start_in_spawned_process``), so
that their output and their exit are theirs, and a spawn child pauses at its target's
first line when the script was being stepped. Any other interpreter is left alone.

Then the user's own sitecustomize, if there is one further on the path, runs as it
would have without proctui.
"""

import os
import sys

#: Runs in another process (every interpreter a script starts itself: spawn children, the
#: fork server): it may import only the standard library and stdlib-only modules of
#: proctui's (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True


def _started_by_the_script() -> str | None:
    """"spawn" for a spawn child, "forkserver" for the fork server, else None (the script
    process itself, the resource tracker, any other Python the script runs)."""
    if not os.environ.get("PROCTUI_CHANNEL"):
        return None
    argv = list(getattr(sys, "orig_argv", sys.argv))
    code = argv[argv.index("-c") + 1] if "-c" in argv[:-1] else ""
    if "--multiprocessing-fork" in argv and "spawn_main" in code:
        return "spawn"
    if "multiprocessing.forkserver" in code:
        return "forkserver"
    return None


_role = _started_by_the_script()
if _role is not None:
    try:
        # Imported only here: the script process itself runs proctui.core.script.host
        # with -m, which must not find it imported already.
        from proctui.core.script.host import start_in_spawned_process

        start_in_spawned_process(fork_server=_role == "forkserver")
    except Exception as error:  # noqa: BLE001 - never break the user's interpreter: say why, run on
        try:
            from proctui.core.i18n import words

            _ = words(os.environ.get("PROCTUI_LANG", "en"))
        except Exception:  # noqa: BLE001 - proctui itself cannot be imported: say it in English
            _ = str
        print(_("proctui: this process could not connect to proctui ({error}); it runs on, "
                "and no viewer will show it.").format(error=repr(error)), file=sys.stderr)


def _chain() -> None:
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [entry for entry in sys.path if os.path.abspath(entry or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


_chain()
