"""Split front matter from the body and read it as plain text values.

YAML is parsed with PyYAML's BaseLoader (every scalar stays a string), so
`time: 14:30` is "14:30", not 870, and `yes` is "yes", not True. Values
are converted by the schema, never by YAML. Mistakes Chinese keyboards make
(full-width colon, U+3000 spaces, tabs, Chinese dashes as the fence) are
reported in Chinese with the line, and repaired in memory so that the rest
of the file can still be checked in the same run.

`safe_compose` is the one way kepu reads YAML: it walks the event stream
first and refuses aliases/anchors (or, where allowed, their expansion beyond
a limit), deep nesting, huge documents and control characters written as
escapes ("\\r", "\\x0b", "\\ud800"), each at its line, before any of them
costs memory or recursion.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from kepu.content import limits
from kepu.core.commands import command
from kepu.content.problems import Problems

FENCE = re.compile(r"^---\s*$")
FAKE_FENCE = re.compile(r"^\s*[-—－―─一]{2,}\s*$")  # Chinese dashes typed instead of ---
KEY_WITH_FULLWIDTH_COLON = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w-]*)\s*：\s?")
FULLWIDTH_BULLET = re.compile(r"^(\s*)[－—]\s")


@dataclass(frozen=True)
class Value:
    """A value and the line of its key (1-based, in the file). For a mapping,
    `items` holds its keys' Values, each with its own line."""

    raw: str | list[str] | dict | None
    line: int
    items: dict | None = field(default=None, compare=False, repr=False)


def value_of(node, line: int, first_line: int = 1) -> Value:
    """A YAML node as a Value at `line`; a mapping's keys get their own lines
    (`first_line` is the file line of the text's first line)."""
    items = None
    if isinstance(node, yaml.MappingNode):
        items = {}
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(_to_python(k))
            if key not in items:
                items[key] = value_of(v, first_line + k.start_mark.line, first_line)
    return Value(_to_python(node), line, items)


@dataclass
class FrontMatter:
    fields: dict[str, Value] = field(default_factory=dict)
    start_line: int = 1  # line of the opening ---
    body: str = ""
    body_line: int = 1  # file line of the first body line
    present: bool = False


def split(text: str, path, problems: Problems) -> FrontMatter:
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return FrontMatter(body="", body_line=1)
    if not FENCE.match(lines[first]):
        if FAKE_FENCE.match(lines[first]):
            problems.error(path, first + 1, "front matter 的开头应是三个英文减号 ---，这里用了中文破折号或全角符号",
                           "切换到英文输入法，输入 ---")
            return _parse_block(lines, first, path, problems)
        if re.match(r"^\s*[A-Za-z_]+\s*[:：]", lines[first]):
            problems.error(path, first + 1, "front matter 缺少开头的 --- 行",
                           "在文件第一行加上 ---，在资料结束处再加一行 ---")
        else:
            problems.error(path, first + 1, "文件开头没有 front matter（标题等资料）",
                           f"在文件最前面加上以 --- 开始、以 --- 结束的资料块，可以用 {command('new')} 生成模板")
        return FrontMatter(body="\n".join(lines[first:]), body_line=first + 1)
    return _parse_block(lines, first, path, problems)


def _parse_block(lines: list[str], first: int, path, problems: Problems) -> FrontMatter:
    end = None
    for i in range(first + 1, len(lines)):
        if FENCE.match(lines[i]) or lines[i].rstrip() == "...":
            end = i
            break
        if FAKE_FENCE.match(lines[i]) and not lines[i].lstrip().startswith("- "):
            problems.error(path, i + 1, "front matter 的结束行应是三个英文减号 ---，这里用了中文破折号或全角符号",
                           "切换到英文输入法，输入 ---")
            end = i
            break
    if end is None:
        problems.error(path, first + 1, "front matter 只有开头的 ---，没有结束的 --- 行",
                       "在资料（title: 等）的最后一行下面加一行 ---，再写正文")
        return FrontMatter(start_line=first + 1, body="", body_line=len(lines) + 1, present=False)
    block = [_lint_line(line, first + 2 + n, path, problems) for n, line in enumerate(lines[first + 1:end])]
    fm = FrontMatter(start_line=first + 1, body="\n".join(lines[end + 1:]), body_line=end + 2, present=True)
    fm.fields = _parse_yaml("\n".join(block), first + 2, path, problems)
    return fm


