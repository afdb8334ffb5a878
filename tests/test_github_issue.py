"""A failed check or deploy comes back to the volunteer on GitHub, in Chinese: one issue on main
(opened, updated, closed), one comment on a pull request (the editor's drafts). Driven by a recorded
failing check (tests/fixtures/failing-check/) through a fake GitHub; the workflows are parsed."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
from pathlib import Path

import pytest
import yaml

from kepu import github, github_issue as gi
from kepu.content.problems import Problems

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "failing-check"
RECORDED = json.loads((FIXTURE / "report.json").read_text(encoding="utf-8"))
WORKFLOWS = REPO / ".github" / "workflows"


# ---------------------------------------------------------------- a fake GitHub

class FakeGitHub:
    """GitHub's issues API as far as github_issue uses it, in memory; every call is recorded."""

    repo = "shequ/kepu"

    def __init__(self, authors: dict | None = None):
        self.issues: dict[int, dict] = {}
        self.comments: dict[int, dict] = {}
        self.calls: list[tuple] = []
        self.authors = authors or {}
        self.next = 100

    def _id(self) -> int:
        self.next += 1
        return self.next

    def writes(self) -> list[tuple]:
        return [c for c in self.calls if c[0] != "GET"]

    def request(self, method, path, body=None):
        self.calls.append((method, path, body))
        base = f"/repos/{self.repo}"
        assert path.startswith(base), path
        path, _, query = path[len(base):].partition("?")
        if method == "GET" and path == "/issues":
            assert "state=open" in query
            return [i for i in self.issues.values() if i["state"] == "open"]
        if method == "POST" and path == "/issues":
            n = self._id()
            self.issues[n] = {"number": n, "state": "open", "user": {"login": "github-actions[bot]"}, **body}
            return self.issues[n]
        if m := re.fullmatch(r"/issues/(\d+)", path):
            assert method == "PATCH"
            self.issues[int(m[1])].update(body)
            return self.issues[int(m[1])]
        if m := re.fullmatch(r"/issues/(\d+)/comments", path):
            if method == "GET":
                return [c for c in self.comments.values() if c["on"] == int(m[1])]
            cid = self._id()
            self.comments[cid] = {"id": cid, "on": int(m[1]), "user": {"login": "github-actions[bot]"}, **body}
            return self.comments[cid]
        if m := re.fullmatch(r"/issues/comments/(\d+)", path):
            assert method == "PATCH"
            self.comments[int(m[1])].update(body)
            return self.comments[int(m[1])]
        if m := re.fullmatch(r"/commits/(\w+)", path):
            return {"author": {"login": self.authors[m[1]]} if m[1] in self.authors else None}
        raise AssertionError(f"unexpected {method} {path}")

    def open_issues(self) -> list[dict]:
        return [i for i in self.issues.values() if i["state"] == "open"]


def main_run(report=RECORDED, build="failure", deploy="skipped", sha="0123456789abcdef", author="zhangli"):
    return gi.Run(repo="shequ/kepu", sha=sha, branch="main", author=author,
                  run_url="https://github.com/shequ/kepu/actions/runs/42",
                  stage=gi.stage_of(report, build, deploy), problems=list((report or {}).get("problems", [])))


def pr_run(report=RECORDED, build="failure", sha="feedbeef00", number=7):
    return gi.Run(repo="shequ/kepu", sha=sha, branch="cms/posts/2026-12", pr=number, author="wangjianguo",
                  stage=gi.stage_of(report, build), problems=list((report or {}).get("problems", [])))


PASSED = {"version": 1, "command": "build", "problems": [], "built": True, "exit_code": 0, "stage": "ok"}


def mentions(text: str) -> list[str]:
    """What GitHub would turn into @mentions (it looks in the rendered text, outside code spans)."""
    text = re.sub(r"(`+).*?\1", "", text)
    return re.findall(r"(?<![\w`])@([A-Za-z0-9][A-Za-z0-9-]*)", text)


def links(text: str) -> list[str]:
    return re.findall(r"\]\(([^)]*)\)", re.sub(r"(`+).*?\1", "", text)) + re.findall(r"(?:https?|ftp)://[^\s)]+",
                                                                                       re.sub(r"\]\([^)]*\)", "", text))


# ---------------------------------------------------------------- main: the one issue

