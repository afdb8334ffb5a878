"""Field kinds, declared once, and the schema that checks a mapping of them.

Every value a volunteer writes (front matter, `mkdocs.yml` `extra:`,
`bulletins/topics.yml`) arrives as text, a list or a mapping (YAML is read
with BaseLoader, see readers.frontmatter) together with its line. A field
kind knows three things, in the manner of MkDocs' `config_options.py`:

- `describe()`: one Chinese description for the volunteer guide;
- `convert(raw)`: the converted value, or `Invalid(what, fix)` in Chinese;
- its declaration: name, label, help, required, default, template line.

`Schema.read(values, path, problems)` checks a whole mapping: unknown keys get
one did-you-mean (`did_you_mean`), wrong-case keys are accepted with an error,
bad values are reported as `path:line: 错误: <name>（<label>）：<what> — <fix>`
and replaced by the default, required fields are checked. Lines come from
`readers.frontmatter.Value` (`values_of(node)` turns a YAML node into them,
nested mappings included), so every message points at the key's own line.

How to add a field: add one declaration to the schema in `kepu.content.schema`, e.g.

    Choice("engine", "生成网站的程序", {"mkdocs": "MkDocs", "zensical": "Zensical"}, default="mkdocs"),

in `EXTRA_FIELDS` (mkdocs.yml `extra:`), or

    Date("start", "开始日期", "从哪天开始显示", required=True, example="2026-12-01"),

in a front matter schema; read the converted value from the dict `Schema.read`
returns (for `extra:`, `Settings.values["engine"]`). The guide's tables
(`.venv/bin/python -m kepu.content.schema --write-guide`) and the `kepu new` templates follow
from the declaration; tests/test_settings_schema.py fails until the guide is
regenerated. A new value kind is a subclass of `Field` with `convert` and
`rule` (and a test in tests/test_fields.py).
"""
from __future__ import annotations

import difflib
import re
from datetime import date, time
from importlib import import_module
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kepu.content.readers.frontmatter import Value

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９：～－", "0123456789:~-")
LIST_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")
OFF_WORDS = {"", "off", "no", "false", "关", "不", "无", "否", "none", "null", "~"}
ON_WORDS = {"on", "yes", "true", "开", "是", "要"}


class Invalid(Exception):
    """A value that cannot be converted; args = (what is wrong, how to fix)."""


# ---------------------------------------------------------------------------
# did-you-mean: the one copy
# ---------------------------------------------------------------------------

