"""Read every file in bulletins/ once, check it, and build the model.

`load_site(root)` is the only place content files are read; it returns the
model and every problem found in the content (it never stops at the first,
and never changes a file unless fix_encoding is asked for). What the media
and the views check on the model (photos, films, posters, the lobby screen)
is added by kepu.checks.load_and_check, which every command uses."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kepu.core import sanitize
from kepu.content import limits, notices, schema, synonyms
from kepu.content import bulletin
from kepu.content.bulletin import read_front_matter, report_body, report_placeholders
from kepu.core.commands import command
from kepu.content.config import Settings, load_settings
from kepu.content.model import Activity, Image, Issue, Panel, Site, Video
from kepu.content.names import (ACTIVITY_NAME, COPY_PREFIX, COPY_SUFFIX, ISSUE_NAME, SLUG, YEAR_DIR, diagnose_name,
                                looks_like_bulletin, slug_fix, valid_date)
from kepu.content.problems import Problems
from kepu.content.readers import body as body_reader
from kepu.content.readers.source import forget_folders, read_source, realpath
from kepu.content.topics import TopicResolver, load_topics

IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif", ".avif"}
VIDEO_EXTS = {".mp4", ".m4v"}  # short films: MP4 (H.264), checked by kepu.media.films
OTHER_VIDEO_EXTS = {".mov", ".avi", ".mkv", ".webm", ".wmv", ".flv", ".3gp", ".mpg", ".mpeg", ".ts", ".rmvb"}
OTHER_TEXT = {".markdown", ".txt", ".docx", ".doc", ".wps"}



@dataclass
class LoadResult:
    site: Site
    problems: Problems


def load_site(root: Path, *, today: date | None = None, fix_encoding: bool = False,
              cache: dict | None = None) -> LoadResult:
    """`cache`: a dict kept between calls by a long-lived process (kepu serve): each file's front
    matter is parsed once per content and reused (its problems reported again); only the files
    of the last call are kept."""
    if cache is None:
        return _load_site(root, today=today, fix_encoding=fix_encoding)
    used: dict = {}
    token = bulletin.PARSED.set((cache, used))
    try:
        return _load_site(root, today=today, fix_encoding=fix_encoding)
    finally:
        bulletin.PARSED.reset(token)
        cache.clear()
        cache.update(used)



def _load_site(root: Path, *, today: date | None = None, fix_encoding: bool = False) -> LoadResult:
    forget_folders()  # every load sees the folders (and links) as they are now
    root = root.resolve()
    problems = Problems(root)
    settings = load_settings(root, problems)
    bulletins = root / "bulletins"
    topics = load_topics(bulletins / "topics.yml", problems)
    resolver = TopicResolver(topics)
    now = notices.build_now(settings, today)
    found_notices: list = []
    today = today or settings.today()
    issues: list[Issue] = []
    activities: list[Activity] = []
    links: list[tuple[Path, body_reader.LinkRef, set[str]]] = []  # checked once every bulletin is known
    names = tuple((t.id, t.name, t.aliases) for t in topics.values())  # all a bulletin's reading uses of topics
    reads = _Reads.active(bulletins, (names, settings.first_issue, today)) if bulletins.is_dir() else None
    if not bulletins.is_dir():
        problems.error(bulletins, 0, "找不到内容文件夹 bulletins/", "在站点根目录运行 kepu，或用 --root 指定站点目录")
    else:
        for path in sorted(_walk(bulletins)):
            rel_parts = path.relative_to(bulletins).parts
            name = path.name
            suffix = path.suffix.lower()
            if suffix != ".md":
                if suffix == ".txt" and (name.lower().endswith(".md.txt") or looks_like_bulletin(path.stem)):
                    stem = path.name[:-7] if name.lower().endswith(".md.txt") else path.stem
                    problems.error(path, 0, f"文件名是「{name}」：Windows 记事本保存时在后面加了 .txt，kepu 只读 .md 文件，"
                                   "这个文件不会出现在网站上",
                                   f"把文件改名为 {stem}.md（在资源管理器里勾选「查看 → 文件扩展名」才能看到并删掉 .txt；"
                                   "记事本另存为时把「保存类型」选成「所有文件」）")
                    continue
                if suffix in OTHER_TEXT:
                    problems.warning(path, 0, f"kepu 只读取 .md 文件，这个 {suffix} 文件不会出现在网站上",
                                     f"把内容复制到 .md 文件里（可用 {command('new')} 生成模板）")
                continue
            if path.suffix != ".md":
                problems.error(path, 0, "扩展名要用小写 .md", f"把文件改名为 {path.stem}.md")
            if len(rel_parts) == 1 and name.lower() == "readme.md":
                continue
            if len(rel_parts) == 2 and rel_parts[0] == "reports":
                continue  # the officer's report narratives (reports/2026.md), read by kepu report only
            if notices.is_notice(rel_parts):
                notice = notices.read(path, bulletins, settings, now, problems, fix_encoding=fix_encoding)
                found_notices += [notice] if notice else []
                continue
            m_issue = ISSUE_NAME.match(name.lower())
            m_act = ACTIVITY_NAME.match(name.lower())
            if m_act and not SLUG.match(m_act.group(4)) and (COPY_SUFFIX.match(path.stem) or COPY_PREFIX.match(path.stem)):
                m_act = None  # "2026-12-05-fire-drill - 副本.md": a Windows copy, not a short name
            if len(rel_parts) != 2 or not YEAR_DIR.match(rel_parts[0]) or not (m_issue or m_act):
                problems.error(path, 0, *diagnose_name(path, bulletins))
                continue
            folder_year = int(rel_parts[0])

            def read(path=path, m_issue=m_issue, m_act=m_act, folder_year=folder_year):
                src = read_source(path, problems, fix_encoding=fix_encoding)
                if src is None:
                    return None
                if m_issue:
                    return _read_issue(src.text, path, m_issue, folder_year, settings, resolver, problems, links)
                return _read_activity(src.text, path, m_act, folder_year, resolver, today, problems, links)

            got = read() if fix_encoding or reads is None else reads.get(path, read, problems, links)
            if isinstance(got, Issue):
                issues.append(got)
            elif got is not None:
                activities.append(got)
    _check_duplicates(issues, activities, problems)
    _check_links(links, issues, activities, bulletins, problems)
    issues.sort(key=lambda i: (i.year, i.month))
    activities.sort(key=lambda a: (a.date, a.start.isoformat() if a.start else "", a.slug))
    site = Site(settings, topics, issues, activities, today, notices=notices.finish(found_notices, problems),
                synonyms=synonyms.load_synonyms(root, problems))  # site search: bulletins/search-synonyms.yml
    limits.check_panels(site, problems)  # robustness: panel size limit (file size etc. in read_source)
    return LoadResult(site, problems)


class _Reads:
    """kepu serve (load_site(cache=…)): each issue and activity read once per state of its file,
    reused with the problems and links it gave while nothing it depends on besides the file
    changed: the topics' ids, names and aliases, extra.first_issue, today, and which files other than
    Markdown bulletins/ has (a photo it names may have come or gone; the links between bulletins are
    checked after the reads, `_check_links`, so adding an activity reads only that file). A file's state is its stat (size, mtime, ctime, inode): an
    editor's save changes the ctime and usually the inode, which no program can set back."""

    def __init__(self, cache: dict, used: dict, token):
        self.cache, self.used, self.token = cache, used, token

    @classmethod
    def active(cls, bulletins: Path, depends: tuple) -> "_Reads | None":
        caches = bulletin.PARSED.get()
        if caches is None:
            return None
        cache, used = caches
        listing = tuple(os.path.join(d, f) for d, _dirs, files in os.walk(bulletins) for f in sorted(files)
                        if not f.lower().endswith(".md"))  # a bulletin reads no other bulletin (links are checked after)
        state = (depends, listing)
        was = cache.get("reads-state")
        token = was[1] if was is not None and was[0] == state else object()
        used["reads-state"] = (state, token)
        return cls(cache, used, token)

    def get(self, path: Path, read, problems: Problems, links: list):
        try:
            st = os.stat(path)
        except OSError:
            return read()
        key = ("read", os.fspath(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, self.token)
        hit = self.cache.get(key) or self.used.get(key)
        if hit is None:
            before, linked = len(problems.items), len(links)
            hit = (read(), tuple(problems.items[before:]), tuple(links[linked:]))
        else:
            problems.items.extend(hit[1])
            links.extend(hit[2])
        self.used[key] = hit
        return hit[0]


def _walk(folder: Path):
    """Every non-hidden file, never following a folder link. A folder named
    like a content file (x.md) is yielded as a file, for read_source to refuse."""
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        yield from (Path(dirpath) / d for d in dirnames if d.lower().endswith(".md") and not d.startswith("."))
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not d.lower().endswith(".md")]
        for f in filenames:
            if not f.startswith("."):
                yield Path(dirpath) / f


