"""Bring a failed check or deploy back to the volunteer, in Chinese, without the Actions page.

Run by the report jobs of .github/workflows/check.yml and deploy.yml after the build:

- on main (deploy.yml): a failed run opens ONE issue titled 「网站没有更新：N 个问题要改」 that lists
  every problem (file, line, what is wrong, how to fix) and mentions the commit's author, so GitHub
  emails them; a later failed run updates that issue (found by a hidden marker, never a second one)
  and mentions the new author in a comment; a later run that passes closes it with a comment.
- on a pull request (check.yml; the editor's drafts are pull requests from `cms/...` branches): the
  same list as ONE comment, edited in place, replaced by a 「检查通过」 note once fixed.

The pure part (decide what to do, render the Chinese Markdown, neutralise volunteer text) is
separate from the HTTP calls (class GitHub, urllib only), so tests drive it with a fake. Reporting
never fails the job: a read-only token (pull requests from forks) or a network error is logged in
Chinese and the script exits 0; the build job's own result is what marks the run red.

    python3 -m kepu.github_issue --report kepu-report.json --build success|failure --deploy … [--dry-run]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ISSUE_MARKER = "<!-- kepu:website-not-updated -->"
PR_MARKER = "<!-- kepu:pull-request-check -->"
ERROR, WARNING = "错误", "警告"
MAX_ITEMS = 60  # an issue body may hold 65536 characters; the run's log has every problem anyway
LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
GUIDE = "docs/guide/publish.md"


# ---------------------------------------------------------------- volunteer text, made inert

WJ = "\u2060"  # WORD JOINER: invisible, and breaks GitHub's @mention, #123 and autolink recognition


def inline(text) -> str:
    """Volunteer text (a message quoting a file, a title…) as plain inline Markdown on GitHub.

    One line; no HTML (< > & escaped); Markdown punctuation backslash-escaped so no link, image,
    emphasis or code can start; and since GitHub finds @mentions, #123 references and bare URLs in
    the rendered text (where backslashes are gone), a word joiner goes after @ and # and inside
    `://` and `www.`, so nobody is pinged and nothing becomes a link."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\`*_\[\]|~!])", r"\\\1", text)
    text = text.replace("@", "@" + WJ).replace("#", "#" + WJ).replace("://", ":" + WJ + "//")
    text = re.sub(r"(?i)\b(www|gh)([.-])", lambda m: m[1] + WJ + m[2], text)
    return text


def code(text) -> str:
    """A file name as an inline code span (GitHub links nothing inside code), any backticks fenced."""
    text = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def mention(login: str) -> str:
    """`@login` for a real GitHub account (never a bot, never anything else), else ""."""
    if not login or login.endswith("[bot]") or not LOGIN.fullmatch(login):
        return ""
    return "@" + login


# ---------------------------------------------------------------- what the run knows

@dataclass
class Run:
    repo: str  # owner/name
    server: str = "https://github.com"
    sha: str = ""
    branch: str = ""  # where the files are edited: main, or the pull request's source branch
    default_branch: str = "main"
    pr: int = 0  # pull request number, 0 when not a pull request
    author: str = ""  # GitHub login of whoever made the commit or the pull request
    run_url: str = ""
    page_url: str = ""
    stage: str = "ok"  # ok, check, engine, crash, setup, deploy; "" when there is nothing to say
    problems: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[dict]:
        return [p for p in self.problems if p.get("severity") == ERROR]

    @property
    def warnings(self) -> list[dict]:
        return [p for p in self.problems if p.get("severity") != ERROR]

    @property
    def on_main(self) -> bool:
        return not self.pr and self.branch == self.default_branch


def stage_of(report: dict | None, build: str, deploy: str = "") -> str:
    """From kepu's --report file and the jobs' results (success, failure, cancelled, skipped)."""
    if "cancelled" in (build, deploy):
        return ""  # a newer run took over: it will report
    if report and report.get("stage") not in (None, "ok"):
        return report["stage"]
    if build == "failure":
        return "setup"  # no report, or the step after kepu failed: installing, uploading…
    if deploy == "failure":
        return "deploy"
    return "ok" if build == "success" else ""


