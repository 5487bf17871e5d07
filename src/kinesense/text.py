"""Text from users and files, made safe to print on a terminal or in a log line."""

import unicodedata

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object, *, max_length: int | None = None) -> str:
    """``text`` with control characters (C0, C1, DEL, and Unicode format characters such as
    bidirectional overrides) shown as escapes (``\\n``, ``\\x1b``, ``\\u202e``), so that a name or
    a file's content cannot move the cursor, recolour the terminal or hide text.

    ``max_length`` cuts long text, marking the cut with an ellipsis.
    """
    value = str(text)
    out: list[str] = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    escaped = "".join(out)
    if max_length is not None and len(escaped) > max_length:
        return escaped[: max(max_length - 1, 0)] + "…"
    return escaped