def _check_year(path, problems, folder_year: int, year: int) -> None:
    if folder_year != year:
        problems.error(path, 0, f"文件名里的年份 {year} 和所在文件夹 {folder_year}/ 不一致",
                       f"把文件移到 bulletins/{year}/ 文件夹，或改正文件名里的年份")


def _read_issue(text, path, m, folder_year, settings: Settings, resolver: TopicResolver, problems,
                links: list | None = None) -> Issue | None:
    year, month = int(m.group(1)), int(m.group(2))
    if valid_date(path, problems, year, month, None) is None:
        return None
    if len(m.group(2)) != 2:
        problems.warning(path, 0, "月份要写两位数", f"把文件改名为 {year}-{month:02d}.md")
    _check_year(path, problems, folder_year, year)
    read = read_front_matter(text, path, schema.ISSUE_FIELDS, "月刊", problems, explain={
        "date": (f"月刊的年月来自文件名（{year}-{month:02d}），front matter 里不用写 date",
                 f"删掉这一行；要写就写 month: {year}-{month:02d}")})
    if read is None:
        return None
    fm, values = read
    if "month" in values and values["month"] != (year, month):  # written by the editor (kepu.views.admin)
        written = "{}-{:02d}".format(*values["month"])
        problems.error(path, fm.fields["month"].line, f"month（月份）写的是 {written}，但文件名里的年月是 {year}-{month:02d}",
                       f"两处要一样：删掉 month 这一行，或把文件改名为 {written}.md（放在 {written[:4]}/ 文件夹里）")
    number = 0
    if settings.first_issue:
        fy, fmo = settings.first_issue
        number = (year - fy) * 12 + (month - fmo) + 1
        if number < 1:
            problems.error(path, 0, f"这期月刊早于 mkdocs.yml 里 extra.first_issue 设定的第 1 期（{fy}-{fmo:02d}）",
                           "改正 first_issue，或检查文件名里的年月")
    body = body_reader.read_body(fm.body, fm.body_line, split_panels=True)
    report_body(body, path, problems)
    report_placeholders(fm.fields, fm.body, fm.body_line, path, problems)
    issue = Issue(year, month, number, values.get("title", f"{year}年{month}月"), path,
                  editors=tuple(values.get("editors", ())), summary=values.get("summary", ""), intro=body.intro)
    issue.intro_text, issue.intro_lead = sanitize.plain_text(body.intro), sanitize.lead(body.intro)
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
        text = sanitize.plain_text(raw.body)
        issue.panels.append(Panel(year, month, n, anchor, title or raw.heading, topic or "", raw.body, raw.line,
                                  text=text, lead=sanitize.lead(raw.body), body_chars=sanitize.count_chars(text)))
    issue.images = _images(body.images, path, problems, issue.videos)
    if links is not None:
        links += [(path, link, {i.target for i in body.images}) for link in body.links]
    for n, panel in enumerate(issue.panels):  # each panel's own images, by line range
        end = issue.panels[n + 1].line if n + 1 < len(issue.panels) else float("inf")
        panel.images = [img for img in issue.images if panel.line < img.line < end]
        panel.videos = [v for v in issue.videos if panel.line < v.line < end]
    return issue


