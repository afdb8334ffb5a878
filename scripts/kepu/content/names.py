"""Bulletin file names: what a name means (ISSUE_NAME 2026-12.md, ACTIVITY_NAME
2026-12-05-fire-drill.md, in a year folder), and what to tell a volunteer whose
name kepu does not understand (a Windows copy, a Chinese or full-width date, a
Chinese short name, the wrong folder). Used by the loader and by notices."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

ISSUE_NAME = re.compile(r"^([0-9]{4})-([0-9]{1,2})\.md$")  # [0-9]: \d would also take full-width digits
ACTIVITY_NAME = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})-(.+)\.md$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_DIR = re.compile(r"^[0-9]{4}$")
NAMING_FIX = "月刊命名为 2026-12.md，活动命名为 2026-12-05-fire-drill.md（日期-英文小写短名），放在对应年份的文件夹里"

COPY_SUFFIX = re.compile(r"^(?P<base>.+?)(?:\s*-\s*(?:副本|复制|copy)(?:\s*\(\d+\))?|\s*\(\d+\)|\s*的?副本\d*|\s+copy(?:\s*\d+)?)$", re.I)
COPY_PREFIX = re.compile(r"^(?:复件|副本|copy of)\s*(?:\(\d+\)\s*)?(?P<base>.+)$", re.I)
CN_DATE = re.compile(r"^([0-9]{4})\s*年\s*([0-9]{1,2})\s*月(?:\s*([0-9]{1,2})\s*[日号])?\s*(?P<rest>.*)$")
LOOSE_DATE = re.compile(r"^([0-9]{4})\s*[-._/ ]?\s*([0-9]{1,2})(?:\s*[-._/ ]\s*([0-9]{1,2}))?(?:(?:\s*[-_ ]\s*|(?=[^0-9]))(?P<rest>.*))?$")


def looks_like_bulletin(stem: str) -> bool:
    import unicodedata

    stem = unicodedata.normalize("NFKC", stem)
    return bool(CN_DATE.match(stem) or LOOSE_DATE.match(stem))


def slug_fix(written: str, day: str) -> str:
    from kepu.content.slugs import DEFAULT_SLUG, pinyin_slug

    slug = pinyin_slug(written) or DEFAULT_SLUG
    return f"把文件改名为 {day}-{slug}.md（短名用拼音或英文，例如 {slug}、fire-drill）"


def diagnose_name(path: Path, bulletins: Path) -> tuple[str, str]:
    """(what is wrong, how to fix) for a .md file whose name or place kepu does not understand:
    a Windows copy, a Chinese or full-width date, a Chinese short name, the wrong folder."""
    import unicodedata

    path = Path(path)
    name = path.name
    stem = name[:-3]
    norm = unicodedata.normalize("NFKC", stem).strip()
    folder = path.parent

    def place(new_name: str) -> Path:
        year = new_name[:4]
        return bulletins / year / new_name

    def rename(new_name: str) -> str:
        target = place(new_name)
        if target.exists() and target != path:
            return f"正确的文件名是 {new_name}，但它已经存在：把这个文件里要保留的内容合并到 {new_name}，然后删掉「{name}」"
        where = "" if target.parent == folder else f"，放在 bulletins/{target.parent.name}/ 文件夹里"
        return f"把文件改名为 {new_name}{where}"

    copy = COPY_SUFFIX.match(norm) or COPY_PREFIX.match(norm)
    if copy:
        base = copy.group("base").strip()
        fixed = fixed_name(base)
        if fixed:
            target = place(fixed)
            if target.exists() and target != path:
                return (f"「{name}」看起来是 Windows 复制文件时产生的副本，而 {fixed} 已经存在（每个月刊或活动只能有一个文件）",
                        f"把副本里要保留的内容合并到 {fixed}，然后删掉「{name}」")
            return f"「{name}」看起来是 Windows 复制文件时产生的副本", rename(fixed)
    fixed = fixed_name(norm)
    if fixed and fixed != name:
        m = CN_DATE.match(norm)
        if m:
            return "文件名里的日期要写成数字和英文减号，例如 2026-12", rename(fixed)
        m = LOOSE_DATE.match(norm)
        rest = (m.group("rest") or "").strip() if m else ""
        if m and m.group(3) and rest and not SLUG.match(rest):
            return (f"活动文件名里的短名「{rest}」只能用小写英文字母、数字和连字符（-），它会出现在网址里",
                    f"{rename(fixed)}（短名用拼音或英文，例如 fire-drill）")
        if m and not m.group(3) and rest:
            return f"月刊的文件名只写年月，不要加「{rest}」（标题写在文件里的 title: 后面）", rename(fixed)
        if m and m.group(3) and not rest:
            return ("活动文件名要在日期后面加一个短名", f"{rename(fixed)}（短名用拼音或英文，会出现在网址里，例如 fire-drill）")
        if norm != stem:
            return "文件名里有全角数字或符号（中文输入法打出来的）", rename(fixed)
        return "文件名里的年、月、日之间要用英文减号 -", rename(fixed)
    if fixed == name:
        return f"文件名或位置不符合规则：{name} 要放在 bulletins/{name[:4]}/ 文件夹里", f"把它移到 bulletins/{name[:4]}/ 文件夹"
    return "文件名或位置不符合规则，kepu 不知道它是月刊还是活动", NAMING_FIX


def fixed_name(stem: str) -> str | None:
    """The correct file name for a stem like 2026年12月, 2026.12, 2026-12-12 消防 (None if it has no date)."""
    m = CN_DATE.match(stem) or LOOSE_DATE.match(stem)
    if not m:
        return None
    y, mo = int(m.group(1)), int(m.group(2))
    if not 1 <= mo <= 12:
        return None
    if not m.group(3):
        return f"{y:04d}-{mo:02d}.md"
    rest = (m.group("rest") or "").strip()
    if rest and SLUG.match(rest):
        slug = rest
    else:
        from kepu.content.slugs import DEFAULT_SLUG, pinyin_slug

        slug = pinyin_slug(rest) or DEFAULT_SLUG
    return f"{y:04d}-{mo:02d}-{int(m.group(3)):02d}-{slug}.md"


def valid_date(path, problems, y: int, m: int, d: int | None) -> date | None:
    if not 1 <= m <= 12:
        problems.error(path, 0, f"文件名里的月份 {m} 不存在", "月份是 01–12")
        return None
    try:
        return date(y, m, d or 1)
    except ValueError:
        problems.error(path, 0, f"文件名里的日期 {y}-{m:02d}-{d:02d} 不存在", "检查这个月有几天")
        return None
