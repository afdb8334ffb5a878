"""Limits that keep one pasted or broken file from breaking the build, the
page, the lobby screen or the site search: file size, panel length, hidden
control characters and nesting depth. Each is reported at `path:line` with
the reason, before anything expensive is done with the text."""
from __future__ import annotations

import re

# The example content's largest file is about 7 KB and its longest panel about
# 740 characters: these limits are far above anything written by hand.
MAX_FILE_BYTES = 200_000  # per text file (bulletins, topics.yml, mkdocs.yml)
MAX_PANEL_CHARS = 5_000  # per panel of a monthly issue
MAX_NESTING = 50  # quote (>) and list levels on one Markdown line; brackets in YAML
MAX_EMPHASIS_RUN = 50  # * or _ in a row inside a line (each three are a bold-italic level)
MAX_YAML_ITEMS = 20_000  # values in one YAML document
MAX_YAML_EXPANDED = 100_000  # values after following aliases (mkdocs.yml only allows them)
MAX_REPORTED_LINES = 5  # control characters: report this many lines of one file, then summarise

# Characters no page, feed, calendar or search index can carry: C0 controls except
# tab and newline, DEL, C1 controls, lone surrogates and the non-characters U+FFFE/FFFF.
# (\r is turned into a newline when reading; inside a YAML value it is reported.)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
CONTROL_IN_VALUE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")  # also \r
NAMES = {"\x08": "退格符", "\x0b": "垂直制表符", "\x0c": "换页符", "\x1b": "ESC 控制符", "\x7f": "删除符",
         "\r": "回车符", "\x85": "下一行符"}


def char_name(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    return f"{code} {NAMES[ch]}" if ch in NAMES else code


def size_text(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} KB"


def too_big(size: int) -> tuple[str, str]:
    """(message, fix) for a text file over MAX_FILE_BYTES."""
    return (f"文件太大（{size_text(size)}），一个文件最多 {size_text(MAX_FILE_BYTES)}："
            "它会变成一张很大的网页，手机打不开，站内搜索也会变得很慢",
            "检查是不是误粘贴了大段内容；一期月刊写几块展板，长内容拆成几个活动或几块展板")


def clean_controls(text: str, path, problems, *, strict: bool = False) -> str:
    """Remove control characters (pasted from Word or web pages) with one warning
    per affected line; every later reader and writer sees only clean text.
    strict: errors instead (for files other programs read as they are, like mkdocs.yml)."""
    if not CONTROL.search(text):
        return text
    report = problems.error if strict else problems.warning
    done = "其他程序读取这个文件时会出错" if strict else "生成网站时已去掉"
    lines = text.split("\n")
    bad = [n for n, line in enumerate(lines) if CONTROL.search(line)]
    for n in bad[:MAX_REPORTED_LINES]:
        found = sorted(set(CONTROL.findall(lines[n])))
        names = "、".join(char_name(c) for c in found[:3]) + ("等" if len(found) > 3 else "")
        report(path, n + 1, f"这一行有看不见的控制字符（{names}），{done}",
               "这通常是从 Word 或网页复制时带进来的；重新输入这一行（VS Code 会把控制字符显示成红色的小方块）")
    if len(bad) > MAX_REPORTED_LINES:
        report(path, bad[MAX_REPORTED_LINES] + 1, f"还有 {len(bad) - MAX_REPORTED_LINES} 行也有看不见的控制字符，{done}",
               "用 VS Code 打开这个文件，控制字符会显示成红色的小方块，删掉它们")
    return CONTROL.sub("", text)


def nesting(line: str, stop: int | None = None) -> tuple[int, int]:
    """(levels, end of the prefix) of one Markdown line: quote markers (>),
    list markers (-, *, +, 1.) and every four columns of indentation at its start.
    A plain loop: a regular expression would backtrack on a long run of spaces.
    Stops early once the levels exceed `stop`."""
    markers = width = i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if c == " ":
            width += 1
        elif c == "\t":
            width += 4
        elif c == ">":
            markers += 1
        elif c in "-*+" and i + 1 < n and line[i + 1] in " \t":
            markers += 1
        elif c.isdigit():
            j = i
            while j < n and line[j].isdigit() and j - i < 9:
                j += 1
            if not (j + 1 < n and line[j] in ".)" and line[j + 1] in " \t"):
                break
            markers += 1
            i = j
        else:
            break
        i += 1
        if stop is not None and markers + width // 4 > stop:
            break
    return markers + width // 4, i


def check_markdown_nesting(text: str, path, problems) -> str:
    """Markdown nested hundreds of levels deep (quotes, lists) exhausts the
    Markdown engine's recursion: report the line and flatten it in memory."""
    lines = text.split("\n")
    deep = [n for n, line in enumerate(lines) if len(line) > MAX_NESTING and nesting(line, MAX_NESTING)[0] > MAX_NESTING]
    if not deep:
        return text
    more = f"（后面还有 {len(deep) - 1} 行也是这样）" if len(deep) > 1 else ""
    problems.error(path, deep[0] + 1, f"这一行的引用（>）、列表或缩进嵌套超过 {MAX_NESTING} 层，网站无法排版{more}",
                   "删掉行首多余的 >、- 和空格；展板里的列表最多嵌套两三层")
    for n in deep:
        lines[n] = lines[n][nesting(lines[n])[1]:]
    return "\n".join(lines)


EMPHASIS_RUN = re.compile(r"\*{%d,}|_{%d,}" % (MAX_EMPHASIS_RUN + 1, MAX_EMPHASIS_RUN + 1))


def check_emphasis_runs(text: str, path, problems) -> str:
    """A long run of * or _ inside a line opens hundreds of nested bold/italic levels,
    which exhausts the Markdown engine's recursion: report the line and show the
    characters as they are (escaped) in memory. A line of only * or _ is a rule: fine."""
    lines = text.split("\n")
    found = False
    for n, line in enumerate(lines):
        if len(line) <= MAX_EMPHASIS_RUN or not EMPHASIS_RUN.search(line) or not line.strip(" *_"):
            continue
        if not found:
            run = EMPHASIS_RUN.search(line).group()
            problems.error(path, n + 1, f"这一行有一长串 {run[0]} 号（{len(run)} 个），会被当成几百层加粗和斜体，网站无法排版",
                           f"删掉多余的 {run[0]} 号：加粗写成 **文字**；要一条分隔线，单独一行写 ***")
            found = True
        lines[n] = EMPHASIS_RUN.sub(lambda m: "".join("\\" + c for c in m.group()), line)
    return "\n".join(lines) if found else text


def check_panels(site, problems) -> None:
    """load_site's last check (on the whole model): a panel over MAX_PANEL_CHARS characters."""
    for issue in site.issues:
        for panel in issue.panels:
            if len(panel.body) > MAX_PANEL_CHARS:
                problems.error(issue.source, panel.line,
                               f"展板「{panel.title}」的正文有 {len(panel.body)} 个字符，一块展板最多 {MAX_PANEL_CHARS} 个："
                               "网页、大屏和站内搜索都把一块展板当作一张海报来显示和索引",
                               "把内容精简，或者拆成几块展板（每块以「## 【专题】标题」开头）")