def _read_activity(text, path, m, folder_year, resolver: TopicResolver, today: date, problems,
                   links: list | None = None) -> Activity | None:
    y, mo, d, slug = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    when = valid_date(path, problems, y, mo, d)
    if when is None:
        return None
    _check_year(path, problems, folder_year, y)
    real_slug = Path(path).name[len(Path(path).name) - len(slug) - 3:-3]
    if not SLUG.match(real_slug):
        problems.error(path, 0, f"文件名里的短名「{real_slug}」只能用小写英文字母、数字和连字符（-），它会出现在网址里",
                       slug_fix(real_slug, f"{y:04d}-{mo:02d}-{d:02d}"))
        slug = re.sub(r"[^a-z0-9]+", "-", real_slug.lower()).strip("-") or "activity"
    read = read_front_matter(text, path, schema.ACTIVITY_FIELDS, "活动", problems)
    if read is None:
        return None
    fm, values = read
    if "date" in values and values["date"] != when:  # written by the editor (kepu.views.admin): the file name rules
        problems.error(path, fm.fields["date"].line,
                       f"date（日期）写的是 {values['date'].isoformat()}，但文件名里的活动日期是 {when.isoformat()}",
                       f"两处要一样：删掉 date 这一行，或把文件改名，例如 {when.isoformat()}-{slug}.md 改成 "
                       f"{values['date'].isoformat()}-{slug}.md")
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
                   partners=tuple(values.get("partners", ())), participants=values.get("participants"),
                   signup=values.get("signup", ""))
    body = body_reader.read_body(fm.body, fm.body_line, split_panels=False)
    report_body(body, path, problems)
    report_placeholders(fm.fields, fm.body, fm.body_line, path, problems)
    act.body = fm.body.strip("\n")
    act.text, act.lead = sanitize.plain_text(act.body), sanitize.lead(act.body)
    act.body_chars = sanitize.count_chars(act.text)
    act.cover = _image(values.get("cover"), fm.fields.get("cover"), path, problems)
    act.images = _images(body.images, path, problems, act.videos)
    if links is not None:
        links += [(path, link, {i.target for i in body.images}) for link in body.links]
    if fm.present and not act.body.strip():
        if act.is_upcoming(today):
            problems.warning(path, fm.body_line, "活动预告没有正文", "在 --- 下面写几句活动介绍：内容、适合谁、怎么报名")
        else:
            problems.error(path, fm.body_line, "只有 front matter，没有活动纪实正文", "在 --- 下面写活动经过、居民反馈等")
    if not act.is_upcoming(today) and act.participants is None and "participants" not in fm.fields:
        problems.warning(path, fm.start_line, "活动已经结束，但没有填写参加人数 participants",
                         "在 front matter 里加一行 participants: 人数（年度统计要用）")
    return act


