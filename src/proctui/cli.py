"""`proctui` and `python -m proctui`: parse the command line, run the app, clean up."""

from __future__ import annotations

import argparse
import os
import random
import select
import signal
import sys
import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from proctui import __version__
from proctui.core.i18n import words
from proctui.core.lab.lab import DEFAULT_MAX_CHILDREN, START_METHODS, Lab
from proctui.core.script.interpreter import NEWEST, OLDEST, release
from proctui.core.script.runner import RUN_USAGE, ScriptToRun, parse_run
from proctui.core.teaching.lessons import LANGUAGES, default_language
from proctui.ui.themes import THEMES

if TYPE_CHECKING:
    from proctui.core.practice.model import Exercise
    from proctui.ui.app import ProcTUI
    from proctui.ui.recording import Recording


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.1 <= value <= 60:
        raise argparse.ArgumentTypeError(f"must be between 0.1 and 60 seconds, not {text}")
    return value


def child_limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 4096:
        raise argparse.ArgumentTypeError(f"must be between 1 and 4096, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="proctui",
        description="See and teach how Unix processes live and die under Python's multiprocessing.",
    )
    parser.add_argument("--version", action="version", version=f"proctui {__version__}")
    parser.add_argument(
        "--start-method", choices=START_METHODS, default="fork", help="how new children start (default: fork)"
    )
    parser.add_argument(
        "--refresh", type=positive_float, default=1.0, metavar="SECONDS", help="tree refresh interval (default: 1)"
    )
    parser.add_argument("--scope", choices=("lab", "system"), default="lab", help="tree scope at start (default: lab)")
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=None, help="language of everything on screen (default: from the locale)"
    )
    parser.add_argument(
        "--theme", choices=tuple(THEMES), default="dark",
        help="colours: dark, light, or ansi (the terminal's own 16 colours)",
    )
    parser.add_argument(
        "--max-children",
        type=child_limit,
        default=DEFAULT_MAX_CHILDREN,
        metavar="N",
        help=f"most lab processes alive at once (default: {DEFAULT_MAX_CHILDREN})",
    )
    parser.add_argument(
        "--no-subreaper",
        action="store_true",
        help="do not make proctui a child subreaper: orphans go to PID 1 or the nearest subreaper",
    )
    parser.add_argument("--no-mouse", action="store_true", help="no mouse tracking (less traffic on slow links)")
    parser.add_argument("--record", metavar="FILE",
                        help="write the session down: its events to FILE (what proctui replay FILE shows) and what "
                        "the terminal showed to FILE's .cast beside it (asciicast v3: asciinema play), with a marker "
                        "at each event and lesson step")
    parser.add_argument("command", nargs="?", choices=("run", "practice", "replay"),
                        help=f"run {RUN_USAGE}: step through a Python script of yours, as python FILE ARGS "
                        "would run it (-O as python -O; --python: under that Python, a path or a name on PATH, any "
                        f"CPython {release(OLDEST)}-{release(NEWEST)}, with its own packages; by default proctui's "
                        "own; --follow: after a fork, step both processes (the default), the parent only or the "
                        "child only; C in the app continues every process of the script); practice [--seed N] "
                        "[--count K] [--mode forward|reverse|final] [--file FILE] [--transcript FILE]: predict what "
                        "happens to real processes, then see (proctui practice --help); replay FILE: a session "
                        "recorded with --record FILE, its tree, log and timeline, back in time, no process started")
    parser.add_argument("script", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def practice_to_do(args: argparse.Namespace, lang: str) -> tuple[Exercise, str | None] | None:
    """proctui practice [...]: the exercise (generated, or a teacher's file) and where its
    transcript goes; None without practice. A file that is no exercise ends proctui here,
    with its line and key said (SystemExit 2), before any process is started."""
    if args.command != "practice":
        return None
    from proctui.core.practice.exercise_file import ExerciseFileError, load_exercise
    from proctui.core.practice.model import Mode
    from proctui.core.practice.questions import generate

    parser = argparse.ArgumentParser(
        prog="proctui practice",
        description="Predict what each action does to real processes (forks, exits, signals, joins), "
                    "then see what the kernel says. Same seed, same exercise.")
    parser.add_argument("--seed", type=int, default=None, help="the exercise's seed (default: a new one)")
    parser.add_argument("--count", type=child_limit, default=8, help="how many actions (default: 8)")
    parser.add_argument("--mode", choices=[mode.value for mode in Mode], default="forward",
                        help="forward: predict each action's effect; reverse: name the action from the trees "
                        "before and after; final: only the final tree")
    parser.add_argument("--file", help="a teacher's exercise (TOML; see src/proctui/exercises/)")
    parser.add_argument("--transcript", help="write the questions, answers and real outcomes here (Markdown)")
    options = parser.parse_args(args.script)
    if options.file:
        try:
            exercise = load_exercise(options.file, lang)
        except ExerciseFileError as error:
            print(error, file=sys.stderr)
            raise SystemExit(2) from None
        if options.mode != "forward":
            exercise = replace(exercise, mode=Mode(options.mode))
    else:
        seed = options.seed if options.seed is not None else random.randrange(1, 10_000)
        exercise = generate(seed, count=options.count, mode=Mode(options.mode))
    return exercise, options.transcript


def script_to_run(parser: argparse.ArgumentParser, args: argparse.Namespace, lang: str) -> ScriptToRun | None:
    """proctui run [--python PYTHON] [-O] FILE [ARGS...], or None without run. FILE and
    PYTHON are checked once the app is up (proctui's log says why one cannot be used, as
    r's prompt does), before anything of the script starts."""
    if args.command in ("practice", "replay"):
        return None
    if args.command != "run":
        if args.script:
            parser.error(f"unrecognized arguments: {' '.join(args.script)}")
        return None
    if args.script[:1] in (["-h"], ["--help"]):  # before FILE: proctui's help, not a script called --help
        parser.print_help()
        parser.exit()
    try:
        return parse_run(args.script)
    except ValueError as missing:
        parser.error(words(lang)(str(missing)))


#: Signals that end proctui the way q does. SIGHUP is what a closing terminal window or
#: a dropped SSH connection sends.
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)