def test_a_failed_check_on_main_opens_one_issue_listing_every_problem():
    api = FakeGitHub()
    actions = gi.report(main_run(), api)
    assert [a.kind for a in actions] == ["create_issue"]
    [issue] = api.open_issues()
    errors = [p for p in RECORDED["problems"] if p["severity"] == "错误"]
    assert len(errors) == 4 and issue["title"] == "网站没有更新：4 个问题要改"
    body = issue["body"]
    assert body.startswith(gi.ISSUE_MARKER)
    assert mentions(body) == ["zhangli"]  # the author, so GitHub emails them; nobody else
    for p in RECORDED["problems"]:  # each problem: file, line, what, how
        assert gi.code(p["path"]) + f" 第 {max(p['line'], 1)} 行" in body
        assert gi.inline(p["message"]) in body and gi.inline(p["fix"]) in body
    assert "https://github.com/shequ/kepu/blob/main/bulletins/2026/2026-11.md#L8" in body
    assert "网站没有更新" in body and "没有被弄坏" in body and "自动关闭" in body


def test_a_rerun_of_the_same_failure_changes_nothing_and_emails_nobody_twice():
    api = FakeGitHub()
    gi.report(main_run(), api)
    before = len(api.writes())
    assert gi.report(main_run(), api) == []
    assert len(api.writes()) == before and len(api.open_issues()) == 1


def test_a_later_failure_updates_the_same_issue_and_mentions_the_new_author():
    api = FakeGitHub()
    gi.report(main_run(), api)
    [issue] = api.open_issues()
    fewer = dict(RECORDED, problems=[p for p in RECORDED["problems"] if "fire-drill" not in p["path"]])  # one fixed
    actions = gi.report(main_run(fewer, sha="abcdef1234", author="chenxiaodong"), api)
    assert [a.kind for a in actions] == ["update_issue", "comment_issue"]
    assert api.open_issues() == [issue] and issue["title"] == "网站没有更新：3 个问题要改"
    assert "2026-11-07-fire-drill.md" not in issue["body"] and "abcdef1" in issue["body"]
    [comment] = api.comments.values()
    assert comment["on"] == issue["number"] and mentions(comment["body"]) == ["chenxiaodong"]


def test_a_passing_run_on_main_closes_the_issue_with_a_chinese_comment():
    api = FakeGitHub()
    gi.report(main_run(), api)
    [issue] = api.open_issues()
    run = main_run(PASSED, build="success", deploy="success", sha="c0ffee0000")
    run.page_url = "https://shequ.github.io/kepu/"
    assert [a.kind for a in gi.report(run, api)] == ["close_issue"]
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    [comment] = api.comments.values()
    assert comment["body"].startswith("已经改好了，网站已更新：https://shequ.github.io/kepu/")
    # passing again: nothing to close, nothing written; a new failure opens a new issue
    writes = len(api.writes())
    assert gi.report(run, api) == [] and len(api.writes()) == writes
    gi.report(main_run(sha="dddd000000"), api)
    assert len(api.open_issues()) == 1 and api.open_issues()[0]["number"] != issue["number"]


def test_the_issue_is_found_by_its_marker_not_by_any_open_issue():
    api = FakeGitHub()
    api.issues[5] = {"number": 5, "state": "open", "title": "网站没有更新：1 个问题要改", "body": "我自己写的",
                     "user": {"login": "zhangli"}}
    api.issues[6] = {"number": 6, "state": "open", "title": "PR", "body": gi.ISSUE_MARKER,
                     "pull_request": {}, "user": {"login": "github-actions[bot]"}}
    api.issues[8] = {"number": 8, "state": "open", "title": "抄来的", "body": gi.ISSUE_MARKER,
                     "user": {"login": "someone"}}  # the marker copied by a person: not ours
    gi.report(main_run(), api)
    assert len(api.open_issues()) == 4
    assert gi.report(main_run(PASSED, "success", "success"), api)[0].number not in (5, 6, 8)