def repair(text: str, path, problems: Problems, first_line: int = 1) -> str:
    """A nested YAML file (topics.yml, mkdocs.yml) with the Chinese keyboard's mistakes
    reported at their lines and repaired in memory, as in front matter; indentation is kept
    (a full-width space or a Tab in it becomes two spaces)."""
    return "\n".join(_lint_line(line, first_line + n, path, problems, nested=True)
                     for n, line in enumerate(text.split("\n")))


def _lint_line(line: str, lineno: int, path, problems: Problems, nested: bool = False) -> str:
    """Report keyboard mistakes on one front matter line and return it repaired.
    `nested`: keys may be indented (topics.yml, mkdocs.yml)."""
    indent = len(line) - len(line.lstrip(" \t\u3000"))
    lead, rest = line[:indent], line[indent:]
    is_key = bool(re.match(r"^[A-Za-z_][\w-]*\s*[:：]", rest))
    if nested:
        if "\u3000" in lead or "\t" in lead:
            what = "全角空格（中文输入法下的空格）" if "\u3000" in lead else "Tab 制表符"
            problems.error(path, lineno, f"行首用了{what}，YAML 只认英文空格", "换成英文空格，和同一层的其他行对齐")
        line = lead.replace("\t", "  ").replace("\u3000", "  ") + rest
    elif "\u3000" in lead:
        problems.error(path, lineno, "行首用了全角空格（中文输入法下的空格）", "删掉它，键名要顶格写")
    elif "\t" in lead:
        problems.error(path, lineno, "行首用了 Tab 制表符，YAML 只认英文空格",
                       "删掉它，键名要顶格写" if is_key else "把 Tab 换成两个英文空格")
    elif lead and is_key:
        problems.error(path, lineno, "这一行前面多了空格", "键名要顶格写（每行开头不要有空格）")
    if not nested:
        line = ("" if is_key else lead.replace("\t", "  ").replace("\u3000", "  ")) + rest
    m = KEY_WITH_FULLWIDTH_COLON.match(line)
    if m:
        problems.error(path, lineno, f"「{m.group(2)}」后面用了中文冒号「：」", f"改成英文冒号加一个空格：{m.group(2)}: ")
        line = f"{m.group(1)}{m.group(2)}: " + line[m.end():]
    m = re.match(r"^(\s*(?:-\s+)?)([A-Za-z_][\w-]*):(?=\S)(?!//)", line)
    if m:
        problems.error(path, lineno, f"「{m.group(2)}:」冒号后面少了一个空格", f"写成 {m.group(2)}: 值（冒号后面加一个英文空格）")
        line = f"{m.group(1)}{m.group(2)}: " + line[m.end():]
    m = FULLWIDTH_BULLET.match(line)
    if m:
        problems.error(path, lineno, "列表项前面用了中文破折号或全角减号", "改成英文减号加空格：- ")
        line = m.group(1) + "- " + line[m.end():]
    key_part = line.split(":", 1)[0] if ":" in line else ""
    if "\u3000" in key_part:
        problems.error(path, lineno, "键名里有全角空格", "删掉键名前后的全角空格")
        line = key_part.replace("\u3000", "") + line[len(key_part):]
    return line


YAML_HINTS = [
    ("mapping values are not allowed", "这一行的值里有英文冒号「:」，YAML 把它当成了新的键",
     "把整个值用英文双引号括起来，例如 title: \"讲座：认识黑洞\""),
    ("could not find expected ':'", "这一行不是「键: 值」的形式，或者上一行的缩进/引号不对",
     "检查这一行和上一行：键名后面要有英文冒号和空格，引号要成对"),
    ("did not find expected key", "这一行的缩进或格式不对",
     "顶格书写每个键；列表写成 [甲, 乙] 或每行一个「- 甲」"),
    ("found unexpected end of stream", "引号没有闭合", "检查这一行的引号是否成对"),
    ("found character '\\t'", "这里有 Tab 制表符", "换成英文空格"),
    ("expected <block end>", "缩进不一致", "让同一层的键左边对齐"),
    ("while scanning a quoted scalar", "引号没有闭合", "检查引号是否成对，中文引号“”不能用来括值"),
    ("expected ',' or ']'", "方括号列表没有闭合或用了中文逗号", "写成 [甲, 乙]，用英文逗号和英文方括号"),
    ("expected ',' or '}'", "花括号没有闭合", "值里不需要花括号；如果值里有 { }，把整个值用英文双引号括起来"),
    ("expected '<document start>'", "这一行以 %、{ 等特殊符号开头，YAML 读不懂",
     "删掉这些符号；如果它们是值的一部分，把整个值用英文双引号括起来"),
    ("found undefined alias", "值以 * 开头，YAML 把它当成了引用", "把整个值用英文双引号括起来"),
    ("while parsing a block mapping", "这一行的格式不对", "每行写一个「键: 值」，键名顶格"),
]


