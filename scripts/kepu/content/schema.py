"""What a volunteer may write, declared once: the single source of truth.

Every key of an issue's or an activity's front matter, of `bulletins/topics.yml`, of `bulletins/search-synonyms.yml`
and of `mkdocs.yml` (`site_name`, `site_url`, `extra:` with community, screen,
print, …) is one declaration here, made of the field kinds in `kepu.content.fields`.
The checks (`Schema.read`), the `kepu new` templates (`Schema.template`) and
the volunteer guide's field tables (`Schema.table`, written into docs/guide/
by `.venv/bin/python -m kepu.content.schema --write-guide`) all come from these declarations.

To add a field, add one line to the right tuple below (see kepu.content.fields for the
kinds and the how-to), then run `.venv/bin/python -m kepu.content.schema --write-guide`.
A new kind of file (e.g. a notice) is a tuple of fields and a `Schema`:

    NOTICE_FIELDS = (Text("title", "标题", "通知的标题", required=True, example="停水通知",
                          template="在这里写通知标题"),
                     Date("start", "开始日期", "从哪天开始显示", required=True, example="2026-12-01"), …)
    NOTICE = Schema("通知", NOTICE_FIELDS, add_fix="在 front matter 里加一行")

read with `NOTICE.read(fm.fields, path, problems)` and `NOTICE.check_required(...)`;
its guide table is one more entry in GUIDE_TABLES and a
`<!-- kepu:fields notice -->` … `<!-- /kepu:fields -->` pair in the page.
A new YAML file (e.g. bulletins/slogans.yml) is read like topics.yml:
`frontmatter.repair` (Chinese-keyboard mistakes), `frontmatter.compose` (the one
YAML reader with its errors), `frontmatter.value_of(node, 1).items` (values with
lines), then `SCHEMA.read(...)`.
"""
from __future__ import annotations

import re
import sys
from datetime import time
from pathlib import Path

from kepu.content.fields import URL, Boolean, BulletinPath, Choice, ChoiceList, Colour, Date, DateTime, Icon, Integer, Invalid, Month, Schema, Section, Text, TextList, Time, TimeSpan, TimeZone, did_you_mean, suggest

# ---------------------------------------------------------------------------
# front matter
# ---------------------------------------------------------------------------

ISSUE_FIELDS = (
    Text("title", "标题", "本期主题，显示在网页和大屏上", required=True, example="冬季流感怎么防",
         template="在这里写本期主题"),
    Month("month", "月份", "这期月刊的年月，要和文件名一样；可以不写（新建文件的命令和在线编辑器会写上，编辑器用它给新文件起名）",
          example="2026-12", template="${key}"),
    TextList("editors", "编辑", "本期编辑的名字，多个用逗号分开", example="[张丽, 王建国]", template="[编辑甲, 编辑乙]"),
    Text("summary", "摘要", "一两句话的内容简介，显示在首页和列表里", example="本期介绍流感预防和冬季用气安全。",
         template="用一两句话介绍本期内容，会显示在首页和往期列表里。"),
    BulletinPath("cover", "封面图", "封面图路径，相对于这个文件，例如 `images/2026-12-cover.jpg`", thing="图片",
                 example="images/cover.jpg", template="images/${key}-cover.jpg", commented=True),
)

