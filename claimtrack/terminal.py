"""What may reach a terminal: text with its control characters made visible.

A claim's text, a quote or a note can hold control characters (an import, the API). Printed
raw, ``ESC ] 0 ; … BEL`` retitles the terminal and other sequences move the cursor, hide
lines or rewrite what was printed before. Every human-readable output goes through
:func:`safe`; JSON output does not (its encoder escapes them, and a program reading it must
get the exact text).
"""

from __future__ import annotations

import re

# C0 controls but newline and tab, DEL, the C1 controls, and the bidirectional overrides
# and isolates that reorder what a terminal shows; lone surrogates too, which no terminal
# encoding can write (an argument of invalid UTF-8 arrives as one).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str) -> str:
    """``text`` with every control character written out (``ESC`` as ``\\x1b``)."""
    return _UNSAFE.sub(_shown, text)


def one_line(text: str) -> str:
    """``text`` made safe and kept on one line (a newline written ``\\n``): for a refusal,
    which quotes what the user gave and must stay the one line it promises to be."""
    return safe(text).replace("\r", "\\r").replace("\n", "\\n")