class YamlRefused(yaml.YAMLError):
    """YAML that kepu will not read. Args: (0-based line in the text, message, fix)."""

    @property
    def line(self) -> int:
        return self.args[0]


# libyaml (PyYAML's C extension) reads the same YAML about ten times faster. It is only a
# shortcut: whenever it raises, or the text has what the two readers may treat differently
# (line breaks other than \n, characters the Python reader refuses), the text is read again
# by the pure-Python loader, so every message and line number comes from one reader.
C_LOADER = getattr(yaml, "CBaseLoader", None) if getattr(yaml, "__with_libyaml__", False) else None
# Where the two differ (found by comparing them on mutated front matter): tabs, tags (!), the
# complex-key mark (?) in flow lists, a comment right after a block scalar mark (|#, >#).
_PYTHON_ONLY = re.compile("[!?\t\r\x85\u2028\u2029\ufeff]|[|>][-+0-9]*#|" + yaml.reader.Reader.NON_PRINTABLE.pattern)


def safe_compose(text: str, *, aliases: bool = False):
    """yaml.compose with BaseLoader, after checking the event stream. Raises
    yaml.MarkedYAMLError for syntax errors and YamlRefused for what kepu refuses."""
    if C_LOADER is not None and not _PYTHON_ONLY.search(text):
        try:
            node = _checked_compose(text, C_LOADER, aliases)
        except Exception:  # any doubt: the Python reader gives the one answer and its message
            pass
        else:
            if aliases and node is not None:
                _check_expansion(node)
            return node
    try:
        node = _checked_compose(text, yaml.BaseLoader, aliases)
    except yaml.MarkedYAMLError:
        raise
    except yaml.YAMLError as exc:
        if isinstance(exc, YamlRefused):
            raise
        raise YamlRefused(0, "YAML 里有无法读取的特殊字符", "删除其中的特殊字符后重试") from exc
    except RecursionError:  # pragma: no cover - guarded by the depth limit above
        raise YamlRefused(0, f"嵌套太深（超过 {limits.MAX_NESTING} 层）", "值只需要一层") from None
    if aliases and node is not None:
        _check_expansion(node)
    return node


def _checked_compose(text: str, loader, aliases: bool):
    """The event-stream checks (raising YamlRefused), then the node tree."""
    depth = items = 0
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line if event.start_mark else 0
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > limits.MAX_NESTING:
                raise YamlRefused(line, f"这里的方括号、花括号或缩进嵌套超过 {limits.MAX_NESTING} 层",
                                  "值只需要一层：一段文字，或 [甲, 乙] 这样的列表")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            items += 1
            if items > limits.MAX_YAML_ITEMS:
                raise YamlRefused(line, f"内容太多（超过 {limits.MAX_YAML_ITEMS} 项）", "检查是不是误粘贴了大段内容")
            if not aliases and (isinstance(event, yaml.AliasEvent) or event.anchor is not None):
                sign, name = ("*", event.anchor) if isinstance(event, yaml.AliasEvent) else ("&", event.anchor)
                raise YamlRefused(line, f"「{sign}{name}」是 YAML 的引用写法，kepu 不支持",
                                  "如果 & 或 * 是值的一部分，把整个值用英文双引号括起来，例如 title: \"*注意* 安全\"")
        if isinstance(event, yaml.ScalarEvent):
            bad = limits.CONTROL_IN_VALUE.search(event.value)
            if bad:
                raise YamlRefused(line, f"这个值里有控制字符（{limits.char_name(bad.group(0))}），"
                                  "可能来自引号里的反斜杠写法（如 \\r、\\x0b）", "删掉反斜杠写法，直接写文字")
    return yaml.compose(text, Loader=loader)


