"""Write generated pages and files into the generated area of docs/.

Only paths under GENERATED_ROOTS are ever written. A manifest (path -> hash
of what was written) lets the next build remove stale generated files; a
file that is not exactly what kepu wrote (a volunteer's hand-written or
edited page) is never changed or deleted: the build stops with an error. Unchanged files are not
rewritten, so `mkdocs serve` and caches see only real changes.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from kepu.commands import command

MARKER = f"<!-- 本页由 {command('build')} 根据 bulletins/ 自动生成，请不要直接修改：改 bulletins/ 里的文件后重新生成 -->\n"
MANIFEST = ".generated-manifest.json"
GENERATED_ROOTS = ("index.md", "current", "archive", "topics", "activities", "screen", "stats", "assets/generated",
                   "feed.xml", "calendar.ics", "version.json")


def is_generated_path(rel: str) -> bool:
    p = PurePosixPath(rel)
    if p.parts and len(p.parts[0]) == 4 and p.parts[0].isdigit():
        return True  # year folders: /<YYYY>/<MM>/…
    return any(rel == r or rel.startswith(r + "/") for r in GENERATED_ROOTS)


class ConflictError(Exception):
    """A hand-written file sits where a generated one must go. Args: (rel path,)."""


@dataclass
class Output:
    files: dict[str, bytes] = field(default_factory=dict)

    def page(self, rel: str, markdown: str) -> None:
        """A Markdown page; the do-not-edit marker goes right after its front matter."""
        if markdown.startswith("---\n"):
            end = markdown.index("\n---\n", 4) + 5
            markdown = markdown[:end] + MARKER + markdown[end:]
        else:
            markdown = MARKER + markdown
        self.add(rel, markdown.encode("utf-8"))

    def text(self, rel: str, text: str) -> None:
        self.add(rel, text.encode("utf-8"))

    def add(self, rel: str, data: bytes) -> None:
        if not is_generated_path(rel):
            raise ValueError(f"not in the generated area: {rel}")
        if rel in self.files and self.files[rel] != data:
            raise ValueError(f"two generators wrote different content to {rel}")
        self.files[rel] = data


@dataclass
class WriteReport:
    written: list[str]
    unchanged: int
    removed: list[str]


def write(out: Output, docs: Path) -> WriteReport:
    """Write `out` into docs/. The manifest maps each generated file to the hash
    of what was written; a file whose bytes differ from that (edited or
    hand-written) is never overwritten or removed."""
    manifest_path = docs / MANIFEST
    try:
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not isinstance(previous, dict):
            previous = {}
    except (OSError, ValueError):
        previous = {}
    current: dict[str, bytes | None] = {}
    for rel, data in out.files.items():
        target = docs / rel
        existing = target.read_bytes() if target.is_file() else None
        current[rel] = existing
        if target.exists() and existing is None:
            raise ConflictError(rel)  # a folder where a file must go
        if existing is not None and existing != data and previous.get(rel) != _digest(existing):
            raise ConflictError(rel)
    written, unchanged = [], 0
    for rel, data in sorted(out.files.items()):
        target = docs / rel
        if current[rel] == data:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written.append(rel)
    removed = []
    for rel in sorted(set(previous) - set(out.files)):
        target = docs / rel
        if is_generated_path(rel) and target.is_file() and _digest(target.read_bytes()) == previous[rel]:
            target.unlink()
            removed.append(rel)
            _prune_empty(target.parent, docs)
    manifest = {rel: _digest(data) for rel, data in sorted(out.files.items())}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=0), encoding="utf-8")
    return WriteReport(written, unchanged, removed)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _prune_empty(folder: Path, docs: Path) -> None:
    while folder != docs and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