def _image(written: str | None, value, path: Path, problems: Problems) -> Image | None:
    if not written:
        return None
    ref = body_reader.ImageRef(written, "", value.line if value else 0)
    found = _images([ref], path, problems)
    return found[0] if found else None


def _images(refs, path: Path, problems: Problems, videos: list | None = None) -> list[Image]:
    """The images of `refs`; short films (![标题](videos/x.mp4)) go to `videos` when given."""
    out: list[Image] = []
    bulletins = _bulletins_dir(path)
    for ref in refs:
        target = ref.target.replace("\\", "/")
        if not target.strip():
            problems.error(path, ref.line, "图片的路径是空的", "在括号里写图片路径，例如 ![说明](images/photo.jpg)")
            continue
        if re.match(r"^(https?:)?//", target):
            problems.warning(path, ref.line, f"图片来自其他网站（{target}），在国内或离线时可能打不开",
                             "把图片下载下来放进 images/ 文件夹，再写相对路径")
            continue
        if target.startswith("data:"):
            problems.warning(path, ref.line, "图片直接嵌在文字里（data:），文件会很大", "把图片另存为文件，再写相对路径")
            continue
        rel = local_path(target)
        if rel.startswith("/") or re.match(r"^[A-Za-z]:", rel) or re.match(r"^[a-z][a-z0-9+.-]*:", rel, re.I):
            problems.error(path, ref.line, f"图片路径「{target}」是电脑上的绝对路径，网站上找不到",
                           "把图片放进 bulletins/ 下的 images/ 文件夹，写相对路径，例如 images/photo.jpg")
            continue
        full = Path(os.path.normpath(Path(realpath(path)).parent / rel))
        if bulletins not in full.parents:
            problems.error(path, ref.line, f"图片「{target}」不在 bulletins/ 文件夹里", "把图片复制到 images/ 文件夹，再写相对路径")
            continue
        status, actual = exact_case_exists(bulletins, full.relative_to(bulletins))
        if status == "missing":
            what = "短片" if videos is not None and full.suffix.lower() in VIDEO_EXTS else "图片"
            problems.error(path, ref.line, f"找不到{what}「{target}」", _missing_file_fix(path, full, bulletins, what))
            continue
        if status == "case":
            written = written_path(path, bulletins / actual)
            problems.error(path, ref.line, f"图片「{target}」的大小写和实际文件「{written}」不一致（在 Windows 上能显示，发布后会丢失）",
                           f"把路径改成 {written}")
            continue
        suffix = full.suffix.lower()
        if videos is not None and suffix in VIDEO_EXTS:
            videos.append(Video(full, ref.target, ref.alt, ref.line))
            continue
        if videos is not None and suffix in OTHER_VIDEO_EXTS:
            problems.error(path, ref.line, f"短片「{target}」是 {suffix[1:].upper()} 格式，电视盒子和手机不一定能播放",
                           "转换成 MP4（H.264）格式再放进来，见志愿者指南「大厅大屏 → 宣传短片」")
            continue
        if suffix not in IMAGE_EXTS:
            problems.error(path, ref.line, f"「{target}」不是支持的图片格式",
                           "使用 JPG、PNG、WebP 或 HEIC 图片" + ("；短片用 MP4 格式" if videos is not None else ""))
            continue
        out.append(Image(full, ref.target, ref.alt, ref.line))
    return out


