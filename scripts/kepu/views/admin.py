"""/admin/: the volunteers' form editor (Sveltia CMS, vendored in theme/admin/vendor/).

Everything the editor knows about kepu's files comes from the one schema
(kepu.content.schema): `config(settings, topics)` turns each field of 月刊, 活动,
通知 and 专题表 into a CMS field (label, hint, required, widget by kind, the
same pattern and limits as the checker where the CMS can express them), with
folders and file names as `kepu new` makes them. The few fields that are
written differently in the form are in WIDGET_NOTES with the reason; a test
compares the two both ways (tests/test_admin_config.py).

`files(settings, topics)` is the whole folder as {relative path: bytes}: the
page (theme/admin/index.html, Chinese, noindex), the generated config.yml,
kepu's own editor script (the 展板 component) and the vendored CMS. `kepu
build` writes it into the built site after the engine (so it is in no
sitemap, no search index and never in docs/); `kepu serve` answers /admin/
from it directly.
"""
from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import yaml

from kepu.content import schema
from kepu.content.fields import (URL, Boolean, BulletinPath, Choice, ChoiceList, Colour, Date, DateTime, Icon, Integer,
                                 Month, Text, TextList, Time, TimeSpan)

FOLDER = "admin"
THEME = "admin"  # scripts/kepu/theme/admin/
NOT_PUBLISHED = {"vendor/sveltia-cms.schema.json", "vendor/VENDOR.json"}  # used by tests and the refresh only
BRANCH = "main"

# Where the form differs from a plain one-to-one field, and why (tests/test_admin_config.py reads these).
WIDGET_NOTES = {
    ("活动", "topics"): "专题从 topics.yml 里选，写进文件的是专题的中文名",
    ("活动", "time"): "没有「开始-结束」的时间控件：用文字框，格式由 pattern 检查（和检查命令一样）",
    ("活动", "date"): "活动日期写在文件名里：表单里选日期，文件名和文件夹由它生成",
    ("月刊", "month"): "月刊的年月写在文件名里：表单里选月份，文件名和文件夹由它生成",
}

TIME_SPAN = r"^\s*\d{1,2}:\d{2}(\s*-\s*\d{1,2}:\d{2})?\s*$"


def repo_of(settings) -> str:
    """owner/name of the site's GitHub repository: extra.repo, else from site_url (owner.github.io/name/)."""
    written = (settings.values.get("repo") or "").strip()
    if written:
        return written
    m = re.match(r"^https?://([a-z0-9-]+)\.github\.io/([^/]+)/?", settings.site_url or "", re.I)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    m = re.match(r"^https?://([a-z0-9-]+)\.github\.io/?$", settings.site_url or "", re.I)
    return f"{m.group(1)}/{m.group(1)}.github.io" if m else ""


def _hint(spec) -> str:
    text = spec.describe()
    text = re.sub(r"`([^`]*)`", r"\1", text)  # the guide's code marks read as plain text in a form
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return text