def suggest(word: str, choices) -> str:
    """The choice closest to `word` ("" if none is close)."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return match[0] if match else ""


def guess_hint(guess: str) -> str:
    """The words of a did-you-mean: 你是不是想写「x」？ ("" without a guess)."""
    return f"你是不是想写「{guess}」？" if guess else ""


def did_you_mean(word: str, choices, noun: str = "") -> str:
    """你是不是想写「x」？ or the list of what may be written."""
    choices = [str(c) for c in choices]
    return guess_hint(suggest(word, choices)) or f"可以用的{noun}有：" + "、".join(choices)


def _shown(raw) -> str:
    text = str(raw if raw is not None else "").strip()
    return text if len(text) <= 40 else text[:40] + "…"


def _scalar(raw, what: str, fix: str) -> str:
    """The text of a plain value; a list or mapping is an Invalid(what, fix)."""
    if isinstance(raw, (list, dict)):
        raise Invalid(what, fix)
    return (raw or "").strip()


# ---------------------------------------------------------------------------
# field kinds
# ---------------------------------------------------------------------------

class Field:
    """One key: its name, Chinese label and help, whether it is required, its
    default, and how it appears in a `kepu new` template (`template` is the
    value written there, `commented` writes it as a `# ` line, `note` is a
    comment after it)."""

    kind = "文字"

    def __init__(self, name: str, label: str, help: str = "", *, required: bool = False, default=None,
                 example: str = "", need: str = "", template: str | None = None, commented: bool = False,
                 note: str = "", allow_empty: bool = False):
        self.name, self.label, self.help = name, label, help or label
        self.allow_empty = allow_empty  # an empty value (`key:` or `key: []`) means the default
        self.required, self.default, self.example = required, default, example
        self.need = need or ("必填" if required else "可选")
        self.template, self.commented, self.note = template, commented, note

    def convert(self, raw):
        raise NotImplementedError

    def rule(self) -> str:
        """What may be written, in Chinese (for the guide); "" when the help says it."""
        return ""

    def describe(self) -> str:
        rule = self.rule()
        if not rule:
            return self.help
        return f"{self.help[:-1]}；{rule}）" if self.help.endswith("）") else f"{self.help}（{rule}）"

    def template_line(self) -> str | None:
        """The template's line(s) in the editor's style (kepu.views.admin), so a save in the editor changes
        only what was changed: a list one `  - item` per line, no quotes where the editor writes none."""
        if self.template is None:
            return None
        mark = "# " if self.commented else ""
        items = re.fullmatch(r"\[(.*)\]", self.template)
        if items:
            return "\n".join([f"{mark}{self.name}:"] + [f"{mark}  - {i.strip()}" for i in items.group(1).split(",")])
        line = f"{mark}{self.name}: {self.template}"
        return f"{line}        # {self.note}" if self.note else line

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class Text(Field):
    """One line of text; `pattern` (a regex) with `pattern_fix` restricts it."""

    def __init__(self, *args, pattern: str = "", pattern_what: str = "", pattern_fix: str = "", **kw):
        super().__init__(*args, **kw)
        self.pattern, self.pattern_what, self.pattern_fix = pattern, pattern_what, pattern_fix

    def convert(self, raw):
        text = _scalar(raw, "这里应该是一段文字，不是列表", "去掉方括号或「- 」，直接写文字")
        if not text:
            raise Invalid("值是空的", "填写内容，或删除这一行")
        if self.pattern and not re.fullmatch(self.pattern, text):
            raise Invalid(f"「{_shown(text)}」{self.pattern_what}", self.pattern_fix)
        return text


class TextList(Field):
    """Several texts: [甲, 乙], 甲, 乙 (Chinese commas too) or one `- 甲` per line."""

    kind = "列表"

    def convert(self, raw):
        if isinstance(raw, dict):
            raise Invalid("这里应该是列表", "写成 [甲, 乙] 或 甲, 乙")
        if isinstance(raw, list):
            items = []
            for item in raw:
                if not isinstance(item, str):
                    raise Invalid("列表里的每一项都应是文字", "写成 [甲, 乙]")
                items.extend(LIST_SEPARATORS.split(item.strip()))
        else:
            items = LIST_SEPARATORS.split((raw or "").strip().strip("[]【】"))
        items = [i.strip() for i in items if i.strip()]
        if not items:
            raise Invalid("列表是空的", "至少写一项，或删除这一行")
        return items

    def rule(self) -> str:
        return ""


class Integer(Field):
    """A whole number from `low` to `high`. `noun` names it in messages (人数);
    `unit` may follow the number (60人); `range_fix` replaces the range hint."""

    kind = "整数"

    def __init__(self, name, label, help="", *, low: int = 0, high: int = 9_999_999, noun: str = "", unit: str = "",
                 range_fix: str = "", **kw):
        super().__init__(name, label, help, **kw)
        self.low, self.high, self.noun, self.unit, self.range_fix = low, high, noun, unit, range_fix

    def _fix(self) -> str:
        if self.range_fix:
            return self.range_fix
        default = f"，默认 {self.default}" if self.default is not None else ""
        return f"写 {self.low} 到 {self.high} 之间的整数{default}"

    def convert(self, raw):
        example = f"例如 {self.name}: {self.example or self.default or self.low}"
        if not isinstance(raw, str) or not raw.strip():
            raise Invalid(f"{self.noun}应该是一个整数", f"只写数字，{example}")
        text = raw.strip().translate(FULLWIDTH_DIGITS)
        if self.unit:
            text = text.removesuffix(self.unit).strip()
        if re.fullmatch(r"[-－−]\s*\d+", text) and self.low >= 0:
            raise Invalid(f"{self.noun}不能是负数（写的是 {raw.strip()}）", self._fix())
        if not re.fullmatch(r"[0-9]+", text):
            raise Invalid(f"{self.noun}「{_shown(raw)}」不是整数", f"只写阿拉伯数字，不要写「约」「多」等字，{example}"
                          if self.high >= 9_999_999 else self._fix())
        if len(text) > 7 or not self.low <= int(text) <= self.high:  # also keeps int() away from its digit limit
            big = len(text) > 7 or int(text) > self.high
            raise Invalid(f"{self.noun}「{_shown(text)}」{'太大了' if big else '太小了'}", self._fix())
        return int(text)

    def rule(self) -> str:
        return "" if self.high >= 9_999_999 else f"{self.low}–{self.high} 的整数"


class Choice(Field):
    """One of a few words; `choices` maps each to its Chinese meaning.
    `upper=True` accepts any case and gives the choice as declared (a3 → A3)."""

    kind = "选项"

    def __init__(self, name, label, choices: dict, help="", *, upper: bool = False, **kw):
        super().__init__(name, label, help, **kw)
        self.choices, self.upper = dict(choices), upper

    def pick(self, text: str) -> str:
        """The declared choice for `text`, or Invalid with a did-you-mean."""
        text = text.strip()
        for choice in self.choices:
            if text == choice or (self.upper and text.upper() == choice.upper()):
                return choice
        raise Invalid(f"「{_shown(text)}」不是可以选的值", did_you_mean(text, self.choices, "值"))

    def convert(self, raw):
        return self.pick(_scalar(raw, "这里只能写一个值，不是列表", "写其中一个：" + "、".join(self.choices)))

    def rule(self) -> str:
        return "可以写 " + "、".join(f"`{k}`（{v}）" if v else f"`{k}`" for k, v in self.choices.items())


class ChoiceList(Choice):
    """Several of the choices, in order, each once: [panels, closing]."""

    kind = "列表"

    def convert(self, raw):
        items = raw
        if isinstance(raw, str):
            items = [k for k in re.split(r"[\s,，、]+", raw.strip().strip("[]【】")) if k]
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            example = ", ".join(list(self.choices)[:2])
            raise Invalid("应是一个列表", f"例如 {self.name}: [{example}]")
        return tuple(dict.fromkeys(self.pick(i) for i in items))

    def rule(self) -> str:
        return "列表，每一项可以写 " + "、".join(f"`{k}`（{v}）" for k, v in self.choices.items())


class Boolean(Field):
    """Yes or no: 是/开/yes/true or 否/关/no/false."""

    kind = "是或否"

    def convert(self, raw):
        text = _scalar(raw, "这里只能写 是 或 否", "写 是 或 否").lower()
        if text in ON_WORDS:
            return True
        if text in OFF_WORDS - {""}:
            return False
        raise Invalid(f"「{_shown(text)}」不是「是」或「否」", "写 是 或 否（也可以写 yes、no）")

    def rule(self) -> str:
        default = f"，默认{'是' if self.default else '否'}" if self.default is not None else ""
        return f"写 是 或 否{default}"


def _hhmm(text: str) -> time | None:
    """time for "9:00", "21:30" (full-width digits and colon accepted); None if not HH:MM."""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip().translate(FULLWIDTH_DIGITS))
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return time(int(m.group(1)), int(m.group(2)))


class Time(Field):
    """A time of day HH:MM (24-hour); with `off=True`, 关 means none."""

    kind = "时间"

    def __init__(self, *args, off: bool = False, **kw):
        super().__init__(*args, **kw)
        self.off = off

    def convert(self, raw):
        text = _scalar(raw, "时间只能写一个", "写成 04:00 这样的「时:分」")
        if self.off and text.lower() in OFF_WORDS:
            return None
        value = _hhmm(text)
        if value is None:
            raise Invalid(f"「{_shown(text)}」不是时间",
                          "写成 04:00 这样的「时:分」（24 小时制）" + ("，不需要就写 关" if self.off else ""))
        return value

    def rule(self) -> str:
        return "时:分，24 小时制" + ("，写 关 表示不需要" if self.off else "")


SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*(?:[-~—–至到]+\s*(\d{1,2}):(\d{2}))?$")


class TimeSpan(Field):
    """From–to times HH:MM-HH:MM, as (start, end). `end_optional`: a start
    alone is (start, None); `overnight`: the end may be the next day
    (22:00-07:00); `off`: 关 means none."""

    kind = "时段"

    def __init__(self, *args, end_optional: bool = False, overnight: bool = False, off: bool = False, **kw):
        super().__init__(*args, **kw)
        self.end_optional, self.overnight, self.off = end_optional, overnight, off

    def _fix(self) -> str:
        example = self.example.strip('"') or "14:30-16:00"
        fix = f"写成 \"{example}\" 这样的「开始-结束」（24 小时制"
        fix += "，要加英文引号）" if not self.overnight else "）"
        if self.end_optional:
            fix += "，只有开始时间就写 \"9:00\""
        return fix + ("，不需要就写 关" if self.off else "")

    def convert(self, raw):
        if not isinstance(raw, str):
            raise Invalid(f"时间应该写成 \"{self.example.strip(chr(34)) or '14:30-16:00'}\"", "用英文引号括起来")
        text = raw.strip()
        if self.off and text.lower() in OFF_WORDS:
            return None
        m = SPAN.match(text.translate(FULLWIDTH_DIGITS))
        if not m or (not m.group(3) and not self.end_optional):
            raise Invalid(f"时间「{_shown(text)}」看不懂", self._fix())
        hours_minutes = [int(g) for g in m.groups() if g is not None]
        if any(h > 23 for h in hours_minutes[0::2]) or any(mi > 59 for mi in hours_minutes[1::2]):
            raise Invalid(f"时间「{_shown(text)}」不存在", "小时是 0–23，分钟是 00–59")
        start = time(hours_minutes[0], hours_minutes[1])
        end = time(hours_minutes[2], hours_minutes[3]) if m.group(3) else None
        if end is not None and end == start:
            raise Invalid(f"时间「{_shown(text)}」的开始和结束一样", self._fix())
        if end is not None and end < start and not self.overnight:
            raise Invalid(f"结束时间早于开始时间（{_shown(text)}）", "检查是否写反了，或改用 24 小时制，例如下午两点写 14:00")
        return start, end

    def rule(self) -> str:
        if self.end_optional:
            return ""  # the help shows the example
        example = self.example.strip('"') or "22:00-07:00"
        return f"写成 `\"{example}\"` 这样的「开始-结束」" + ("，写 关 表示不需要" if self.off else "")


class Date(Field):
    """A day YYYY-MM-DD."""

    kind = "日期"

    def convert(self, raw):
        text = _scalar(raw, "日期只能写一个", "写成 2026-12-05 这样的年-月-日").translate(FULLWIDTH_DIGITS)
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if not m:
            raise Invalid(f"「{_shown(text)}」不是日期", "写成 2026-12-05 这样的年-月-日")
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise Invalid(f"日期「{_shown(text)}」不存在", "检查月份和这个月的天数") from None

    def rule(self) -> str:
        return "年-月-日，例如 2026-12-05"


DATE_TIME = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                       r"(?:(?:\s*T\s*|\s+|(?<=日))(\d{1,2})\s*[:点时]\s*(\d{2})?(?::\d{2})?\s*分?)?$")


class DateTime(Field):
    """A day with an optional time of day, as written: (date, time or None for a bare date).
    The reader decides what a bare date means (a notice: 00:00 for its start, 23:59 for its end)."""

    kind = "日期和时间"

    def convert(self, raw):
        fix = "写成 2026-12-03 08:00 这样的「年-月-日 时:分」（24 小时制），或只写日期 2026-12-03"
        written = _scalar(raw, "日期和时间只能写一个", fix)
        m = DATE_TIME.match(written.translate(FULLWIDTH_DIGITS).strip("\"'"))
        if not m:
            raise Invalid(f"「{_shown(written)}」看不懂", fix)
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise Invalid(f"日期「{_shown(written)}」不存在", "检查月份和这个月的天数") from None
        if m.group(4) is None:
            return day, None
        hour, minute = int(m.group(4)), int(m.group(5) or 0)
        if hour > 23 or minute > 59:
            raise Invalid(f"时间「{_shown(written)}」不存在", "小时是 0–23，分钟是 00–59；一天结束写 23:59")
        return day, time(hour, minute)

    def rule(self) -> str:
        return "年-月-日 时:分，例如 2026-12-03 08:00（24 小时制）"


class Month(Field):
    """A month YYYY-MM, as (year, month)."""

    kind = "年月"

    def convert(self, raw):
        text = _scalar(raw, "年月只能写一个", "写成 2025-12 这样的年-月").translate(FULLWIDTH_DIGITS)
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise Invalid(f"「{_shown(text)}」不是年月", "写成 2025-12 这样的年-月")
        return int(m.group(1)), int(m.group(2))

    def rule(self) -> str:
        return "年-月，例如 2025-12"


class Colour(Field):
    """A colour #rrggbb (kept as written)."""

    kind = "颜色"

    def convert(self, raw):
        text = _scalar(raw, "颜色只能写一个", "写成带引号的六位十六进制，例如 \"#c2410c\"")
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", text):
            raise Invalid(f"「{_shown(text)}」不是颜色", "写成带引号的六位十六进制，例如 \"#c2410c\"")
        return text

    def rule(self) -> str:
        return "带引号的六位十六进制，例如 `\"#c2410c\"`"


