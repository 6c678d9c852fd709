"""--theme names -> Textual themes, in one place for the command line and the app.

No Textual import here: the command line reads it before the UI is loaded."""

from __future__ import annotations

#: ansi-dark uses the terminal's own 16 colours.
THEMES = {"dark": "textual-dark", "light": "textual-light", "ansi": "ansi-dark"}
