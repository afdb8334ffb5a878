"""Help a volunteer reading a GitHub Actions run (only when GITHUB_ACTIONS=true).

Every problem is also printed as a workflow command
(`::error file=bulletins/…,line=3,title=…::…`), so GitHub shows it on the file
and line; and a Chinese job summary ($GITHUB_STEP_SUMMARY, Markdown) lists the
problems, or what was built and where it is published. Outside Actions this
module does nothing.

Escaping follows GitHub's toolkit (@actions/core command.ts): in the message,
% CR LF become %25 %0D %0A; in properties also : and , become %3A %2C."""
from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path

from kepu.core import urls
from kepu.content.problems import ERROR, Problem, Problems

MAX_ROWS = 300  # the summary is limited to 1 MiB per step; the log has every problem anyway


def active(root: Path) -> bool:
    """On Actions, for a site inside the checkout (a throw-away site elsewhere, e.g. in tests, is not reported)."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return False
    workspace = os.environ.get("GITHUB_WORKSPACE")
    return not workspace or Path(root).resolve().is_relative_to(Path(workspace).resolve())


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workspace_path(root: Path, rel: str) -> str:
    """The problem's path relative to the repository checkout (what GitHub matches files by)."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return rel
    try:
        return (Path(root) / rel).resolve().relative_to(Path(workspace).resolve()).as_posix()
    except ValueError:
        return rel


def annotation(problem: Problem, file: str) -> str:
    kind = "error" if problem.severity == ERROR else "warning"
    title = f"{problem.severity}：{problem.message}"
    text = f"怎么改：{problem.fix}" if problem.fix else problem.message
    return (f"::{kind} file={escape_property(file)},line={max(problem.line, 1)},title={escape_property(title)}"
            f"::{escape_data(text)}")


# ---------------------------------------------------------------- job summary

def md(text: str) -> str:
    """Plain text for a Markdown table cell: no HTML, no Markdown syntax, one line."""
    text = html.escape(" ".join(str(text).split()), quote=False)
    return re.sub(r"([\\`*_\[\]|~])", r"\\\1", text)


def _branch_or_commit() -> str:
    """The branch the volunteer pushed to (GitHub's pencil button edits only on a branch), else the commit."""
    env = os.environ.get
    if env("GITHUB_HEAD_REF"):  # pull request: its source branch
        return env("GITHUB_HEAD_REF")
    if (env("GITHUB_REF") or "").startswith("refs/heads/") and env("GITHUB_REF_NAME"):
        return env("GITHUB_REF_NAME")
    return env("GITHUB_SHA") or ""


def file_link(path: str, line: int, label: str = "") -> str:
    """The file on GitHub, opened at the line if line > 0 (plain text when not on Actions)."""
    server, repo, ref = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY"), _branch_or_commit()
    label = md(label) if label else f"{md(path)} 第 {max(line, 1)} 行"
    if not (server and repo and ref):
        return label
    quoted = "/".join(_quote(part) for part in f"{ref}/{path}".split("/"))
    return f"[{label}]({server}/{repo}/blob/{quoted}{f'#L{line}' if line > 0 else ''})"


def _quote(part: str) -> str:
    from urllib.parse import quote

    return quote(part, safe="")