def run_from_env(env: dict, report: dict | None, build: str, deploy: str = "", page_url: str = "") -> Run:
    """What GitHub Actions tells the job: its environment and the event's JSON (GITHUB_EVENT_PATH)."""
    event = {}
    if env.get("GITHUB_EVENT_PATH"):
        try:
            event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            event = {}
    pr = event.get("pull_request") or {}
    head = event.get("head_commit") or {}
    author = (pr.get("user") or {}).get("login") or ((head.get("author") or {}).get("username")) or ""
    server = env.get("GITHUB_SERVER_URL", "https://github.com")
    repo = env.get("GITHUB_REPOSITORY", "")
    branch = env.get("GITHUB_HEAD_REF") or ((pr.get("head") or {}).get("ref")) or env.get("GITHUB_REF_NAME", "")
    run_url = f"{server}/{repo}/actions/runs/{env['GITHUB_RUN_ID']}" if env.get("GITHUB_RUN_ID") else ""
    return Run(repo=repo, server=server, sha=(pr.get("head") or {}).get("sha") or env.get("GITHUB_SHA", ""),
               branch=branch, default_branch=(event.get("repository") or {}).get("default_branch") or "main",
               pr=int(pr.get("number") or 0), author=author, run_url=run_url,
               page_url=page_url if page_url.startswith("https://") else "",
               stage=stage_of(report, build, deploy), problems=list((report or {}).get("problems") or []))


# ---------------------------------------------------------------- the Chinese text

EXPLAIN = {
    "engine": ("生成网站时出错",
               "内容检查通过了，但是把内容生成网站的时候出错了。如果你只改了 `bulletins/` 里的文件，"
               "这多半不是你的问题：常见的原因是 `mkdocs.yml` 或 `docs/` 里的手写页面改错了。"
               "请把这个页面的网址发给技术志愿者。"),
    "crash": ("kepu 程序出错",
              "kepu 程序自己出错了，**这不是你的文件的问题**。请把这个页面的网址发给技术志愿者，"
              "他们在运行记录里能看到详细的出错信息。"),
    "setup": ("检查没有运行完",
              "检查没有运行完，多半是 GitHub 安装需要的组件时网络出了问题，不是你的问题。"
              "打开下面的运行记录，点右上角的「Re-run jobs」重新运行一次；还不行就找技术志愿者。"),
    "deploy": ("发布时出错",
               "内容检查通过、网站也生成好了，但是发布到 GitHub Pages 的时候出错了，不是你的文件的问题。"
               "最常见的原因是 Pages 没有打开：在仓库的「Settings → Pages → Source」选「GitHub Actions」，"
               "然后打开下面的运行记录，点右上角的「Re-run jobs」。还不行就找技术志愿者。"),
}


def title(run: Run) -> str:
    if run.stage == "check":
        n = len(run.errors) or len(run.problems)
        return f"网站没有更新：{n} 个问题要改"
    return f"网站没有更新：{EXPLAIN.get(run.stage, EXPLAIN['setup'])[0]}"


def file_url(run: Run, path: str, line: int, ref: str = "") -> str:
    ref = ref or run.branch or run.sha
    quoted = "/".join(quote(part, safe="") for part in f"{ref}/{path}".split("/"))
    return f"{run.server}/{run.repo}/blob/{quoted}" + (f"#L{line}" if line > 0 else "")


def problem_item(run: Run, number: int, p: dict) -> list[str]:
    line = max(int(p.get("line") or 0), 0)
    where = f"{code(p.get('path', ''))} 第 {max(line, 1)} 行"
    lines = [f"**{number}. {where}**（[打开这个文件]({file_url(run, str(p.get('path', '')), line)})）", "",
             f"- 问题：{inline(p.get('message', ''))}"]
    if p.get("fix"):
        lines.append(f"- 怎么改：{inline(p['fix'])}")
    return lines + [""]


def short_sha(run: Run) -> str:
    return re.sub(r"[^0-9a-f]", "", run.sha.lower())[:7]