ICON_NAME = re.compile(r"^(?:material|octicons|simple|fontawesome/(?:brands|regular|solid))/[a-z0-9]+(?:-[a-z0-9]+)*$")
ICON_FIX = "写图标名，例如 material/heart-pulse（可以用的图标见志愿者指南的「专题」一节）"


class Icon(Field):
    """An icon name from the sets that come with Material, never a path.
    `lookup` ("module:function") finds the icon's file, or None."""

    kind = "图标名"

    def __init__(self, *args, lookup: str = "", **kw):
        super().__init__(*args, **kw)
        self.lookup = lookup

    def convert(self, raw):
        text = _scalar(raw, "图标只能写一个", ICON_FIX)
        if not ICON_NAME.match(text):
            raise Invalid(f"图标「{_shown(text)}」不是图标名（不能写文件路径或网址）", ICON_FIX)
        if self.lookup:
            module, _, func = self.lookup.partition(":")
            found = import_module(module)
            if getattr(found, func)(text) is None:
                names = getattr(found, "icon_names", lambda: [])()
                raise Invalid(f"找不到图标「{_shown(text)}」",
                              (guess_hint(suggest(text, names)) + "可以用的图标有：" + "、".join(names))
                              if names else ICON_FIX)
        return text

    def rule(self) -> str:
        return "例如 `material/heart-pulse`，不能写文件路径或网址"


