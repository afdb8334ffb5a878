"""Write generated pages and files into the generated area of docs/.

Only paths under GENERATED_ROOTS are ever written. A manifest (path -> hash
of what was written) lets the next build remove stale generated files; a
file that is not exactly what kepu wrote (a volunteer's hand-written or
edited page) is never changed or deleted: the build stops with an error. Unchanged files are not
rewritten, so `mkdocs serve` and caches see only real changes.

A build can be interrupted anywhere (killed, power cut): before changing any
file the manifest is replaced, atomically, by a journal that lists for each
path both the hash that is there and the hash about to be written, and each
file is replaced atomically through a hidden temporary file. So whatever the
next build finds is recognised as kepu's own, and never blocks it.
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
GENERATED_ROOTS = ("index.md", "current", "archive", "topics", "activities", "screen", "search", "stats", "assets/generated",
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
    previous = _read_manifest(manifest_path)
    current: dict[str, bytes | None] = {}
    for rel, data in out.files.items():
        target = docs / rel
        _tmp(target).unlink(missing_ok=True)  # left by an interrupted build
        existing = target.read_bytes() if target.is_file() else None
        current[rel] = existing
        if target.exists() and existing is None:
            raise ConflictError(rel)  # a folder where a file must go
        if existing is not None and existing != data and _digest(existing) not in previous.get(rel, ()):
            raise ConflictError(rel)
    changes = [rel for rel, data in out.files.items() if current[rel] != data]
    stale = sorted(rel for rel in set(previous) - set(out.files) if is_generated_path(rel))
    if changes or stale:  # the journal: everything on disk from now on is recognised as kepu's
        journal = {rel: sorted(previous.get(rel, set())) for rel in previous}
        for rel in changes:
            journal[rel] = sorted(set(journal.get(rel, ())) | {_digest(out.files[rel])})
        _save_manifest(manifest_path, journal)
    written, unchanged = [], 0
    for rel, data in sorted(out.files.items()):
        target = docs / rel
        if current[rel] == data:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _tmp(target)
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written.append(rel)
    removed = []
    for rel in stale:
        target = docs / rel
        _tmp(target).unlink(missing_ok=True)
        if target.is_file() and _digest(target.read_bytes()) in previous[rel]:
            target.unlink()
            removed.append(rel)
            _prune_empty(target.parent, docs)
    _save_manifest(manifest_path, {rel: _digest(data) for rel, data in sorted(out.files.items())})
    return WriteReport(written, unchanged, removed)


def _read_manifest(path: Path) -> dict[str, set[str]]:
    """path -> the hashes kepu may have left there (one; two in a journal)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    known: dict[str, set[str]] = {}
    for rel, value in data.items():
        digests = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        known[rel] = {d for d in digests if isinstance(d, str)}
    return known


def _save_manifest(path: Path, manifest: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _tmp(target: Path) -> Path:
    """A hidden name next to the target (MkDocs skips files starting with a dot)."""
    return target.with_name(f".{target.name}.kepu-tmp")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _prune_empty(folder: Path, docs: Path) -> None:
    while folder != docs and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