def failure_body(run: Run, *, for_pr: bool) -> str:
    who = mention(run.author)
    hello = f"{who} 你好！" if who else "你好！"
    what = (f"这个合并请求（草稿）里的修改" if for_pr else
            f"最近一次提交（{short_sha(run)}）" if short_sha(run) else "最近一次修改")
    lines = [PR_MARKER if for_pr else ISSUE_MARKER, ""]
    if for_pr:
        lines.append(f"{hello}{what}**没有通过检查**，现在合并的话网站不会更新。请先按下面的说明改好。")
    else:
        lines.append(f"{hello}{what}**没有通过检查，网站没有更新**。网上的网站还是上一次的样子，没有被弄坏。")
    lines.append("")
    if run.stage == "check":
        blocking = run.errors or run.problems
        lines += [f"### 要改的地方（{len(blocking)} 个）", ""]
        for i, p in enumerate(blocking[:MAX_ITEMS], 1):
            lines += problem_item(run, i, p)
        if len(blocking) > MAX_ITEMS:
            lines += [f"还有 {len(blocking) - MAX_ITEMS} 个没有列出，见运行记录。", ""]
        others = run.warnings if run.errors else []
        if others:
            lines += [f"另外还有 {len(others)} 个**警告**，不影响发布，有空时改一改：", ""]
            for p in others[:max(MAX_ITEMS - len(blocking), 10)]:
                lines.append(f"- {code(p.get('path', ''))} 第 {max(int(p.get('line') or 0), 1)} 行："
                             f"{inline(p.get('message', ''))}" + (f"（{inline(p['fix'])}）" if p.get("fix") else ""))
            lines.append("")
        if for_pr:
            steps = ["1. 回到网站的编辑器（网址后面加 `/admin/`）打开这篇草稿；"
                     "或者点上面的「打开这个文件」，再点文件右上角的铅笔图标；",
                     "2. 找到上面说的那一处，照「怎么改」改好；",
                     "3. 保存（编辑器里点「保存」，GitHub 网页上点绿色的「Commit changes」）。"
                     "GitHub 会自动再检查一次，改好了这条留言会变成「检查通过」。"]
        else:
            steps = ["1. 点上面的「打开这个文件」，再点文件右上角的铅笔图标（编辑）；",
                     "2. 找到上面说的那一行，照「怎么改」改好；",
                     "3. 点绿色的「Commit changes」保存。GitHub 会自动再检查一次，"
                     "改好后网站就会更新，这个问题单也会自动关闭。"]
        lines += ["### 怎么改", "", *steps, ""]
    else:
        lines += [EXPLAIN.get(run.stage, EXPLAIN["setup"])[1], ""]
    tail = f"更多说明见[发布网站指南的「发布失败了怎么办」]({file_url(run, GUIDE, 0, run.default_branch)}#failed)。"
    if run.run_url:
        tail += f"技术志愿者可以看[这次的运行记录]({run.run_url})。"
    lines += [tail, "", f"<!-- kepu:commit={short_sha(run)} -->"]
    return "\n".join(lines) + "\n"


def passed_pr_body(run: Run) -> str:
    return (f"{PR_MARKER}\n\n✅ **检查通过**：之前的问题都已经改好了，合并以后网站就会更新。\n\n"
            f"<!-- kepu:commit={short_sha(run)} -->\n")


def closed_comment(run: Run) -> str:
    where = f"：{run.page_url}" if run.page_url else "。"
    return f"已经改好了，网站已更新{where}（提交 {short_sha(run)}，这个问题单自动关闭。）"


def new_failure_comment(run: Run) -> str:
    who = mention(run.author)
    return (f"{who + ' ' if who else ''}新的提交（{short_sha(run)}）也没有通过检查，网站还没有更新。"
            "上面的问题清单已经换成这一次的，请照着改。")


# ---------------------------------------------------------------- decide

@dataclass
class Action:
    kind: str  # create_issue, update_issue, comment_issue, close_issue, create_comment, update_comment
    number: int = 0  # the issue or pull request
    comment_id: int = 0
    title: str = ""
    body: str = ""

    def describe(self) -> str:
        return {
            "create_issue": f"新开一个问题单「{self.title}」",
            "update_issue": f"更新问题单 #{self.number}「{self.title}」",
            "comment_issue": f"在问题单 #{self.number} 下留言",
            "close_issue": f"在问题单 #{self.number} 下留言并关闭它",
            "create_comment": f"在合并请求 #{self.number} 下留言（问题清单）",
            "update_comment": f"更新合并请求 #{self.number} 下的留言",
        }[self.kind]


