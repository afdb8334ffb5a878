"""Community settings from mkdocs.yml (`site_name`, `site_url` and the
`extra:` block), checked against kepu.content.schema.MKDOCS like the content:
unknown keys get a did-you-mean, bad values name the option and say what is
wrong, at their own line. `Settings.values` holds the converted `extra:`
(sections as dicts, every field present with its default)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from kepu.content.problems import Problems
from kepu.content.readers.frontmatter import compose, repair, value_of
from kepu.content.readers.source import read_source
from kepu.content.schema import EXTRA, MATERIAL_EXTRA_KEYS, MKDOCS  # noqa: F401 - MATERIAL_EXTRA_KEYS re-exported

# Our keys under extra:, with the Chinese help (from the schema).
EXTRA_KEYS = {f.name: f.help for f in EXTRA}


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
    values: dict = field(default_factory=EXTRA.defaults)  # extra: checked and converted (kepu.content.schema.EXTRA)
    engine: str = ""  # extra.engine: "mkdocs" or "zensical" ("" = the default, kepu.engine.DEFAULT)

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
    text = repair(src.text, path, problems)  # Chinese-keyboard mistakes: reported, repaired to check the rest
    node = compose(text, path, problems, what="mkdocs.yml", aliases=True, fix="检查这一行的冒号、缩进和引号")
    if node is False:
        return settings
    if not isinstance(node, yaml.MappingNode):
        problems.error(path, 1, "mkdocs.yml 应由「键: 值」组成", "参考项目自带的 mkdocs.yml")
        return settings
    if not _check_tags(node, path, problems):
        return settings
    top = value_of(node, 1).items
    values = MKDOCS.read(top, path, problems, with_defaults=True)
    settings.site_name = values["site_name"] or settings.site_name
    settings.site_url = values["site_url"] or ""
    if "site_url" not in top:
        problems.warning(path, 0, "没有设置 site_url：大屏和打印的展板上不会有二维码，也不会生成订阅源（feed.xml）",
                         "在 mkdocs.yml 里加一行 site_url: https://用户名.github.io/仓库名/")
    if "extra" not in top:
        problems.warning(path, 0, "mkdocs.yml 里没有 extra: 社区设置", "参考志愿者指南加上 extra: community: name: …")
        return settings
    settings.values = values["extra"]
    community = settings.values["community"]
    settings.community_name = community["name"] or settings.community_name
    settings.community_address = community["address"] or ""
    settings.community_contact = community["contact"] or ""
    settings.first_issue = settings.values["first_issue"]
    settings.timezone = settings.values["timezone"]
    settings.engine = settings.values["engine"]
    return settings
