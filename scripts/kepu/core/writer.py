"""Write generated pages and files into the generated area of docs/.

Only paths under GENERATED_ROOTS are ever written. A manifest (path -> hash
of what was written) lets the next build remove stale generated files; a
file that is not exactly what kepu wrote (a volunteer's hand-written or
edited page) is never changed or deleted: the build stops with an error. Unchanged files are not
rewritten, so `mkdocs serve` and caches see only real changes.

The build streams: `Output(docs=…)` writes each file as soon as a generator
makes it and keeps only its hash, so no generated file stays in memory
(`Output()` without docs keeps everything in memory, for tests and `kepu
print`; `write(out, docs)` then writes it the same way).

A build can be interrupted anywhere (killed, power cut): before a file is
changed, the hash about to be written is appended to a journal beside the
manifest (one line per file), and each file is replaced atomically through
a hidden temporary file. The next build reads the manifest and the journal
together, so whatever it finds is recognised as kepu's own and never blocks
it; the journal is removed once the new manifest is in place.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kepu.core import urls
from kepu.core.commands import command

MARKER = f"<!-- 本页由 {command('build')} 根据 bulletins/ 自动生成，请不要直接修改：改 bulletins/ 里的文件后重新生成 -->\n"
MANIFEST = ".generated-manifest.json"
JOURNAL = ".generated-journal"  # beside the manifest: hashes about to be written
GENERATED_ROOTS = urls.GENERATED_ROOTS


def is_generated_path(rel: str) -> bool:
    p = PurePosixPath(rel)
    if p.parts and len(p.parts[0]) == 4 and p.parts[0].isdigit():
        return True  # year folders: /<YYYY>/<MM>/…
    return any(rel == r or rel.startswith(r + "/") for r in GENERATED_ROOTS)


class ConflictError(Exception):
    """A hand-written file sits where a generated one must go. Args: (rel path,)."""


class Output:
    """Generated files. In memory (`Output()`), or streamed into docs/ (`Output(docs=path)`,
    then `finish()`): see the module docstring."""

    def __init__(self, docs: Path | None = None):
        self.docs = docs
        self._memory: dict[str, bytes] = {}
        self._digests: dict[str, str] = {}
        self._stream = _Stream(docs) if docs is not None else None

    @property
    def files(self) -> Mapping[str, bytes]:
        """rel -> content; when streaming, read back from docs/ on access (nothing is kept)."""
        return self._memory if self._stream is None else _OnDisk(self.docs, self._digests)

    def digest(self, rel: str) -> str:
        """The SHA-256 (hex) of a generated file, without reading it again."""
        return self._digests[rel]

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
        digest = _digest(data)
        if rel in self._digests:
            if self._digests[rel] != digest:
                raise ValueError(f"two generators wrote different content to {rel}")
            return
        if self._stream is not None:
            self._stream.put(rel, data, digest)
        else:
            self._memory[rel] = data
        self._digests[rel] = digest

    def unchanged(self, rel: str, *inputs) -> bool:
        """A view asks before making the file `rel` from `inputs` (the model values it is made
        from, besides what every page shares): True when it is still on disk as made last time
        from the same inputs, and need not be made again. A plain Output always says False;
        `kepu serve` passes one that remembers (kepu.views.depends)."""
        return False

    def keep(self, rel: str, digest: str) -> None:
        """Streaming: the generated file `rel` stays as it is on disk (`digest`: its SHA-256 when
        this process wrote it), without being made or read again."""
        if self._stream is None:
            raise ValueError("only a streamed Output keeps files on disk")
        if rel not in self._digests:
            self._digests[rel] = digest
            self._stream.unchanged += 1

    def finish(self) -> WriteReport:
        """Streaming: remove stale generated files and save the manifest."""
        if self._stream is None:
            raise ValueError("an in-memory Output is written with write(out, docs)")
        return self._stream.finish(self._digests)


class _OnDisk(Mapping):
    def __init__(self, docs: Path, digests: dict[str, str]):
        self.docs, self.digests = docs, digests

    def __getitem__(self, rel: str) -> bytes:
        if rel not in self.digests:
            raise KeyError(rel)
        return (self.docs / rel).read_bytes()

    def __contains__(self, rel) -> bool:
        return rel in self.digests

    def __iter__(self):
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)


@dataclass
class WriteReport:
    written: list[str]
    unchanged: int
    removed: list[str]


class _Stream:
    """Writes files into docs/ one at a time (see the module docstring)."""

    def __init__(self, docs: Path):
        self.docs = docs
        self._root = os.fspath(docs)
        self._folders: set[str] = set()  # made (or found) by this build
        self.previous = _read_manifest(docs / MANIFEST)
        self.journal = None  # opened before the first change
        self.written: list[str] = []
        self.unchanged = 0

    def check(self, rel: str, data: bytes | None) -> bytes | None:
        """What is at `rel` now (None: nothing); ConflictError if it is not kepu's and not `data`."""
        # plain strings and one open(): this runs for every generated file of every build
        target = os.path.join(self._root, rel)
        folder, name = os.path.split(target)
        try:
            os.unlink(os.path.join(folder, f".{name}.kepu-tmp"))  # left by an interrupted build
        except FileNotFoundError:
            pass
        try:
            with open(target, "rb") as f:
                existing = f.read()
        except (FileNotFoundError, NotADirectoryError):
            existing = None
        except OSError:  # a folder where a file must go (IsADirectoryError; PermissionError on Windows)
            if os.path.isfile(target):
                raise
            raise ConflictError(rel) from None
        if existing is not None and existing != data and _digest(existing) not in self.previous.get(rel, ()):
            raise ConflictError(rel)
        return existing

    def put(self, rel: str, data: bytes, digest: str) -> None:
        if self.check(rel, data) == data:
            self.unchanged += 1
            return
        if self.journal is None:  # everything on disk from now on is recognised as kepu's
            self.docs.mkdir(parents=True, exist_ok=True)
            self.journal = open(self.docs / JOURNAL, "a", encoding="utf-8")
        self.journal.write(f"{rel}\t{digest}\n")
        self.journal.flush()  # in the kernel before the file changes: survives a killed process
        target = os.path.join(self._root, rel)
        folder, name = os.path.split(target)
        if folder not in self._folders:  # each folder made once, not once per file
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        tmp = os.path.join(folder, f".{name}.kepu-tmp")  # as _tmp()
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
        self.written.append(rel)

    def finish(self, digests: dict[str, str]) -> WriteReport:
        removed = []
        for rel in sorted(rel for rel in set(self.previous) - set(digests) if is_generated_path(rel)):
            target = self.docs / rel
            _tmp(target).unlink(missing_ok=True)
            if target.is_file() and _digest(target.read_bytes()) in self.previous[rel]:
                target.unlink()
                removed.append(rel)
                _prune_empty(target.parent, self.docs)
        _save_manifest(self.docs / MANIFEST, dict(sorted(digests.items())))
        if self.journal is not None:
            self.journal.close()
        (self.docs / JOURNAL).unlink(missing_ok=True)
        return WriteReport(sorted(self.written), self.unchanged, removed)


def write(out: Output, docs: Path) -> WriteReport:
    """Write an in-memory `out` into docs/. The manifest maps each generated file to the hash
    of what was written; a file whose bytes differ from that (edited or hand-written) is
    never overwritten or removed, and then nothing is changed at all."""
    stream = _Stream(docs)
    for rel, data in out.files.items():
        stream.check(rel, data)  # every conflict before the first change
    for rel, data in sorted(out.files.items()):
        stream.put(rel, data, out.digest(rel))
    return stream.finish(out._digests)


def _read_manifest(path: Path) -> dict[str, set[str]]:
    """path -> the hashes kepu may have left there: the manifest's, and those in the journal
    of an interrupted build (a manifest of an older kepu may hold lists: its journal)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    known: dict[str, set[str]] = {}
    for rel, value in (data.items() if isinstance(data, dict) else ()):
        digests = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        known[rel] = {d for d in digests if isinstance(d, str)}
    try:
        lines = (path.parent / JOURNAL).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        rel, _, digest = line.partition("\t")
        if len(digest) == 64:  # a line cut short by a kill is ignored: its file was not replaced yet
            known.setdefault(rel, set()).add(digest)
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
