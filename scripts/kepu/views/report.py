"""`kepu report`: the community officer's report pack (台账) for a year or an event.

One command writes, into the project's git-ignored `报告/` folder:

- `<标题>.pdf`   A4, printed with the same Chromium path as `kepu print --pdf`:
  cover, summary (the numbers of kepu.views.stats: the same as /stats/ and
  `kepu stats`), 资料不全 (what to collect before sending it), the issues month
  by month with their panel titles, the officer's narrative
  (`bulletins/reports/2026.md`), then one record sheet per activity held
  (the print page's record, theme/print/record_sheet.html);
- `<标题>.docx`  the same content for offices that edit in WPS/Word (kepu.views.report_docx);
- `<标题>-照片.zip` the period's original photos, named by date and activity,
  without GPS and other metadata (kepu.media.images).

The markup is theme/report/report.html with report.css; counting is kepu.views.stats.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kepu.views import stats
from kepu.core import urls
from kepu.core.commands import command
from kepu.views.pages.components import cn_date, cn_month, issue_label
from kepu.content.model import Activity, Image, Issue, Site
from kepu.core.templating import markdown_html, render, trusted

FOLDER = "报告"  # in the project root (git-ignored); never inside bulletins/
NARRATIVES = "reports"  # bulletins/reports/<year>.md: the officer's 工作总结 text
THUMB_WIDTH = 480  # rendition width of an issue's thumbnail
PAGE_URL = "report/"  # where the HTML sits in the build folder (photos are linked relative to it)


class ReportError(Exception):
    """Args: (message, fix), both in Chinese."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    title: str  # 2026年科普工作报告, 2026年全国科普日活动
    year: int | None = None  # a calendar-year report

    @property
    def text(self) -> str:
        return f"{cn_date(self.start, weekday=False)}至{cn_date(self.end, weekday=False)}"

    @property
    def narrative(self) -> str:
        """The narrative file, relative to the project root."""
        name = str(self.year) if self.year else f"{self.start.isoformat()}_{self.end.isoformat()}"
        return f"bulletins/{NARRATIVES}/{name}.md"


def _day(text: str, option: str) -> date:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", (text or "").strip())
    try:
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        pass
    raise ReportError(f"{option}「{text}」不是日期", "写成 2026-09-01 这样的格式（日期要存在）")


def period_from(year: int | None, start: str | None, end: str | None, title: str | None, today: date) -> Period:
    if start or end:
        if year:
            raise ReportError("年份和 --from/--to 只能写一种", f"全年写 {command('report', '2026')}；"
                              f"一段时间写 {command('report', '--from', '2026-09-01', '--to', '2026-09-30')}")
        if not (start and end):
            raise ReportError("--from 和 --to 要一起写", "例如 --from 2026-09-01 --to 2026-09-30")
        a, b = _day(start, "--from"), _day(end, "--to")
        if b < a:
            raise ReportError(f"--to {b.isoformat()} 早于 --from {a.isoformat()}", "把两个日期对调")
        name = title or (f"{a.year}年{a.month}月科普工作报告" if (a.year, a.month) == (b.year, b.month)
                         else f"{a.isoformat()}至{b.isoformat()}科普工作报告")
        return Period(a, b, _file_safe(name))
    year = year or today.year
    if not 1900 <= year <= 2999:
        raise ReportError(f"年份「{year}」不对", "写四位数的年份，例如 2026")
    return Period(date(year, 1, 1), date(year, 12, 31), _file_safe(title or f"{year}年科普工作报告"), year)


def _file_safe(title: str) -> str:
    """The title is also the file name: no path separators or characters Windows refuses."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", title.strip()).strip(" .-")
    if not name:
        raise ReportError(f"标题「{title}」不能用作文件名", "用中文写标题，例如 --title 2026年全国科普日活动")
    return name[:80]


@dataclass
class Incomplete:
    activity: Activity
    missing: list[str]  # 参加人数, 照片


@dataclass
class Report:
    site: Site
    period: Period
    stats: stats.YearStats
    issues: list[Issue]
    narrative: str | None  # the officer's Markdown, None when not written yet
    incomplete: list[Incomplete] = field(default_factory=list)
    photos: dict[str, list[Image]] = field(default_factory=dict)  # held activity key -> photos_of(it)
    pictures: dict[str, Image] = field(default_factory=dict)  # issue key -> its picture (issues with one)

    @property
    def community(self) -> str:
        return self.site.settings.community_name

    @property
    def compiled(self) -> date:
        return self.site.today

    def summary_rows(self) -> list[list[str]]:
        """stats.summary_table (the numbers of /stats/ and `kepu stats`) and the partners."""
        _, _, rows = stats.summary_table(self.stats)
        return [*rows, ["协办单位（个）", str(len(self.stats.partners))]]

    def topic_rows(self) -> tuple[list[str], list[list[str]]]:
        _, header, rows = stats.topics_table(self.stats)
        return header, rows

    def month_rows(self) -> tuple[list[str], list[list[str]]]:
        _, header, rows = stats.months_table(self.stats)
        if self.period.year is None:  # a period: only its months, named with the year when it spans two
            years = {m.year for m in self.stats.months}
            for row, m in zip(rows, self.stats.months):
                row[0] = f"{m.year}年{m.month}月" if len(years) > 1 else row[0]
        return header, rows


def photos_of(act: Activity) -> list[Image]:
    """An activity's photos, each once: the cover first, then the text's."""
    seen: list[Image] = []
    for img in ([act.cover] if act.cover else []) + list(act.images):
        if all(img.source != p.source for p in seen):
            seen.append(img)
    return seen


def issue_picture(issue: Issue) -> Image | None:
    """An issue's picture in the report: its cover, else its first photo."""
    return issue.cover or next(iter([*issue.images, *(i for p in issue.panels for i in p.images)]), None)


