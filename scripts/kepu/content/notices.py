"""Urgent notices (紧急通知): bulletins/notices/<date>-<short name>.md.

A notice is shown from `start` until `end` (community time zone) as a banner
at the top of every page of the website (and by kepu.views.screen on the lobby
screen). Reading and checking happen here, called by the loader; the banner
is put into the pages after the engine (MkDocs today, Zensical later) has
built them, at the empty `<div id="kp-notices"></div>` the theme override
provides, so no engine plugin is involved. Each banner carries its start and
end as epoch milliseconds: kepu.js hides it before start and after end by
the reader's clock, so a notice appears and disappears with no rebuild; the
daily rebuild drops ended notices from the site."""
from __future__ import annotations

import os
import re
import time as timer
from datetime import date, datetime, time, timedelta
from pathlib import Path

from kepu.content import schema
from kepu.content.bulletin import read_front_matter, report_body, report_placeholders
from kepu.content.model import Notice
from kepu.content.names import ACTIVITY_NAME, COPY_PREFIX, COPY_SUFFIX, SLUG, fixed_name, valid_date
from kepu.content.problems import Problems

FOLDER = "notices"  # bulletins/notices/
MAX_DAYS = 90  # a notice is not a standing announcement
BANNER_CHARS = 200  # text the banner shows before 展开全文
TITLE_CHARS = 30
LEVEL_CLASS = {"提示": "info", "重要": "important", "紧急": "urgent"}
LEVEL_ORDER = {"紧急": 0, "重要": 1, "提示": 2}
MARKER = b'<div id="kp-notices"></div>'  # in overrides/main.html, top of the content area
NAME_FIX = "通知的文件名是「开始日期-短名.md」，例如 2026-12-03-停水.md，直接放在 bulletins/notices/ 文件夹里"
WEEKDAYS = "一二三四五六日"


def build_now(settings, today: date | None) -> datetime:
    """The moment a build happens, in the community's time zone. A build for another
    day (tests, `--today`) happens at 00:00 of that day, so it is the same every run."""
    now = datetime.now(settings.tz)
    if today is None or today == now.date():
        return now
    return datetime.combine(today, time(0, 0), tzinfo=settings.tz)


FOLDER_MISSPELT = {"notice", "notices", "通知", "紧急通知", "tongzhi"}


def is_notice(rel_parts: tuple[str, ...]) -> bool:
    """Is this file (parts of its path under bulletins/) meant as a notice? Also a misspelt folder."""
    return len(rel_parts) > 1 and (rel_parts[0] == FOLDER or rel_parts[0].strip().lower() in FOLDER_MISSPELT)


