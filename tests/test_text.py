"""Text from users and files cannot drive the terminal."""

from kinesense.text import printable


def test_control_characters_are_escaped() -> None:
    assert printable("Alex\x1b[2J\x07") == "Alex\\x1b[2J\\x07"
    assert printable("a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert printable("evil\u202etxt.exe") == "evil\\u202etxt.exe"
    assert printable("\x9b31m") == "\\x9b31m"


def test_ordinary_text_is_unchanged() -> None:
    assert printable("Zoë O'Brien, 12 ° 🙂") == "Zoë O'Brien, 12 ° 🙂"


def test_long_text_is_cut_with_a_mark() -> None:
    assert printable("abcdef", max_length=4) == "abc…"