def test_engine_deploy_and_unfinished_runs_still_open_an_issue_in_chinese():
    engine = {"version": 1, "command": "build", "problems": [], "built": False, "exit_code": 1, "stage": "engine"}
    cases = {
        "engine": (main_run(engine), "网站没有更新：生成网站时出错", "mkdocs.yml"),
        "deploy": (main_run(PASSED, "success", "failure"), "网站没有更新：发布时出错", "Settings → Pages → Source"),
        "setup": (main_run(None, "failure"), "网站没有更新：检查没有运行完", "Re-run jobs"),
        "crash": (main_run(dict(engine, stage="crash", exit_code=3)), "网站没有更新：kepu 程序出错", "不是你的文件的问题"),
    }
    for stage, (run, title, words) in cases.items():
        assert run.stage == stage
        api = FakeGitHub()
        gi.report(run, api)
        [issue] = api.open_issues()
        assert issue["title"] == title and words in issue["body"] and mentions(issue["body"]) == ["zhangli"]


def test_stage_from_the_report_and_the_jobs_results():
    assert gi.stage_of(RECORDED, "failure", "skipped") == "check"
    assert gi.stage_of(PASSED, "success", "success") == "ok"
    assert gi.stage_of(PASSED, "success", "failure") == "deploy"
    assert gi.stage_of(None, "failure") == "setup"
    assert gi.stage_of(PASSED, "failure") == "setup"  # kepu passed, a later step of the job failed
    assert gi.stage_of(RECORDED, "cancelled") == "" and gi.stage_of(PASSED, "success", "cancelled") == ""


def test_a_scheduled_run_asks_github_who_made_the_commit_and_never_mentions_a_bot():
    api = FakeGitHub(authors={"0123456789abcdef": "liumin"})
    gi.report(main_run(author=""), api)
    assert mentions(api.open_issues()[0]["body"]) == ["liumin"]
    api = FakeGitHub(authors={"0123456789abcdef": "dependabot[bot]"})
    gi.report(main_run(author=""), api)
    assert mentions(api.open_issues()[0]["body"]) == []


def test_other_branches_are_left_to_the_run_summary():
    run = main_run()
    run.branch = "zhang/draft"
    api = FakeGitHub()
    assert gi.report(run, api) == [] and api.calls == []


# ---------------------------------------------------------------- a pull request: one comment

def test_a_pull_request_gets_one_comment_updated_in_place_then_a_passed_note():
    api = FakeGitHub()
    assert [a.kind for a in gi.report(pr_run(), api)] == ["create_comment"]
    [comment] = api.comments.values()
    assert comment["on"] == 7 and comment["body"].startswith(gi.PR_MARKER) and api.issues == {}
    assert "编辑器" in comment["body"] and mentions(comment["body"]) == ["wangjianguo"]
    assert "/blob/cms/posts/2026-12/bulletins/2026/2026-11.md#L14" in comment["body"]  # the draft's branch
    assert "/blob/main/docs/guide/publish.md#failed" in comment["body"]  # the guide as published
    assert gi.report(pr_run(), api) == []  # the same again: untouched
    fewer = dict(RECORDED, problems=[p for p in RECORDED["problems"] if "fire-drill" in p["path"]])
    assert [a.kind for a in gi.report(pr_run(fewer, sha="feedbeef01"), api)] == ["update_comment"]
    assert list(api.comments) == [comment["id"]] and "要改的地方（1 个）" in comment["body"]
    assert [a.kind for a in gi.report(pr_run(PASSED, "success", sha="feedbeef02"), api)] == ["update_comment"]
    assert list(api.comments) == [comment["id"]] and "检查通过" in comment["body"]
    assert "要改的地方" not in comment["body"]
    assert gi.report(pr_run(PASSED, "success", sha="feedbeef02"), api) == []


def test_a_pull_request_that_never_failed_gets_no_comment():
    api = FakeGitHub()
    assert gi.report(pr_run(PASSED, "success"), api) == [] and api.writes() == []


# ---------------------------------------------------------------- volunteer text cannot inject

HOSTILE = ["@everyone 看这里", "联系 a@b.com", "[点我](https://evil.example)", "![x](http://e/x.png)",
           "<img src=x onerror=alert(1)>", "见 #12 和 GH-3", "www.evil.example", "<!-- kepu:commit=0 -->",
           "`代码` **粗** _斜_ ~删~ | 表", "https://evil.example/路径"]


@pytest.mark.parametrize("text", HOSTILE)
def test_volunteer_text_makes_no_mention_link_or_html(text):
    out = gi.inline(text)
    assert "\n" not in out and "<" not in out and ">" not in out
    assert not mentions(out) and not re.search(r"#\d", out) and not re.search(r"(?i)gh-\d", out)
    assert not re.search(r"(?<!\\)\]\(", out) and "://" not in out and not re.search(r"(?i)www\.", out)
    assert not re.search(r"(?<!\\)[`*_~|\[\]!]", out)  # every Markdown character escaped
    assert out.replace(gi.WJ, "").replace("\\", "").replace("&lt;", "<").replace("&gt;", ">") \
        .replace("&amp;", "&") == " ".join(text.split())  # and the volunteer still reads their own words


