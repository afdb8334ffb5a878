"""`kepu check` and every command that builds from the model run one list of checks
(kepu.checks.SITE_CHECKS): a check added there stops `kepu check`, `kepu build`,
`kepu serve`'s rebuild, `kepu print`, `kepu report`, `kepu stats` and the benchmark alike."""
from __future__ import annotations

import ast

import pytest
from conftest import GOOD_ACTIVITY, GOOD_ISSUE, REPO, TODAY

from kepu import checks
from kepu.build import build, regenerate
from kepu.cli import main

MESSAGE = "测试用的检查发现了问题"


@pytest.fixture
def extra_check(monkeypatch):
    """One more check in the shared list: an error on the first issue."""
    calls = []

    def check(site, problems):
        calls.append(site)
        problems.error(site.issues[0].source, 1, MESSAGE, "改正它")

    monkeypatch.setattr(checks, "SITE_CHECKS", [*checks.SITE_CHECKS, check])
    return calls


@pytest.fixture
def good(site):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    site.write("bulletins/2026/2026-11-07-fire-drill.md", GOOD_ACTIVITY)
    return site


def run(args, capsys) -> tuple[int, str]:
    rc = main(args)
    out = capsys.readouterr()
    return rc, out.out + out.err


def test_the_site_passes_without_the_extra_check(good, capsys):
    root, day = str(good.root), TODAY.isoformat()
    assert run(["check", "--root", root, "--today", day], capsys)[0] == 0
    assert build(good.root, today=TODAY) == 0


def test_check_and_build_run_the_same_list(good, extra_check, capsys):
    root, day = str(good.root), TODAY.isoformat()
    rc, out = run(["check", "--root", root, "--today", day], capsys)
    assert rc == 1 and f"bulletins/2026/2026-11.md:1: 错误: {MESSAGE}" in out
    rc, out = run(["build", "--root", root, "--today", day], capsys)
    assert rc == 1 and MESSAGE in out and "网站没有生成" in out
    assert not (good.root / "site").exists()
    result, report = regenerate(good.root, today=TODAY)  # kepu serve rebuilds through it
    assert report is None and MESSAGE in capsys.readouterr().out
    for command in (["print", "2026-11"], ["report", "2026"], ["stats"]):
        rc, out = run([*command, "--root", root, "--today", day], capsys)
        assert rc == 1 and MESSAGE in out, command
    from kepu.bench.child import run_check

    with pytest.raises(SystemExit):
        run_check(good.root)
    assert len(extra_check) == 7


def test_only_kepu_checks_loads_a_site_for_a_command():
    """load_site alone skips the photo, film, poster and screen checks: commands load through
    kepu.checks.load_and_check (`kepu new report` only counts, and says so)."""
    callers = []
    for path in sorted((REPO / "scripts" / "kepu").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "load_site":
                callers.append(path.relative_to(REPO / "scripts" / "kepu").as_posix())
    assert sorted(callers) == ["checks.py", "cli.py"]
