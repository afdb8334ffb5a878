"""MkDocs + Material for MkDocs, through MkDocs' Python API (in this process).

MkDocs' warnings are never shown in English: each is mapped back to the
bulletin (and line) it came from, or written to a log for the technical
volunteer."""
from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

from kepu.engine import report, source_of

MKDOCS_LINK = re.compile(r"Doc file '(?P<page>[^']+)' contains (?:an? )?(?:unrecognized relative |absolute )?link '(?P<url>[^']*)'")
MKDOCS_SUMMARY = re.compile(r"^Aborted with \d+ warnings? in strict mode!?$")
LOG_NAME = "mkdocs-warnings.log"


def build(root: Path, site_dir: Path, *, strict: bool = True, site=None) -> bool:
    return run_mkdocs(root, site_dir, strict=strict, site=site)


def run_mkdocs(root: Path, site_dir: Path, *, strict: bool = True, site=None) -> bool:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    _quiet_mkdocs_logging()
    log = logging.getLogger("mkdocs")
    collected = _Collect()
    others = log.handlers[:]
    for h in others:
        log.removeHandler(h)
    log.addHandler(collected)
    ok = True
    try:
        cfg = load_config(str(root / "mkdocs.yml"), strict=strict, site_dir=str(site_dir))
        mkdocs_build(cfg)
    except (Abort, ConfigurationError) as exc:
        collected.records.append(logging.makeLogRecord({"msg": str(exc), "levelno": logging.ERROR}))
        ok = False
    finally:
        log.removeHandler(collected)
        for h in others:
            log.addHandler(h)
    report_mkdocs_messages(root, [r.getMessage() for r in collected.records], site)
    return ok


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def report_mkdocs_messages(root: Path, messages: list[str], site) -> list[str]:
    """Print MkDocs' warnings in Chinese as `path:line` of the bulletin they came from; return the lines printed."""
    broken, unknown = [], []
    for msg in messages:
        m = MKDOCS_LINK.search(msg)
        if m:
            broken.append((m.group("page"), m.group("url")))
        elif not MKDOCS_SUMMARY.match(msg.strip()):
            unknown.append(msg)
    return report(root, broken, unknown, site, "mkdocs", LOG_NAME)


_source_of = source_of  # the name build.py used to have


def _quiet_mkdocs_logging() -> None:
    log = logging.getLogger("mkdocs")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("MkDocs %(levelname)s: %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False
