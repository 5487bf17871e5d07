"""Golden outputs of every command on the real recordings (see cases.py)."""