ACTIVITY_FIELDS = (
    Text("title", "活动名称", "活动名称", required=True, example="社区消防疏散演练", template="在这里写活动名称"),
    Date("date", "日期", "活动日期，要和文件名里的日期一样；可以不写（新建文件的命令和在线编辑器会写上，编辑器用它给新文件起名）",
         example="2026-12-05", template="${date}"),
    Text("location", "地点", "活动地点", required=True, example="社区服务中心二楼活动室", template="在这里写活动地点"),
    TextList("topics", "专题", "活动所属专题，写专题名称、别名或 id，多个用逗号分开", required=True,
             example="[安全, 防灾减灾]", template="[安全]"),
    TimeSpan("time", "时间", "开始和结束时间，例如 `14:30-16:00`（加不加英文引号都可以）；只有开始时间就写 `9:00`；不写表示全天",
             end_optional=True, example="14:30-16:00", template="14:30-16:00"),
    Text("organizer", "主办", "主办单位", example="桂园社区居委会", template="${community}"),
    TextList("partners", "协办", "协办或支持单位，多个用逗号分开", example="[区科协, 社区卫生服务中心]",
             template="[协办单位甲, 协办单位乙]", commented=True),
    Text("signup", "报名", "怎么报名，写上电话，例如 `打电话 0571-8800 0000 报名`；活动预告的网页上，电话号码点一下就能拨打",
         example="打电话 0571-8800 0000 报名，额满为止"),
    Integer("participants", "参加人数", "实际参加人数（只写数字），年度统计要用", need="活动结束后必填", noun="人数", unit="人",
            range_fix="写实际参加的人数，例如 participants: 60", example="60", template="60", commented=True,
            note="活动结束后填写实际参加人数（整数）"),
    BulletinPath("cover", "封面图", "封面图路径，相对于这个文件", thing="图片", example="images/photo.jpg",
                 template="images/${key}.jpg", commented=True),
)

ISSUE = Schema("月刊", ISSUE_FIELDS, add_fix="在 front matter 里加一行")
ACTIVITY = Schema("活动", ACTIVITY_FIELDS, add_fix="在 front matter 里加一行")

# bulletins/notices/<date>-<name>.md: an urgent notice (kepu.content.notices checks the level and times)
NOTICE_LEVELS = ("提示", "重要", "紧急")  # mildest first; the default is the first
NOTICE_FIELDS = (
    Text("title", "标题", "通知的标题，一句话说清楚，例如 12月3日白天停水", required=True, example="12月3日白天停水",
         template="${title}"),
    DateTime("start", "开始", "什么时候开始显示：日期和时间，例如 2026-12-02 18:00；只写日期就从 0 点开始",
             required=True, example="2026-12-02 18:00", template="${start}",
             note="什么时候开始在网站和大屏上显示（年-月-日 时:分，24 小时制）"),
    DateTime("end", "结束", "什么时候不再显示，例如 2026-12-03 18:00；只写日期就到那天 23:59。必须晚于 start，最长 90 天",
             required=True, example="2026-12-03 18:00", template="${end}", note="什么时候不再显示；只写日期就显示到那天 23:59"),
    Text("level", "级别", "`提示`（绿色，不写就是提示）、`重要`（橙色）或 `紧急`（红色）", example="重要", template="重要",
         note="提示、重要 或 紧急（紧急是红色）"),
)
NOTICE = Schema("通知", NOTICE_FIELDS, add_fix="在 front matter 里加一行")

# ---------------------------------------------------------------------------
# bulletins/topics.yml: a list of these
# ---------------------------------------------------------------------------

TOPIC_FIELDS = (
    Text("id", "专题 id", "英文 id，用在网址里（`/topics/<id>/`），定了就不要改", required=True, example="health",
         pattern=r"[a-z][a-z0-9-]*", pattern_what="只能用小写英文字母、数字和连字符，并以字母开头",
         pattern_fix="例如 health、anti-fraud；id 会出现在网址里"),
    Text("name", "中文名", "网站上显示的中文名", required=True, example="健康"),
    TextList("aliases", "别名", "写文章时也可以用的别名，多个用逗号分开", allow_empty=True, default=()),
    Icon("icon", "图标", "Material 图标名，在 pictogrammers.com 查名字", default="material/tag",
         lookup="kepu.content.topics:icon_path"),
    Colour("color", "颜色", "专题的颜色", default="#a16207"),
    Text("description", "说明", "一句话介绍这个专题", allow_empty=True, default=""),
)
TOPIC = Schema("专题", TOPIC_FIELDS, add_fix="在这个专题里加一行")

# ---------------------------------------------------------------------------
# bulletins/search-synonyms.yml (optional): a list of these (kepu.content.synonyms)
# ---------------------------------------------------------------------------

SYNONYM_FIELDS = (
    TextList("words", "同义词", "意思相同的几个词，多个用逗号分开；搜其中任何一个，也会找到写着其他几个的内容",
             required=True, example="[煤气, 燃气]"),
    TextList("also", "也搜", "搜 words 里的词时也搜这些词（反过来不搜），例如 急救 也搜 心肺复苏",
             allow_empty=True, default=()),
)
SYNONYM = Schema("同义词", SYNONYM_FIELDS, add_fix="在这一组里加一行")

