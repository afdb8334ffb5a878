"""Yearly statistics of the community's science outreach (科普工作年度统计).

One pure model per year (`year_stats`), rendered as tables that the web page
(/stats/ and /stats/<YYYY>/), the CSV download and `kepu stats` all share, so
their numbers cannot disagree. Charts are SVG from templates in theme/stats/,
the pages from theme/pages/stats_*.md; this module counts and lays out.

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

from kepu.core import urls
from kepu.core.commands import command
from kepu.core.escape import csv_row, text
from kepu.views.pages.components import cn_date, front_matter
from kepu.content.model import Activity, Site
from kepu.core.templating import render

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
    base = top + plot_h
    months = []
    for i, (m, v) in enumerate(zip(s.months, values)):
        cx = left + slot * (i + 0.5)
        bw = slot * 0.62
        bh = max(plot_h * v / vmax, 2) if v else 0
        months.append({
            "month": m.month, "value": v, "cx": f"{cx:.1f}", "label_y": f"{base + 17:.1f}", "lab_miss": m.missing,
            "bar": {"x": f"{cx - bw / 2:.1f}", "y": f"{base - bh:.1f}", "w": f"{bw:.1f}", "h": f"{bh:.1f}",
                    "label_y": f"{base - bh - 4:.1f}"} if v else None,
            "missing_y": f"{base - 6:.1f}" if field_name in ("issues", "panels") and m.missing else "",
            # held activities whose count is missing: the bar is incomplete
            "unreported": unreported.get(m.month, 0) if field_name == "participants" else 0,
            "unreported_y": f"{base - (plot_h * v / vmax if v else 0) - (20 if v else 6):.1f}"})
    return render("stats/month_chart.svg", w=w, h=h, left=left, base=base, months=months, color=PRIMARY,
                  label=label, unit=unit, axis_x=f"{w / 2:.0f}").strip()


def topic_chart(s: YearStats, field_name: str, label: str, unit: str) -> str:
    """Horizontal bars in each topic's colour, largest first."""
    rows = sorted((t for t in s.topics if getattr(t, field_name)), key=lambda t: -getattr(t, field_name))
    if not rows:
        return ""
    w, row_h, name_w, pad = 360, 30, 92, 6
    h = row_h * len(rows) + pad * 2
    vmax = max(getattr(t, field_name) for t in rows)
    bar_w = w - name_w - 48
    bars = []
    for i, t in enumerate(rows):
        v = getattr(t, field_name)
        y = pad + i * row_h
        length = max(bar_w * v / vmax, 2)
        bars.append({"name": t.name, "color": t.color, "value": v, "text_y": f"{y + row_h / 2 + 5:.1f}", "bar_y": y + 5,
                     "length": f"{length:.1f}", "value_x": f"{name_w + length + 6:.1f}"})
    return render("stats/topic_chart.svg", w=w, h=h, name_w=name_w, bar_h=row_h - 10, rows=bars,
                  label=label, unit=unit).strip()


# ---------------------------------------------------------------- pages

def year_url(year: int) -> str:
    return f"{urls.STATS}{year:04d}/"


def csv_name(year: int) -> str:
    return f"kepu-stats-{year:04d}.csv"


def year_page(site: Site, s: YearStats) -> str:
    url = year_url(s.year)
    acts = s.unreported

    def cell(pos, text):
        r, c = pos
        return f'<a href="{urls.relative(url, urls.activity(acts[r]))}">{text}</a>' if c == 1 else text  # text: escaped by md_table

    charts = {"panels": month_chart(s, "panels", "每月展板块数", "块"),
              "participants": month_chart(s, "participants", "每月活动参加人次", "人")}
    tables = {"summary": md_table(summary_table(s)), "months": md_table(months_table(s))}
    if s.topics:
        charts["topic_panels"] = topic_chart(s, "panels", "各专题展板块数", "块")
        charts["topic_activities"] = topic_chart(s, "activities", "各专题活动场次", "场")
        tables["topics"] = md_table(topics_table(s))
    if s.unreported:
        tables["unreported"] = md_table(unreported_table(s), cell)
    return render(
        "pages/stats_year.md", s=s,
        front_matter=front_matter(f"{s.year}年科普工作统计", hide=("navigation",),
                                  description=f"{s.community}{s.year}年科普月刊、展板和活动统计"),
        as_of=cn_date(s.as_of, weekday=False) if s.as_of else "",
        cards=[("月刊", s.issues, "期"), ("展板", s.panels, "块"), ("活动", s.activities, "场"), ("参加", s.participants, "人次")],
        missing=_months_text(s.missing_months),
        upcoming=[{"href": urls.relative(url, urls.activity(a)), "month": a.date.month, "day": a.date.day, "title": a.title}
                  for a in s.upcoming],
        charts=charts, tables=tables, csv=csv_name(s.year), command=command("stats", "--year", str(s.year)))


def index_page(site: Site, all_stats: list[YearStats]) -> str:
    header = "| 年份 | 月刊 | 展板 | 活动 | 人次 | 缺刊 |\n|:---|---:|---:|---:|---:|---:|\n"
    rows = "".join(f"| [{s.year}]({s.year}/index.md) | {s.issues} | {s.panels} | {s.activities} | {s.participants} "
                   f"| {len(s.missing_months) or '无'} |\n" for s in all_stats)
    return render("pages/stats_index.md", community=site.settings.community_name, years=header + rows,
                  front_matter=front_matter("科普工作统计", hide=("navigation",),
                                            description=f"{site.settings.community_name}历年科普工作统计"))


def generate(site: Site, out, media) -> None:
    all_stats = [year_stats(site, y) for y in sorted(site.years, reverse=True)]
    out.page(urls.source_of(urls.STATS), index_page(site, all_stats))
    for s in all_stats:
        out.page(urls.source_of(year_url(s.year)), year_page(site, s))
        out.text(year_url(s.year) + csv_name(s.year), BOM + to_csv(s))


# ---------------------------------------------------------------- command line

def cli_main(args, result, print_problems) -> int:
    """`kepu stats`; `result`: the site loaded and checked by kepu.checks.load_and_check."""
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
