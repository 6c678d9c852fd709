"""What no Chinese sentence of proctui may hold."""

from __future__ import annotations

import re

# Three or more English words in a row, outside code (a word with ._()=/ or a digit is
# code): what no Chinese sentence of proctui may hold.
ENGLISH_RUN = re.compile(r"(?<![\w.])[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}(?![\w(.])")