#: After an exit signal, how long the app has to end the lab itself before it is ended
#: from another thread (the UI may be stuck writing to a terminal that has gone) ...
CLEANUP_AFTER = 0.5
#: ... and how long after that proctui still waits for the UI to restore the terminal.
GIVE_UP_AFTER = 2.0


class Ending:
    """Ends proctui on SIGTERM, SIGHUP or SIGINT, or when its terminal hangs up, the
    way q does: the app exits, every lab process is ended and reaped, and then proctui
    dies of the signal it got, so that whoever started it sees why (a shell does).

    The signal handler only writes the signal's number to a pipe. A thread of our own
    reads it (and watches the terminal for POLLHUP), asks the app to exit and, as a
    watchdog, ends the lab itself if the app has not done so in time: the main thread
    may be stuck, for instance writing to a terminal that is gone.
    """

    def __init__(self, app, lab: Lab) -> None:
        self.app = app
        self.lab = lab
        self.pid = os.getpid()
        self.signum: int | None = None
        self.finished = threading.Event()  # main() has shut the lab down after the app
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)

    def install(self) -> None:
        """From the main thread, before the app runs."""
        for signum in EXIT_SIGNALS:
            signal.signal(signum, self._on_signal)
        terminal = sys.__stdin__.fileno() if sys.__stdin__ is not None and sys.__stdin__.isatty() else None
        threading.Thread(target=self._watch, args=(terminal,), name="proctui-exit", daemon=True).start()

    def _on_signal(self, signum: int, frame) -> None:
        if os.getpid() != self.pid:
            # A child just forked from proctui that has not yet reset its handlers (the
            # lab's children and pool workers do so first thing): the default action, as
            # if it had never had ours. It must not wake proctui's thread either.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        try:
            os.write(self._wake_w, bytes([signum]))
        except BlockingIOError:
            pass  # the thread is awake already

    def _watch(self, terminal: int | None) -> None:
        poller = select.poll()
        poller.register(self._wake_r, select.POLLIN)
        if terminal is not None:
            poller.register(terminal, 0)  # POLLHUP and POLLERR are reported anyway
        while True:
            for fd, events in poller.poll():
                if fd == self._wake_r:
                    self._end(os.read(self._wake_r, 1)[0])
                    return
                if events & (select.POLLHUP | select.POLLERR | select.POLLNVAL):
                    self._end(signal.SIGHUP)  # the terminal hung up, whether or not SIGHUP comes
                    return

    def _end(self, signum: int) -> None:
        self.signum = signum
        self.app.exit(return_code=128 + signum)  # thread-safe: it posts a message
        if self.finished.wait(CLEANUP_AFTER):
            return
        self.lab.shutdown()  # waits for a shutdown under way in the main thread
        if self.finished.wait(GIVE_UP_AFTER):
            return
        os._exit(128 + signum)  # the UI is stuck; the lab is ended already

    def die_of_the_signal(self) -> None:
        """After the cleanup: end proctui by the signal it got, with its default action."""
        if self.signum is None:
            return
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass  # the terminal is gone
        signal.signal(self.signum, signal.SIG_DFL)
        os.kill(os.getpid(), self.signum)


