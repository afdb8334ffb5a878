"""Yearly statistics of the community's science outreach (科普工作年度统计).

One pure model per year (`year_stats`), rendered as tables that the web page
(/stats/ and /stats/<YYYY>/), the CSV download and `kepu stats` all share, so
their numbers cannot disagree. Charts are SVG drawn here at build time.

Counting rules (also shown on the page):
- 月刊/展板: issues of that year and their panels.
- 活动: activities that have taken place (before today); announced ones are
  counted apart as 已预告.
- 参加人次: sum of `participants` of the activities held; an activity with
  no count adds nothing and is listed under 未登记参加人数.
- 专题: a panel counts for its topic; an activity counts once for each of its
  topics (so the topic rows can add up to more than the total).
- 缺刊月份: months with no issue, from the first issue (extra.first_issue)
  up to the current month (the standard is at least one issue a month).
"""
from __future__ import annotations

import csv
import io
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from kepu import urls
from kepu.commands import command
from kepu.escape import csv_row, text
from kepu.generate.components import cn_date, front_matter
from kepu.model import Activity, Site

e = text  # kepu.escape: pages are Markdown with kepu's HTML in it
BOM = "\ufeff"  # so Excel on Windows opens the CSV as UTF-8


@dataclass
class MonthRow:
    month: int
    issues: int = 0
    panels: int = 0
    activities: int = 0
    participants: int = 0
    expected: bool = False  # the month is due an issue (started, after the first issue)
    year: int = 0  # set by period_stats (a period may span two years)

    @property
    def missing(self) -> bool:
        return self.expected and not self.issues


@dataclass
class TopicRow:
    id: str
    name: str
    color: str
    panels: int = 0
    activities: int = 0
    participants: int = 0


@dataclass
class YearStats:
    """The counts of a calendar year, or of any period (`period_stats`, e.g. 全国科普日 in September)."""
    year: int
    community: str
    as_of: date | None  # today, when the period is not over yet
    issues: int = 0
    panels: int = 0
    activities: int = 0  # held
    upcoming: list[Activity] = field(default_factory=list)
    participants: int = 0
    months: list[MonthRow] = field(default_factory=list)
    topics: list[TopicRow] = field(default_factory=list)
    unreported: list[Activity] = field(default_factory=list)
    start: date | None = None  # the period (a whole year: 1 January to 31 December)
    end: date | None = None
    held: list[Activity] = field(default_factory=list)  # the activities counted, oldest first
    partners: list[str] = field(default_factory=list)  # 协办单位 of the held activities, each once, in order

    @property
    def missing_months(self) -> list[int]:
        return [m.month for m in self.months if m.missing]

    @property
    def expected_months(self) -> int:
        return sum(1 for m in self.months if m.expected)


def year_stats(site: Site, year: int) -> YearStats:
    return period_stats(site, date(year, 1, 1), date(year, 12, 31))


def period_stats(site: Site, start: date, end: date) -> YearStats:
    """Counts for the days start..end (inclusive). An issue counts when its month
    is one of the period's months; an activity when its day is in the period."""
    today = site.today
    s = YearStats(start.year, site.settings.community_name, today if end >= today else None, start=start, end=end)
    first = site.settings.first_issue or (min((i.year, i.month) for i in site.issues) if site.issues else None)
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        s.months.append(MonthRow(m, year=y))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    months = {(row.year, row.month): row for row in s.months}
    for row in s.months:
        ym = (row.year, row.month)
        row.expected = first is not None and first <= ym <= (today.year, today.month)
    topics = {tid: TopicRow(tid, t.name, t.color) for tid, t in site.topics.items()}

    def topic(tid: str) -> TopicRow:
        return topics.setdefault(tid, TopicRow(tid, tid, "#888888"))

    for issue in site.issues:
        row = months.get((issue.year, issue.month))
        if row is None:
            continue
        s.issues += 1
        s.panels += len(issue.panels)
        row.issues += 1
        row.panels += len(issue.panels)
        for p in issue.panels:
            topic(p.topic).panels += 1
    for act in site.activities:
        if not start <= act.date <= end:
            continue
        if act.is_upcoming(today):
            s.upcoming.append(act)
            continue
        s.activities += 1
        s.held.append(act)
        s.partners += [p for p in act.partners if p not in s.partners]
        row = months[(act.date.year, act.date.month)]
        row.activities += 1
        if act.participants is None:
            s.unreported.append(act)
        else:
            s.participants += act.participants
            row.participants += act.participants
        for tid in act.topics:
            t = topic(tid)
            t.activities += 1
            t.participants += act.participants or 0
    order = list(topics)
    s.topics = sorted((t for t in topics.values() if t.panels or t.activities),
                      key=lambda t: (-t.panels - t.activities, -t.participants, order.index(t.id)))
    return s