def read(path: Path, bulletins: Path, settings, now: datetime, problems: Problems, *,
         fix_encoding: bool = False) -> Notice | None:
    """One file under bulletins/notices/ (the loader calls this for each), checked; None if unusable."""
    from kepu.content.readers import body as body_reader
    from kepu.content.readers.source import read_source

    folder, *rel = path.relative_to(bulletins).parts
    if folder != FOLDER:
        problems.error(path, 0, f"通知的文件夹要叫 notices（小写英文），这里写的是「{folder}」",
                       f"把文件放进 bulletins/notices/ 文件夹（在 GitHub 上新建文件时，文件名写 notices/{path.name}）")
        return None
    if len(rel) == 1 and path.name.lower() == "readme.md":
        return None
    if len(rel) != 1:
        problems.error(path, 0, "通知要直接放在 bulletins/notices/ 文件夹里，不要再建子文件夹",
                       f"把文件移到 bulletins/notices/{path.name}")
        return None
    slug = _slug(path, problems)
    if slug is None:
        return None
    src = read_source(path, problems, fix_encoding=fix_encoding)
    if src is None:
        return None
    read_ = read_front_matter(src.text, path, schema.NOTICE_FIELDS, "通知", problems, explain={
        "date": ("通知什么时候显示写在 start 和 end 里，不用写 date", "删掉这一行，用 start: 和 end: 写开始和结束的时间"),
        "time": ("通知什么时候显示写在 start 和 end 里，不用写 time", "删掉这一行，写成 start: 2026-12-03 08:00 和 end: 2026-12-03 18:00")})
    if read_ is None:
        return None
    fm, values = read_

    def line(key: str) -> int:  # `End:` is read as end (with an error): its line all the same
        return next((v.line for k, v in fm.fields.items() if k.strip().lower() == key), fm.start_line)

    report_placeholders(fm.fields, fm.body, fm.body_line, path, problems)
    ok = True
    level = values.get("level", schema.NOTICE_LEVELS[0])
    if level not in schema.NOTICE_LEVELS:
        guess = schema.suggest(level, schema.NOTICE_LEVELS)
        problems.error(path, line("level"), f"level（级别）：不认识「{level}」",
                       (f"你是不是想写「{guess}」？" if guess else "") + "级别只能写 提示、重要 或 紧急（紧急是红色）")
        ok = False
    start = _moment(values.get("start"), time(0, 0), settings)
    end = _moment(values.get("end"), time(23, 59), settings)
    title = values.get("title", "")
    if title and len(title) > TITLE_CHARS:
        problems.warning(path, line("title"), f"标题有 {len(title)} 个字，手机和大屏上要折好几行",
                         f"标题用一句话说清楚（{TITLE_CHARS} 字以内），细节写在正文里")
    if start is None or end is None or not title:
        return None  # reported by the schema (missing or unreadable)
    end_line = line("end")
    if end <= start:
        problems.error(path, end_line, f"结束时间 {_short(end)} 不晚于开始时间 {_short(start)}",
                       "检查是不是写反了；时间用 24 小时制，下午 6 点写 18:00")
        return None
    days = (end - start) / timedelta(days=1)
    if days > MAX_DAYS:
        problems.error(path, end_line, f"通知不是长期公告：从开始到结束有 {days:.0f} 天，最长 {MAX_DAYS} 天",
                       "通知只写最近要发生的事，把结束时间改到 90 天以内；长期有效的事请写进月刊，或请技术志愿者放到「关于」页")
        return None
    if end <= now:
        problems.warning(path, end_line, f"这条通知在 {_short(end)} 已经结束，网站和大屏不再显示",
                         "已经结束，可以删除这个文件（在 GitHub 上打开文件，点「…」→「Delete file」）")
        return None
    body = body_reader.read_body(fm.body, fm.body_line, split_panels=False)
    report_body(body, path, problems)
    from kepu.core.urls import REMOTE

    for link in body.links:  # the banner is on every page: a relative link would work on none of them
        target = link.target.strip()
        if target and not target.startswith("#") and not REMOTE.match(target):
            problems.error(path, link.line, f"通知里的链接「{target}」不是完整网址，横幅出现在每一页上，这样的链接会打不开",
                           "写完整网址，例如 https://guiyuan-kepu.github.io/kepu/2026/11/；电话号码直接写，网页上点一下就能拨打")
            ok = False
    for image in body.images:
        problems.warning(path, image.line, "通知里的图片不会显示（横幅和大屏只显示文字）", "删掉图片，用文字说明")
    from kepu.core.sanitize import html_to_text
    from kepu.core.templating import markdown_html

    markdown = body_reader.MD_IMAGE.sub("", fm.body.strip("\n"))
    html = markdown_html(markdown, fm.body_line).strip() if markdown.strip() else ""
    html = re.sub(r"<img\b[^>]*>", "", html)  # <img> written as HTML: warned about above with the others
    text = re.sub(r"\s+", " ", html_to_text(html)).strip() if html else ""
    chars = len(re.sub(r"\s", "", text))
    if chars > BANNER_CHARS:
        problems.warning(path, fm.body_line, f"正文有 {chars} 个字，太长了：横幅只显示前 {BANNER_CHARS} 个字，其余要点「展开全文」才能看到",
                         "通知要短：把时间、范围、联系电话写在最前面；长的说明写进月刊或活动")
    if not ok:
        return None
    return Notice(path, slug, title, start, end, level, html, text)


def finish(found: list[Notice], problems: Problems) -> tuple[Notice, ...]:
    """The notices of the site: one per file name, by start (紧急 first when they start together)."""
    seen: dict[str, Notice] = {}
    for n in found:
        if n.slug in seen:
            problems.error(n.source, 0, f"已经有一条同名的通知（{problems.rel(seen[n.slug].source)}），两个文件名转成网址后是同一个",
                           "给其中一个换一个短名，例如 2026-12-03-tingshui-2.md")
        else:
            seen[n.slug] = n
    return tuple(sorted(seen.values(), key=lambda n: (n.start, LEVEL_ORDER[n.level], n.end, n.slug)))


