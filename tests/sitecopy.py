"""Copy the example site to a temp folder, so tests can build and change a real
site without touching the repository: the frozen content (tests/fixtures/example/:
mkdocs.yml and bulletins/) and the repository's hand-written docs/ and overrides/
(code, not content; generated files are not copied)."""
from __future__ import annotations

import shutil
from pathlib import Path

from kepu.core.writer import MANIFEST, is_generated_path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "tests" / "fixtures" / "example"


def copy_site(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(EXAMPLE / "bulletins", dest / "bulletins")
    copy_theme_and_pages(dest)
    return dest


def copy_theme_and_pages(dest: Path) -> None:
    """The project's theme overrides and hand-written docs/ pages (code, not content)."""
    shutil.copytree(REPO / "overrides", dest / "overrides")
    docs = REPO / "docs"
    for path in docs.rglob("*"):
        rel = path.relative_to(docs).as_posix()
        if path.is_file() and not is_generated_path(rel) and rel != MANIFEST:
            target = dest / "docs" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)


def copy_built(built: Path, dest: Path) -> Path:
    """A changeable copy of an already built site (the conftest `built` fixture): the same
    files a fresh copy_site + build would leave, without building the example again."""
    shutil.copytree(built, dest, symlinks=True, dirs_exist_ok=True)
    return dest