def write_summary(markdown: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8", newline="\n") as fh:
            fh.write(markdown if markdown.endswith("\n") else markdown + "\n")
    except OSError as exc:  # never fail a build because the summary could not be written
        print(f"（没能写入 GitHub 运行摘要：{exc}）", file=sys.stderr)


def problems_summary(problems: Problems) -> str:
    errors, warnings = len(problems.errors), len(problems.warnings)
    lines = [f"## 检查发现 {errors} 个错误、{warnings} 个警告", ""]
    if errors:
        lines.append("**有错误，网站没有生成，也不会发布**；网上的网站保持上一次发布的样子。"
                     "按下表打开文件、改好后再提交一次，GitHub 会自动重新检查。")
    else:
        lines.append("只有警告：网站照常生成。有空时按下表改一改。")
    if os.environ.get("GITHUB_EVENT_NAME") == "pull_request":
        lines.append("")
        lines.append("这是合并请求的检查，合并前请先改好错误。")
    lines += ["", f"点文件名会打开那个文件的那一行。更多说明见 {file_link('docs/guide/publish.md', 0, '发布网站指南')}"
                  "的「发布失败了怎么办」。"]
    lines += ["", "| | 文件和行号 | 问题 | 怎么改 |", "| --- | --- | --- | --- |"]
    items = problems.sorted()
    for p in items[:MAX_ROWS]:
        path = workspace_path(problems.root, p.path)
        lines.append(f"| {p.severity} | {file_link(path, max(p.line, 1))} | {md(p.message)} | {md(p.fix)} |")
    if len(items) > MAX_ROWS:
        lines.append("")
        lines.append(f"还有 {len(items) - MAX_ROWS} 条没有列出，见运行日志。")
    lines.append("")
    return "\n".join(lines)


def build_summary(site) -> str:
    from kepu.views.pages.components import issue_label

    base = site.settings.site_url
    link = (lambda text, url: f"[{md(text)}]({urls.absolute(base, url)})") if base else (lambda text, url: md(text))
    panels = sum(len(i.panels) for i in site.issues)
    lines = ["## 网站已生成", "",
             f"- 月刊 **{len(site.issues)}** 期，展板 **{panels}** 块，"
             f"活动 **{len(site.past)}** 场" + (f"，另有预告 {len(site.upcoming)} 场" if site.upcoming else "")]
    current = site.current_issue
    if current is not None:
        lines.append(f"- 本期：{md(issue_label(current))}（{current.year} 年 {current.month} 月）"
                     f"{link('「' + current.title + '」', urls.issue(current))}，{len(current.panels)} 块展板")
    if site.upcoming:
        nxt = site.upcoming[0]
        lines.append(f"- 下一场活动：{nxt.date.month} 月 {nxt.date.day} 日 {link(nxt.title, urls.activity(nxt))}")
    if base:
        lines.append(f"- 网址：{link('首页', urls.HOME)} · {link('本期橱窗', urls.CURRENT)} · "
                     f"{link('活动', urls.ACTIVITIES)} · {link('大厅大屏', urls.SCREEN)}")
    else:
        lines.append("- 没有设置网址：在 mkdocs.yml 里写上 site_url（见志愿者指南「发布网站」）")
    if os.environ.get("GITHUB_EVENT_NAME") == "pull_request":
        lines.append("")
        lines.append("这是合并请求的检查：合并到 main 分支后才会发布。")
    lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- machine-readable report (--report FILE)

REPORT_VERSION = 1
_report: dict | None = None  # set by the command line when --report is given


def start_report(command: str, strict: bool = False) -> None:
    global _report
    _report = {"version": REPORT_VERSION, "command": command, "strict": strict, "problems": [], "built": False}
    engine = sys.modules.get("kepu.engine")
    if engine is not None:  # nothing left over from an earlier build in this process
        engine.last_problems.clear()


def finish_report(path: Path, exit_code: int) -> None:
    """Write what this run found, for scripts/kepu/github_issue.py (the issue or pull-request comment).

    stage: "ok"; "check" (the volunteer's files have errors); "engine" (checked fine, the site engine
    failed); "crash" (kepu itself failed). Paths are relative to the repository checkout on Actions."""
    global _report
    report, _report = _report or {"version": REPORT_VERSION, "problems": [], "built": False}, None
    engine = sys.modules.get("kepu.engine")  # the engine's broken links, mapped to the volunteer's file and line
    if exit_code and not report["built"] and engine is not None:
        for problems in getattr(engine, "last_problems", []):
            report["problems"] = report["problems"] + _as_json(problems)
    errors = [p for p in report["problems"] if p["severity"] == ERROR]
    report["exit_code"] = exit_code
    if exit_code == 0:
        report["stage"] = "ok"
    elif exit_code == 3:
        report["stage"] = "crash"
    elif errors or report.get("command") == "check" or (report.get("strict") and report["problems"]):
        report["stage"] = "check"
    else:  # checked without errors, then the engine (MkDocs/Zensical) failed
        report["stage"] = "engine"
    try:
        Path(path).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:  # never fail a build because the report could not be written
        print(f"（没能写入检查结果文件 {path}：{exc}）", file=sys.stderr)


# ---------------------------------------------------------------- entry points

def _as_json(problems: Problems) -> list[dict]:
    return [{"path": workspace_path(problems.root, p.path), "line": p.line, "severity": p.severity,
             "message": p.message, "fix": p.fix} for p in problems.sorted()]


def report_problems(problems: Problems) -> None:
    """Called by cli.print_problems: annotations for every problem and a summary table."""
    if _report is not None:  # the last call wins: it has every problem of the run
        _report["problems"] = _as_json(problems)
    if not problems.items or not active(problems.root):
        return
    for p in problems.sorted():
        print(annotation(p, workspace_path(problems.root, p.path)), file=sys.stdout)
    sys.stdout.flush()
    write_summary(problems_summary(problems))


def report_build(site, root: Path) -> None:
    """Called at the end of a successful build.build: what was built and its links."""
    if _report is not None:
        _report["built"] = True
    if active(root):
        write_summary(build_summary(site))
