"""`kepu new issue|activity`: write a ready-to-fill file from a template.
Never overwrites an existing file."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from string import Template

import yaml

from kepu.content.config import Settings
from kepu.content.names import SLUG


class NewFileError(Exception):
    """Args: (message, fix), both in Chinese."""


@dataclass(frozen=True)
class Day:
    name: str
    date: date
    when: str
    idea: str
    topics: tuple[str, ...]


from kepu.content.slugs import DEFAULT_SLUG, pinyin_slug  # noqa: E402,F401 - kepu new names files with them


def _template(name: str) -> Template:
    """templates/<name>.md with its front matter lines written from the schema (kepu.content.schema)."""
    from kepu.content.schema import ACTIVITY, ISSUE, NOTICE

    text = resources.files("kepu").joinpath("templates", name).read_text(encoding="utf-8")
    schema = {"issue.md": ISSUE, "activity.md": ACTIVITY, "notice.md": NOTICE}[name]
    return Template(text.replace("${front_matter}", schema.template()))


def commemorative_days(year: int, month: int) -> list[Day]:
    data = yaml.safe_load(resources.files("kepu").joinpath("data", "commemorative_days.yml").read_text(encoding="utf-8"))
    days = []
    for item in data or []:
        if "date" in item:
            m, d = (int(x) for x in str(item["date"]).split("-"))
            if m != month:
                continue
            when = f"{m}月{d}日"
            day = date(year, m, d)
        else:
            if int(item["month"]) != month:
                continue
            day = nth_weekday(year, month, int(item["weekday"]), int(item["nth"]))
            when = f"{item.get('when', '')}（{year}年是 {day.month}月{day.day}日）"
        days.append(Day(item["name"], day, when, item.get("idea", ""), tuple(item.get("topics", ()))))
    return sorted(days, key=lambda d: d.date)


def nth_weekday(year: int, month: int, iso_weekday: int, nth: int) -> date:
    """nth (1..5, or -1 for the last) ISO weekday (1=Mon..7=Sun) of a month."""
    days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    matches = [d for d in days if d.isoweekday() == iso_weekday]
    return matches[nth - 1] if nth > 0 else matches[nth]


def parse_month(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise NewFileError(f"「{text}」不是年月", "写成 2026-12 这样的格式")
    return int(m.group(1)), int(m.group(2))


def parse_day(text: str) -> date:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text.strip())
    if not m:
        raise NewFileError(f"「{text}」不是日期", "写成 2026-12-05 这样的格式")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise NewFileError(f"日期「{text}」不存在", "检查月份和这个月的天数") from None


def _write_new(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as fh:  # "x": never overwrite
            fh.write(text)
    except FileExistsError:
        raise NewFileError(f"文件已经存在：{path}", "kepu 不会覆盖已有文件；直接编辑它，或换一个日期/短名") from None


def new_issue(root: Path, month_text: str, settings: Settings) -> tuple[Path, list[Day]]:
    year, month = parse_month(month_text)
    key = f"{year:04d}-{month:02d}"
    path = root / "bulletins" / f"{year:04d}" / f"{key}.md"
    days = commemorative_days(year, month)
    hint = ""
    if days:
        hint = "\n本月可参考的科普纪念日（写完后删掉这几行）：\n" + "\n".join(
            f"- {d.when} {d.name}：{d.idea}" for d in days)
    _write_new(path, _template("issue.md").substitute(key=key, topic_hint=hint))
    return path, days


def new_activity(root: Path, day_text: str, slug: str | None, settings: Settings, today: date,
                 title: str | None = None) -> tuple[Path, str]:
    """Write an activity template; return (path, a note on how the short name was chosen or "").

    The short name is optional: Chinese (`消防演练`) is taken as the title and turned into
    pinyin (xiaofang-yanlian); without one, the pinyin of --title is used, else `huodong`
    (-2, -3 … if taken) and the note says how to rename the file."""
    from kepu.core.commands import command

    day = parse_day(day_text)
    note = ""
    written = (slug or "").strip()
    if written and not SLUG.match(written):
        if re.search(r"[^\x00-\x7f]", written):  # Chinese: it is the activity's name
            title = title or written
            slug = pinyin_slug(written)
            note = f"短名要用小写英文或拼音（会出现在网址里），已根据「{written}」用了拼音短名 {slug}。"
        else:
            slug = re.sub(r"[^a-z0-9]+", "-", written.lower()).strip("-")
            if not slug:
                raise NewFileError(f"短名「{written}」只能用小写英文字母、数字和连字符", "例如 fire-drill、flu-lecture；它会出现在网址里")
            note = f"短名只能用小写英文字母、数字和连字符，已改成 {slug}。"
    elif not written:
        slug = pinyin_slug(title) if title else ""
        if slug:
            note = f"没有写短名，已根据活动名称「{title}」用了拼音短名 {slug}（会出现在网址里）。"
        else:
            slug = DEFAULT_SLUG
            note = ("没有写短名，先用了 huodong（活动）。短名会出现在网址里，最好能看出是什么活动："
                    f"把文件改名为 {day.isoformat()}-xiaofang.md 这样（拼音或英文）；下次可以这样写："
                    f"{command('new', 'activity', day.isoformat(), '--title', '消防演练')}")
        if slug:
            base, n = slug, 2
            while (root / "bulletins" / f"{day.year:04d}" / f"{day.isoformat()}-{slug}.md").exists():
                slug, n = f"{base}-{n}", n + 1
    if note and not slug.startswith(DEFAULT_SLUG):
        note += f"要换短名，直接把文件改名就行，例如 {day.isoformat()}-fire-drill.md。"
    key = f"{day.isoformat()}-{slug}"
    path = root / "bulletins" / f"{day.year:04d}" / f"{key}.md"
    if day >= today:
        body_hint = "活动预告：写清楚活动内容、适合哪些居民参加、需要带什么、怎么报名。\n\n活动结束后，把这里改写成活动纪实，并填写 participants（参加人数）。"
    else:
        body_hint = "活动纪实：写活动经过、讲了什么、居民的反馈，可以插入照片：![照片说明](images/照片文件名.jpg)"
    text = _template("activity.md").substitute(key=key, date=day.isoformat(), community=settings.community_name,
                                               body_hint=body_hint)
    if title:
        text = re.sub(r"(?m)^title: .*$", lambda _: f"title: {yaml_text(title)}", text, count=1)
    _write_new(path, text)
    return path, note


def yaml_text(text: str) -> str:
    """`text` as the editor (kepu.views.admin) writes a YAML string: plain when YAML reads it back as that
    text, else in single quotes."""
    plain = (re.fullmatch(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`](.*\S)?", text) and ": " not in text and " #" not in text
             and not text.endswith(":") and not re.fullmatch(r"[-+.0-9eE_:]+|(?i:true|false|yes|no|on|off|null|~)", text))
    return text if plain else "'" + text.replace("'", "''") + "'"


def new_report(root: Path, year_text: str, site) -> Path:
    """bulletins/reports/<year>.md: the narrative of the yearly report (kepu report), with
    the year's numbers (kepu.views.stats) filled in and the four usual headings to write."""
    from kepu.views import report, stats

    if not re.fullmatch(r"\d{4}", year_text.strip()):
        raise NewFileError(f"「{year_text}」不是年份", "写四位数的年份，例如 2026")
    year = int(year_text)
    path = root / "bulletins" / report.NARRATIVES / f"{year:04d}.md"
    text = report.narrative_template(stats.year_stats(site, year), site.settings.community_name, year)
    _write_new(path, text)
    return path


