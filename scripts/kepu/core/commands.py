"""How a volunteer types a kepu command on this machine.

Every command shown to a volunteer (messages, README, guide) is written with
`command(...)` so it runs as typed on a fresh clone: `python3 tasks.py check`
(`py tasks.py check` on Windows). tasks.py forwards every kepu subcommand."""
from __future__ import annotations

import os


def python() -> str:
    return "py" if os.name == "nt" else "python3"


def command(*args: str) -> str:
    """command("check") -> "python3 tasks.py check" (or "py tasks.py check" on Windows)."""
    return " ".join([python(), "tasks.py", *args])