def build_report(site: Site, root: Path, period: Period) -> Report:
    s = stats.period_stats(site, period.start, period.end)
    if not s.held:
        have = "、".join(str(y) for y in site.years) or "无"
        if s.upcoming:
            raise ReportError(f"{period.text}的 {len(s.upcoming)} 场活动都还没有举办，没有可以报告的活动",
                              "活动结束、写好纪实后再生成报告")
        raise ReportError(f"{period.text}没有举办过活动，没有可以报告的内容",
                          f"检查年份或日期（有记录的年份：{have}）")
    issues = [i for i in site.issues if period.start.replace(day=1) <= date(i.year, i.month, 1) <= period.end]
    path = root / period.narrative
    narrative = _read_narrative(path, period) if path.is_file() else None
    photos = {act.key: photos_of(act) for act in s.held}
    incomplete = []
    for act in s.held:
        missing = (["参加人数"] if act.participants is None else []) + ([] if photos[act.key] else ["照片"])
        if missing:
            incomplete.append(Incomplete(act, missing))
    pictures = {issue.key: picture for issue in issues if (picture := issue_picture(issue))}
    return Report(site, period, s, issues, narrative, incomplete, photos, pictures)


def _read_narrative(path: Path, period: Period) -> str:
    """The officer's Markdown in any encoding Notepad saves (UTF-8, GBK): only the report reads it."""
    from kepu.content.readers.source import decode, normalise_newlines

    try:
        text, _ = decode(path.read_bytes())
    except OSError as exc:
        raise ReportError(f"{period.narrative} 打不开（{exc.strerror or exc}）", "关掉正在编辑它的程序后重试") from None
    if text is None or "\x00" in text:
        raise ReportError(f"{period.narrative} 不是文字文件，或者编码无法识别", "用记事本打开，另存为时编码选 UTF-8")
    return normalise_newlines(text)


# ---------------------------------------------------------------- PDF (HTML printed by Chromium)

def render_html(report: Report, media) -> str:
    from kepu.views import printing

    site, s = report.site, report.stats
    months = []
    for issue in report.issues:
        picture = report.pictures.get(issue.key)
        thumb = None
        if picture:
            pub = media.publish(picture)
            r = pub.fallback(THUMB_WIDTH)
            thumb = {"src": urls.relative(PAGE_URL, pub.rendition_url(r)), "alt": picture.alt}
        months.append({"month": cn_month(issue.year, issue.month), "label": issue_label(issue), "title": issue.title,
                       "thumb": thumb, "panels": [(site.topics[p.topic].name if p.topic in site.topics else p.topic, p.title)
                                                  for p in issue.panels]})
    records = [printing.record_sheet(site, act, media, PAGE_URL) for act in s.held]
    topic_header, topic_rows = report.topic_rows()
    month_header, month_rows = report.month_rows()
    return render("report/report.html", period=report.period, community=report.community,
                  compiled=cn_date(report.compiled, weekday=False), as_of=cn_date(s.as_of, weekday=False) if s.as_of else "",
                  summary=report.summary_rows(), topic_header=topic_header, topic_rows=topic_rows,
                  month_header=month_header, month_rows=month_rows, partners=s.partners, months=months,
                  narrative=trusted(markdown_html(report.narrative)) if report.narrative is not None else None,
                  narrative_file=report.period.narrative, new_command=command("new", "report", str(report.period.year))
                  if report.period.year else "", incomplete=[
                      {"date": a.activity.date.isoformat(), "title": a.activity.title, "missing": "、".join(a.missing),
                       "file": a.activity.source.relative_to(site.settings.root).as_posix()} for a in report.incomplete],
                  upcoming=[f"{a.date.month}月{a.date.day}日{a.title}" for a in s.upcoming],
                  records=records, qr_script=trusted(_qr_script()))


def _qr_script() -> str:
    from kepu.media import qr

    return qr.browser_script()


# ---------------------------------------------------------------- photo archive

def photo_name(act: Activity, n: int, ext: str) -> str:
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f\s]+', "", act.title)[:40] or act.slug
    return f"{act.date.isoformat()}-{safe}-{n}{ext}"