def local_path(target: str) -> str:
    """A relative path as written (\\, %20, \\_ and ?query/#anchor allowed) -> the file path it means."""
    from urllib.parse import unquote

    path = target.replace("\\", "/").split("#")[0].split("?")[0]
    return unquote(path).strip()


def written_path(source: Path, target: Path) -> str:
    """How to write `target` in `source`: relative to the file's folder, with forward slashes."""
    return Path(os.path.relpath(Path(target).resolve(), Path(source).resolve().parent)).as_posix()


def _missing_file_fix(path: Path, full: Path, bulletins: Path, what: str) -> str:
    """How to fix a path that does not exist: the same name elsewhere, or a near name in that folder."""
    same = sorted(p for p in bulletins.rglob("*") if p.is_file() and p.name.lower() == full.name.lower())
    if same:
        return f"路径是相对于这个 .md 文件的；这个{what}在 {problems_rel(same[0], bulletins)}，应写成 {written_path(path, same[0])}"
    folder = full.parent
    if folder.is_dir():
        import difflib

        names = [n for n in os.listdir(folder) if not n.startswith(".")]
        stem = full.stem.lower()
        near = [n for n in names if Path(n).stem.lower() == stem]
        near = near or difflib.get_close_matches(full.name, names, n=1, cutoff=0.75)
        if near:
            return f"你是不是想写 {written_path(path, folder / near[0])}？（检查文件名和扩展名）"
    return "检查文件名和文件夹；路径是相对于这个 .md 文件的"


