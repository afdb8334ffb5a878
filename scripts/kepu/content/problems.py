"""Problems found in volunteers' files, reported as `path:line: 错误: what — how to fix`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ERROR = "错误"
WARNING = "警告"


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the site root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the whole file
    severity: str
    message: str
    fix: str = ""

    def format(self) -> str:
        text = f"{self.path}:{max(self.line, 1)}: {self.severity}: {self.message}"
        if self.fix:
            text += f" — {self.fix}"
        return text


@dataclass
class Problems:
    """Collects every problem of one check run (never stops at the first)."""

    root: Path
    items: list[Problem] = field(default_factory=list)

    def rel(self, path: Path | str) -> str:
        p = Path(path)
        try:  # the file's own name, even when it is a link (to elsewhere, or a loop)
            return (p.parent.resolve() / p.name).relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()

    def error(self, path, line: int, message: str, fix: str = "") -> None:
        self.items.append(Problem(self.rel(path), line, ERROR, message, fix))

    def warning(self, path, line: int, message: str, fix: str = "") -> None:
        self.items.append(Problem(self.rel(path), line, WARNING, message, fix))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=lambda p: (p.path, p.line, p.severity != ERROR, p.message))
