"""Shared fixtures: a throw-away site with the project's topic registry, and
the frozen example site (tests/fixtures/example/) with a fixed "today".

Tests never read the live bulletins/ or mkdocs.yml (volunteers change them
every month) nor the real date; only tests/test_live_content.py does."""
from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from datetime import date
from pathlib import Path

import pytest

from kepu.checks import load_and_check

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "tests" / "fixtures" / "example"  # frozen copy of the content: mkdocs.yml + bulletins/
TODAY = date(2026, 11, 29)

MKDOCS_YML = """\
site_name: 测试社区科普橱窗
site_url: https://example.org/kepu/
extra:
  community:
    name: 测试社区
    address: 测试路 1 号
    contact: 0000-0000
  first_issue: 2025-12
  timezone: Asia/Shanghai
"""

GOOD_ISSUE = """\
---
title: 冬季流感怎么防
editors: [张丽, 王建国]
summary: 本期介绍流感预防。
---
导语。

## 【健康】流感疫苗要趁早

接种流感疫苗是预防流感最有效的手段。

## 【安全】燃气安全

用完燃气要关阀门。
"""

GOOD_ACTIVITY = """\
---
title: 消防疏散演练
location: 社区广场
topics: [安全, 防灾减灾]
time: "09:30-11:00"
organizer: 测试社区居委会
participants: 86
---
演练很顺利。
"""


class Site:
    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, content: str | bytes, dedent: bool = True) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if dedent else content, encoding="utf-8", newline="")
        return path

    def load(self, today: date = TODAY, **kw):
        return load_and_check(self.root, today=today, **kw)  # what `kepu check` reports

    def problems(self, today: date = TODAY, **kw) -> list[str]:
        return [p.format() for p in self.load(today, **kw).problems.sorted()]

    def errors(self, **kw) -> list[str]:
        return [p for p in self.problems(**kw) if ": 错误: " in p]

    def warnings(self, **kw) -> list[str]:
        return [p for p in self.problems(**kw) if ": 警告: " in p]


@pytest.fixture
def site(tmp_path) -> Site:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "bulletins").mkdir()
    shutil.copy(EXAMPLE / "bulletins" / "topics.yml", tmp_path / "bulletins" / "topics.yml")
    return Site(tmp_path)


@pytest.fixture(scope="session")
def example():
    """The frozen example content (tests/fixtures/example/) as a model on TODAY (read-only)."""
    result = load_and_check(EXAMPLE, today=TODAY)
    assert not result.problems.errors
    return result.site


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The example site (frozen content + the repository's docs/ and overrides/) copied
    and built on TODAY once per test run; tests must not change it."""
    from sitecopy import copy_site

    from kepu.build import build

    root = copy_site(tmp_path_factory.mktemp("example-site"))
    assert build(root, today=TODAY) == 0
    return root


# ---------------------------------------------------------------- tests that measure time run alone
# `python3 tasks.py test` runs two pytest-xdist workers. A test marked `alone` measures time on the machine
# (Lighthouse's performance score, CPU per hour of the lobby screen's soak, a reload's seconds): while it runs,
# from its fixtures' setup to their teardown, the other worker waits between two tests, so the measurement sees
# the machine as a serial run does. A lock file shared by the workers of one run: every test holds it shared,
# an `alone` one exclusive; a gate lock lets a waiting `alone` test in before the next shared one.

def pytest_configure(config):
    config.addinivalue_line("markers", "alone: measures time; with pytest-xdist the other worker waits while it runs")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    uid = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    try:
        import fcntl
    except ImportError:  # Windows: no file locks of this kind, the tests run side by side as they are
        uid = None
    if not uid:  # one process: nothing runs beside it
        yield
        return
    base = Path(tempfile.gettempdir()) / f"kepu-tests-{uid}"
    alone = item.get_closest_marker("alone") is not None
    with open(f"{base}.gate", "a") as gate, open(f"{base}.lock", "a") as lock:
        fcntl.flock(gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            if not alone:
                fcntl.flock(gate, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            if alone:
                fcntl.flock(gate, fcntl.LOCK_UN)
