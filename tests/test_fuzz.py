"""Hostile input: over 200 generated files (control characters, YAML oddities,
odd encodings, deep nesting, huge files, pipes and links) must either fail
`kepu check` with a Chinese `path:line` message, or build. Nothing may crash,
use more than 1 GB of memory or take more than 60 s.

Every check runs in one child process with a 1 GB address-space limit (a
regression fails the test instead of eating the machine); every input that
passes the check goes into one site that is built once by `kepu build`
(bisected only when that build fails)."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, GOOD_ACTIVITY, GOOD_ISSUE, MKDOCS_YML, REPO

from kepu.content import limits

GB = 1 << 30
TODAY = "2026-11-29"
CHECK_SECONDS = 60
MKDOCS = MKDOCS_YML.replace("  first_issue: 2025-12\n", "")  # issues of any past month are fine here
SPECIAL = "__special__"  # a file content that is not bytes: ("fifo",), ("dir",), ("link", target), ...

CONTROLS = [chr(c) for c in (1, 2, 7, 8, 0x0B, 0x0C, 0x0E, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F)] + ["\ufffe", "\uffff"]
# Where a pasted character lands: (name, template, text to replace, kind)
PLACES = [
    ("title", GOOD_ISSUE, "冬季流感怎么防", "issue"),
    ("heading", GOOD_ISSUE, "流感疫苗要趁早", "issue"),
    ("panel", GOOD_ISSUE, "最有效的手段", "issue"),
    ("intro", GOOD_ISSUE, "导语", "issue"),
    ("summary", GOOD_ISSUE, "本期介绍", "issue"),
    ("editor", GOOD_ISSUE, "张丽", "issue"),
    ("label", GOOD_ISSUE, "【健康】", "issue"),
    ("location", GOOD_ACTIVITY, "社区广场", "activity"),
    ("topic", GOOD_ACTIVITY, "防灾减灾", "activity"),
    ("body", GOOD_ACTIVITY, "演练很顺利", "activity"),
    ("key", GOOD_ACTIVITY, "organizer", "activity"),
    ("fence", GOOD_ACTIVITY, "---\ntitle", "activity"),
]
ESCAPES = ["\\x0b", "\\r", "\\ud800", "\\udfff", "\\0", "\\e", "\\a", "\\b", "\\N", "\\x85", "\\uFFFE", "\\uffff",
           "\\x7f", "\\x9f", "\\L", "\\P", "\\t", "\\_", "\\r\\n", "\\U0001F600"]


def issue(front: str = "title: 冬季流感怎么防", body: str = "## 【健康】流感疫苗要趁早\n\n接种疫苗。\n") -> str:
    return f"---\n{front}\n---\n导语。\n\n{body}"


def activity(front: str = "title: 消防疏散演练", body: str = "演练很顺利。\n") -> str:
    return f"---\n{front}\nlocation: 社区广场\ntopics: [安全]\nparticipants: 86\n---\n{body}"


def cases() -> list[dict]:
    """Each case: name, kind ('issue'/'activity': its one bulletin file; 'site': files given by path),
    content (str or bytes, or SPECIAL tuples), and optional 'mkdocs'/'topics' replacements."""
    rng = random.Random(20261129)
    out: list[dict] = []

    def add(name, kind, content, **extra):
        out.append({"name": name, "kind": kind, "content": content, **extra})

    # pasted control characters, each in several places
    for ch in CONTROLS:
        for place, template, anchor, kind in rng.sample(PLACES, 5):
            add(f"control-{ord(ch):04x}-{place}", kind, template.replace(anchor, anchor[:1] + ch + anchor[1:], 1))
    add("control-many-lines", "issue", GOOD_ISSUE.replace("。", "。\x0b\x08"))
    add("control-all-c0", "activity", GOOD_ACTIVITY.replace("演练很顺利。", "".join(map(chr, range(1, 32))) + "x"))
    add("lone-surrogate-bytes", "issue", GOOD_ISSUE.replace("导语", "导\ud800语").encode("utf-8", "surrogatepass"))
    add("cr-only-lines", "activity", GOOD_ACTIVITY.replace("\n", "\r").encode())
    add("crlf-lines", "issue", GOOD_ISSUE.replace("\n", "\r\n").encode())
    add("mixed-newlines", "issue", GOOD_ISSUE.replace("\n", "\r\n", 3).replace("\n", "\r", 5).encode())
    # YAML escapes that produce control characters inside a value
    for esc in ESCAPES:
        for field in ("title", "location", "summary"):
            if field == "summary":
                add(f"escape-{esc}-summary", "issue", issue(f'title: 标题\nsummary: "前{esc}后"'))
            else:
                add(f"escape-{esc}-{field}", "activity", GOOD_ACTIVITY.replace(
                    f"{field}: {'消防疏散演练' if field == 'title' else '社区广场'}", f'{field}: "前{esc}后"'))
    add("escape-in-list", "issue", issue('title: 标题\neditors: ["张\\x0b丽", 王五]'))
    add("escape-in-key", "issue", issue('"ti\\x0btle": 标题'))
    add("escape-single-quoted", "activity", activity("title: '消防\\r演练'"))
    add("escape-block-scalar", "issue", issue("title: 标题\nsummary: |\n  第一行\n  第二行\x0b"))
    # YAML oddities: anchors, aliases, tags, structure
    bomb = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
    yaml_cases = {
        "anchor": "title: &t 标题",
        "alias": "title: &t 标题\nsummary: *t",
        "undefined-alias": "title: *nothing",
        "alias-bomb": "a: &l0 [x, x, x, x, x, x, x, x, x]\n" + bomb + "title: 标题",
        "recursive-alias": "title: 标题\neditors: &e [a, *e]",
        "merge-key": "base: &b {title: 标题}\n<<: *b",
        "tag-python-object": "title: !!python/object:os.system 标题",
        "tag-python-apply": "title: !!python/object/apply:os.system [\"echo hi\"]",
        "tag-python-name": "title: !!python/name:os.getcwd 标题",
        "tag-binary": "title: !!binary aGVsbG8=",
        "tag-custom": "title: !mine 标题",
        "tag-set": "title: 标题\neditors: !!set {a, b}",
        "tag-int-participants": "title: 标题\nparticipants: !!int 5",
        "tag-on-mapping": "title: 标题\nsummary: !!map {a: b}",
        "complex-key": "? [a, b]\n: 1\ntitle: 标题",
        "mapping-key-is-map": "{a: b}: 1\ntitle: 标题",
        "title-list": "title: [甲, 乙]",
        "title-map": "title: {a: b}",
        "title-null": "title: ~",
        "title-empty": "title:",
        "title-nested-list": "title: 标题\neditors: [[[a]], {b: c}]",
        "editors-map": "title: 标题\neditors: {张丽: 1}",
        "duplicate-keys": "title: 甲\ntitle: 乙\ntitle: 丙",
        "multi-document": "title: 标题\n---\nsummary: 二",
        "directive": "%YAML 1.1\ntitle: 标题",
        "document-end": "title: 标题\n...\nsummary: x",
        "flow-mapping-top": "{title: 标题, summary: 简介}",
        "top-level-list": "- title: 标题",
        "top-level-scalar": "只是一句话",
        "tab-indent": "title: 标题\neditors:\n\t- 张丽",
        "very-long-value": "title: " + "长" * 60_000,
        "very-long-key": "k" * 10_000 + ": 1\ntitle: 标题",
        "many-keys": "title: 标题\n" + "".join(f"k{i}: v\n" for i in range(1_000)),
        "many-list-items": "title: 标题\neditors: [" + ", ".join(["张丽"] * 30_000) + "]",
        "unclosed-quote": 'title: "标题',
        "unclosed-flow": "title: 标题\neditors: [a, b",
        "participants-huge": "title: 标题\nparticipants: " + "9" * 5000,
        "participants-float": "title: 标题\nparticipants: 1e309",
        "participants-negative": "title: 标题\nparticipants: -5",
        "unicode-key": "标题: 冬季",
        "bom-in-front-matter": "\ufefftitle: 标题",
        "nbsp-and-zero-width": "title: 标\u00a0题\u200b\u2028\u2029",
    }
    for name, front in yaml_cases.items():
        add(f"yaml-{name}-issue", "issue", issue(front))
        add(f"yaml-{name}-activity", "activity", activity(front) if "title" in front else activity(front + "\ntitle: 标题"))
    for depth in (10, 49, 51, 200, 500, 5000):
        add(f"yaml-flow-nesting-{depth}", "activity", activity("title: 标题\nsummary: " + "[" * depth + "x" + "]" * depth))
        add(f"yaml-flow-map-nesting-{depth}", "issue", issue("title: 标题\nsummary: " + "{a: " * depth + "x" + "}" * depth))
    block = "".join("  " * i + f"k{i}:\n" for i in range(120)) + "  " * 120 + "x: 1"
    add("yaml-block-nesting-120", "issue", issue("title: 标题\nsummary:\n" + "".join("  " + ln + "\n" for ln in block.split("\n"))))
    # encodings and byte order marks
    text = GOOD_ISSUE
    for enc in ("utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gbk", "gb18030", "big5", "shift_jis", "euc-kr"):
        try:
            add(f"encoding-{enc}", "issue", text.encode(enc, "replace"))
        except LookupError:  # pragma: no cover
            pass
    add("encoding-latin1", "activity", GOOD_ACTIVITY.replace("消防疏散演练", "café").encode("latin-1", "replace"))
    add("encoding-invalid-utf8", "issue", GOOD_ISSUE.encode() + b"\xff\xfe\xc0\x80")
    add("encoding-random-bytes", "activity", bytes(rng.randrange(256) for _ in range(3000)))
    add("encoding-bom-twice", "issue", b"\xef\xbb\xbf\xef\xbb\xbf" + GOOD_ISSUE.encode())
    add("encoding-bom-middle", "issue", GOOD_ISSUE.replace("导语", "导\ufeff语"))
    add("nul-byte", "activity", GOOD_ACTIVITY.replace("演练", "演\x00练"))
    add("rtl-override", "activity", GOOD_ACTIVITY.replace("消防疏散演练", "消防\u202e演练"))
    add("emoji-and-combining", "issue", GOOD_ISSUE.replace("导语", "导语😀e\u0301\U0010FFFF\U0001FFFE"))
    add("noncharacters", "issue", GOOD_ISSUE.replace("导语", "导语\ufdd0\ufdef"))
    # Markdown that strains the Markdown engine
    md = {
        "quote-60": ">" * 60 + " 引用",
        "quote-500": "> " * 500 + "引用",
        "list-dash-500": "- " * 500 + "x",
        "list-indent-300": "\n".join("    " * i + "1. x" for i in range(300)),
        "list-indent-2-500": "\n".join("  " * i + "- x" for i in range(500)),
        "list-indent-40": "\n".join("  " * i + "- x" for i in range(40)),
        "brackets-500": "[" * 500 + "x" + "]" * 500,
        "links-500": "[" * 500 + "x" + "](y)" * 500,
        "images-500": "![" * 500 + "x" + "](y.jpg)" * 500,
        "parens-500": "[x](" + "(" * 500 + ")" * 500 + ")",
        "emphasis-2000": "*" * 2000 + "x" + "*" * 2000,
        "emphasis-mixed": "".join("*a _b " for _ in range(3000)),
        "html-div-500": "<div>" * 500 + "x" + "</div>" * 500,
        "html-div-markdown-200": '<div markdown="1">\n' * 200 + "x\n" + "</div>\n" * 200,
        "details-100": "<details><summary>s</summary>\n" * 100 + "x\n" + "</details>\n" * 100,
        "backticks": "`" * 5000,
        "code-unclosed": "```\n" + "代码\n" * 100,
        "comment-unclosed": "<!-- 注释\n" * 50,
        "script": "<script>alert(1)</script>",
        "entities": "&#0; &#x0B; &#xD800; &#xFFFE; &#1114112; &#x1b; &nbsp;",
        "table-2000-columns": "|" + "a|" * 2000 + "\n|" + "-|" * 2000 + "\n|" + "1|" * 2000,
        "long-line-100k": "啊" * 30_000,
        "attr-list": "段落 {: onclick=\"x\" #id .c }\n\n{#" * 50,
        "footnote": "文字[^1]\n\n[^1]: " + "[^1]" * 100,
        "image-outside": "![x](../../../../etc/passwd)",
        "image-dev-zero": "![x](/dev/zero)",
        "image-many-missing": "\n".join(f"![x](images/no{i}.jpg)" for i in range(200)),
        "heading-only-anchor": "## {#x}",
        "setext-heading": "标题\n===\n\n正文",
    }
    for name, body in md.items():
        add(f"markdown-{name}-issue", "issue", issue(body="## 【健康】疫苗\n\n" + body + "\n"))
        add(f"markdown-{name}-activity", "activity", activity(body=body + "\n"))
    # sizes
    add("panel-at-limit", "issue", issue(body="## 【健康】疫苗\n\n" + "好" * limits.MAX_PANEL_CHARS + "\n"))
    add("panel-over-limit", "issue", issue(body="## 【健康】疫苗\n\n" + "好" * (limits.MAX_PANEL_CHARS + 1) + "\n"))
    add("panels-300", "issue", issue(body="".join(f"## 【健康】第{i}块\n\n文字。\n\n" for i in range(300))))
    add("file-just-under-limit", "activity", activity(body="a" * (limits.MAX_FILE_BYTES - 200)))
    add("file-just-over-limit", "activity", activity(body="a" * limits.MAX_FILE_BYTES))
    add("file-20mb", "activity", activity(body="好" * 7_000_000))
    add("empty-file", "issue", b"")
    add("only-whitespace", "activity", " \n\t\n\u3000\n")
    add("only-fence", "issue", "---\n")
    add("only-fences", "activity", "---\n---\n")
    # odd file types
    add("fifo", "issue", (SPECIAL, "fifo"))
    add("directory-named-md", "issue", (SPECIAL, "dir"))
    add("link-outside", "activity", (SPECIAL, "link", "/etc/hostname"))
    add("link-outside-dev-zero", "activity", (SPECIAL, "link", "/dev/zero"))
    add("link-outside-file", "issue", (SPECIAL, "link-outside-file"))
    add("link-inside", "issue", (SPECIAL, "link-inside"))
    add("link-broken", "activity", (SPECIAL, "link", "does-not-exist.md"))
    add("link-loop", "activity", (SPECIAL, "loop"))
    add("link-dir-outside", "site", (SPECIAL, "linkdir"))
    add("unreadable", "activity", (SPECIAL, "chmod000"))
    add("sparse-10gb", "issue", (SPECIAL, "sparse"))
    # the registry and the settings
    topics = (EXAMPLE / "bulletins" / "topics.yml").read_text(encoding="utf-8")
    for name, new in {
        "alias": topics.replace("- id: health", "- id: &h health", 1) + "- id: other\n  name: *h\n",
        "control": topics.replace("健康", "健\x0b康", 1),
        "escape": topics.replace("name: 健康", 'name: "健\\r康"', 1),
        "nested-aliases": topics + "- id: odd\n  name: 怪\n  aliases: [[a, b], {c: d}]\n",
        "name-list": topics + "- id: odd\n  name: [甲, 乙]\n",
        "syntax": topics + "- id: odd\n  name: [甲, 乙\n",
        "not-a-list": "id: health\nname: 健康\n",
        "bom-crlf": "\ufeff" + topics.replace("\n", "\r\n"),
        "deep": topics + "- id: odd\n  name: " + "[" * 300 + "]" * 300 + "\n",
        "huge": topics + "".join(f"- id: t{i}\n  name: 专题{i}\n" for i in range(limits.MAX_FILE_BYTES // 20)),
        "bomb": topics + "- id: odd\n  name: 怪\n  aliases: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"- id: odd{i}\n  name: 怪{i}\n  aliases: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)),
    }.items():
        add(f"topics-{name}", "site", None, topics=new)
    mk_bomb = "".join(f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
    for name, new in {
        "extra-alias-bomb": MKDOCS + "  l0: &l0 [x, x, x, x, x, x, x, x, x]\n" + mk_bomb,
        "extra-recursive": MKDOCS + "  loop: &x [a, *x]\n",
        "extra-alias-chain": MKDOCS + "  a0: &a0 x\n" + "".join(f"  a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 3000)),
        "control": MKDOCS.replace("测试社区科普", "测试\x0b社区科普"),
        "escape": MKDOCS.replace("name: 测试社区", 'name: "测试\\r社区"'),
        "deep": MKDOCS + "  deep: " + "[" * 300 + "]" * 300 + "\n",
        "community-list": MKDOCS.replace("  community:\n    name: 测试社区", "  community: [测试社区]\n  x:\n    name: 测试社区"),
        "huge": MKDOCS + "  big: \"" + "x" * (limits.MAX_FILE_BYTES + 10) + "\"\n",
        "extra-anchor-ok": MKDOCS + "  social: &s []\n  other_social: *s\n",
        "syntax": MKDOCS + "  community2: {name: x\n",
        "tag-unknown-in-extra": MKDOCS + "  odd: !!python/object:kepu.Nothing {}\n",
        "tag-apply": MKDOCS + "  odd: !!python/object/apply:os.getcwd []\n",
        "tag-missing-name": MKDOCS + "  odd: !!python/name:os.nothing_here ''\n",
        "tag-existing-name": MKDOCS + "  odd: !!python/name:os.getcwd ''\n",
        "tag-custom": MKDOCS + "  odd: !mine x\n",
        "tag-int-not-a-number": "site_name: !!int abc\n" + MKDOCS.split("\n", 1)[1],
    }.items():
        add(f"mkdocs-{name}", "site", None, mkdocs=new)
    return out


def case_files(n: int, case: dict) -> dict[str, object]:
    """The bulletin files of case number n, at paths no other case uses."""
    if case["kind"] == "site":  # settings or registry cases; or a year folder that is a link
        return {} if case["content"] is None else {"bulletins/2026/2026-11.md": case["content"]}
    if case["kind"] == "issue":
        year, month = 2025 - n // 12, 12 - n % 12
        rel = f"bulletins/{year}/{year}-{month:02d}.md"
    else:
        rel = f"bulletins/2026/2026-11-{n % 28 + 1:02d}-case{n}.md"
    return {rel: case["content"]}


def write_file(root: Path, rel: str, content, scratch: Path) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        kind = content[1]
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "dir":
            path.mkdir()
            (path / "inner.md").write_text(GOOD_ISSUE, encoding="utf-8")
        elif kind == "link":
            path.symlink_to(content[2])
        elif kind == "link-outside-file":
            outside = scratch / f"outside-{path.name}"
            outside.write_text(GOOD_ISSUE, encoding="utf-8")
            path.symlink_to(outside)
        elif kind == "link-inside":
            inside = root / "notes" / "real.md"
            inside.parent.mkdir(parents=True, exist_ok=True)
            inside.write_text(GOOD_ISSUE, encoding="utf-8")
            path.symlink_to(inside)
        elif kind == "loop":
            path.symlink_to(path.name)
        elif kind == "linkdir":
            outside = scratch / "outside-dir" / path.parent.name
            outside.mkdir(parents=True, exist_ok=True)
            (outside / path.name).write_text(GOOD_ISSUE, encoding="utf-8")
            shutil.rmtree(path.parent)
            path.parent.symlink_to(outside)
        elif kind == "chmod000":
            path.write_text(GOOD_ACTIVITY, encoding="utf-8")
            path.chmod(0)
        elif kind == "sparse":
            with open(path, "wb") as f:
                f.truncate(10 * GB)
        else:  # pragma: no cover
            raise ValueError(kind)


def make_site(root: Path, numbered: list[tuple[int, dict]], scratch: Path, *, build: bool = False) -> list[str]:
    """A site holding the given cases; returns the relative paths of their files."""
    root.mkdir(parents=True)
    mkdocs = next((c["mkdocs"] for _, c in numbered if "mkdocs" in c), MKDOCS)
    (root / "mkdocs.yml").write_text(mkdocs, encoding="utf-8", newline="")
    topics = next((c["topics"] for _, c in numbered if "topics" in c), None)
    (root / "bulletins").mkdir()
    if topics is None:
        shutil.copy(EXAMPLE / "bulletins" / "topics.yml", root / "bulletins" / "topics.yml")
    else:
        (root / "bulletins" / "topics.yml").write_text(topics, encoding="utf-8", newline="")
    if build:
        shutil.copytree(REPO / "overrides", root / "overrides")
    rels = ["mkdocs.yml", "bulletins/topics.yml"] if len(numbered) == 1 and numbered[0][1]["kind"] == "site" else []
    for n, case in numbered:
        for rel, content in case_files(n, case).items():
            write_file(root, rel, content, scratch)
            rels.append(rel)
    return rels


def limit_memory():  # runs in the child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (GB, GB))


def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "scripts"), env.get("PYTHONPATH", "")])
    return env


CHECKER = r"""
import json, sys, time, traceback
from datetime import date
from pathlib import Path
from kepu.content.loader import load_site
for line in sys.stdin:
    root = Path(line.strip())
    print(json.dumps({"site": str(root), "started": True}), flush=True)
    t0 = time.perf_counter()
    try:
        result = load_site(root, today=date(2026, 11, 29))
        problems = [p.format() for p in result.problems.sorted()]
        errors = [p.format() for p in result.problems.errors]
        crash = None
    except BaseException:
        problems, errors, crash = [], [], traceback.format_exc()
    print(json.dumps({"site": str(root), "seconds": time.perf_counter() - t0, "problems": problems,
                      "errors": errors, "crash": crash}, ensure_ascii=False), flush=True)
