"""On GitHub Actions every problem becomes an annotation on its file and line,
the job summary lists the problems or what was built; the workflows check every
push and pull request and only the deploy job may publish."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import GOOD_ACTIVITY, GOOD_ISSUE, TODAY

from kepu import github
from kepu.core import urls
from kepu.content.loader import load_site

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"


def unescape(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m[1]], text)


def parse_annotations(stdout: str) -> list[dict]:
    """Workflow commands `::error file=…,line=…,title=…::message`, unescaped as the runner does."""
    found = []
    for line in stdout.splitlines():
        m = re.fullmatch(r"::(error|warning) ([^:]*)::(.*)", line)
        if m:
            props = dict(part.split("=", 1) for part in m[2].split(","))
            found.append({"kind": m[1], **{k: unescape(v) for k, v in props.items()}, "message": unescape(m[3])})
    return found


def test_escaping_follows_githubs_toolkit():
    assert github.escape_data("50% a:b,c\r\nd") == "50%25 a:b,c%0D%0Ad"
    assert github.escape_property("50% a:b,c\r\nd") == "50%25 a%3Ab%2Cc%0D%0Ad"
    assert unescape(github.escape_property("%0A 已转义:,")) == "%0A 已转义:,"


@pytest.fixture
def broken(site):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE.replace("【安全】", "【没有这个专题】"))
    site.write("bulletins/2026/2026-10-09-talk.md", GOOD_ACTIVITY.replace("participants: 86\n", ""))  # warning
    site.write("bulletins/2026/a,b: c.md", GOOD_ACTIVITY)  # a name with , and : in the file= property
    return site


def run_check(root: Path, env: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")} | env
    return subprocess.run([sys.executable, "-m", "kepu", "check", "--root", str(root), "--today", TODAY.isoformat()],
                          capture_output=True, text=True, encoding="utf-8", env=env | {"PYTHONUTF8": "1"})


def test_every_problem_is_an_annotation_on_its_file_and_line(broken, tmp_path):
    summary = tmp_path / "summary.md"
    proc = run_check(broken.root, {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
                                   "GITHUB_WORKSPACE": str(broken.root), "GITHUB_SERVER_URL": "https://github.com",
                                   "GITHUB_REPOSITORY": "shequ/kepu", "GITHUB_SHA": "0123abc",
                                   "GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    problems = broken.load().problems.sorted()
    assert problems and any(p.severity == "警告" for p in problems) and any(p.severity == "错误" for p in problems)
    annotations = parse_annotations(proc.stdout)
    assert [(a["kind"], a["file"], int(a["line"])) for a in annotations] == [
        ("error" if p.severity == "错误" else "warning", p.path, max(p.line, 1)) for p in problems]
    for a, p in zip(annotations, problems):
        assert a["title"] == f"{p.severity}：{p.message}"
        assert a["message"] == (f"怎么改：{p.fix}" if p.fix else p.message)
    assert any(a["file"] == "bulletins/2026/a,b: c.md" for a in annotations)
    # the plain lines are still there for people reading the log
    for p in problems:
        assert p.format() in proc.stdout

    text = summary.read_text(encoding="utf-8")
    errors = sum(p.severity == "错误" for p in problems)
    assert text.startswith(f"## 检查发现 {errors} 个错误、{len(problems) - errors} 个警告")
    assert "网站没有生成，也不会发布" in text
    rows = [l for l in text.splitlines() if l.startswith("| 错误 |") or l.startswith("| 警告 |")]
    assert len(rows) == len(problems)
    for row, p in zip(rows, problems):
        # on the branch, where GitHub's pencil button can edit the file
        assert "(https://github.com/shequ/kepu/blob/main/bulletins/2026/" in row and f"#L{max(p.line, 1)})" in row
    assert "/a%2Cb%3A%20c.md#L1)" in text  # the link to the odd file name is URL-quoted


def test_nothing_github_specific_outside_actions_or_outside_the_checkout(broken, tmp_path):
    summary = tmp_path / "summary.md"
    proc = run_check(broken.root, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 1
    assert "::" not in proc.stdout and not summary.exists()
    # e.g. the test suite run on Actions: its throw-away sites must not annotate the repository's files
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    proc = run_check(broken.root, {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
                                   "GITHUB_WORKSPACE": str(checkout)})
    assert proc.returncode == 1 and "错误" in proc.stdout
    assert "::" not in proc.stdout and not summary.exists()


def test_links_go_to_the_branch_of_a_pull_request_or_else_the_commit(monkeypatch):
    for k in ("GITHUB_HEAD_REF", "GITHUB_REF", "GITHUB_REF_NAME"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "shequ/kepu")
    monkeypatch.setenv("GITHUB_SHA", "0123abc")
    assert github.file_link("bulletins/2026/2026-12.md", 3).endswith("(https://github.com/shequ/kepu/blob/0123abc/bulletins/2026/2026-12.md#L3)")
    monkeypatch.setenv("GITHUB_REF", "refs/pull/7/merge")
    monkeypatch.setenv("GITHUB_REF_NAME", "7/merge")
    monkeypatch.setenv("GITHUB_HEAD_REF", "zhang/12月")
    assert "/blob/zhang/12%E6%9C%88/bulletins/" in github.file_link("bulletins/2026/2026-12.md", 3)


def test_summary_cells_cannot_inject_markdown_or_html():
    assert github.md("a|b <script> **x** [y](z)\nnew") == r"a\|b &lt;script&gt; \*\*x\*\* \[y\](z) new"


@pytest.fixture(scope="module")
def summary_of_build(tmp_path_factory):
    from sitecopy import copy_site

    from kepu.build import build

    root = copy_site(tmp_path_factory.mktemp("gh-build"))
    summary = root.parent / "summary.md"
    saved = dict(os.environ)
    os.environ.update(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary), GITHUB_EVENT_NAME="push",
                      GITHUB_WORKSPACE=str(root))
    try:
        assert build(root, today=TODAY) == 0
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return root, summary.read_text(encoding="utf-8")


def test_build_summary_says_what_was_published(summary_of_build):
    root, text = summary_of_build
    site = load_site(root, today=TODAY).site
    base = site.settings.site_url
    assert text.startswith("## 网站已生成")
    assert f"月刊 **{len(site.issues)}** 期，展板 **{sum(len(i.panels) for i in site.issues)}** 块" in text
    assert f"活动 **{len(site.past)}** 场，另有预告 {len(site.upcoming)} 场" in text
    cur = site.current_issue
    assert f"本期：第 {cur.number} 期" in text and f"({base}{urls.issue(cur)})" in text
    assert cur.title in text
    for url in (urls.HOME, urls.CURRENT, urls.SCREEN):
        assert f"({base}{url})" in text
    assert "::" not in text


# ---------------------------------------------------------------- workflows

def workflows() -> dict[str, dict]:
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(WORKFLOWS.glob("*.yml"))}


def triggers(wf: dict) -> dict:
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as True
    return on if isinstance(on, dict) else {name: None for name in ([on] if isinstance(on, str) else on)}


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(action + "@")]


def all_jobs():
    return [(name, job_name, job) for name, wf in workflows().items() for job_name, job in wf["jobs"].items()]


def test_workflows_check_pull_requests_and_every_push():
    wfs = workflows()
    assert any("pull_request" in triggers(wf) for wf in wfs.values())
    pushes = [triggers(wf).get("push") or {} for wf in wfs.values() if "push" in triggers(wf)]
    assert any(p.get("branches") == ["main"] for p in pushes)  # main: deploy.yml
    assert any(p.get("branches-ignore") == ["main"] for p in pushes)  # every other branch: check.yml
    for wf in wfs.values():  # every workflow builds the site (which checks first)
        runs = [s.get("run", "") for _, job in wf["jobs"].items() for s in job.get("steps", [])]
        assert "python3 tasks.py build --report kepu-report.json" in runs


def test_only_the_deploy_job_may_publish():
    wfs = workflows()
    deployers = [(n, j) for n, j, job in all_jobs() if steps_using(job, "actions/deploy-pages")]
    assert deployers == [("deploy.yml", "deploy")]
    deploy_wf = wfs["deploy.yml"]
    assert set(triggers(deploy_wf)) == {"push", "schedule", "workflow_dispatch"}
    assert triggers(deploy_wf)["push"] == {"branches": ["main"]}
    for name, wf in wfs.items():
        assert wf.get("permissions") == {}, name  # nothing by default: every job says what it needs
    reporters = {(n, j) for n, j, job in all_jobs() if any("kepu.github_issue" in s.get("run", "") for s in job["steps"])}
    assert reporters == {("check.yml", "report"), ("deploy.yml", "report")}
    for name, job_name, job in all_jobs():
        perms = job.get("permissions")
        assert isinstance(perms, dict), f"{name}:{job_name} must say its own permissions"
        if (name, job_name) in deployers:
            assert perms == {"pages": "write", "id-token": "write"}
        elif (name, job_name) == ("check.yml", "report"):  # one comment on the pull request
            assert perms == {"contents": "read", "pull-requests": "write"}
        elif (name, job_name) == ("deploy.yml", "report"):  # one issue on main
            assert perms == {"contents": "read", "issues": "write"}
        else:
            assert perms == {"contents": "read"}, f"{name}:{job_name}"


def test_every_job_has_a_timeout_and_current_actions():
    minimum = {"actions/checkout": 5, "actions/setup-python": 6, "actions/upload-pages-artifact": 4,
               "actions/deploy-pages": 4, "actions/cache": 4, "actions/upload-artifact": 4,
               "actions/download-artifact": 4}
    for name, job_name, job in all_jobs():
        assert 0 < int(job["timeout-minutes"]) <= 30, f"{name}:{job_name}"
        for step in job.get("steps", []):
            if "uses" in step:
                action, _, version = step["uses"].partition("@")
                assert action in minimum and int(version.lstrip("v")) >= minimum[action], step["uses"]
        for step in steps_using(job, "actions/setup-python"):
            assert step["with"]["cache"] == "pip" and step["with"]["cache-dependency-path"] == "requirements.lock"
        # the site is built with the runtime dependencies only; tests are not part of publishing
        assert not any("tasks.py test" in s.get("run", "") or "requirements-test" in s.get("run", "")
                       for s in job.get("steps", []))
