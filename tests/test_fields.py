"""Each field kind of kepu.content.fields: a good value converts, a bad one is reported
at its line with what is wrong and how to fix it, and the default stays."""
from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from kepu.content import fields as f
from kepu.content.problems import Problems
from kepu.content.readers.frontmatter import Value

LINE = 7


def check(field: f.Field, raw):
    """(converted value or the default, [formatted problems]) for `name: raw` on line 7 of x.yml."""
    problems = Problems(Path("/site"))
    schema = f.Schema("extra.test", [field], prefix="extra.test.", noun="设置")
    values = schema.read({field.name: Value(raw, LINE)}, Path("/site/x.yml"), problems, with_defaults=True)
    return values[field.name], [p.format() for p in problems.items]


def bad(field: f.Field, raw, *needles: str) -> str:
    value, problems = check(field, raw)
    assert len(problems) == 1, problems
    [message] = problems
    assert message.startswith(f"x.yml:{LINE}: 错误: extra.test.{field.name}（{field.label}）："), message
    for needle in needles:
        assert needle in message, (needle, message)
    assert value == field.default
    return message


def good(field: f.Field, raw, expected) -> None:
    assert check(field, raw) == (expected, [])


def test_text():
    field = f.Text("title", "标题", default="无")
    good(field, "  冬季流感  ", "冬季流感")
    bad(field, "", "值是空的", "填写内容")
    bad(field, ["a", "b"], "不是列表", "去掉方括号")
    pattern = f.Text("id", "专题 id", pattern=r"[a-z][a-z0-9-]*", pattern_what="只能用小写英文字母",
                     pattern_fix="例如 health")
    good(pattern, "anti-fraud", "anti-fraud")
    bad(pattern, "Health", "「Health」只能用小写英文字母 — 例如 health")


def test_text_may_be_empty_when_allowed():
    good(f.Text("address", "地址", default="", allow_empty=True), "", "")


def test_integer_range():
    field = f.Integer("max_seconds", "最多停留", low=8, high=600, default=60)
    good(field, "90", 90)
    good(field, "９０", 90)  # full-width digits from a Chinese keyboard
    bad(field, "很久", "「很久」不是整数", "写 8 到 600 之间的整数，默认 60")
    bad(field, "601", "「601」太大了", "8 到 600")
    bad(field, "3", "「3」太小了", "8 到 600")
    bad(field, "-5", "不能是负数", "8 到 600")
    bad(field, "9" * 5000, "太大了")  # never int() of thousands of digits


def test_integer_count_with_unit():
    field = f.Integer("participants", "参加人数", noun="人数", unit="人", range_fix="写实际参加的人数", example="60")
    good(field, "86人", 86)
    bad(field, "约100", "人数「约100」不是整数", "例如 participants: 60")
    bad(field, ["1"], "人数应该是一个整数")


def test_choice_with_did_you_mean():
    field = f.Choice("paper", "纸张", {"A4": "竖版", "A3": "竖版"}, upper=True, default="A4")
    good(field, "a3", "A3")
    bad(field, "A5", "「A5」不是可以选的值", "可以用的值有：A4、A3")
    kinds = f.Choice("engine", "程序", {"mkdocs": "", "zensical": ""}, default="mkdocs")
    bad(kinds, "zensica", "你是不是想写「zensical」？")


def test_choice_list():
    field = f.ChoiceList("slides", "显示哪些内容", {"issue": "", "panels": "", "closing": ""}, default=("issue",))
    good(field, ["panels", "closing", "panels"], ("panels", "closing"))
    good(field, "panels，closing", ("panels", "closing"))
    bad(field, ["panel"], "「panel」不是可以选的值", "你是不是想写「panels」？")
    bad(field, {"a": "b"}, "应是一个列表")


def test_boolean():
    field = f.Boolean("show", "显示", default=True)
    good(field, "否", False)
    good(field, "yes", True)
    bad(field, "也许", "「也许」不是「是」或「否」", "写 是 或 否")


def test_time():
    field = f.Time("reload_at", "整页刷新", off=True, default=time(4, 0))
    good(field, "5:30", time(5, 30))
    good(field, "05：30", time(5, 30))  # full-width colon
    good(field, "关", None)
    bad(field, "25:00", "「25:00」不是时间", "写成 04:00 这样的「时:分」", "不需要就写 关")


