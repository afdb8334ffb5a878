"""Read every file in bulletins/ once, check it, and build the model.

`load_site(root)` is the only place content files are read; it returns the
model and every problem found (it never stops at the first, and never
changes a file unless fix_encoding is asked for)."""
from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kepu import schema
from kepu.config import Settings, load_settings
from kepu.model import Activity, Image, Issue, Panel, Site
from kepu.problems import Problems
from kepu.readers import body as body_reader
from kepu.readers import frontmatter
from kepu.readers.source import read_source
from kepu.topics import TopicResolver, load_topics

ISSUE_NAME = re.compile(r"^(\d{4})-(\d{1,2})\.md$")
ACTIVITY_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)\.md$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_DIR = re.compile(r"^\d{4}$")
IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif", ".avif"}
OTHER_TEXT = {".markdown", ".txt", ".docx", ".doc", ".wps"}
NAMING_FIX = "月刊命名为 2026-12.md，活动命名为 2026-12-05-fire-drill.md（日期-英文小写短名），放在对应年份的文件夹里"


# Checks that look at the whole model (feature modules add one "module:function"
# entry each; resolved lazily to avoid import cycles). Each: fn(site, problems).
SITE_CHECKS: list[str] = []
SITE_CHECKS.append("kepu.images:check_images")  # photos: corrupt/too big/HEIC; print settings
SITE_CHECKS += ["kepu.screen:check_settings", "kepu.screen:check_panels"]  # lobby screen: extra.screen, panel length


@dataclass
class LoadResult:
    site: Site
    problems: Problems


def load_site(root: Path, *, today: date | None = None, fix_encoding: bool = False) -> LoadResult:
    root = root.resolve()
    problems = Problems(root)
    settings = load_settings(root, problems)
    bulletins = root / "bulletins"
    topics = load_topics(bulletins / "topics.yml", problems)
    resolver = TopicResolver(topics)
    today = today or settings.today()
    issues: list[Issue] = []
    activities: list[Activity] = []
    if not bulletins.is_dir():
        problems.error(bulletins, 0, "找不到内容文件夹 bulletins/", "在站点根目录运行 kepu，或用 --root 指定站点目录")
    else:
        for path in sorted(_walk(bulletins)):
            rel_parts = path.relative_to(bulletins).parts
            name = path.name
            suffix = path.suffix.lower()
            if suffix != ".md":
                if suffix in OTHER_TEXT:
                    problems.warning(path, 0, f"kepu 只读取 .md 文件，这个 {suffix} 文件不会出现在网站上",
                                     "把内容复制到 .md 文件里（可用 kepu new 生成模板）")
                continue
            if path.suffix != ".md":
                problems.error(path, 0, "扩展名要用小写 .md", f"把文件改名为 {path.stem}.md")
            if len(rel_parts) == 1 and name.lower() == "readme.md":
                continue
            m_issue = ISSUE_NAME.match(name.lower())
            m_act = ACTIVITY_NAME.match(name.lower())
            if len(rel_parts) != 2 or not YEAR_DIR.match(rel_parts[0]) or not (m_issue or m_act):
                problems.error(path, 0, "文件名或位置不符合规则，kepu 不知道它是月刊还是活动", NAMING_FIX)
                continue
            folder_year = int(rel_parts[0])
            src = read_source(path, problems, fix_encoding=fix_encoding)
            if src is None:
                continue
            if m_issue:
                issue = _read_issue(src.text, path, m_issue, folder_year, settings, resolver, problems)
                if issue:
                    issues.append(issue)
            else:
                act = _read_activity(src.text, path, m_act, folder_year, resolver, today, problems)
                if act:
                    activities.append(act)
    _check_duplicates(issues, activities, problems)
    issues.sort(key=lambda i: (i.year, i.month))
    activities.sort(key=lambda a: (a.date, a.start.isoformat() if a.start else "", a.slug))
    site = Site(settings, topics, issues, activities, today)
    for spec in SITE_CHECKS:
        module, _, name = spec.partition(":")
        getattr(importlib.import_module(module), name)(site, problems)
    return LoadResult(site, problems)


def _walk(folder: Path):
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for f in filenames:
            if not f.startswith("."):
                yield Path(dirpath) / f


def _valid_date(path, problems, y: int, m: int, d: int | None) -> date | None:
    if not 1 <= m <= 12:
        problems.error(path, 0, f"文件名里的月份 {m} 不存在", "月份是 01–12")
        return None
    try:
        return date(y, m, d or 1)
    except ValueError:
        problems.error(path, 0, f"文件名里的日期 {y}-{m:02d}-{d:02d} 不存在", "检查这个月有几天")
        return None