# ---------------------------------------------------------------------------
# mkdocs.yml
# ---------------------------------------------------------------------------

COMMUNITY_FIELDS = (
    Text("name", "社区名称", "社区名称，显示在页脚、大屏和打印的展板上", default="社区", allow_empty=True),
    Text("address", "地址", "社区的地址", default="", allow_empty=True),
    Text("contact", "联系方式", "联系方式，例如居委会电话", default="", allow_empty=True),
)

SLIDE_KINDS = {
    "issue": "本期月刊封面",
    "panels": "本期展板",
    "upcoming": "活动预告",
    "recent": "活动纪实",
    "closing": "结尾的扫码页",
}


def _screen_times(values: dict):
    """The shortest stays must not exceed the longest."""
    longest = values["max_seconds"]
    if values["min_seconds"] > longest or values["qr_min_seconds"] > longest:
        return (f"extra.screen 里的最短停留时间大于 max_seconds（{longest} 秒）",
                "把 min_seconds、qr_min_seconds 改小，或把 max_seconds 改大",
                ("min_seconds", "qr_min_seconds", "max_seconds"))
    return None


SCREEN_FIELDS = (
    Text("title", "大屏标题", "大屏左上角的标题，默认是网站名称"),
    ChoiceList("slides", "显示哪些内容", SLIDE_KINDS, "显示哪些内容，按这个顺序轮播", default=tuple(SLIDE_KINDS)),
    Integer("upcoming_count", "活动预告", "最多显示几场活动预告", low=0, high=20, default=4),
    Integer("recent_count", "活动纪实", "最多显示几场有照片的活动纪实", low=0, high=20, default=3),
    Integer("chars_per_minute", "阅读速度", "老人每分钟读多少字，用来计算每页停留时间", low=60, high=600, default=200),
    Integer("min_seconds", "最少停留", "每页最少停留几秒", low=5, high=300, default=8),
    Integer("qr_min_seconds", "二维码页最少停留", "带二维码的页最少停留几秒", low=5, high=300, default=15),
    Integer("max_seconds", "最多停留", "每页最多停留几秒", low=8, high=600, default=60),
    TimeSpan("night", "夜间时段", "夜间时段，这段时间只显示暗的时钟（默认没有夜间模式）",
             overnight=True, off=True, example="22:00-07:00"),
    Time("reload_at", "整页刷新", "每天几点整页刷新一次（清理内存）", off=True, default=time(4, 0)),
    Integer("poll_minutes", "检查更新", "每隔几分钟检查一次网站有没有更新", low=1, high=120, default=5),
)

PRINT_FIELDS = (
    Choice("paper", "纸张", {"A4": "竖版", "A3": "竖版"}, "打印展板用的纸张", upper=True, default="A4"),
)

# Keys Material for MkDocs itself reads under extra: (left alone).
MATERIAL_EXTRA_KEYS = ("social", "generator", "analytics", "consent", "alternate", "version", "homepage",
                       "tags", "status", "annotate")

EXTRA_FIELDS = (
    Section("community", "社区信息", Schema("extra.community", COMMUNITY_FIELDS, prefix="extra.community.", noun="设置"),
            "社区信息：name（名称）、address（地址）、contact（联系方式）",
            fix="写成多行：community: 换行后缩进两格写 name: 社区名称"),
    Month("first_issue", "第 1 期的月份", "第 1 期的月份，用来计算「第 N 期」"),
    TimeZone("timezone", "时区", "时区，中国大陆写 Asia/Shanghai", default="Asia/Shanghai"),
    Section("screen", "大屏", Schema("extra.screen", SCREEN_FIELDS, prefix="extra.screen.", noun="设置", check=_screen_times),
            "大厅电视上的轮播页面（`/screen/`）的设置，见[大厅大屏](screen.md)",
            fix="写成多行：screen: 换行后缩进两格写 night: 22:00-07:00 等"),
    Section("print", "打印", Schema("extra.print", PRINT_FIELDS, prefix="extra.print.", noun="设置"), "打印展板的设置，见[照片和打印](print.md)",
            fix="写成两行：print: 换行后缩进两格写 paper: A4"),
    Choice("engine", "网站引擎", {"mkdocs": "MkDocs（默认）", "zensical": "Zensical（Material 的后继者）"},
           "生成网站用的程序，见[换用 Zensical](zensical.md)", default="mkdocs", upper=True),
)
EXTRA = Schema("extra", EXTRA_FIELDS, prefix="extra.", noun="设置", unknown="warning", ignore=MATERIAL_EXTRA_KEYS)