def test_time_span():
    field = f.TimeSpan("time", "时间", end_optional=True, example='"14:30-16:00"')
    good(field, "14:30-16:00", (time(14, 30), time(16, 0)))
    good(field, "9:00", (time(9, 0), None))
    good(field, "14:30～16:00", (time(14, 30), time(16, 0)))
    bad(field, "下午", "时间「下午」看不懂", '"14:30-16:00"')
    bad(field, "25:00", "时间「25:00」不存在", "小时是 0–23")
    bad(field, "16:00-14:00", "结束时间早于开始时间", "写反了")
    bad(field, ["14:30"], "用英文引号括起来")
    night = f.TimeSpan("night", "夜间时段", overnight=True, off=True, example="22:00-07:00")
    good(night, "22:00-07:00", (time(22, 0), time(7, 0)))
    good(night, "关", None)
    bad(night, "22:00", "看不懂", "不需要就写 关")
    bad(night, "22:00-22:00", "开始和结束一样")


def test_date():
    field = f.Date("start", "开始日期")
    good(field, "2026-12-05", date(2026, 12, 5))
    bad(field, "12月5日", "「12月5日」不是日期", "2026-12-05")
    bad(field, "2026-02-30", "日期「2026-02-30」不存在")


def test_month():
    field = f.Month("first_issue", "第 1 期的月份")
    good(field, "2025-12", (2025, 12))
    bad(field, "2025-13", "「2025-13」不是年月", "写成 2025-12 这样的年-月")


def test_colour():
    field = f.Colour("color", "颜色", default="#a16207")
    good(field, "#C2410C", "#C2410C")
    bad(field, "red", "「red」不是颜色", '"#c2410c"')


def test_icon():
    field = f.Icon("icon", "图标", default="material/tag", lookup="kepu.content.topics:icon_path")
    good(field, "material/heart-pulse", "material/heart-pulse")
    bad(field, "../../etc/passwd", "不是图标名（不能写文件路径或网址）", "material/heart-pulse")
    bad(field, "material/no-such-icon", "找不到图标「material/no-such-icon」")


def test_bulletin_path():
    field = f.BulletinPath("cover", "封面图", thing="图片")
    good(field, "images\\cover.jpg", "images/cover.jpg")
    bad(field, "https://example.org/a.jpg", "封面图要放在 bulletins/ 里，不能引用其他网站的图片")


def test_url():
    field = f.URL("site_url", "网址", slash=True, default="", allow_empty=True, example="https://用户名.github.io/仓库名/")
    good(field, "https://example.org/kepu", "https://example.org/kepu/")
    good(field, "", "")
    bad(field, "example.org", "「example.org」不是完整网址", "https://用户名.github.io/仓库名/")


def test_text_list():
    field = f.TextList("partners", "协办")
    good(field, "[甲, 乙]", ["甲", "乙"])
    good(field, "甲，乙、丙", ["甲", "乙", "丙"])
    good(field, ["甲", "乙"], ["甲", "乙"])
    bad(field, "[]", "列表是空的")
    bad(field, {"a": "b"}, "这里应该是列表")


def test_time_zone():
    field = f.TimeZone("timezone", "时区", default="Asia/Shanghai")
    good(field, "Asia/Urumqi", "Asia/Urumqi")
    bad(field, "Mars/Olympus", "「Mars/Olympus」不是有效的时区", "Asia/Shanghai")


def test_section_and_unknown_keys_at_their_own_line():
    inner = f.Schema("extra.print", [f.Choice("paper", "纸张", {"A4": "", "A3": ""}, default="A4")],
                     prefix="extra.print.", noun="设置")
    outer = f.Schema("extra", [f.Section("print", "打印", inner, fix="写成两行")], prefix="extra.", noun="设置")
    problems = Problems(Path("/site"))
    value = Value({"papr": "A3"}, 3, {"papr": Value("A3", 4)})
    values = outer.read({"print": value}, Path("/site/mkdocs.yml"), problems, with_defaults=True)
    assert values == {"print": {"paper": "A4"}}
    assert [p.format() for p in problems.items] == [
        "mkdocs.yml:4: 错误: extra.print 里没有「papr」这个设置 — 你是不是想写「paper」？"]
    assert check(f.Section("print", "打印", inner, fix="写成两行"), "A4")[1] == [
        "x.yml:7: 错误: extra.test.print（打印）：应是「键: 值」设置 — 写成两行"]


@pytest.mark.parametrize("word, choices, expected", [
    ("locaton", ["title", "location"], "你是不是想写「location」？"),
    ("xyz", ["title", "location"], "可以用的键有：title、location"),
])
def test_one_did_you_mean(word, choices, expected):
    assert f.did_you_mean(word, choices, "键") == expected