def _check_year(path, problems, folder_year: int, year: int) -> None:
    if folder_year != year:
        problems.error(path, 0, f"文件名里的年份 {year} 和所在文件夹 {folder_year}/ 不一致",
                       f"把文件移到 bulletins/{year}/ 文件夹，或改正文件名里的年份")


def _read_common(text: str, path, specs, what: str, problems: Problems):
    """Front matter checked against the schema: (FrontMatter, converted values), or None."""
    if not text.strip():
        problems.error(path, 1, "文件是空的", "用 kepu new 生成模板后再填写，或删除这个文件")
        return None
    fm = frontmatter.split(text, path, problems)
    values = schema.convert(fm.fields, specs, path, problems, what=what)
    if fm.present:
        schema.check_required(fm.fields, specs, path, problems, fm.start_line)
    return fm, values


def _read_issue(text, path, m, folder_year, settings: Settings, resolver: TopicResolver, problems) -> Issue | None:
    year, month = int(m.group(1)), int(m.group(2))
    if _valid_date(path, problems, year, month, None) is None:
        return None
    if len(m.group(2)) != 2:
        problems.warning(path, 0, "月份要写两位数", f"把文件改名为 {year}-{month:02d}.md")
    _check_year(path, problems, folder_year, year)
    read = _read_common(text, path, schema.ISSUE_FIELDS, "月刊", problems)
    if read is None:
        return None
    fm, values = read
    number = 0
    if settings.first_issue:
        fy, fmo = settings.first_issue
        number = (year - fy) * 12 + (month - fmo) + 1
        if number < 1:
            problems.error(path, 0, f"这期月刊早于 mkdocs.yml 里 extra.first_issue 设定的第 1 期（{fy}-{fmo:02d}）",
                           "改正 first_issue，或检查文件名里的年月")
    body = body_reader.read_body(fm.body, fm.body_line, split_panels=True)
    _report_body(body, path, problems)
    _report_placeholders(fm.fields, fm.body, fm.body_line, path, problems)
    issue = Issue(year, month, number, values.get("title", f"{year}年{month}月"), path,
                  editors=tuple(values.get("editors", ())), summary=values.get("summary", ""), intro=body.intro)
    issue.cover = _image(values.get("cover"), fm.fields.get("cover"), path, problems)
    if not body.panels:
        if fm.body.strip():
            problems.error(path, body.intro_line, "这期月刊没有展板：每块展板要以「## 【专题】标题」开头",
                           "例如 ## 【健康】冬季流感怎么防")
        else:
            problems.error(path, fm.body_line if fm.present else 1, "只有 front matter，没有正文和展板",
                           "在 --- 下面写展板，每块以「## 【专题】标题」开头")
    anchors: dict[str, int] = {}
    for n, raw in enumerate(body.panels, start=1):
        label, title, anchor = body_reader.split_heading(raw.heading)
        topic = None
        if label is None:
            problems.error(path, raw.line, f"展板「{raw.heading}」没有写专题",
                           f"在标题前加【专题】，例如 ## 【健康】{raw.heading or '标题'}。可用的专题有：{resolver.valid_names()}")
        elif not label:
            problems.error(path, raw.line, "【】里没有写专题", resolver.fix_for(""))
        elif re.search(r"[/、,，·|]", label) and not resolver.resolve(label):
            problems.error(path, raw.line, f"一块展板只能属于一个专题（写的是「{label}」）", "只保留最主要的一个专题")
        else:
            topic = resolver.resolve(label)
            if topic is None:
                problems.error(path, raw.line, f"不认识的专题「{label}」", resolver.fix_for(label))
        if not title:
            problems.error(path, raw.line, "展板没有标题", "在【专题】后面写上标题，例如 ## 【健康】冬季流感怎么防")
        anchor = anchor or f"p{n}"
        if anchor in anchors:
            problems.error(path, raw.line, f"展板锚点 #{anchor} 重复（第 {anchors[anchor]} 行也用了）", "换一个不同的 {#英文名}")
        anchors[anchor] = raw.line
        if not raw.body.strip():
            problems.error(path, raw.line, f"展板「{title or raw.heading}」没有正文", "在标题下面写上展板的文字")
        issue.panels.append(Panel(year, month, n, anchor, title or raw.heading, topic or "", raw.body, raw.line,
                                  body_chars=count_chars(raw.body)))
    issue.images = _images(body.images, path, problems)
    for n, panel in enumerate(issue.panels):  # each panel's own images, by line range
        end = issue.panels[n + 1].line if n + 1 < len(issue.panels) else float("inf")
        panel.images = [img for img in issue.images if panel.line < img.line < end]
    return issue