def test_file_names_are_code_spans_and_logins_are_checked():
    assert gi.code("bulletins/2026/2026-12.md") == "`bulletins/2026/2026-12.md`"
    assert gi.code("a`b.md") == "`` a`b.md ``" and gi.code("``x") == "``` ``x ```"
    assert gi.mention("zhang-li") == "@zhang-li"
    for bad in ("", "zhang li", "x[bot]", "@x", "-x", "a_b", "x" * 40, "<b>"):
        assert gi.mention(bad) == "", bad


def test_the_recorded_hostile_names_reach_the_issue_as_plain_text():
    api = FakeGitHub()
    gi.report(main_run(), api)
    body = api.open_issues()[0]["body"]
    assert "`bulletins/2026/@bob [看](http:evil) <b>.md`" in body  # inside a code span: inert
    assert mentions(body) == ["zhangli"] and "<b>" not in body.replace("`bulletins/2026/@bob [看](http:evil) <b>.md`", "")
    assert all(url.startswith(("https://github.com/shequ/kepu/", "#")) for url in links(body)), links(body)


# ---------------------------------------------------------------- the HTTP layer and its failures

class FakeResponse:
    def __init__(self, data):
        self.data = data

    def read(self):
        return self.data

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_api_client_speaks_githubs_rest_api_with_urllib():
    seen = []

    def opener(req, timeout):
        seen.append(req)
        return FakeResponse(b'{"number": 9}')

    api = gi.GitHub("shequ/kepu", "t0ken", opener=opener)
    assert api.request("POST", "/repos/shequ/kepu/issues", {"title": "网站没有更新"}) == {"number": 9}
    [req] = seen
    assert req.full_url == "https://api.github.com/repos/shequ/kepu/issues" and req.get_method() == "POST"
    assert req.get_header("Authorization") == "Bearer t0ken"
    assert req.get_header("Accept") == "application/vnd.github+json"
    assert json.loads(req.data) == {"title": "网站没有更新"}

    def forbidden(req, timeout):
        raise urllib.error.HTTPError(req.full_url, 403, "Resource not accessible by integration", {}, None)

    with pytest.raises(gi.GitHubError) as exc:
        gi.GitHub("shequ/kepu", "t", opener=forbidden).request("GET", "/x")
    assert exc.value.status == 403


