"""`proctui` and `python -m proctui`: parse the command line, run the app, clean up."""

from __future__ import annotations

import argparse
import sys

from proctui import __version__
from proctui.core.lab import DEFAULT_MAX_CHILDREN, START_METHODS, Lab
from proctui.core.lessons import LANGUAGES

#: --theme choices; the app maps them to Textual themes.
THEMES = ("dark", "light", "ansi")


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
        "--lang", choices=LANGUAGES, default=None, help="language of the lessons (default: from the locale)"
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not sys.platform.startswith("linux"):
        print("proctui needs Linux: it reads /proc and uses pidfds.", file=sys.stderr)
        return 2
    from proctui.ui.app import ProcTUI

    lab = Lab(start_method=args.start_method, max_children=args.max_children, subreaper=not args.no_subreaper)
    app = ProcTUI(lab, refresh_seconds=args.refresh, scope=args.scope, lang=args.lang, theme=args.theme)
    try:
        app.run(mouse=not args.no_mouse)
    finally:
        lab.shutdown()
    return app.return_code or 0