# ---------------------------------------------------------------- tables
# Each table: (title, header, rows). Every output format renders these.

Table = tuple[str, list[str], list[list[str]]]


def _months_text(months: list[int]) -> str:
    return "、".join(f"{m}月" for m in months) if months else "无"


def summary_table(s: YearStats) -> Table:
    rows = [["月刊期数", str(s.issues)],
            ["展板块数", str(s.panels)],
            ["举办科普活动（场）", str(s.activities)],
            ["活动参加人次", str(s.participants)]]
    if s.upcoming:
        rows.append(["已预告、尚未举办的活动（场）", str(len(s.upcoming))])
    rows.append(["应出刊月份", str(s.expected_months)])
    rows.append(["缺刊月份", _months_text(s.missing_months)])
    rows.append(["未登记参加人数的活动（场）", str(len(s.unreported))])
    return ("总体情况", ["项目", "数值"], rows)


def months_table(s: YearStats) -> Table:
    rows = [[f"{m.month}月", str(m.issues), str(m.panels), str(m.activities), str(m.participants)] for m in s.months]
    rows.append(["合计", str(s.issues), str(s.panels), str(s.activities), str(s.participants)])
    return ("按月份", ["月份", "月刊", "展板", "活动", "参加人次"], rows)


def topics_table(s: YearStats) -> Table:
    rows = [[t.name, str(t.panels), str(t.activities), str(t.participants)] for t in s.topics]
    return ("按专题", ["专题", "展板", "活动", "参加人次"], rows)


def unreported_table(s: YearStats) -> Table:
    rows = [[a.date.isoformat(), a.title, a.location] for a in s.unreported]
    return ("未登记参加人数的活动", ["日期", "活动", "地点"], rows)


def title(s: YearStats) -> str:
    text = f"{s.community}{s.year}年科普工作统计"
    return text + (f"（统计截至 {s.as_of.isoformat()}）" if s.as_of else "")


def tables(s: YearStats) -> list[Table]:
    return [summary_table(s), months_table(s), topics_table(s), unreported_table(s)]