def commit_of(body: str) -> str:
    found = re.findall(r"<!-- kepu:commit=([0-9a-f]*) -->", body or "")
    return found[-1] if found else ""  # the last line is ours; a file name above cannot stand in for it


def decide_issue(run: Run, issue: dict | None) -> list[Action]:
    """main: open, update or close the one 「网站没有更新」 issue. `issue`: the open one, if any."""
    if not run.on_main or not run.stage:
        return []
    if run.stage == "ok":
        if issue is None:
            return []
        return [Action("close_issue", issue["number"], body=closed_comment(run))]
    t, body = title(run), failure_body(run, for_pr=False)
    if issue is None:
        return [Action("create_issue", title=t, body=body)]
    if issue.get("title") == t and issue.get("body") == body:
        return []  # the same run reported again (re-run): nothing changes, nobody is emailed twice
    actions = [Action("update_issue", issue["number"], title=t, body=body)]
    if commit_of(issue.get("body", "")) != short_sha(run):  # an edited body emails nobody: say it in a comment
        actions.append(Action("comment_issue", issue["number"], body=new_failure_comment(run)))
    return actions


def decide_pr(run: Run, comment: dict | None) -> list[Action]:
    """A pull request: one comment with the list, edited in place; 「检查通过」 once fixed."""
    if not run.pr or not run.stage:
        return []
    if run.stage == "ok":
        if comment is None or comment.get("body") == passed_pr_body(run):
            return []  # never failed: no comment at all
        return [Action("update_comment", run.pr, comment_id=comment["id"], body=passed_pr_body(run))]
    body = failure_body(run, for_pr=True)
    if comment is None:
        return [Action("create_comment", run.pr, body=body)]
    if comment.get("body") == body:
        return []
    return [Action("update_comment", run.pr, comment_id=comment["id"], body=body)]


# ---------------------------------------------------------------- GitHub's REST API (urllib only)

class GitHubError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(status, message)
        self.status = status