def write_utf8_to_the_terminal() -> None:
    """Under a locale that is not UTF-8 (LANG=C with Python's UTF-8 mode turned off,
    say), Python would write the app's box drawing as backslash escapes. Terminals
    speak UTF-8 (Textual assumes it, and reads its input as UTF-8 anyway): write it."""
    for stream in (sys.__stdout__, sys.__stderr__):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if stream is not None and encoding != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8")
            except (OSError, ValueError):
                pass  # already written to in another encoding: leave it


def replay(parser: argparse.ArgumentParser, args: argparse.Namespace, lang: str) -> int:
    """proctui replay FILE: the recorded session, no process started; a file that is no
    record (or a newer, or a cut short one) is said and nothing is shown."""
    from proctui.core.lifeline.codec import RecordError
    from proctui.core.lifeline.record import read_record

    _ = words(lang)
    if len(args.script) != 1:
        parser.error(_("replay needs one FILE: a record made with proctui --record FILE"))
    if args.record:
        parser.error(_("--record writes a session down as it happens; replay shows one already written"))
    path = args.script[0]
    try:
        header, history = read_record(path)
    except RecordError as error:
        print(_("proctui replay: {problem}").format(problem=error.say(lang)), file=sys.stderr)
        return 2
    from proctui.ui.replay_app import ReplayApp

    app = ReplayApp(path, header, history, lang, theme=args.theme)
    write_utf8_to_the_terminal()
    app.run(mouse=not args.no_mouse)
    return app.return_code or 0


def start_recording(path: str, app: ProcTUI, lang: str) -> Recording | None:
    """--record FILE, opened before the app runs; None, once said why, if FILE (or its
    .cast) cannot be written: nothing runs then."""
    from proctui.ui.recording import Recording, cast_path_for

    try:
        return Recording(path, app)
    except OSError as error:
        _ = words(lang)
        print(_("proctui: cannot record to {path}: {problem}").format(
            path=error.filename or cast_path_for(path), problem=error.strerror or str(error)), file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "replay":
        return replay(parser, args, args.lang or default_language())
    script = script_to_run(parser, args, args.lang or default_language())
    practice = practice_to_do(args, args.lang or default_language())
    if not sys.platform.startswith("linux"):
        _ = words(args.lang or default_language())
        print(_("proctui needs Linux: it reads /proc and uses pidfds."), file=sys.stderr)
        return 2
    from proctui.ui.app import ProcTUI

    lab = Lab(start_method=args.start_method, max_children=args.max_children, subreaper=not args.no_subreaper)
    app = ProcTUI(lab, refresh_seconds=args.refresh, scope=args.scope, lang=args.lang, theme=args.theme,
                  script=script, practice=practice)
    recording = start_recording(args.record, app, args.lang or default_language()) if args.record else None
    if args.record and recording is None:
        lab.shutdown()
        return 2
    write_utf8_to_the_terminal()
    ending = Ending(app, lab)
    ending.install()
    try:
        app.run(mouse=not args.no_mouse)
    finally:
        lab.shutdown()
        ending.finished.set()
        if recording is not None:
            recording.close(app.return_code)
    ending.die_of_the_signal()
    return app.return_code or 0