def _check_expansion(root) -> None:
    """Aliases let a few lines stand for billions of values, for deep nesting,
    or for themselves: measure what they expand to without expanding them
    (iteratively: a chain of aliases must not exhaust Python's recursion)."""
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    started: set[int] = set()  # on the current path
    stack = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else \
            node.value if isinstance(node, yaml.SequenceNode) else []
        if finished:
            started.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            depths[key] = 1 + max((depths[id(c)] for c in children), default=0)
            if sizes[key] > limits.MAX_YAML_EXPANDED or depths[key] > limits.MAX_NESTING:
                raise YamlRefused(node.start_mark.line, f"这里的 YAML 引用（&名字、*名字）展开后超过 "
                                  f"{limits.MAX_YAML_EXPANDED} 项或 {limits.MAX_NESTING} 层", "删掉这些引用，直接写出值")
            continue
        if key in sizes:
            continue
        if key in started:
            raise YamlRefused(node.start_mark.line, "这里的 YAML 引用（*名字）指向了它自己", "删掉这个引用，直接写出值")
        started.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children)


def compose(text: str, path, problems: Problems, *, what: str, first_line: int = 1, aliases: bool = False,
            fix: str = ""):
    """The one way a YAML text is read and its errors reported: the root node
    (None for an empty text), or False after reporting why it cannot be read as
    `path:line: 错误: <what> 格式错误：… — …` (or `<what> 无法读取：…`)."""
    try:
        return safe_compose(text, aliases=aliases)
    except YamlRefused as exc:
        problems.error(path, first_line + exc.line, f"{what} 无法读取：{exc.args[1]}", exc.args[2])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = f"{exc.problem or ''} {exc.context or ''}"
        for needle, hint, hint_fix in YAML_HINTS:
            if needle in problem:
                problems.error(path, line, f"{what} 格式错误：{hint}", hint_fix)
                break
        else:
            problems.error(path, line, f"{what} 格式错误：这一行的写法读不懂",
                           fix or "检查这一行：键名后面是英文冒号和空格，引号、方括号要成对；"
                           "值里有特殊符号时，把整个值用英文双引号括起来")
    return False


def _parse_yaml(text: str, first_line: int, path, problems: Problems) -> dict[str, Value]:
    if not text.strip():
        return {}
    node = compose(text, path, problems, what="front matter", first_line=first_line,
                   fix="对照志愿者指南里的示例检查这一行：键名后面是英文冒号和空格，引号、方括号要成对；"
                       "值里有特殊符号时，把整个值用英文双引号括起来")
    if node is False:
        return _recover(text, first_line)
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        problems.error(path, first_line + node.start_mark.line, "front matter 应该由「键: 值」组成",
                       "每行写一个，例如 title: 本期标题")
        return {}
    result: dict[str, Value] = {}
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            problems.error(path, line, "这一行的键名格式不对", "键名是英文单词，例如 title")
            continue
        key = key_node.value
        if key in result:
            problems.error(path, line, f"「{key}」写了两次（第 {result[key].line} 行已经有了）", "删掉其中一行")
            continue
        result[key] = value_of(value_node, line, first_line)
    return result


def _recover(text: str, first_line: int) -> dict[str, Value]:
    """After a YAML error (already reported), read simple `key: value` lines
    one by one so the other fields can still be checked in the same run."""
    result: dict[str, Value] = {}
    for n, line in enumerate(text.split("\n")):
        m = re.match(r"^([A-Za-z_][\w-]*):\s*(.*?)\s*$", line)
        if not m or m.group(1) in result:
            continue
        value = m.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        result[m.group(1)] = Value(value, first_line + n)
    return result


def _to_python(node):
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(n) for n in node.value]
    if isinstance(node, yaml.MappingNode):  # a key that is itself a list or mapping becomes its text
        return {k.value if isinstance(k, yaml.ScalarNode) else str(_to_python(k)): _to_python(v) for k, v in node.value}
    return None