def problems_rel(p: Path, bulletins: Path) -> str:
    return "bulletins/" + Path(p).resolve().relative_to(bulletins).as_posix()


LINK_HINT = "链接别的月刊或活动，写它的 .md 文件名（相对于这个文件，例如 2026-10.md 或 ../2025/2025-12.md）；链接其他网站写完整网址 https://…"


def _check_links(links, issues: list[Issue], activities: list[Activity], bulletins: Path, problems: Problems) -> None:
    """Every local link must end up on the site: a bulletin file that was loaded, or an image shown on the page."""
    from kepu.core.urls import REMOTE

    known = {Path(realpath(b.source)) for b in [*issues, *activities]}
    for path, link, image_targets in links:
        target = link.target.strip()
        if not target or target.startswith("#") or REMOTE.match(target):
            continue
        if not sanitize.is_safe_url(target) or sanitize.is_remote(target):
            continue  # kepu.core.sanitize removes it from the page, and report_body warned at this line
        if link.target in image_targets:
            continue  # a [id]: definition used by an image, checked as an image
        if link.kind == "reference" and re.search(r"[\u3400-\u9fff]", target) and not re.search(r"[./]", target):
            problems.error(path, link.line, f"「[{link.text}]: {target}」这一行会被当成链接的定义，在网站上不会显示",
                           f"把英文冒号换成中文冒号，写成 [{link.text}]：{target}，或写成 **{link.text}**：{target}")
            continue
        rel = local_path(target)
        if rel.startswith("/"):
            continue  # site-absolute links are left to the volunteer (MkDocs does not check them)
        full = Path(os.path.normpath(Path(realpath(path)).parent / rel))
        if full in known:
            continue
        if rel.lower().endswith(".md"):
            if full.is_file() and bulletins in full.parents:
                status, actual = exact_case_exists(bulletins, full.relative_to(bulletins))
                if status == "case":
                    written = written_path(path, bulletins / actual)
                    problems.error(path, link.line, f"链接「{target}」的大小写和实际文件「{written}」不一致",
                                   f"把链接改成 {written}")
                    continue
                if status == "ok":
                    continue  # that file has its own errors; it is reported there
            problems.error(path, link.line, f"链接的文件「{target}」不存在", _missing_link_fix(path, full, known))
            continue
        if full.is_file() and full.suffix.lower() in IMAGE_EXTS:
            problems.error(path, link.line, f"链接「{target}」指向一张图片，网站只发布正文里显示的图片",
                           f"要显示这张照片，写成 ![说明]({target})")
        elif full.is_file():
            problems.error(path, link.line, f"链接「{target}」指向 bulletins/ 里的文件，网站不会发布它",
                           "把文件的内容写进正文，或把它放到其他网站后链接完整网址 https://…")
        elif re.match(r"^(?:www\.|[\w-]+\.(?:com|cn|org|net|gov|edu)(?:\.cn)?(?:[/:?#]|$))", rel, re.I):
            problems.error(path, link.line, f"网址「{target}」要以 https:// 开头，否则会被当成本站的文件",
                           f"写成 https://{target}")
        elif full.with_suffix(".md") in known or full.with_name(full.name.rstrip("/") + ".md") in known:
            problems.error(path, link.line, f"链接「{target}」少了 .md", f"写成 {target.rstrip('/')}.md")
        else:
            problems.error(path, link.line, f"链接「{target}」指向的文件不存在", LINK_HINT)


def _missing_link_fix(path: Path, full: Path, known: set[Path]) -> str:
    same = sorted(p for p in known if p.name.lower() == full.name.lower())
    if same:
        return f"路径是相对于这个 .md 文件的，应写成 {written_path(path, same[0])}"
    return LINK_HINT


def _bulletins_dir(path: Path) -> Path:
    real = Path(realpath(path))
    for parent in real.parents:
        if parent.name == "bulletins":
            return parent
    return real.parent


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

