"""Slogans (标语) for the lobby screen: short lines in the optional volunteer
file bulletins/slogans.yml (a YAML list of strings), shown in big type as a
slide of their own every few content slides.

A slogan must fit in two lines at the slogan's font size on both a landscape
(1920x1080) and a portrait (1080x1920) screen; the sizes here are the ones in
theme/screen/screen.css (`.slogan .big`), and the browser test measures them."""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from kepu.content.problems import Problems
from kepu.content.readers import frontmatter
from kepu.content.readers.source import read_source
from kepu.core.sanitize import display_width

FILE = Path("bulletins") / "slogans.yml"

# orientation -> (width of the text column in px, font size in px); the column is the
# 90% safe area less 8 px of room for the anti-burn-in shift (see #stage in screen.css)
LAYOUTS = {"横屏 1920×1080": (1920 * 0.9 - 8, 136), "竖屏 1080×1920": (1080 * 0.9 - 8, 78)}
LINES = 2
PER_LINE = min(math.floor(w / size) for w, size in LAYOUTS.values())  # full-width characters per line
# one character of room: a line never starts with 、。，！？ (the browser moves the character before it down)
MAX_WIDTH = PER_LINE * LINES - 1
EVERY = 3  # a slogan after every 3 content slides


@dataclass(frozen=True)
class Slogan:
    text: str
    line: int


def load_slogans(root: Path, problems: Problems | None = None) -> tuple[Slogan, ...]:
    """The slogans that fit, in file order; reports every problem when `problems` is given."""
    path = Path(root) / FILE
    problems = problems if problems is not None else Problems(Path(root))  # the checker reports them
    if not path.is_file():
        return ()
    src = read_source(path, problems)
    if src is None:
        return ()
    import yaml

    example = "每条标语一行，以「- 」开头，例如：\n- 科技创新、科学普及是实现创新发展的两翼"
    try:
        node = frontmatter.safe_compose(src.text)
    except frontmatter.YamlRefused as exc:
        problems.error(path, exc.line + 1, f"slogans.yml 无法读取：{exc.args[1]}", exc.args[2])
        return ()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.error(path, (mark.line + 1) if mark else 1, "slogans.yml 格式错误：这一行的写法读不懂",
                       "每条标语一行，以「- 」（减号加空格）开头；标语里有冒号或井号时，把整条标语用英文双引号括起来")
        return ()
    if node is None:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        problems.error(path, node.start_mark.line + 1, "slogans.yml 应该是标语的列表", example)
        return ()
    result: list[Slogan] = []
    for item in node.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.ScalarNode):
            problems.error(path, line, "这一条不是一句标语（写成了多层结构）",
                           "一条标语写成一行文字：「- 标语」；标语里有冒号时，把整条标语用英文双引号括起来")
            continue
        text = " ".join(item.value.split())
        if not text:
            problems.warning(path, line, "这一条标语是空的", "删掉这一行，或在「- 」后面写上标语")
            continue
        if display_width(text) > MAX_WIDTH:
            problems.error(path, line, f"标语「{text}」有 {_count(text)} 字，大屏上放不下"
                           f"（大字一行最多 {PER_LINE} 字，最多两行）",
                           f"缩短到 {MAX_WIDTH} 字以内（英文字母和数字两个算一个字），或拆成两条标语")
            continue
        result.append(Slogan(text, line))
    return tuple(result)


def _count(text: str) -> str:
    w = display_width(text)
    return str(int(w)) if w == int(w) else f"{w:.1f}"


def check_slogans(site, problems) -> None:
    """kepu.checks.SITE_CHECKS entry: read bulletins/slogans.yml and report its problems."""
    load_slogans(site.settings.root, problems)