class BulletinPath(Field):
    """A file in bulletins/, relative to the file it is written in (never another
    site); `thing` says what it is in messages (图片)."""

    kind = "路径"

    def __init__(self, *args, thing: str = "文件", **kw):
        super().__init__(*args, **kw)
        self.thing = thing

    def convert(self, raw):
        text = _scalar(raw, "这里应该是一段文字，不是列表", "去掉方括号或「- 」，直接写文字")
        if not text:
            raise Invalid("值是空的", "填写内容，或删除这一行")
        if re.match(r"^(https?:)?//", text):
            raise Invalid(f"{self.label}要放在 bulletins/ 里，不能引用其他网站的{self.thing}",
                          f"把{self.thing}下载下来放进 images/ 文件夹，再写相对路径")
        return text.replace("\\", "/")


class URL(Field):
    """A full http(s) address; kept with a trailing slash when `slash`."""

    kind = "网址"

    def __init__(self, *args, slash: bool = False, **kw):
        super().__init__(*args, **kw)
        self.slash = slash

    def convert(self, raw):
        text = _scalar(raw, "网址只能写一个", f"写成 {self.example or 'https://example.org/'} 这样的完整网址")
        if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", text):
            raise Invalid(f"「{_shown(text)}」不是完整网址",
                          f"写成 {self.example or 'https://example.org/'} 这样的形式，或删除这一行")
        return text if not self.slash or text.endswith("/") else text + "/"

    def rule(self) -> str:
        return "以 https:// 开头的完整网址"