MKDOCS_FIELDS = (
    Text("site_name", "网站名称", "网站名称", default="科普橱窗", allow_empty=True),
    URL("site_url", "网址", "网站的网址，大屏和展板上的二维码、订阅源都要用", slash=True, default="", allow_empty=True,
        example="https://用户名.github.io/仓库名/"),
    Section("extra", "社区设置", EXTRA, fix="参考项目自带的 mkdocs.yml"),
)
MKDOCS = Schema("mkdocs.yml", MKDOCS_FIELDS, noun="设置", unknown=None)


# ---------------------------------------------------------------------------
# the front matter checks, as kepu.content.loader calls them
# ---------------------------------------------------------------------------

FRONT_MATTER = {"月刊": ISSUE, "活动": ACTIVITY, "通知": NOTICE}


def _schema(specs, what: str) -> Schema:
    if isinstance(specs, Schema):
        return specs
    for schema in FRONT_MATTER.values():
        if tuple(specs) == schema.fields:
            return schema
    return Schema(what, specs, add_fix="在 front matter 里加一行")


def convert(fields, specs, path, problems, *, what: str, explain: dict | None = None) -> dict:
    """Check the keys of a front matter and convert its values: {name: converted} for valid fields."""
    return _schema(specs, what).read(fields, path, problems, explain=explain)


def check_required(fields, specs, path, problems, line: int, *, lost: str = "") -> None:
    """Report missing required front matter fields at `line` (see Schema.check_required)."""
    _schema(specs, "").check_required(fields, path, problems, line, lost=lost)


# ---------------------------------------------------------------------------
# the guide's tables
# ---------------------------------------------------------------------------

# marker name -> (guide file, the Markdown table)
GUIDE_TABLES = {
    "issue": ("index.md", lambda: ISSUE.table()),
    "activity": ("index.md", lambda: ACTIVITY.table()),
    "topic": ("index.md", lambda: TOPIC.table()),
    "extra": ("publish.md", lambda: EXTRA.table(defaults=True)),
    "community": ("publish.md", lambda: EXTRA["community"].schema.table(defaults=True)),
    "screen": ("screen.md", lambda: EXTRA["screen"].schema.table(defaults=True)),
    "print": ("print.md", lambda: EXTRA["print"].schema.table(defaults=True)),
    "notice": ("notices.md", lambda: NOTICE.table()),
    "synonyms": ("search.md", lambda: SYNONYM.table()),
}
TABLE_BLOCK = re.compile(r"(<!-- kepu:fields (\w+) -->\n).*?(\n<!-- /kepu:fields -->)", re.S)


def render_guide(text: str) -> str:
    """A guide page with every `<!-- kepu:fields NAME -->` block replaced by the schema's table."""
    return TABLE_BLOCK.sub(lambda m: m.group(1) + GUIDE_TABLES[m.group(2)][1]() + m.group(3), text)


def write_guide(guide_dir: Path) -> list[Path]:
    """Regenerate the field tables in docs/guide/; returns the pages that changed."""
    changed = []
    for name in sorted({page for page, _ in GUIDE_TABLES.values()}):
        path = guide_dir / name
        text = path.read_text(encoding="utf-8")
        new = render_guide(text)
        if new != text:
            path.write_text(new, encoding="utf-8", newline="\n")
            changed.append(path)
    return changed


if __name__ == "__main__":  # .venv/bin/python -m kepu.content.schema --write-guide
    if sys.argv[1:] != ["--write-guide"]:
        sys.exit("用法：.venv/bin/python -m kepu.content.schema --write-guide（Windows 上是 .venv\\Scripts\\python）")
    for page in write_guide(Path(__file__).resolve().parents[3] / "docs" / "guide"):
        print(f"已更新 {page}")
