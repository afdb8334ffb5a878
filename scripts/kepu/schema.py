"""What a bulletin file may contain: the single source of truth.

The checker, the `kepu new` templates and the volunteer guide's field tables
are all derived from these specs. Values arrive as text (see
readers.frontmatter) and are converted here, with Chinese messages.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, time

from kepu.readers.frontmatter import Value


class Invalid(Exception):
    """A value that cannot be converted; args = (what is wrong, how to fix)."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # text | list | count | timerange | image | datetime
    required: bool
    label: str  # Chinese name for the guide and messages
    help: str  # one line for the guide
    example: str  # YAML value as written in a template


ISSUE_FIELDS = (
    FieldSpec("title", "text", True, "标题", "本期主题，显示在网页和大屏上", "冬季流感怎么防"),
    FieldSpec("editors", "list", False, "编辑", "本期编辑的名字，多个用逗号分开", "[张丽, 王建国]"),
    FieldSpec("summary", "text", False, "摘要", "一两句话的内容简介，显示在首页和列表里", "本期介绍流感预防和冬季用气安全。"),
    FieldSpec("cover", "image", False, "封面图", "图片路径，相对于这个文件，例如 images/2026-12-cover.jpg", "images/cover.jpg"),
)

ACTIVITY_FIELDS = (
    FieldSpec("title", "text", True, "活动名称", "活动的名称", "社区消防疏散演练"),
    FieldSpec("location", "text", True, "地点", "活动地点", "社区服务中心二楼活动室"),
    FieldSpec("topics", "list", True, "专题", "活动所属专题，写专题名称、别名或 id，多个用逗号分开", "[安全, 防灾减灾]"),
    FieldSpec("time", "timerange", False, "时间", "开始和结束时间，要加英文引号，例如 \"14:30-16:00\"；不写表示全天", "\"14:30-16:00\""),
    FieldSpec("organizer", "text", False, "主办", "主办单位", "桂园社区居委会"),
    FieldSpec("partners", "list", False, "协办", "协办或支持单位，多个用逗号分开", "[区科协, 社区卫生服务中心]"),
    FieldSpec("signup", "text", False, "报名", "怎么报名，写上电话，网页上点一下就能拨打", "打电话 0571-8800 0000 报名，额满为止"),
    FieldSpec("participants", "count", False, "参加人数", "实际参加人数（整数）。活动结束后必须填写，年度统计要用", "60"),
    FieldSpec("cover", "image", False, "封面图", "图片路径，相对于这个文件", "images/photo.jpg"),
)

NOTICE_LEVELS = ("提示", "重要", "紧急")  # mildest first; the default is the first
NOTICE_FIELDS = (
    FieldSpec("title", "text", True, "标题", "通知的标题，一句话说清楚，例如 12月3日白天停水", "12月3日白天停水"),
    FieldSpec("start", "datetime", True, "开始", "什么时候开始显示：日期和时间，例如 2026-12-02 18:00；只写日期就从 0 点开始",
              "2026-12-02 18:00"),
    FieldSpec("end", "datetime", True, "结束", "什么时候不再显示：例如 2026-12-03 18:00；只写日期就到那天 23:59",
              "2026-12-03 18:00"),
    FieldSpec("level", "text", False, "级别", "提示、重要 或 紧急（红色），不写就是 提示", "重要"),
)

LIST_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９：～－", "0123456789:~-")


def suggest(word: str, choices) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else ""


def unknown_key_fix(key: str, specs) -> str:
    names = [s.name for s in specs]
    guess = suggest(key, names)
    if guess:
        return f"你是不是想写「{guess}」？"
    return "可以用的键有：" + "、".join(names)


def to_text(value: Value) -> str:
    if isinstance(value.raw, (list, dict)):
        raise Invalid("这里应该是一段文字，不是列表", "去掉方括号或「- 」，直接写文字")
    text = (value.raw or "").strip()
    if not text:
        raise Invalid("值是空的", "填写内容，或删除这一行")
    return text


def to_list(value: Value) -> list[str]:
    raw = value.raw
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


def to_count(value: Value) -> int:
    if not isinstance(value.raw, str) or not value.raw.strip():
        raise Invalid("人数应该是一个整数", "只写数字，例如 participants: 60")
    text = value.raw.strip().translate(FULLWIDTH_DIGITS).removesuffix("人").strip()
    if re.fullmatch(r"[-－−]\s*\d+", text):
        raise Invalid(f"人数不能是负数（写的是 {value.raw.strip()}）", "写实际参加的人数，例如 participants: 60")
    if not re.fullmatch(r"[0-9]+", text):
        raise Invalid(f"人数「{value.raw}」不是整数", "只写阿拉伯数字，不要写「约」「多」等字，例如 participants: 60")
    if len(text) > 7:  # also keeps int() away from its 4,300-digit limit
        raise Invalid(f"人数「{text[:12]}…」太大了", "写实际参加的人数，例如 participants: 60")
    return int(text)


TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*(?:[-~—–至到]+\s*(\d{1,2}):(\d{2}))?$")


def to_timerange(value: Value) -> tuple[time, time | None]:
    if not isinstance(value.raw, str):
        raise Invalid("时间应该写成 \"14:30-16:00\"", "用英文引号括起来")
    text = value.raw.strip().translate(FULLWIDTH_DIGITS)
    m = TIME_RANGE.match(text)
    if not m:
        raise Invalid(f"时间「{value.raw}」看不懂", "写成 \"14:30-16:00\" 或 \"9:00\"（24 小时制，要加英文引号）")
    h1, m1 = int(m.group(1)), int(m.group(2))
    if h1 > 23 or m1 > 59:
        raise Invalid(f"时间「{value.raw}」不存在", "小时是 0–23，分钟是 00–59")
    start = time(h1, m1)
    end = None
    if m.group(3):
        h2, m2 = int(m.group(3)), int(m.group(4))
        if h2 > 23 or m2 > 59:
            raise Invalid(f"时间「{value.raw}」不存在", "小时是 0–23，分钟是 00–59")
        end = time(h2, m2)
        if end <= start:
            raise Invalid(f"结束时间早于开始时间（{value.raw}）", "检查是否写反了，或改用 24 小时制，例如下午两点写 14:00")
    return start, end


def to_image(value: Value) -> str:
    text = to_text(value)
    if re.match(r"^(https?:)?//", text):
        raise Invalid("封面图要放在 bulletins/ 里，不能引用其他网站的图片", "把图片下载下来放进 images/ 文件夹，再写相对路径")
    return text.replace("\\", "/")


DATE_TIME = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                       r"(?:(?:\s*T\s*|\s+|(?<=日))(\d{1,2})\s*[:点时]\s*(\d{2})?(?::\d{2})?\s*分?)?$")


def to_datetime(value: Value) -> tuple[date, time | None]:
    """A date with an optional time, as written: (date, time or None for a bare date)."""
    if not isinstance(value.raw, str) or not value.raw.strip():
        raise Invalid("应该写日期和时间", "写成 2026-12-03 08:00（24 小时制）")
    written = value.raw.strip()
    m = DATE_TIME.match(written.translate(FULLWIDTH_DIGITS).strip("\"'"))
    if not m:
        raise Invalid(f"「{written}」看不懂", "写成 2026-12-03 08:00 这样的「年-月-日 时:分」（24 小时制），或只写日期 2026-12-03")
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise Invalid(f"日期「{written}」不存在", "检查月份和这个月的天数") from None
    if m.group(4) is None:
        return day, None
    hour, minute = int(m.group(4)), int(m.group(5) or 0)
    if hour > 23 or minute > 59:
        raise Invalid(f"时间「{written}」不存在", "小时是 0–23，分钟是 00–59；一天结束写 23:59")
    return day, time(hour, minute)


CONVERTERS = {"text": to_text, "list": to_list, "count": to_count, "timerange": to_timerange, "image": to_image,
              "datetime": to_datetime}


def convert(fields: dict[str, Value], specs, path, problems, *, what: str, explain: dict | None = None) -> dict:
    """Check keys and convert values; return {name: converted} for valid fields.
    `explain` maps keys that are not fields to (what, fix), e.g. date: in an activity."""
    by_name = {s.name: s for s in specs}
    out: dict = {}
    for key, value in fields.items():
        spec = by_name.get(key)
        if spec is None and explain and key.strip().lower() in explain:
            problems.error(path, value.line, *explain[key.strip().lower()])
            continue
        if spec is None:
            lowered = key.strip().lower()
            if lowered in by_name and lowered not in fields:
                problems.error(path, value.line, f"键名「{key}」要用小写", f"改成 {lowered}")
                spec = by_name[lowered]
            else:
                problems.error(path, value.line, f"{what}里没有「{key}」这个键", unknown_key_fix(key, specs))
                continue
        try:
            out[spec.name] = CONVERTERS[spec.kind](value)
        except Invalid as exc:
            problems.error(path, value.line, f"{spec.name}（{spec.label}）：{exc.args[0]}", exc.args[1])
    return out


def check_required(fields: dict[str, Value], specs, path, problems, line: int, *, lost: str = "") -> None:
    """Report missing required fields at `line`. `lost` is the text of a front matter block that
    YAML could not read: a field named there was probably lost with it, not forgotten."""
    near_misses = {suggest(k, [s.name for s in specs]) for k in fields if k not in {s.name for s in specs}}
    for spec in specs:
        if spec.name in near_misses:
            continue  # already reported as a misspelt key with a did-you-mean
        if lost and re.search(rf"(?m)^\s*{spec.name}\s*[:：]", lost):
            continue  # written, but in the part YAML could not read: the YAML error is the cause
        if spec.required and spec.name not in fields and spec.name.capitalize() not in fields:
            problems.error(path, line, f"缺少必填项 {spec.name}（{spec.label}）", f"在 front matter 里加一行 {spec.name}: {spec.example}")