"""

PROBLEM = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): (?P<sev>错误|警告): (?P<msg>.+)$", re.S)
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_ENGINE = re.compile(r"Traceback|Error\b|Exception|errno|\b(?:expected|found|could not|while|but got) [a-z'<]|"
                            r"\bline \d+, column")


def check_all(sites: list[Path]) -> dict[str, dict]:
    """load_site on each site in one child process limited to 1 GB."""
    proc = subprocess.Popen([sys.executable, "-c", CHECKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", env=child_env(),
                            preexec_fn=limit_memory)
    results: dict[str, dict] = {}
    try:
        out, err = proc.communicate("\n".join(map(str, sites)) + "\n", timeout=CHECK_SECONDS * 3)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    started = None
    for line in out.splitlines():
        record = json.loads(line)
        if record.get("started"):
            started = record["site"]
        else:
            results[record["site"]] = record
            started = None
    assert started is None and proc.returncode == 0, (
        f"the check died or hung on {started} (exit {proc.returncode}, 1 GB limit): {err[-2000:]}")
    return results


def kepu_build(root: Path) -> tuple[bool, str]:
    try:
        r = subprocess.run([sys.executable, "-m", "kepu", "build", "--root", str(root), "--today", TODAY],
                           capture_output=True, text=True, encoding="utf-8", env=child_env(),
                           preexec_fn=limit_memory, timeout=600)
    except subprocess.TimeoutExpired as exc:
        return False, f"timeout: {exc}"
    output = r.stdout + r.stderr
    return r.returncode == 0 and "内部出错" not in output, output[-3000:]


def test_fuzz_check_fails_with_path_and_line_or_build_succeeds(tmp_path):
    all_cases = cases()
    assert len(all_cases) >= 200
    assert len({c["name"] for c in all_cases}) == len(all_cases)
    numbered = list(enumerate(all_cases))
    scratch = tmp_path / "outside"
    scratch.mkdir()
    sites, rels = [], {}
    for n, case in numbered:
        root = tmp_path / "cases" / f"{n:03d}"
        rels[n] = make_site(root, [(n, case)], scratch)
        sites.append(root)
    try:
        results = check_all(sites)
        passed, failures = [], []
        for (n, case), root in zip(numbered, sites):
            r = results[str(root)]
            where = f"{case['name']}: "
            if r["crash"]:
                failures.append(where + "kepu check crashed: " + " | ".join(r["crash"].strip().splitlines()[-3:]))
                continue
            if r["seconds"] > CHECK_SECONDS:
                failures.append(where + f"kepu check took {r['seconds']:.0f} s")
            for p in r["problems"]:
                m = PROBLEM.match(p)
                if not m or not CJK.search(m["msg"]) or ENGLISH_ENGINE.search(m["msg"]):
                    failures.append(where + "not a Chinese path:line message: " + p)
            if r["errors"]:
                paths = {PROBLEM.match(p)["path"] for p in r["errors"] if PROBLEM.match(p)}
                if not paths & set(rels[n]):
                    failures.append(where + f"errors do not name the file ({rels[n]}): {r['errors'][:3]}")
            else:
                passed.append((n, case))
        assert not failures, "\n".join(failures[:40])
        # the hostile inputs that kepu refuses: a sample that must be refused (a regression lets them through)
        refused = {c["name"] for (n, c), root in zip(numbered, sites) if results[str(root)]["errors"]}
        for name in ("yaml-alias-bomb-issue", "yaml-recursive-alias-activity", "yaml-flow-nesting-500",
                     "markdown-quote-500-issue", "markdown-list-indent-300-activity", "markdown-emphasis-2000-issue", "panel-over-limit",
                     "file-20mb", "fifo", "directory-named-md", "link-outside", "link-outside-file", "sparse-10gb",
                     "escape-\\r-title", "escape-\\ud800-location", "mkdocs-extra-alias-bomb", "mkdocs-extra-recursive", "mkdocs-extra-alias-chain",
                     "mkdocs-control", "topics-alias", "topics-bomb", "topics-deep", "mkdocs-tag-apply",
                     "mkdocs-tag-unknown-in-extra", "mkdocs-tag-custom", "mkdocs-tag-int-not-a-number"):
            assert name in refused, name
        for name in ("control-000b-title", "panel-at-limit", "file-just-under-limit", "link-inside",
                     "yaml-tag-python-object-issue", "mkdocs-extra-anchor-ok", "encoding-utf-8-sig",
                     "mkdocs-tag-existing-name"):
            assert name not in refused, (name, results[str(sites[[c['name'] for c in all_cases].index(name)])])
    finally:
        for root in sites:  # let pytest clean up what chmod 000 made unreadable
            for p in root.rglob("*"):
                if not p.is_symlink() and p.exists():
                    p.chmod(0o755 if p.is_dir() else 0o644)

    # everything that passed the check builds: site-wide cases alone, all others together in one site
    groups = [[c] for c in passed if c[1]["kind"] == "site"] + [[c for c in passed if c[1]["kind"] != "site"]]
    broken: list[str] = []

    def build_group(group: list[tuple[int, dict]], label: str) -> None:
        root = tmp_path / "builds" / label
        make_site(root, group, scratch, build=True)
        ok, output = kepu_build(root)
        if ok:
            return
        if len(group) == 1:
            broken.append(f"{group[0][1]['name']}: check passed but build failed:\n{output}")
        elif len(broken) < 5:  # bisect
            half = len(group) // 2
            build_group(group[:half], label + "a")
            build_group(group[half:], label + "b")

    for k, group in enumerate(groups):
        build_group(group, f"g{k}")
    assert not broken, "\n\n".join(broken)


# ---- the messages themselves (fast, in-process)

def test_pasted_control_characters_are_removed_with_a_warning_at_their_line(site):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE.replace("流感疫苗要趁早", "流感\x0b疫苗\x08要趁早"))
    result = site.load()
    assert not result.problems.errors
    assert any(w.startswith("bulletins/2026/2026-11.md:8: 警告: 这一行有看不见的控制字符（U+0008 退格符、U+000B 垂直制表符）")
               for w in site.warnings())
    assert result.site.issues[0].panels[0].title == "流感疫苗要趁早"


def test_a_long_run_of_stars_inside_a_line_is_refused_at_its_line_but_a_rule_is_fine(site):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE.replace("流感疫苗要趁早\n", "流感疫苗要趁早\n\n" + "*" * 60 + "注意" + "*" * 60 + "\n\n" + "*" * 80 + "\n", 1))
    result = site.load()
    errors = [e for e in site.errors() if "一长串 * 号（60 个）" in e]
    assert len(errors) == 1 and errors[0].startswith("bulletins/2026/2026-11.md:"), site.errors()
    assert "***" in errors[0]  # says how to write a rule instead
    assert not any("（80 个）" in e for e in site.errors())  # a line of only stars is a rule


def test_yaml_refusals_name_the_line_and_say_what_to_do(site):
    site.write("bulletins/2026/2026-11-07-fire-drill.md",
               GOOD_ACTIVITY.replace("location: 社区广场", "location: &place 社区广场\norganizer: *place"))
    site.write("bulletins/2026/2026-11-08-talk.md", GOOD_ACTIVITY.replace("title: 消防疏散演练", 'title: "消防\\r演练"'))
    site.write("bulletins/2026/2026-11-09-deep.md",
               GOOD_ACTIVITY.replace("topics: [安全, 防灾减灾]", "topics: " + "[" * 500 + "]" * 500))
    errors = site.errors()
    assert any(e.startswith("bulletins/2026/2026-11-07-fire-drill.md:3: 错误: front matter 无法读取：「&place」是 YAML 的引用写法")
               for e in errors), errors
    assert any(e.startswith("bulletins/2026/2026-11-08-talk.md:2: 错误: front matter 无法读取：这个值里有控制字符（U+000D 回车符）")
               for e in errors), errors
    assert any(e.startswith("bulletins/2026/2026-11-09-deep.md:4: 错误: front matter 无法读取：这里的方括号、花括号或缩进嵌套超过 50 层")
               for e in errors), errors


def test_limits_explain_the_reason(site, tmp_path):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE.replace("用完燃气要关阀门。", "好" * 6000))
    site.write("bulletins/2026/2026-11-07-big.md", GOOD_ACTIVITY + "长" * 100_000)
    os.mkfifo(site.root / "bulletins" / "2026" / "2026-11-08-pipe.md")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.md"
    outside.write_text(GOOD_ACTIVITY, encoding="utf-8")
    (site.root / "bulletins" / "2026" / "2026-11-09-link.md").symlink_to(outside)
    errors = site.errors()
    assert "bulletins/2026/2026-11.md:12: 错误: 展板「燃气安全」的正文有 6000 个字符，一块展板最多 5000 个：" \
           "网页、大屏和站内搜索都把一块展板当作一张海报来显示和索引 — 把内容精简，或者拆成几块展板（每块以「## 【专题】标题」开头）" in errors
    assert any(e.startswith("bulletins/2026/2026-11-07-big.md:1: 错误: 文件太大（300 KB），一个文件最多 200 KB") for e in errors)
    assert any(e.startswith("bulletins/2026/2026-11-08-pipe.md:1: 错误: 这不是普通的文本文件，而是一个管道或设备") for e in errors)
    assert any(e.startswith("bulletins/2026/2026-11-09-link.md:1: 错误: 这个文件是指向仓库外面的快捷方式") for e in errors)