def _read_activity(text, path, m, folder_year, resolver: TopicResolver, today: date, problems) -> Activity | None:
    y, mo, d, slug = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    when = _valid_date(path, problems, y, mo, d)
    if when is None:
        return None
    _check_year(path, problems, folder_year, y)
    real_slug = Path(path).name[len(Path(path).name) - len(slug) - 3:-3]
    if not SLUG.match(real_slug):
        problems.error(path, 0, f"文件名里的短名「{real_slug}」只能用小写英文字母、数字和连字符（-）",
                       "它会出现在网址里，例如 fire-drill、flu-lecture")
        slug = re.sub(r"[^a-z0-9]+", "-", real_slug.lower()).strip("-") or "activity"
    read = _read_common(text, path, schema.ACTIVITY_FIELDS, "活动", problems)
    if read is None:
        return None
    fm, values = read
    topics: list[str] = []
    for label in values.get("topics", []):
        tid = resolver.resolve(label)
        if tid is None:
            problems.error(path, fm.fields["topics"].line, f"不认识的专题「{label}」", resolver.fix_for(label))
        elif tid not in topics:
            topics.append(tid)
    start, end = values.get("time", (None, None))
    act = Activity(when, slug, values.get("title", slug), values.get("location", ""), tuple(topics), path,
                   start=start, end=end, organizer=values.get("organizer", ""),
                   partners=tuple(values.get("partners", ())), participants=values.get("participants"))
    body = body_reader.read_body(fm.body, fm.body_line, split_panels=False)
    _report_body(body, path, problems)
    _report_placeholders(fm.fields, fm.body, fm.body_line, path, problems)
    act.body = fm.body.strip("\n")
    act.cover = _image(values.get("cover"), fm.fields.get("cover"), path, problems)
    act.images = _images(body.images, path, problems)
    if fm.present and not act.body.strip():
        if act.is_upcoming(today):
            problems.warning(path, fm.body_line, "活动预告没有正文", "在 --- 下面写几句活动介绍：内容、适合谁、怎么报名")
        else:
            problems.error(path, fm.body_line, "只有 front matter，没有活动纪实正文", "在 --- 下面写活动经过、居民反馈等")
    if not act.is_upcoming(today) and act.participants is None and "participants" not in fm.fields:
        problems.warning(path, fm.start_line, "活动已经结束，但没有填写参加人数 participants",
                         "在 front matter 里加一行 participants: 人数（年度统计要用）")
    return act


PLACEHOLDER = "在这里写"  # the templates of `kepu new` start every value to fill with this


def _report_placeholders(fields, text: str, first_line: int, path, problems: Problems) -> None:
    for key, value in fields.items():
        if isinstance(value.raw, str) and PLACEHOLDER in value.raw:
            problems.warning(path, value.line, f"{key} 还是模板里的占位文字「{value.raw}」", "换成真实内容")
    for n, line in enumerate(text.split("\n")):
        if PLACEHOLDER in line or "第一块展板的标题" in line or "第二块展板的标题" in line:
            problems.warning(path, first_line + n, "这一行还是模板里的占位文字", "换成真实内容，或删掉这一行")


def _report_body(body: body_reader.Body, path, problems: Problems) -> None:
    for line in body.h1_lines:
        problems.warning(path, line, "正文里用了一级标题「# 」，网页标题已经来自 title", "删掉这一行，或改成「## 」")
    for line in body.fullwidth_heading_lines:
        problems.error(path, line, "标题用了全角井号「＃＃」", "切换到英文输入法，改成 ## 加空格")
    for risk in body.risks:  # what kepu.sanitize removes when the page is built
        problems.warning(path, risk.line, f"正文里有网站不能显示的内容：{risk.what}，生成网页时已去掉",
                         "删掉它；链接只能用 http(s)、mailto 或 tel，图片请放进 bulletins/ 并用 ![说明](路径) 引用，"
                         "表格、换行、上下标、<details> 等常用 HTML 可以保留")


