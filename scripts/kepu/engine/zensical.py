"""Zensical, Material for MkDocs' successor, run as a subprocess (`python -m zensical build`).

Zensical reads mkdocs.yml and overrides/ as they are. Its English output is never shown:
"page does not exist" / "anchor does not exist" warnings become `path:line` errors of
the bulletin, everything else (and any traceback) goes to a log with one Chinese line.

Zensical takes no --site-dir and refuses a site_dir outside the project, so kepu writes a
small hidden config next to mkdocs.yml (`INHERIT: mkdocs.yml` plus the site_dir) and
builds inside the site root; a target elsewhere is moved into place afterwards.

Zensical's own script bundle (57 KB gzipped) carries a Preact search dialog that kepu's
own search replaces; with it, a first visit to the home page weighs more than 100 KB
(issue 25). Its pages get Material for MkDocs' bundle instead (35 KB, the one the
MkDocs build uses; same header, drawer, table of contents and back-to-top behaviour,
tests/test_engines.py): overrides/main.html loads BUNDLE, copied here after the build."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from kepu.engine import report

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
WARNING = re.compile(r"^\s*(?:Warning|Error):\s*(?P<msg>.+?)\s*$")
LOCATION = re.compile(r"\[\s*(?P<page>[^\[\]]+?\.md):(?P<line>\d+):(?P<col>\d+)\s*\]")
SOURCE = re.compile(r"^\s*(?P<n>\d+)\s*│\s?(?P<text>.*)$")
LINK = re.compile(r"\]\((?P<url>[^)\s]*)")
NOISE = re.compile(r"^(Build started|Build finished in .*|No issues found|\d+ issues? found)$")
LINK_WARNINGS = ("page does not exist", "anchor does not exist", "file does not exist")
STRICT_ABORT = "Aborted because --strict flag is set"
LOG_NAME = "zensical-output.log"
BUNDLE = "assets/kepu/material-bundle.min.js"  # site-relative; overrides/main.html's scripts block
SOURCE_MAP = re.compile(rb"\n//# sourceMappingURL=\S+\s*$")


def build(root: Path, site_dir: Path, *, strict: bool = True, site=None) -> bool:
    root, site_dir = root.resolve(), site_dir.resolve()
    inside = site_dir.is_relative_to(root) and site_dir != root
    out_dir = site_dir if inside else root / f".kepu-zensical-site-{os.getpid()}"
    config = root / f".kepu-zensical-{os.getpid()}.yml"
    shutil.rmtree(out_dir, ignore_errors=True)
    config.write_text("# kepu 临时文件（用 Zensical 生成网站时），生成完就删除\n"
                      "INHERIT: mkdocs.yml\n"
                      f"site_dir: '{out_dir.relative_to(root).as_posix()}'\n", encoding="utf-8")
    args = [sys.executable, "-m", "zensical", "build", "-f", str(config)] + (["--strict"] if strict else [])
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8"}
    try:
        proc = subprocess.run(args, cwd=root, capture_output=True, env=env)
    finally:
        config.unlink(missing_ok=True)
    output = (proc.stdout + b"\n" + proc.stderr).decode("utf-8", "replace")
    broken, unknown = parse_output(output)
    ok = proc.returncode == 0 and (out_dir / "index.html").is_file()
    if ok:
        ok = write_bundle(out_dir)
    if not ok and not broken and not unknown:
        unknown = [output.strip() or f"zensical exited with {proc.returncode}"]
    report(root, broken, unknown, site, "zensical", LOG_NAME)
    if ok and not inside:
        shutil.rmtree(site_dir, ignore_errors=True)
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out_dir), str(site_dir))
    elif not ok:
        shutil.rmtree(out_dir, ignore_errors=True)
    return ok


def material_bundle() -> Path | None:
    """Material for MkDocs' script bundle (installed with kepu's runtime requirements)."""
    import importlib.util

    spec = importlib.util.find_spec("material")
    if not spec or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations)), "templates", "assets", "javascripts")
                   .glob("bundle.*.min.js"))
    return found[0] if found else None


def write_bundle(site_dir: Path) -> bool:
    """Write BUNDLE into the built site: Material's bundle, or Zensical's own when Material is
    not installed (the site then works, only heavier). Its source-map line is dropped: the map
    is not published."""
    source = material_bundle() or next(iter(sorted((site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))), None)
    if source is None:
        return False
    target = site_dir / BUNDLE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(SOURCE_MAP.sub(b"\n", source.read_bytes()))
    return True


def parse_output(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Zensical's output -> ([(docs-relative page, url) of each broken link], [other messages]).
    The strict-mode abort (a traceback ending in STRICT_ABORT) after link warnings is not
    a message of its own; any other traceback is."""
    lines = [ANSI.sub("", ln).rstrip() for ln in text.splitlines()]
    broken, unknown, i = [], [], 0
    while i < len(lines):
        line = lines[i]
        m = WARNING.match(line)
        if m:
            block = [line]
            i += 1
            while i < len(lines) and not WARNING.match(lines[i]) and not NOISE.match(lines[i].strip()) \
                    and not lines[i].startswith("Traceback"):
                block.append(lines[i])
                i += 1
            link = _link_of(m.group("msg"), block)
            if link:
                broken.append(link)
            else:
                unknown.append("\n".join(block))
            continue
        if line.startswith("Traceback"):
            block = [line]
            i += 1
            while i < len(lines) and (lines[i].startswith((" ", "\t")) or not lines[i].strip()):
                block.append(lines[i])
                i += 1
            if i < len(lines):
                block.append(lines[i])
                i += 1
            if not (STRICT_ABORT in block[-1] and broken):
                unknown.append("\n".join(block))
            continue
        if line.strip() and not NOISE.match(line.strip()):
            unknown.append(line)
        i += 1
    return broken, unknown


def _link_of(message: str, block: list[str]) -> tuple[str, str] | None:
    if not any(w in message for w in LINK_WARNINGS):
        return None
    where = next((LOCATION.search(b) for b in block if LOCATION.search(b)), None)
    if not where:
        return None
    line_no, col = int(where.group("line")), int(where.group("col"))
    url = ""
    for b in block:
        s = SOURCE.match(b)
        if s and int(s.group("n")) == line_no:
            text = s.group("text")
            links = list(LINK.finditer(text))
            around = [lk for lk in links if lk.start("url") <= col - 1 <= lk.end("url")]
            chosen = (around or links or [None])[0]
            url = chosen.group("url") if chosen else ""
            break
    return where.group("page"), url