def field(spec, where: str, topic_names: list[str]) -> dict:
    """One CMS field for a schema field."""
    out = {"name": spec.name, "label": spec.label, "hint": _hint(spec), "required": bool(spec.required)}
    if where == "活动" and spec.name == "date":
        # Required in the form: the new file's name comes from it (kepu new and the example write it too;
        # a hand-written activity without it gets it when first saved in the form).
        out.update(widget="datetime", format="YYYY-MM-DD", time_format=False, required=True,
                   hint="活动那一天。新建活动时，文件名和文件夹按这个日期起（例如 2026/2026-12-05-huodong.md），保存后就不能改了")
    elif where == "月刊" and spec.name == "month":
        out.update(widget="datetime", format="YYYY-MM", date_format="YYYY-MM", time_format=False, required=True,
                   hint="这期是哪年哪月的（选那个月的任意一天）。新建月刊时文件名按它起，例如 2026/2026-12.md；11 月里准备 12 月的月刊就选 12 月")
    elif where == "活动" and spec.name == "topics":
        out.update(widget="select", multiple=True, options=topic_names, min=1, dropdown_threshold=0,
                   hint="从列表里选一个或几个专题（专题在「专题表」里管理）")
    elif isinstance(spec, TimeSpan):
        out.update(widget="string", pattern=[TIME_SPAN, "写成 14:30-16:00 这样的「开始-结束」，只有开始时间就写 9:00"],
                   hint="写成 14:30-16:00 这样的「开始-结束」（24 小时制）；只有开始时间就写 9:00，全天活动不用写")
    elif isinstance(spec, Integer):
        out.update(widget="number", value_type="int", min=spec.low)
        if spec.high < 9_999_999:
            out["max"] = spec.high
    elif isinstance(spec, ChoiceList):
        out.update(widget="select", multiple=True, options=list(spec.choices))
    elif isinstance(spec, Choice):
        out.update(widget="select", options=list(spec.choices))
    elif isinstance(spec, Boolean):
        out.update(widget="boolean")
    elif isinstance(spec, Date):
        out.update(widget="datetime", format="YYYY-MM-DD", time_format=False)
    elif isinstance(spec, DateTime):
        out.update(widget="datetime", format="YYYY-MM-DD HH:mm", date_format="YYYY-MM-DD", time_format="HH:mm")
    elif isinstance(spec, Month):
        out.update(widget="string", pattern=[r"^\d{4}-\d{2}$", "写成 2026-12 这样的年-月"])
    elif isinstance(spec, Time):
        out.update(widget="datetime", format="HH:mm", date_format=False, time_format="HH:mm")
    elif isinstance(spec, TextList):
        out.update(widget="list")
    elif isinstance(spec, BulletinPath):
        out.update(widget="image", choose_url=False)
    elif isinstance(spec, Colour):
        out.update(widget="color")
    elif isinstance(spec, Icon):
        out.update(widget="string", pattern=[r"^(material|octicons|simple|fontawesome/(brands|regular|solid))/[a-z0-9-]+$",
                                             "写图标名，例如 material/heart-pulse"])
    elif isinstance(spec, URL):
        out.update(widget="string", pattern=[r"^https?://\S+$", "写以 https:// 开头的完整网址"])
    elif isinstance(spec, Text):
        out.update(widget="string")
        if spec.pattern:
            out["pattern"] = [f"^{spec.pattern}$", spec.pattern_what]
    else:
        raise TypeError(f"no CMS widget for {spec!r}")
    if spec.default not in (None, "", ()) and not isinstance(spec.default, (tuple, list)):
        out["default"] = spec.default
    return out


BODY = {"name": "body", "label": "正文", "widget": "markdown", "required": False,
        "hint": "用 Markdown 写，和直接编辑文件一样；插入照片用工具栏的图片按钮"}


def _fields(s, where, topic_names, body_hint=""):
    fields = [field(spec, where, topic_names) for spec in s.fields]
    if body_hint:
        fields.append({**BODY, "hint": body_hint})
    return fields