class GitHub:
    def __init__(self, repo: str, token: str, api: str = "https://api.github.com", opener=None):
        self.repo, self.token, self.api = repo, token, api.rstrip("/")
        self.opener = opener or urllib.request.urlopen

    def request(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        req = urllib.request.Request(self.api + path, data=data, method=method, headers={
            "Accept": "application/vnd.github+json", "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "kepu-report",
            **({"Content-Type": "application/json"} if data else {})})
        try:
            with self.opener(req, timeout=30) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raise GitHubError(exc.code, exc.reason or "") from None
        except (urllib.error.URLError, OSError) as exc:
            raise GitHubError(0, str(exc)) from None
        return json.loads(raw) if raw else None


def find_issue(api, me: str = "github-actions[bot]") -> dict | None:
    """The open issue carrying the marker (the oldest, if someone copied the marker elsewhere)."""
    found = []
    for page in range(1, 6):
        items = api.request("GET", f"/repos/{api.repo}/issues?state=open&per_page=100&page={page}") or []
        found += [i for i in items if "pull_request" not in i and ISSUE_MARKER in (i.get("body") or "")
                  and (i.get("user") or {}).get("login", me) == me]
        if len(items) < 100:
            break
    return min(found, key=lambda i: i["number"]) if found else None


def find_pr_comment(api, pr: int, me: str = "github-actions[bot]") -> dict | None:
    for page in range(1, 6):
        items = api.request("GET", f"/repos/{api.repo}/issues/{pr}/comments?per_page=100&page={page}") or []
        for c in items:
            if PR_MARKER in (c.get("body") or "") and (c.get("user") or {}).get("login", me) == me:
                return c
        if len(items) < 100:
            break
    return None


def commit_author(api, sha: str) -> str:
    """The GitHub account linked to the commit (for scheduled or manual runs, which carry no head commit)."""
    data = api.request("GET", f"/repos/{api.repo}/commits/{sha}") or {}
    return (data.get("author") or {}).get("login") or ""


def apply(actions: list[Action], api) -> None:
    base = f"/repos/{api.repo}/issues"
    for a in actions:
        if a.kind == "create_issue":
            made = api.request("POST", base, {"title": a.title, "body": a.body})
            a.number = (made or {}).get("number", 0)
        elif a.kind == "update_issue":
            api.request("PATCH", f"{base}/{a.number}", {"title": a.title, "body": a.body})
        elif a.kind in ("comment_issue", "create_comment"):
            api.request("POST", f"{base}/{a.number}/comments", {"body": a.body})
        elif a.kind == "close_issue":
            api.request("POST", f"{base}/{a.number}/comments", {"body": a.body})
            api.request("PATCH", f"{base}/{a.number}", {"state": "closed", "state_reason": "completed"})
        elif a.kind == "update_comment":
            api.request("PATCH", f"{base}/comments/{a.comment_id}", {"body": a.body})


def report(run: Run, api) -> list[Action]:
    """Look up what exists, decide, and do it."""
    if run.pr:
        actions = decide_pr(run, find_pr_comment(api, run.pr))
    elif run.on_main and run.stage:
        if run.stage != "ok" and not run.author and run.sha:
            run.author = commit_author(api, run.sha)
        actions = decide_issue(run, find_issue(api))
    else:
        actions = []
    apply(actions, api)
    return actions


# ---------------------------------------------------------------- command line

def load_report(path: str | None) -> dict | None:
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # kepu did not get as far as writing it: stage_of() says "setup"
    return data if isinstance(data, dict) else None


def main(argv: list[str] | None = None, env: dict | None = None, api=None) -> int:
    env = dict(os.environ) if env is None else env
    p = argparse.ArgumentParser(prog="python3 -m kepu.github_issue",
                                description="把检查或发布的结果写回 GitHub：问题单或合并请求下的留言。")
    p.add_argument("--report", help="检查或生成网站时用 --report 写出的 JSON 文件")
    p.add_argument("--build", default="success", help="检查并生成网站那一步的结果：success、failure、cancelled、skipped")
    p.add_argument("--deploy", default="", help="发布那一步的结果（只有 deploy.yml 有）")
    p.add_argument("--page-url", default="", help="发布后的网址")
    p.add_argument("--dry-run", action="store_true", help="只显示会做什么，不连接 GitHub")
    args = p.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")
        except (AttributeError, ValueError):
            pass
    run = run_from_env(env, load_report(args.report), args.build, args.deploy, args.page_url)
    where = f"合并请求 #{run.pr}" if run.pr else f"分支 {run.branch or '（未知）'}"
    print(f"检查结果：{run.stage or '（没有结果，不用报告）'}，{len(run.errors)} 个错误、"
          f"{len(run.warnings)} 个警告；{where}。")
    if not run.pr and not run.on_main:
        print("不是 main 分支，也不是合并请求：问题只写在这次运行的摘要里，不开问题单。")
        return 0
    if args.dry_run:
        actions = decide_pr(run, None) if run.pr else decide_issue(run, None)
        print("（试运行，不连接 GitHub；假设还没有问题单或留言）")
        if not actions:
            print("不用做什么。" + ("如果以前开过「网站没有更新」的问题单，会留言「已经改好了」并关闭它。" if run.stage == "ok" and run.on_main else ""))
        for a in actions:
            print(f"会{a.describe()}，内容：\n{a.body}")
        return 0
    token = env.get("GITHUB_TOKEN", "")
    if api is None:
        if not token or not run.repo:
            print("没有 GITHUB_TOKEN 或 GITHUB_REPOSITORY，不在 GitHub 上报告。")
            return 0
        api = GitHub(run.repo, token, env.get("GITHUB_API_URL", "https://api.github.com"))
    try:
        actions = report(run, api)
    except GitHubError as exc:
        if exc.status == 410:
            print("这个仓库没有打开 Issues（问题单）功能，没法开问题单：在仓库的「Settings → General → Features」"
                  "里勾选「Issues」。问题清单在这次运行的摘要里。", file=sys.stderr)
        elif exc.status in (401, 403, 404):
            print(f"没有权限在 GitHub 上开问题单或留言（{exc.status}）。来自别人复刻（fork）的合并请求只有只读权限，"
                  "这是正常的：问题清单在这次运行的摘要里。", file=sys.stderr)
        else:
            print(f"没能连接 GitHub 报告结果（{exc.status or '网络'}：{exc.args[1]}）。问题清单在这次运行的摘要里。",
                  file=sys.stderr)
        return 0
    for a in actions:
        print(f"已{a.describe()}。")
    if not actions:
        print("GitHub 上已经是最新的，不用改。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