def _slug(path: Path, problems: Problems) -> str | None:
    """`<date>-<short name>` from the file name, like an activity's; a Chinese short name
    (停水) is fine here and becomes pinyin (tingshui): the name is never part of a lasting URL."""
    import unicodedata

    from kepu.content.slugs import pinyin_slug

    name = path.name
    m = ACTIVITY_NAME.match(name.lower())
    stem = unicodedata.normalize("NFKC", name[:-3]).strip()
    copy = COPY_SUFFIX.match(stem) or COPY_PREFIX.match(stem)
    if m and copy and not SLUG.match(m.group(4)):
        problems.error(path, 0, f"「{name}」看起来是 Windows 复制文件时产生的副本",
                       f"把文件改名为 {copy.group('base').strip()}.md，或把内容合并到原来的通知里后删掉它")
        return None
    if not m:
        fixed = fixed_name(stem)
        if fixed and fixed.count("-") >= 3:
            problems.error(path, 0, "通知的文件名要写成「年-月-日-短名.md」，日期用数字和英文减号", f"把文件改名为 {fixed}")
        else:
            problems.error(path, 0, f"不明白通知的文件名「{name}」", NAME_FIX)
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if valid_date(path, problems, y, mo, d) is None:
        return None
    written = name[len(name) - len(m.group(4)) - 3:-3]
    short = written if SLUG.match(written) else (pinyin_slug(written) or "tongzhi")
    return f"{y:04d}-{mo:02d}-{d:02d}-{short}"


def _moment(value, default: time, settings) -> datetime | None:
    if value is None:
        return None
    day, at = value
    return datetime.combine(day, at or default, tzinfo=settings.tz)


def _short(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _when(n: Notice) -> str:
    """12月3日（星期四）08:00–18:00, or 12月2日 18:00 至 12月5日; a bare date shows no time."""
    def day(m: datetime) -> str:
        return f"{m.month}月{m.day}日（星期{WEEKDAYS[m.weekday()]}）"

    def at(m: datetime, default: time) -> str:
        return "" if m.time() == default else m.strftime("%H:%M")

    s_at, e_at = at(n.start, time(0, 0)), at(n.end, time(23, 59))
    if n.start.date() == n.end.date():
        times = f"{s_at or '00:00'}–{e_at or '23:59'}" if (s_at or e_at) else "全天"
        return f"{day(n.start)}{times}"
    return f"{day(n.start)}{s_at}{' ' if s_at else ''}至 {day(n.end)}{e_at}"


def banner(site, now: datetime) -> str:
    """The banner markup for every page (replaces the empty marker). Visible without
    JavaScript only while active at `now`; kepu.js re-decides by the reader's clock."""
    from kepu.core.templating import render, trusted

    items = []
    for n in sorted(site.notices, key=lambda n: LEVEL_ORDER[n.level]):  # 紧急 on top; stable: by start within a level
        excerpt = ""
        if len(re.sub(r"\s", "", n.text)) > BANNER_CHARS:
            excerpt = n.text[:BANNER_CHARS].rstrip() + "…"
        items.append({
            "slug": n.slug, "title": n.title, "level": n.level, "cls": LEVEL_CLASS[n.level], "when": _when(n),
            "start_ms": int(n.start.timestamp() * 1000), "end_ms": int(n.end.timestamp() * 1000),
            "active": n.is_active(now), "html": trusted(tel_links(n.html)), "excerpt": excerpt,
        })
    return render("notices/banner.html", notices=items)


def tel_links(html: str) -> str:
    """Phone numbers in the text of sanitized HTML become tap-to-call links, as on activity pages
    (never inside a tag, an existing link or a character reference like &#12345;)."""
    from kepu.core.templating import environment, trusted
    from kepu.core.urls import phone_numbers

    tel_link = environment().get_template("pages/components.html").module.tel_link  # the one link markup
    out, in_link = [], 0
    for part in re.split(r"(<[^>]*>)", html):
        if part.startswith("<"):
            in_link += 1 if re.match(r"<a[\s>]", part) else -1 if part.startswith("</a") else 0
            out.append(part)
        elif in_link > 0 or not part:
            out.append(part)
        else:
            last = 0
            for start, end, dial in phone_numbers(part):  # never a character reference: &#12345; (# before)
                out += [part[last:start], str(tel_link(dial, trusted(part[start:end])))]  # digits and separators
                last = end
            out.append(part[last:])
    return "".join(out)


def insert_banners(site_dir: Path, site, now: datetime | None = None,
                   pages: list[str] | None = None) -> tuple[int, float]:
    """Put the banner into every built page that has the marker; (pages changed, seconds).
    `pages` (kepu serve's incremental builds): only these (site-relative), the pages the engine
    has just made; the others got the same banner in the build they come from."""
    t0 = timer.perf_counter()
    if not site.notices:
        return 0, 0.0
    now = now or build_now(site.settings, site.today)
    markup = banner(site, now).strip().encode("utf-8")
    changed = 0
    walked = os.walk(site_dir) if pages is None else [(site_dir, [], pages)]
    for dirpath, _dirs, files in walked:
        for name in files:
            if not name.endswith(".html"):
                continue
            path = Path(dirpath) / name
            if not path.is_file():
                continue
            data = path.read_bytes()
            if MARKER in data:
                path.write_bytes(data.replace(MARKER, markup, 1))
                changed += 1
    return changed, timer.perf_counter() - t0