def config(settings, topics) -> dict:
    """The CMS configuration (as a dict) for this site."""
    names = []  # every topic's name, then its aliases (an alias written by hand stays selected)
    for t in (topics.values() if isinstance(topics, dict) else ()):
        names.append({"label": t.name, "value": t.name})
        names += [{"label": f"{alias}（{t.name}）", "value": alias} for alias in t.aliases]
    # bulletins/<年>/images/: the CMS resolves a relative media folder from the entry path without ".md"
    # (bulletins/2027/2027-01/), hence "../images"; the file gets the path relative to itself (images/…)
    media = {"media_folder": "../images", "public_folder": "images"}
    common = {"format": "frontmatter", "extension": "md", "create": True, **media}
    issue_fields = _fields(schema.ISSUE, "月刊", names,
                           "本期导语（可以不写），然后是每一块展板：点工具栏的「插入」→「展板」，选专题、写标题，再在下面写展板正文（先按一下回车，另起一行再插入）")
    # 月刊 and 活动 share bulletins/<年>/: an activity always has a location, an issue never has one.
    # The CMS filters only on a declared field, so the issue form declares it, hidden and never written.
    issue_fields.append({"name": "location", "label": "地点", "widget": "hidden"})
    activity_fields = _fields(schema.ACTIVITY, "活动", names,
                              "活动预告：写清楚内容、适合谁、带什么、怎么报名；活动结束后改写成活动纪实")
    notice_fields = _fields(schema.NOTICE, "通知", names, "通知正文：什么时候、哪些楼、要提前做什么准备、有问题打什么电话")
    for f in notice_fields:
        if f["name"] == "level":
            f.update(widget="select", options=list(schema.NOTICE_LEVELS), default=schema.NOTICE_LEVELS[0])
    collections = [
        {"name": "issues", "label": "月刊", "label_singular": "月刊", "folder": "bulletins",
         "description": "每月一期的科普展板", **common,
         "path": "{{fields.month | date('YYYY')}}/{{fields.month | date('YYYY-MM')}}", "slug": "{{fields.month}}",
         "filter": {"field": "location", "value": None},
         "summary": "{{title}}", "sortable_fields": ["title"], "fields": issue_fields},
        {"name": "activities", "label": "活动", "label_singular": "活动", "folder": "bulletins",
         "description": "社区科普活动的预告和纪实", **common,
         "path": "{{fields.date | date('YYYY')}}/{{fields.date | date('YYYY-MM-DD')}}-{{slug}}", "slug": "huodong",
         "filter": {"field": "location", "pattern": "^(?!null$)\\S"},  # the CMS tests a missing field as the text "null"
         "summary": "{{title}}（{{location}}）", "fields": activity_fields},
        {"name": "notices", "label": "通知", "label_singular": "通知", "folder": "bulletins/notices",
         "description": "网站和大屏顶部的紧急通知（停水、停电等）", **common,
         "path": "{{year}}-{{month}}-{{day}}-tongzhi", "slug": "{{year}}-{{month}}-{{day}}-tongzhi",
         "summary": "{{title}}", "fields": notice_fields},
        {"name": "settings", "label": "专题表", "description": "所有专题：名称、别名、图标和颜色",
         "files": [{"name": "topics", "label": "专题表", "file": "bulletins/topics.yml", "format": "yaml",
                    "fields": [{"name": "topics", "label": "专题", "label_singular": "专题", "widget": "list",
                                "root": True, "summary": "{{fields.name}}（{{fields.id}}）",
                                "fields": _fields(schema.TOPIC, "专题", names)}]}]},
    ]
    out = {
        "backend": {"name": "github", "repo": repo_of(settings) or "用户名/仓库名", "branch": BRANCH,
                    "auth_methods": ["token"], "cms_label_prefix": "kepu/"},
        "publish_mode": "editorial_workflow",
        "site_url": settings.site_url or None,
        "display_url": settings.site_url or None,
        "app_title": f"{settings.site_name} · 编辑器",
        "media_folder": "bulletins/images",
        "public_folder": "images",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-", "lowercase": True},
        # uploaded photos renamed as the global slug option says (no spaces or brackets: kepu check accepts them);
        # no stock-photo providers (they are other sites)
        "media_libraries": {"default": {"config": {"slugify_filename": True}}, "stock_assets": {"providers": []}},
        "output": {"omit_empty_optional_fields": True, "yaml": {"quote": "none", "indent_sequences": True}},
        "collections": collections,
    }
    return {k: v for k, v in out.items() if v is not None}


def config_yaml(settings, topics) -> str:
    head = "# 由 kepu 根据 scripts/kepu/content/schema.py 自动生成，请不要手改\n"
    return head + yaml.safe_dump(config(settings, topics), allow_unicode=True, sort_keys=False, width=1000)


def _theme() -> Path:
    return Path(str(resources.files("kepu").joinpath("theme", THEME)))


def files(settings, topics) -> dict[str, bytes]:
    """Every file of /admin/, relative to it."""
    theme = _theme()
    out: dict[str, bytes] = {}
    for path in sorted(theme.rglob("*")):
        rel = path.relative_to(theme).as_posix()
        if path.is_file() and rel not in NOT_PUBLISHED:
            out[rel] = path.read_bytes()
    version = json.loads((theme / "vendor" / "VENDOR.json").read_text(encoding="utf-8"))["version"]
    out["index.html"] = out["index.html"].replace(b"@@VERSION@@", version.encode())
    out["config.yml"] = config_yaml(settings, topics).encode("utf-8")
    names = [t.name for t in topics.values()] if isinstance(topics, dict) else list(topics)
    out["topics.json"] = json.dumps(names, ensure_ascii=False).encode("utf-8")
    return out


def write(site_dir: Path, settings, topics) -> int:
    """Write /admin/ into a built site (after the engine); returns the number of files."""
    import os

    folder = site_dir / FOLDER
    written = files(settings, topics)
    for rel, data in written.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # never writes through a hard link shared with an older preview build
    return len(written)


def read(root: Path, rel: str) -> bytes | None:
    """One file of /admin/ for kepu serve, made from the site's current settings and topics (None: no such file)."""
    from kepu.content.config import load_settings
    from kepu.content.problems import Problems
    from kepu.content.topics import load_topics

    rel = rel or "index.html"
    if rel not in ("index.html", "config.yml", "topics.json"):
        path = _theme().joinpath(*rel.split("/"))
        return path.read_bytes() if rel not in NOT_PUBLISHED and path.is_file() else None
    problems = Problems(root)
    made = files(load_settings(root, problems), load_topics(root / "bulletins" / "topics.yml", problems))
    return made.get(rel)
