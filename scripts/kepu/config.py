"""Community settings from mkdocs.yml (`site_name`, `site_url` and the
`extra:` block), checked like the content: unknown keys get a did-you-mean,
bad values name the option and say what is wrong."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from kepu.problems import Problems
from kepu.readers.frontmatter import YamlRefused, _to_python, safe_compose
from kepu.readers.source import read_source
from kepu.schema import suggest

# Our keys under extra:, with the Chinese help shown in messages and the guide.
EXTRA_KEYS = {
    "community": "社区信息：name（名称）、address（地址）、contact（联系方式）",
    "first_issue": "第 1 期的月份，例如 2025-12，用来计算「第 N 期」",
    "timezone": "时区，默认 Asia/Shanghai",
    "screen": "大屏（/screen/）设置",
    "print": "打印展板设置",
    "engine": "生成网站用的引擎：mkdocs（默认）或 zensical",
}
# Keys Material for MkDocs itself reads under extra: (left alone).
MATERIAL_EXTRA_KEYS = {"social", "generator", "analytics", "consent", "alternate", "version", "homepage",
                       "tags", "status", "annotate"}
COMMUNITY_KEYS = ("name", "address", "contact")


@dataclass
class Settings:
    root: Path
    site_name: str = "科普橱窗"
    site_url: str = ""
    community_name: str = "社区"
    community_address: str = ""
    community_contact: str = ""
    first_issue: tuple[int, int] | None = None
    timezone: str = "Asia/Shanghai"
    engine: str = ""  # extra.engine: "mkdocs" or "zensical" ("" = the default, kepu.engine.DEFAULT)
    extra: dict = field(default_factory=dict)  # raw extra: for sections other modules check
    extra_lines: dict = field(default_factory=dict)  # key path -> line

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self, now: datetime | None = None) -> date:
        """Today in the community's time zone (never the machine's: CI runs in UTC)."""
        now = now or datetime.now(timezone.utc)
        return now.astimezone(self.tz).date()

    @property
    def base_path(self) -> str:
        """Path part of site_url, e.g. '/kepu/' on GitHub Pages project sites."""
        m = re.match(r"^https?://[^/]+(/.*)?$", self.site_url)
        path = (m.group(1) if m else None) or "/"
        return path if path.endswith("/") else path + "/"


YAML_DEFAULT_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "!ENV", "!relative"}
PYTHON_NAME = "tag:yaml.org,2002:python/name:"


def _check_tags(root, path, problems: Problems) -> bool:
    """MkDocs reads mkdocs.yml with PyYAML's full loader: a tag it cannot
    construct (or one that runs code) would fail or misuse the build after the
    check passed. Only plain values, !ENV, !relative and !!python/name: of
    something that exists are allowed."""
    import importlib

    ok, seen, stack = True, set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        tag = node.tag or ""
        if tag in YAML_DEFAULT_TAGS:
            continue
        if tag.startswith(PYTHON_NAME) and isinstance(node, yaml.ScalarNode):
            module, _, name = tag[len(PYTHON_NAME):].rpartition(".")
            try:
                if module and hasattr(importlib.import_module(module), name):
                    continue
            except Exception:  # noqa: BLE001 - any failure to import is reported below
                pass
            problems.error(path, node.start_mark.line + 1, f"mkdocs.yml 里引用的「{tag[len(PYTHON_NAME):]}」不存在",
                           "检查拼写，或者删掉这一行")
        else:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            problems.error(path, node.start_mark.line + 1, f"mkdocs.yml 里的「{shown}」写法 MkDocs 无法读取或不安全",
                           "删掉它，直接写值")
        ok = False
    return ok


def load_settings(root: Path, problems: Problems) -> Settings:
    settings = Settings(root)
    path = root / "mkdocs.yml"
    if not path.exists():
        problems.error(path, 0, "找不到网站配置文件 mkdocs.yml", "在站点根目录运行 kepu，或用 --root 指定站点目录")
        return settings
    src = read_source(path, problems, strict_controls=True)  # MkDocs reads it too, as it is
    if src is None:
        return settings
    try:
        node = safe_compose(src.text, aliases=True)
    except YamlRefused as exc:
        problems.error(path, exc.line + 1, f"mkdocs.yml 无法读取：{exc.args[1]}", exc.args[2])
        return settings
    except yaml.MarkedYAMLError as exc:
        line = (exc.problem_mark.line + 1) if exc.problem_mark else 0
        problems.error(path, line, "mkdocs.yml 格式错误：这一行的写法读不懂", "检查这一行的冒号、缩进和引号")
        return settings
    if not isinstance(node, yaml.MappingNode):
        problems.error(path, 1, "mkdocs.yml 应由「键: 值」组成", "参考项目自带的 mkdocs.yml")
        return settings
    if not _check_tags(node, path, problems):
        return settings
    top = {k.value: (v, k.start_mark.line + 1) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    if "site_name" in top:
        settings.site_name = str(_to_python(top["site_name"][0]) or "").strip() or settings.site_name
    if "site_url" in top:
        url = str(_to_python(top["site_url"][0]) or "").strip()
        if url and not re.match(r"^https?://[^/\s]+(/\S*)?$", url):
            problems.error(path, top["site_url"][1], f"site_url「{url}」不是完整网址",
                           "写成 https://用户名.github.io/仓库名/ 这样的形式，或删除这一行")
        else:
            settings.site_url = url if not url or url.endswith("/") else url + "/"
    if not settings.site_url and "site_url" not in top:
        problems.warning(path, 0, "没有设置 site_url：大屏和打印的展板上不会有二维码，也不会生成订阅源（feed.xml）",
                         "在 mkdocs.yml 里加一行 site_url: https://用户名.github.io/仓库名/")
    if "extra" not in top:
        problems.warning(path, 0, "mkdocs.yml 里没有 extra: 社区设置", "参考志愿者指南加上 extra: community: name: …")
        return settings
    extra_node, extra_line = top["extra"]
    if not isinstance(extra_node, yaml.MappingNode):
        problems.error(path, extra_line, "extra: 下面应是「键: 值」", "参考项目自带的 mkdocs.yml")
        return settings
    lines = {k.value: k.start_mark.line + 1 for k, _ in extra_node.value}
    extra = {k.value: _to_python(v) for k, v in extra_node.value}
    settings.extra = extra
    settings.extra_lines = lines
    for key in extra:
        if key not in EXTRA_KEYS and key not in MATERIAL_EXTRA_KEYS:
            guess = suggest(key, EXTRA_KEYS)
            problems.warning(path, lines[key], f"extra: 里的「{key}」不是 kepu 认识的设置",
                             f"你是不是想写「{guess}」？" if guess else "可用的设置有：" + "、".join(EXTRA_KEYS))
    community = extra.get("community")
    if community is not None:
        if not isinstance(community, dict):
            problems.error(path, lines["community"], "extra.community 应包含 name、address、contact",
                           "写成多行：community: 换行后缩进两格写 name: 社区名称")
        else:
            for key, value in community.items():
                if key not in COMMUNITY_KEYS:
                    guess = suggest(key, COMMUNITY_KEYS)
                    problems.error(path, lines["community"], f"extra.community 里没有「{key}」这个设置",
                                   f"你是不是想写「{guess}」？" if guess else "可用的有：name、address、contact")
            settings.community_name = str(community.get("name") or "").strip() or settings.community_name
            settings.community_address = str(community.get("address") or "").strip()
            settings.community_contact = str(community.get("contact") or "").strip()
    if "first_issue" in extra:
        raw = str(extra["first_issue"] or "").strip()
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
        if not m or not 1 <= int(m.group(2)) <= 12:
            problems.error(path, lines["first_issue"], f"extra.first_issue「{raw}」不是年月", "写成 2025-12 这样的年-月")
        else:
            settings.first_issue = (int(m.group(1)), int(m.group(2)))
    if "timezone" in extra:
        tz = str(extra["timezone"] or "").strip()
        try:
            ZoneInfo(tz)
            settings.timezone = tz
        except (ZoneInfoNotFoundError, ValueError):
            problems.error(path, lines["timezone"], f"extra.timezone「{tz}」不是有效的时区", "中国大陆写 Asia/Shanghai")
    if "engine" in extra:
        from kepu import engine

        name = str(extra["engine"] or "").strip()
        if name.lower() in engine.ENGINES:
            settings.engine = name.lower()
        else:
            guess = engine.suggest(name)
            problems.error(path, lines["engine"], f"extra.engine「{name}」不是 kepu 能用的网站引擎",
                           (f"你是不是想写 {guess}？" if guess else "") + "可以写 mkdocs（默认）或 zensical，不需要就删掉这一行")
    return settings