class TimeZone(Field):
    """An IANA time zone name such as Asia/Shanghai."""

    kind = "时区"

    def convert(self, raw):
        text = _scalar(raw, "时区只能写一个", "中国大陆写 Asia/Shanghai")
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise Invalid(f"「{_shown(text)}」不是有效的时区", "中国大陆写 Asia/Shanghai") from None
        return text


class Section(Field):
    """A mapping of its own fields (e.g. extra.screen), read with `schema`."""

    kind = "一组设置"

    def __init__(self, name, label, schema: "Schema", help="", *, fix: str = "", **kw):
        super().__init__(name, label, help, **kw)
        self.schema, self.fix = schema, fix

    def convert(self, raw):  # used only for a value that is not a mapping; mappings go through Schema
        if raw is None or raw == "":
            return self.schema.defaults()
        raise Invalid("应是「键: 值」设置", self.fix or f"写成多行：{self.name}: 换行后缩进两格写设置")


# ---------------------------------------------------------------------------
# schema: a mapping of fields
# ---------------------------------------------------------------------------

class Schema:
    """The fields of one mapping. `where` names it in messages (活动, extra.screen);
    `prefix` is put before a field's name in messages (extra.screen.); `noun` is
    what a key is called (键, 设置); `unknown` is "error", "warning" or None
    (other programs' keys, e.g. MkDocs' own); `ignore` are keys left alone;
    `check(values)` returns (what, fix, keys) when fields disagree, and those
    keys go back to their defaults; `add_fix` starts the fix for a missing
    required field."""

    def __init__(self, where: str, fields, *, prefix: str = "", noun: str = "键", unknown: str | None = "error",
                 ignore=(), check=None, add_fix: str = "加一行"):
        self.where, self.fields, self.prefix, self.noun = where, tuple(fields), prefix, noun
        self.add_fix = add_fix
        self.unknown, self.ignore, self.check = unknown, set(ignore), check
        self.by_name = {f.name: f for f in self.fields}

    def __getitem__(self, name: str) -> Field:
        return self.by_name[name]

    def __iter__(self):
        return iter(self.fields)

    def defaults(self) -> dict:
        return {f.name: f.schema.defaults() if isinstance(f, Section) else f.default for f in self.fields}

    def title(self, spec: Field) -> str:
        return f"{self.prefix}{spec.name}（{spec.label}）"

    def unknown_key(self, key: str) -> tuple[str, str]:
        space = " " if self.where[-1:].isascii() else ""
        return (f"{self.where}{space}里没有「{key}」这个{self.noun}",
                did_you_mean(key, [f.name for f in self.fields], self.noun))

    def read(self, values: dict[str, Value], path, problems, *, explain: dict | None = None,
             with_defaults: bool = False) -> dict:
        """Check keys and convert values: {name: converted} for valid fields
        (and the defaults of the others when `with_defaults`). `explain` maps keys
        that are not fields to (what, fix), e.g. date: in an activity."""
        out: dict = self.defaults() if with_defaults else {}
        for key, value in values.items():
            spec = self.by_name.get(key)
            lowered = str(key).strip().lower()
            if spec is None and explain and lowered in explain:
                problems.error(path, value.line, *explain[lowered])
                continue
            if spec is None and key in self.ignore:
                continue
            if spec is None:
                if lowered in self.by_name and lowered not in values:
                    problems.error(path, value.line, f"键名「{key}」要用小写", f"改成 {lowered}")
                    spec = self.by_name[lowered]
                else:
                    if self.unknown:
                        report = problems.error if self.unknown == "error" else problems.warning
                        report(path, value.line, *self.unknown_key(key))
                    continue
            if spec.allow_empty and _empty(value.raw):
                out[spec.name] = spec.default
                continue
            if isinstance(spec, Section) and isinstance(value.raw, dict):
                out[spec.name] = spec.schema.read(value.items or {}, path, problems, with_defaults=True)
                continue
            try:
                out[spec.name] = spec.convert(value.raw)
            except Invalid as exc:
                problems.error(path, value.line, f"{self.title(spec)}：{exc.args[0]}", exc.args[1])
        if self.check:
            bad = self.check({**self.defaults(), **out})
            if bad:
                what, fix, keys = bad
                first = min((values[k].line for k in keys if k in values), default=0)
                problems.error(path, first, what, fix)
                for k in keys:
                    if with_defaults:
                        out[k] = self.by_name[k].default
                    else:
                        out.pop(k, None)
        return out

    def check_required(self, values: dict[str, Value], path, problems, line: int, *, lost: str = "") -> None:
        """Report missing required fields at `line`. `lost` is the text of a YAML block
        that could not be read: a field named there was lost with it, not forgotten."""
        names = [f.name for f in self.fields]
        near_misses = {suggest(k, names) for k in values if k not in self.by_name}
        for spec in self.fields:
            if not spec.required or spec.name in near_misses:
                continue  # a misspelt key is already reported with a did-you-mean
            if lost and re.search(rf"(?m)^\s*{spec.name}\s*[:：]", lost):
                continue  # written, but in the part YAML could not read: the YAML error is the cause
            if spec.name not in values and spec.name.capitalize() not in values:
                example = spec.example or spec.template or "…"
                problems.error(path, line, f"缺少必填项 {self.prefix}{spec.name}（{spec.label}）",
                               f"{self.add_fix} {spec.name}: {example}")

    # -- documentation ------------------------------------------------------

    def table(self, *, defaults: bool = False) -> str:
        """The guide's Markdown table of these fields."""
        if defaults:
            rows = ["| 设置 | 默认 | 说明 |", "| --- | --- | --- |"]
            for f in self.fields:
                default = "" if f.default is None or isinstance(f, Section) else default_text(f.default)
                rows.append(f"| `{f.name}` | {default} | {f.describe()} |")
        else:
            rows = [f"| {self.noun} | 是否必填 | 说明 |", "| --- | --- | --- |"]
            rows += [f"| `{f.name}` | {f.need} | {f.describe()} |" for f in self.fields]
        return "\n".join(rows)

    def template(self) -> str:
        """The front matter lines of a `kepu new` template (string.Template placeholders kept)."""
        return "\n".join(line for f in self.fields if (line := f.template_line()) is not None)


def _empty(raw) -> bool:
    return raw is None or raw == [] or raw == {} or (isinstance(raw, str) and not raw.strip())


def default_text(value) -> str:
    if value == "":
        return ""
    if isinstance(value, (tuple, list)):
        return "`[" + ", ".join(map(str, value)) + "]`"
    if isinstance(value, time):
        return f"`{value:%H:%M}`"
    if isinstance(value, bool):
        return "是" if value else "否"
    return f"`{value}`"