def md_table(table: Table, cell=lambda i, value: value, escape=text) -> str:
    _, header, rows = table
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(":---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    for r, row in enumerate(rows):
        lines.append("| " + " | ".join(cell((r, c), escape(v)) for c, v in enumerate(row)) + " |")
    return "\n".join(lines) + "\n"


MD_SPECIAL = set("\\`*_[]{}<>|#~!&")


def _md_escape(value: str) -> str:
    """Markdown for a report someone pastes elsewhere: backslash escapes, still readable."""
    return "".join("\\" + c if c in MD_SPECIAL else c for c in str(value))


def to_markdown(s: YearStats) -> str:
    parts = [f"# {_md_escape(title(s))}\n"]
    for t in tables(s):
        if t[2]:
            parts.append(f"## {t[0]}\n\n{md_table(t, escape=_md_escape)}")
    return "\n".join(parts)


def to_csv(s: YearStats) -> str:
    """Sections separated by a blank line; no BOM (added for the download file)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(csv_row([title(s)]))
    for name, header, rows in tables(s):
        w.writerow([])
        w.writerow([name])
        w.writerow(header)
        w.writerows([csv_row(r) for r in rows] if rows else [["无"]])
    return buf.getvalue()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_text(s: YearStats) -> str:
    out = [title(s), ""]
    for name, header, rows in tables(s):
        out.append(f"【{name}】")
        if not rows:
            out += ["  无", ""]
            continue
        widths = [max(_width(r[c]) for r in [header, *rows]) for c in range(len(header))]
        for row in [header, *rows]:
            cells = [v + " " * (widths[c] - _width(v)) if c == 0 or (name == "未登记参加人数的活动")
                     else " " * (widths[c] - _width(v)) + v for c, v in enumerate(row)]
            out.append("  " + "  ".join(cells).rstrip())
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- charts (SVG)

PRIMARY = "#b4411b"
MISSING = "#c62828"


def _nice_max(value: int) -> float:
    """Smallest 1, 2, 2.5 or 5 × 10^k not below value (the top of the value axis)."""
    scale = 1
    while True:
        for step in (1, 2, 2.5, 5):
            if value <= step * scale:
                return step * scale
        scale *= 10


def month_chart(s: YearStats, field_name: str, label: str, unit: str) -> str:
    """12 vertical bars; months due an issue that have none are marked 缺刊."""
    w, h, left, top, bottom = 360, 190, 4, 26, 40
    plot_h = h - top - bottom
    slot = (w - left * 2) / 12
    values = [getattr(m, field_name) for m in s.months]
    unreported: dict[int, int] = {}
    for a in s.unreported:
        unreported[a.date.month] = unreported.get(a.date.month, 0) + 1
    vmax = _nice_max(max(values) or 1)
    parts = [f'<svg class="kp-chart__svg" viewBox="0 0 {w} {h}" role="img" aria-label="{e(label)}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    base = top + plot_h
    parts.append(f'<line x1="{left}" x2="{w - left}" y1="{base}" y2="{base}" class="kp-chart__base"/>')
    for i, (m, v) in enumerate(zip(s.months, values)):
        cx = left + slot * (i + 0.5)
        bw = slot * 0.62
        if v:
            bh = max(plot_h * v / vmax, 2)
            parts.append(f'<rect x="{cx - bw / 2:.1f}" y="{base - bh:.1f}" width="{bw:.1f}" height="{bh:.1f}" rx="2" '
                         f'fill="{PRIMARY}"><title>{m.month}月：{v}{e(unit)}</title></rect>')
            parts.append(f'<text x="{cx:.1f}" y="{base - bh - 4:.1f}" text-anchor="middle" class="kp-chart__val">{v}</text>')
        elif field_name in ("issues", "panels") and m.missing:
            parts.append(f'<text x="{cx:.1f}" y="{base - 6:.1f}" text-anchor="middle" class="kp-chart__miss">缺</text>')
        if field_name == "participants" and unreported.get(m.month):
            # held activities whose count is missing: the bar is incomplete
            parts.append(f'<text x="{cx:.1f}" y="{base - (plot_h * v / vmax if v else 0) - (20 if v else 6):.1f}" '
                         f'text-anchor="middle" class="kp-chart__miss">?<title>{m.month}月有 {unreported[m.month]} 场活动未登记人数</title></text>')
        parts.append(f'<text x="{cx:.1f}" y="{base + 17:.1f}" text-anchor="middle" '
                     f'class="kp-chart__lab{" kp-chart__lab--miss" if m.missing else ""}">{m.month}</text>')
    parts.append(f'<text x="{w / 2:.0f}" y="{h - 4}" text-anchor="middle" class="kp-chart__axis">月份</text>')
    parts.append("</svg>")
    return "".join(parts)


def topic_chart(s: YearStats, field_name: str, label: str, unit: str) -> str:
    """Horizontal bars in each topic's colour, largest first."""
    rows = sorted((t for t in s.topics if getattr(t, field_name)), key=lambda t: -getattr(t, field_name))
    if not rows:
        return ""
    w, row_h, name_w, pad = 360, 30, 92, 6
    h = row_h * len(rows) + pad * 2
    vmax = max(getattr(t, field_name) for t in rows)
    bar_w = w - name_w - 48
    parts = [f'<svg class="kp-chart__svg" viewBox="0 0 {w} {h}" role="img" aria-label="{e(label)}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, t in enumerate(rows):
        v = getattr(t, field_name)
        y = pad + i * row_h
        length = max(bar_w * v / vmax, 2)
        parts.append(f'<text x="{name_w - 8}" y="{y + row_h / 2 + 5:.1f}" text-anchor="end" class="kp-chart__name">{e(t.name)}</text>')
        parts.append(f'<rect x="{name_w}" y="{y + 5}" width="{length:.1f}" height="{row_h - 10}" rx="3" fill="{e(t.color)}">'
                     f'<title>{e(t.name)}：{v}{e(unit)}</title></rect>')
        parts.append(f'<text x="{name_w + length + 6:.1f}" y="{y + row_h / 2 + 5:.1f}" class="kp-chart__val">{v}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(markdown: str) -> str:
    return f'<div class="kp-stat-table" markdown>\n\n{markdown}\n</div>\n\n'


def _figure(svg: str, caption: str) -> str:
    return f'<figure class="kp-chart">{svg}<figcaption>{e(caption)}</figcaption></figure>\n\n' if svg else ""


# ---------------------------------------------------------------- pages

def year_url(year: int) -> str:
    return f"{urls.STATS}{year:04d}/"


def csv_name(year: int) -> str:
    return f"kepu-stats-{year:04d}.csv"


def year_page(site: Site, s: YearStats) -> str:
    url = year_url(s.year)
    parts = [front_matter(f"{s.year}年科普工作统计", hide=("navigation",),
                          description=f"{s.community}{s.year}年科普月刊、展板和活动统计"),
             f'<p class="kp-kicker">科普工作统计</p>\n\n# {s.year}年科普工作统计\n\n']
    if s.as_of:
        parts.append(f'<p class="kp-meta">统计截至 {cn_date(s.as_of, weekday=False)}，全年尚未结束。</p>\n\n')
    cards = [("月刊", s.issues, "期"), ("展板", s.panels, "块"), ("活动", s.activities, "场"), ("参加", s.participants, "人次")]
    parts.append('<div class="kp-stat-cards">' + "".join(
        f'<div class="kp-stat-card"><small>{k}</small><b>{v}</b><span>{u}</span></div>' for k, v, u in cards) + "</div>\n\n")
    if s.missing_months:
        parts.append(f'<p class="kp-stat-note kp-stat-note--warn">缺刊月份：{_months_text(s.missing_months)}。'
                     "社区标准是每月至少出一期。</p>\n\n")
    elif s.expected_months:
        parts.append(f'<p class="kp-stat-note">{s.expected_months} 个应出刊的月份都出了月刊。</p>\n\n')
    if s.upcoming:
        items = "、".join(f'<a href="{urls.relative(url, urls.activity(a))}">{a.date.month}月{a.date.day}日{e(a.title)}</a>'
                         for a in s.upcoming)
        parts.append(f'<p class="kp-stat-note">另有 {len(s.upcoming)} 场活动已预告、尚未举办（不计入上面的数字）：{items}。</p>\n\n')
    parts.append("## 总体情况 {#summary}\n\n" + _table(md_table(summary_table(s))))
    parts.append("## 按月份 {#months}\n\n")
    parts.append(_figure(month_chart(s, "panels", "每月展板块数", "块"), "每月展板块数（红色「缺」表示该月没有月刊）"))
    parts.append(_figure(month_chart(s, "participants", "每月活动参加人次", "人"),
                         "每月活动参加人次" + ("（红色「?」表示该月有活动未登记人数）" if s.unreported else "")))
    parts.append(_table(md_table(months_table(s))))
    if s.topics:
        parts.append("## 按专题 {#topics}\n\n")
        parts.append(_figure(topic_chart(s, "panels", "各专题展板块数", "块"), "各专题展板块数"))
        parts.append(_figure(topic_chart(s, "activities", "各专题活动场次", "场"), "各专题活动场次"))
        parts.append(_table(md_table(topics_table(s))))
        parts.append('<p class="kp-meta">一场活动有几个专题，就在每个专题下各算一次，所以各专题相加可能多于总数。</p>\n\n')
    if s.unreported:
        parts.append("## 未登记参加人数的活动 {#unreported}\n\n")
        parts.append('<p class="kp-meta">请在活动文件里补上 participants: 人数，年度统计才完整。</p>\n\n')
        acts = s.unreported

        def cell(pos, text):
            r, c = pos
            if c == 1:
                return f'<a href="{urls.relative(url, urls.activity(acts[r]))}">{text}</a>'
            return text
        parts.append(_table(md_table(unreported_table(s), cell)))
    parts.append("## 下载 {#download}\n\n")
    parts.append(f'<p><a class="md-button" href="{csv_name(s.year)}" download="{e(s.community)}{s.year}年科普统计.csv">'
                 f"下载 {s.year} 年统计表（CSV，可用 Excel/WPS 打开）</a></p>\n\n")
    parts.append(f'<p class="kp-meta">在电脑上运行 <code>{e(command("stats", "--year", str(s.year)))}</code> 也能得到同样的数字'
                 f"（加 <code>--format md</code> 或 <code>--format csv</code> 可直接粘贴到年终总结）。</p>\n")
    return "".join(parts)


def index_page(site: Site, all_stats: list[YearStats]) -> str:
    parts = [front_matter("科普工作统计", hide=("navigation",), description=f"{site.settings.community_name}历年科普工作统计"),
             "# 科普工作统计\n\n",
             f'<p class="kp-meta">{e(site.settings.community_name)}每年出了多少期科普月刊、多少块展板，'
             "举办了多少场科普活动、多少居民参加。点年份看每月和各专题的明细、图表和可下载的统计表。</p>\n\n"]
    header = "| 年份 | 月刊 | 展板 | 活动 | 人次 | 缺刊 |\n|:---|---:|---:|---:|---:|---:|\n"
    rows = "".join(f"| [{s.year}]({s.year}/index.md) | {s.issues} | {s.panels} | {s.activities} | {s.participants} "
                   f"| {len(s.missing_months) or '无'} |\n" for s in all_stats)
    parts.append(_table(header + rows))
    parts.append('<p class="kp-meta">人次指活动参加人次；活动只算已经举办的；缺刊指应出刊的月份里没有月刊的月数（每月至少一期）。</p>\n')
    return "".join(parts)


def generate(site: Site, out, media) -> None:
    all_stats = [year_stats(site, y) for y in sorted(site.years, reverse=True)]
    out.page(urls.source_of(urls.STATS), index_page(site, all_stats))
    for s in all_stats:
        out.page(urls.source_of(year_url(s.year)), year_page(site, s))
        out.text(year_url(s.year) + csv_name(s.year), BOM + to_csv(s))


# ---------------------------------------------------------------- command line

def cli_main(args) -> int:
    from pathlib import Path

    from kepu.cli import _today, print_problems
    from kepu.loader import load_site

    result = load_site(Path(args.root), today=_today(args.today))
    site = result.site
    if result.problems.errors:
        print_problems(result.problems, out=sys.stderr)
        print(f"\n内容有错误，统计数字可能不准。请先按上面的提示修改，再运行 {command('stats')}。", file=sys.stderr)
        return 1
    year = args.year or site.today.year
    if year not in site.years:
        have = "、".join(str(y) for y in site.years) or "无"
        print(f"kepu: {year} 年没有月刊或活动记录 — 有记录的年份：{have}。用 --year 指定年份。", file=sys.stderr)
        return 1
    s = year_stats(site, year)
    fmt = getattr(args, "format", None) or "table"
    text = {"table": to_text, "csv": to_csv, "md": to_markdown}[fmt](s)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if s.unreported and fmt == "table":
        print(f"提示：有 {len(s.unreported)} 场活动没有登记参加人数，补上后人次才完整。", file=sys.stderr)
    return 0