def _image(written: str | None, value, path: Path, problems: Problems) -> Image | None:
    if not written:
        return None
    ref = body_reader.ImageRef(written, "", value.line if value else 0)
    found = _images([ref], path, problems)
    return found[0] if found else None


def _images(refs, path: Path, problems: Problems) -> list[Image]:
    out: list[Image] = []
    bulletins = _bulletins_dir(path)
    for ref in refs:
        target = ref.target.replace("\\", "/")
        if re.match(r"^(https?:)?//", target):
            problems.warning(path, ref.line, f"图片来自其他网站（{target}），在国内或离线时可能打不开",
                             "把图片下载下来放进 images/ 文件夹，再写相对路径")
            continue
        if target.startswith("data:"):
            problems.warning(path, ref.line, "图片直接嵌在文字里（data:），文件会很大", "把图片另存为文件，再写相对路径")
            continue
        from urllib.parse import unquote

        rel = unquote(target.split("#")[0].split("?")[0])
        if rel.startswith("/") or re.match(r"^[A-Za-z]:", rel):
            problems.error(path, ref.line, f"图片路径「{target}」是电脑上的绝对路径，网站上找不到",
                           "把图片放进 bulletins/ 下的 images/ 文件夹，写相对路径，例如 images/photo.jpg")
            continue
        full = (path.parent / rel).resolve()
        if bulletins not in full.parents:
            problems.error(path, ref.line, f"图片「{target}」不在 bulletins/ 文件夹里", "把图片复制到 images/ 文件夹，再写相对路径")
            continue
        status, actual = exact_case_exists(bulletins, full.relative_to(bulletins))
        if status == "missing":
            problems.error(path, ref.line, f"找不到图片「{target}」", "检查文件名和文件夹；路径是相对于这个 .md 文件的")
            continue
        if status == "case":
            problems.error(path, ref.line, f"图片「{target}」的大小写和实际文件「{actual}」不一致（在 Windows 上能显示，发布后会丢失）",
                           f"把路径改成 {actual}")
            continue
        if full.suffix.lower() not in IMAGE_EXTS:
            problems.error(path, ref.line, f"「{target}」不是支持的图片格式", "使用 JPG、PNG、WebP 或 HEIC 图片")
            continue
        out.append(Image(full, target, ref.alt, ref.line))
    return out


def _bulletins_dir(path: Path) -> Path:
    for parent in Path(path).resolve().parents:
        if parent.name == "bulletins":
            return parent
    return Path(path).resolve().parent


def exact_case_exists(base: Path, rel: Path) -> tuple[str, str]:
    """('ok'|'case'|'missing', actual relative path). Compares names exactly,
    so it behaves the same on case-insensitive Windows/macOS disks and on Linux."""
    current = base
    actual_parts: list[str] = []
    mismatch = False
    for part in rel.parts:
        try:
            names = os.listdir(current)
        except OSError:
            return "missing", ""
        if part in names:
            actual_parts.append(part)
        else:
            match = next((n for n in names if n.lower() == part.lower()), None)
            if match is None:
                return "missing", ""
            actual_parts.append(match)
            mismatch = True
        current = current / actual_parts[-1]
    if not current.is_file():
        return "missing", ""
    return ("case" if mismatch else "ok"), "/".join(actual_parts)


def _check_duplicates(issues: list[Issue], activities: list[Activity], problems: Problems) -> None:
    """Two files for one month, or for one date and short name: report, keep the first."""
    issues[:] = _unique(issues, problems, lambda i, first: (
        f"{i.key} 已经有一期月刊了（{first}）", "每个月只能有一期；把两个文件的展板合并到一个文件里"))
    activities[:] = _unique(activities, problems, lambda a, first: (
        f"同一天已经有同名活动（{first}）", "给其中一个活动换一个短名，例如 fire-drill-2"))


def _unique(items, problems: Problems, message):
    seen: dict[str, object] = {}
    for item in items:
        if item.key in seen:
            problems.error(item.source, 0, *message(item, problems.rel(seen[item.key].source)))
        else:
            seen[item.key] = item
    return list(seen.values())


CJK_OR_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z0-9]+")
MD_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|[#>*_`|\-]")


def count_chars(markdown: str) -> int:
    """Reading length: Han characters plus Latin words/numbers, markup ignored
    (HTML tags parsed away, so `体温>38℃` still counts its 38)."""
    from kepu.sanitize import html_to_text

    return len(CJK_OR_WORD.findall(MD_NOISE.sub(" ", html_to_text(markdown, " "))))