NOTICE_SLUG = "tongzhi"  # 通知: used when no name or title is given


def new_notice(root: Path, slug: str | None, settings: Settings, now, title: str | None = None) -> tuple[Path, str]:
    """Write a notice template in bulletins/notices/ (named after today), shown from `now`
    until tomorrow 18:00; return (path, a note on the short name or "")."""
    from datetime import datetime, time, timedelta

    written = (slug or "").strip()
    note = ""
    if written and not SLUG.match(written):
        if re.search(r"[^\x00-\x7f]", written):  # Chinese: it is what the notice is about
            title = title or written
        slug = pinyin_slug(written) or re.sub(r"[^a-z0-9]+", "-", written.lower()).strip("-")
        if not slug:
            raise NewFileError(f"短名「{written}」只能用小写英文字母、数字和连字符", "例如 tingshui、tingdian；也可以直接写中文，例如 停水")
        note = f"文件名里的短名用了拼音 {slug}。"
    elif not written:
        slug = (pinyin_slug(title) if title else "") or NOTICE_SLUG
    day = now.date().isoformat()
    base, n = slug, 2
    while (root / "bulletins" / "notices" / f"{day}-{slug}.md").exists():
        slug, n = f"{base}-{n}", n + 1
    end = datetime.combine(now.date() + timedelta(days=1), time(18, 0))
    text = _template("notice.md").substitute(title=title or "在这里写通知标题", start=now.strftime("%Y-%m-%d %H:%M"),
                                             end=end.strftime("%Y-%m-%d %H:%M"))
    if title:
        text = re.sub(r"(?m)^title: .*$", lambda _: f"title: {yaml_text(title)}", text, count=1)
    path = root / "bulletins" / "notices" / f"{day}-{slug}.md"
    _write_new(path, text)
    return path, note
