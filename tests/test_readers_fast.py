"""The fast paths of the readers give exactly what the plain ones give: front matter read
with libyaml (falling back to pure-Python PyYAML) and the one reused Markdown converter."""
from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml
from conftest import GOOD_ACTIVITY, GOOD_ISSUE

from kepu.content.problems import Problems
from kepu.content.readers import frontmatter
from kepu.core import sanitize, templating

FRONT = [
    "title: 冬季流感怎么防\neditors: [张丽, 王建国]\nsummary: 本期介绍流感预防。",
    'title: "讲座：认识黑洞"\ntime: 14:30\nparticipants: 86\ntopics:\n  - 健康\n  - 安全\nlinks:\n  - {title: 说明, url: "https://example.org/a"}',
    "title: |\n  两行\n  文字\nsummary: >-\n  折叠\n  的文字\n",
    # where libyaml and PyYAML's Python reader disagree: these must take the Python path
    "location: 社区二\t楼活动室",  # a tab inside a value
    "title: \t冬季流感",
    "topics: [科学生活?, 健康]",  # ? in a flow list
    "title: !*a!python/name:os.getcwd 标题",  # a tag
    "summary: >#c",  # a comment right after the block scalar mark
    # errors: the same message and line either way
    "title: 标题\nsummary: 介绍: 冒号",
    "title: 标题\neditors: [张丽, 王建国\nsummary: 未闭合",
    "title: &a 标题\nsummary: *a",
    'title: "控制\\x0b字符"',
    "title: 标题\r\nsummary: 回车",
]


def _tree(node):
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return ("S", node.tag, node.value, node.start_mark.line)
    if isinstance(node, yaml.SequenceNode):
        return ("Q", node.tag, node.start_mark.line, [_tree(n) for n in node.value])
    return ("M", node.tag, node.start_mark.line, [(_tree(k), _tree(v)) for k, v in node.value])


def _outcome(text: str):
    try:
        return "ok", _tree(frontmatter.safe_compose(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return type(exc).__name__, str(exc) if mark is None else (str(exc), mark.line)


def _problems(text: str) -> list:
    problems = Problems(Path("."))
    fm = frontmatter.split(text, "bulletins/x.md", problems)
    return problems.items, \
        {k: (v.raw, v.line) for k, v in fm.fields.items()}


@pytest.mark.parametrize("text", FRONT)
def test_libyaml_and_python_reader_agree(text, monkeypatch):
    fast = _outcome(text)
    monkeypatch.setattr(frontmatter, "C_LOADER", None)
    assert fast == _outcome(text)


@pytest.mark.parametrize("text", [GOOD_ISSUE, GOOD_ACTIVITY] + [f"---\n{t}\n---\n正文\n" for t in FRONT])
def test_checked_files_are_reported_the_same_without_libyaml(text, monkeypatch):
    fast = _problems(text)
    monkeypatch.setattr(frontmatter, "C_LOADER", None)  # PyYAML built without libyaml
    assert fast == _problems(text)


def test_libyaml_is_used_when_present(monkeypatch):
    if frontmatter.C_LOADER is None:
        pytest.skip("PyYAML without libyaml")
    calls = []
    real = frontmatter._checked_compose
    monkeypatch.setattr(frontmatter, "_checked_compose", lambda t, loader, a: calls.append(loader) or real(t, loader, a))
    frontmatter.safe_compose("title: 标题")
    assert calls == [frontmatter.C_LOADER]
    calls.clear()
    with pytest.raises(yaml.MarkedYAMLError):  # libyaml would accept the tab; PyYAML's reader refuses it
        frontmatter.safe_compose("title: 标\t题")  # so a tab goes straight to the Python reader
    assert calls == [yaml.BaseLoader]


DOCS = [
    "脚注[^1]和[^n]。\n\n[^1]: 第一\n[^n]: 第二\n",
    "引用 [链接][r]\n\n[r]: https://example.org/x \"t\"\n",
    "这里的 [链接][r] 没有定义，不能借用上一篇的定义",
    "又一个脚注[^1]\n\n[^1]: 只属于这一篇\n",
    "<div markdown=\"1\">\n*强调*\n</div>\n\n!!! note \"标题\"\n    内容\n",
    "段落\n{: #id .cls }\n\n词\n:   定义\n\n|a|b|\n|-|-|\n|1|2|\n\n~~删~~\n\n```python\nx = 1\n```\n",
]


def test_reused_markdown_converter_keeps_nothing_between_documents():
    for text in DOCS + DOCS[::-1]:
        cleaned = sanitize.clean(text, 1).text
        fresh = markdown.markdown(cleaned, extensions=templating.SITE_EXTENSIONS, output_format="html")
        assert templating.markdown_html(text) == fresh
    assert "example.org" not in templating.markdown_html(DOCS[2])  # the reference of DOCS[1] did not leak