def photo_zip(report: Report, target: Path) -> int:
    """The period's photos at their original resolution, oriented and without EXIF/GPS
    (kepu.media.images.open_oriented keeps nothing of the metadata). Returns the number of photos."""
    from PIL import Image as PILImage

    from kepu.media.images import ImageError, open_oriented

    count = 0
    tmp = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:  # JPEGs do not compress
        for act in report.stats.held:
            for n, img in enumerate(report.photos[act.key], 1):
                try:
                    data = img.source.read_bytes()
                    with PILImage.open(io.BytesIO(data)) as probe:
                        full = max(probe.size)
                    im, _ = open_oriented(data, max_width=full)
                except (OSError, ImageError, ValueError):
                    continue  # kepu check reports unreadable photos
                buf = io.BytesIO()
                if im.mode == "RGBA":
                    im.save(buf, "PNG", optimize=True)
                    ext = ".png"
                else:
                    im.save(buf, "JPEG", quality=92, optimize=True)
                    ext = ".jpg"
                zf.writestr(photo_name(act, n, ext), buf.getvalue())
                count += 1
    tmp.replace(target)
    return count


# ---------------------------------------------------------------- kepu new report

def narrative_template(report_stats: stats.YearStats, community: str, year: int) -> str:
    from importlib import resources
    from string import Template

    s = report_stats
    topics = "、".join(f"{t.name}（展板 {t.panels} 块、活动 {t.activities} 场）" for t in s.topics[:5]) or "（暂无）"
    text = resources.files("kepu").joinpath("templates", "report.md").read_text(encoding="utf-8")
    return Template(text).substitute(
        year=year, community=community, report_command=command("report", str(year)), issues=s.issues, panels=s.panels, activities=s.activities,
        participants=s.participants, partners=len(s.partners), topics=topics,
        missing="、".join(f"{m}月" for m in s.missing_months) or "无",
        as_of=f"（统计截至 {s.as_of.isoformat()}，全年结束后请核对数字）" if s.as_of else "")


# ---------------------------------------------------------------- command line

def cli_main(args, result, print_problems) -> int:
    """`kepu report`; `result`: the site loaded and checked by kepu.checks.load_and_check."""
    from kepu.views import printing
    from kepu.core.writer import Output
    from kepu.media.publish import Media

    root = Path(args.root).resolve()
    if result.problems.errors:
        print_problems(result.problems, out=sys.stderr)
        print(f"\n内容有错误，报告里的数字可能不准。请先按上面的提示修改，再运行 {command('report')}。", file=sys.stderr)
        return 1
    site = result.site
    try:
        period = period_from(args.year, args.start, args.end, args.title, site.today)
        report = build_report(site, root, period)
    except ReportError as exc:
        print(f"kepu: {exc.args[0]} — {exc.args[1]}", file=sys.stderr)
        return 1
    folder = root / FOLDER
    folder.mkdir(exist_ok=True)
    work = root / "build" / "report" / period.title  # the HTML and its photos (open it in a browser if need be)
    shutil.rmtree(work, ignore_errors=True)
    out = Output()
    html_text = render_html(report, Media(out))
    html_file = work / PAGE_URL / "index.html"
    for rel, data in [*out.files.items(), (PAGE_URL + "index.html", html_text.encode("utf-8"))]:
        path = work / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    from kepu.views.report_docx import write_docx

    docx = folder / f"{period.title}.docx"
    write_docx(report, docx)
    photos = folder / f"{period.title}-照片.zip"
    n_photos = photo_zip(report, photos)
    s = report.stats
    print(f"{report.community}{period.text}：{s.issues} 期月刊，{s.panels} 块展板，{s.activities} 场活动，"
          f"{s.participants} 人次参加，{len(s.partners)} 个协办单位。")
    print(f"已生成：{docx.relative_to(root).as_posix()}（可用 WPS/Word 修改）")
    print(f"已生成：{photos.relative_to(root).as_posix()}（{n_photos} 张原图，已去掉拍摄地点等信息）")
    code = 0
    pdf = folder / f"{period.title}.pdf"
    chromium = printing.find_chromium()
    if chromium is None:
        print(f"kepu: {printing.CHROMIUM_HELP}", file=sys.stderr)
        print(f"报告的网页版已生成：{html_file}", file=sys.stderr)
        code = 1
    else:
        try:
            printing.print_to_pdf(html_file, pdf, chromium)
            print(f"已生成：{pdf.relative_to(root).as_posix()}（A4，可直接打印报送）")
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            print(f"kepu: Chromium 没能生成 PDF（{str(exc).strip() or type(exc).__name__}） — "
                  f"可以用浏览器打开 {html_file}，按 Ctrl+P 另存为 PDF", file=sys.stderr)
            code = 1
    if report.narrative is None:
        hint = f"运行 {command('new', 'report', str(period.year))} 新建，" if period.year else "新建这个文件，"
        print(f"提示：还没有写工作总结（{period.narrative}）。{hint}填写主要做法、特色亮点、存在问题、下一步打算后重新生成。")
    for item in report.incomplete:
        print(f"提示：资料不全：{item.activity.source.relative_to(root).as_posix()}"
              f"（{item.activity.title}）缺少{'、'.join(item.missing)}。")
    return code