def test_a_read_only_token_is_logged_in_chinese_and_does_not_fail_the_job(tmp_path, capsys):
    class ReadOnly(FakeGitHub):
        def request(self, method, path, body=None):
            if method != "GET":
                raise gi.GitHubError(403, "Resource not accessible by integration")
            return super().request(method, path, body)

    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "user": {"login": "fork-user"},
                                                  "head": {"ref": "patch-1", "sha": "abc"}}}), encoding="utf-8")
    report = tmp_path / "r.json"
    report.write_text(json.dumps(RECORDED, ensure_ascii=False), encoding="utf-8")
    env = {"GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "shequ/kepu", "GITHUB_TOKEN": "t"}
    assert gi.main(["--report", str(report), "--build", "failure"], env=env, api=ReadOnly()) == 0
    err = capsys.readouterr().err
    assert "没有权限" in err and "复刻" in err and "Traceback" not in err

    class NoIssues(FakeGitHub):  # a fork has Issues switched off: GitHub answers 410 Gone
        def request(self, method, path, body=None):
            raise gi.GitHubError(410, "Issues are disabled for this repo")

    env = {"GITHUB_REPOSITORY": "shequ/kepu", "GITHUB_TOKEN": "t", "GITHUB_REF_NAME": "main", "GITHUB_SHA": "ab12"}
    assert gi.main(["--report", str(report), "--build", "failure"], env=env, api=NoIssues()) == 0
    assert "Settings → General → Features" in capsys.readouterr().err


# ---------------------------------------------------------------- kepu's --report and the recorded fixture

def break_example(root: Path) -> None:
    """How tests/fixtures/failing-check/ was made from tests/fixtures/example/ (see its README)."""
    b = root / "bulletins" / "2026"
    issue = (b / "2026-11.md").read_text(encoding="utf-8")
    issue = issue.replace("## 【消防】家里着火了", "## 【@everyone 看 https://evil.example/x】家里着火了", 1)
    assert "\nsummary:" in issue and "\ntime: " in (b / "2026-11-07-fire-drill.md").read_text(encoding="utf-8")
    issue = issue.replace("\nsummary:", "\ndate_typo: 2026-11\nsummary:", 1)
    (b / "2026-11.md").write_text(issue, encoding="utf-8")
    drill = b / "2026-11-07-fire-drill.md"
    drill.write_text(re.sub(r"\ntime: .*\n", '\ntime: "下午两点"\n', drill.read_text(encoding="utf-8"), count=1),
                     encoding="utf-8")
    shutil.copy(drill, b / "@bob [看](http:evil) <b>.md")
    clinic = b / "2026-10-17-fall-prevention-clinic.md"
    clinic.write_text(re.sub(r"(?m)^participants:.*\n", "", clinic.read_text(encoding="utf-8")), encoding="utf-8")


def test_the_recorded_report_is_what_kepu_check_report_writes_today(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(REPO / "tests" / "fixtures" / "example", root)
    break_example(root)
    out = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")} | {"PYTHONUTF8": "1"}
    proc = subprocess.run([sys.executable, "-m", "kepu", "check", "--root", str(root), "--today", "2026-11-29",
                           "--report", str(out)], capture_output=True, text=True, encoding="utf-8", env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    if os.environ.get("KEPU_RECORD") == "1":  # record again after a deliberate change of kepu's messages
        shutil.copy(out, FIXTURE / "report.json")
        (FIXTURE / "output.txt").write_text(proc.stdout, encoding="utf-8")
    fresh = json.loads(out.read_text(encoding="utf-8"))
    assert set(fresh) == set(RECORDED) and fresh["stage"] == "check" and fresh["exit_code"] == 1
    key = lambda r: [(p["path"], p["line"], p["severity"]) for p in r["problems"]]
    assert key(fresh) == key(RECORDED)
    assert proc.stdout == (FIXTURE / "output.txt").read_text(encoding="utf-8")


def test_finish_report_tells_an_engine_failure_and_a_crash_from_a_check(tmp_path):
    out = tmp_path / "r.json"
    problems = Problems(tmp_path)
    problems.warning(tmp_path / "bulletins" / "a.md", 3, "只是警告", "有空改")
    github.start_report("build")
    github.report_problems(problems)
    github.finish_report(out, 1)  # checked with only a warning, and the build still failed: the engine
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["stage"] == "engine" and data["problems"][0]["path"] == "bulletins/a.md"
    from kepu import engine  # a broken link found by the engine is the volunteer's, with its file and line

    github.start_report("build")
    github.report_problems(problems)
    found = Problems(tmp_path)
    found.error(tmp_path / "bulletins" / "2026" / "2026-12.md", 7, "链接「x.md」指向的页面不存在", "改链接")
    engine.last_problems[:] = [found]
    github.finish_report(out, 1)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["stage"] == "check" and [p["path"] for p in data["problems"]] == ["bulletins/a.md", "bulletins/2026/2026-12.md"]
    github.start_report("build")
    assert engine.last_problems == []
    github.finish_report(out, 3)
    assert json.loads(out.read_text(encoding="utf-8"))["stage"] == "crash"
    github.start_report("build")
    github.report_problems(problems)
    github.report_build(None, tmp_path)  # outside Actions: only marks the report
    github.finish_report(out, 0)
    assert json.loads(out.read_text(encoding="utf-8"))["stage"] == "ok"


# ---------------------------------------------------------------- the dry run, as CI runs it

def dry_run(tmp_path, event: dict, *args, report=RECORDED, **env) -> subprocess.CompletedProcess:
    (tmp_path / "event.json").write_text(json.dumps(event), encoding="utf-8")
    (tmp_path / "kepu-report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env = base | {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
                  "GITHUB_REPOSITORY": "shequ/kepu", "GITHUB_SERVER_URL": "https://github.com",
                  "GITHUB_RUN_ID": "42", "GITHUB_API_URL": "http://127.0.0.1:9",  # any request would fail
                  "PYTHONPATH": str(REPO / "scripts"), "PYTHONUTF8": "1"} | env
    return subprocess.run([sys.executable, "-m", "kepu.github_issue", "--report", "kepu-report.json", *args,
                           "--dry-run"], capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path)


def test_dry_run_on_a_push_to_main_says_in_chinese_which_issue_it_would_open(tmp_path):
    event = {"head_commit": {"author": {"username": "zhangli"}}, "repository": {"default_branch": "main"}}
    proc = dry_run(tmp_path, event, "--build", "failure", "--deploy", "skipped",
                   GITHUB_REF_NAME="main", GITHUB_SHA="0123456789abcdef", GITHUB_EVENT_NAME="push")
    assert proc.returncode == 0 and proc.stderr == ""
    assert "试运行，不连接 GitHub" in proc.stdout
    assert "会新开一个问题单「网站没有更新：4 个问题要改」" in proc.stdout and "@zhangli 你好" in proc.stdout


def test_dry_run_on_a_draft_pull_request_shows_the_comment(tmp_path):
    event = {"pull_request": {"number": 12, "draft": True, "user": {"login": "wangjianguo"},
                              "head": {"ref": "cms/posts/2026-12", "sha": "feedbeef"}}}
    proc = dry_run(tmp_path, event, "--build", "failure", GITHUB_EVENT_NAME="pull_request",
                   GITHUB_HEAD_REF="cms/posts/2026-12", GITHUB_REF_NAME="12/merge")
    assert proc.returncode == 0 and "会在合并请求 #12 下留言（问题清单）" in proc.stdout
    assert "/blob/cms/posts/2026-12/" in proc.stdout
    proc = dry_run(tmp_path, event, "--build", "success", report=PASSED, GITHUB_EVENT_NAME="pull_request",
                   GITHUB_HEAD_REF="cms/posts/2026-12")
    assert proc.returncode == 0 and "不用做什么" in proc.stdout


# ---------------------------------------------------------------- the workflows

def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def on(wf: dict) -> dict:
    return wf.get("on", wf.get(True))


def step_running(job: dict, text: str) -> dict:
    [step] = [s for s in job["steps"] if text in s.get("run", "")]
    return step


def test_every_pull_request_is_checked_including_the_editors_drafts():
    check = load("check.yml")
    assert set(on(check)["pull_request"]["types"]) >= {"opened", "synchronize", "reopened", "ready_for_review"}
    job = check["jobs"]["check"]
    assert job["permissions"] == {"contents": "read"}
    [upload] = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert "!cancelled()" in upload["if"] and upload["with"]["path"] == "kepu-report.json"


@pytest.mark.parametrize("name,needs,perm", [("check.yml", "check", "pull-requests"), ("deploy.yml", ["build", "deploy"], "issues")])
def test_the_report_job_alone_may_write_and_runs_no_volunteer_content(name, needs, perm):
    wf = load(name)
    job = wf["jobs"]["report"]
    assert job["needs"] == needs and "!cancelled()" in job["if"]
    assert job["permissions"] == {"contents": "read", perm: "write"}
    step = step_running(job, "python3 -m kepu.github_issue --report kepu-report.json")
    assert step["env"]["GITHUB_TOKEN"] == "${{ github.token }}"
    assert "${{" not in step["run"]  # results reach the script through env, never pasted into the shell
    assert not any("tasks.py" in s.get("run", "") for s in job["steps"])  # installs nothing, builds nothing
    [checkout] = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["persist-credentials"] is False
    [download] = [s for s in job["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
    assert download["continue-on-error"] is True  # no report file: still says 「检查没有运行完」
    for other, j in wf["jobs"].items():  # the token is handed to no other job
        if other != "report":
            assert "github.token" not in json.dumps(j) and "GITHUB_TOKEN" not in json.dumps(j)


def test_deploy_reports_the_results_of_both_jobs_and_the_address():
    job = load("deploy.yml")["jobs"]["report"]
    env = step_running(job, "kepu.github_issue")["env"]
    assert env["BUILD_RESULT"] == "${{ needs.build.result }}" and env["DEPLOY_RESULT"] == "${{ needs.deploy.result }}"
    assert env["PAGE_URL"] == "${{ needs.deploy.outputs.page_url }}"
    assert load("deploy.yml")["jobs"]["deploy"]["outputs"]["page_url"] == "${{ steps.deployment.outputs.page_url }}"
