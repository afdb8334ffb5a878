"""The topic registry (bulletins/topics.yml): load, check, and resolve a
name, alias or id written by a volunteer to a topic id."""
from __future__ import annotations

import re
from pathlib import Path

from kepu.content.model import Topic
from kepu.content.problems import Problems
from kepu.content.fields import ICON_NAME, guess_hint  # an icon is a name from the icon sets that come with Material, never a path
from kepu.content.readers import frontmatter
from kepu.content.readers.source import read_source
from kepu.content.schema import TOPIC, suggest

# The icons kepu can show (vendored from Material for MkDocs' Material Design Icons, Pictogrammers
# Free License in data/icons/material/LICENSE): the default topics' and a curated set for community
# science topics. Nothing imports `material` or `zensical` for data, so either engine works.
ICONS_DIR = Path(__file__).resolve().parents[1] / "data" / "icons"
TOPIC_KEYS = tuple(f.name for f in TOPIC)


def icon_names() -> list[str]:
    """Every icon name kepu has (material/…), sorted."""
    return sorted(f"{p.parent.name}/{p.stem}" for p in ICONS_DIR.glob("*/*.svg"))


def icon_path(icon: str) -> Path | None:
    """The SVG file of an icon name such as 'material/heart-pulse', or None."""
    if not ICON_NAME.match(icon or ""):
        return None
    path = ICONS_DIR / f"{icon}.svg"
    return path if path.is_file() else None


def icon_svg(icon: str) -> str:
    """Inline SVG of an icon name such as 'material/heart-pulse' ('' for anything else)."""
    path = icon_path(icon)
    return path.read_text(encoding="utf-8") if path else ""


def load_topics(path: Path, problems: Problems) -> dict[str, Topic]:
    if not path.exists():
        problems.error(path, 0, "找不到专题登记表 topics.yml", "从项目模板复制一份 bulletins/topics.yml")
        return {}
    src = read_source(path, problems)
    if src is None:
        return {}
    import yaml

    text = frontmatter.repair(src.text, path, problems)  # Chinese-keyboard mistakes: reported, repaired
    root = frontmatter.compose(text, path, problems, what="topics.yml",
                               fix="对照文件里其他专题的写法检查这一行的冒号、缩进和引号")
    if root is False:
        return {}
    if not isinstance(root, yaml.SequenceNode):
        problems.error(path, 1, "topics.yml 应该是一个列表，每个专题以「- id: …」开头", "参考志愿者指南里的示例")
        return {}
    topics: dict[str, Topic] = {}
    labels: dict[str, tuple[str, int]] = {}
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.error(path, line, "每个专题应写成「- id: …」加若干「键: 值」", "参考文件里其他专题的写法")
            continue
        fields = frontmatter.value_of(item, line).items
        before = len(problems.items)
        values = TOPIC.read(fields, path, problems, with_defaults=True)
        TOPIC.check_required(fields, path, problems, line)
        tid, name, aliases = values["id"], values["name"], values["aliases"]
        if not tid or not name:
            if len(problems.items) == before:  # e.g. id: written as a key of another kind
                problems.error(path, line, "专题缺少 id 或 name", "每个专题都要有 id（英文）和 name（中文名）")
            continue
        if tid in topics:
            problems.error(path, fields["id"].line, f"专题 id「{tid}」重复了", "每个专题的 id 都要不同")
            continue
        for label in [tid, name, *aliases]:
            key = label.lower()
            if key in labels and labels[key][0] != tid:
                problems.error(path, line, f"「{label}」同时是专题「{labels[key][0]}」和「{tid}」的名称或别名",
                               "一个名称只能属于一个专题，删掉其中一个")
            labels[key] = (tid, line)
        topics[tid] = Topic(tid, name, tuple(aliases), values["icon"], values["color"], values["description"])
    return topics


class TopicResolver:
    def __init__(self, topics: dict[str, Topic]):
        self.topics = topics
        self.labels: dict[str, str] = {}
        for t in topics.values():
            for label in (t.id, t.name, *t.aliases):
                self.labels.setdefault(label.lower(), t.id)

    def resolve(self, label: str) -> str | None:
        return self.labels.get(label.strip().lower())

    def valid_names(self) -> str:
        return "、".join(t.name for t in self.topics.values())

    def guess(self, label: str) -> str:
        """The registered name a mistyped label most likely means ("" if none): same pinyin
        (建康 -> 健康), one Chinese character wrong, added or missing, or a close spelling."""
        label = label.strip()
        if not label:
            return ""
        names = {t.name: t.id for t in self.topics.values()}
        candidates = list(dict.fromkeys([*names, *self.labels]))
        if re.search(r"[\u3400-\u9fff]", label):
            sound = _pinyin(label)
            same_sound = [c for c in candidates if sound and _pinyin(c) == sound]
            if same_sound:
                return self._display(same_sound[0])
            near = [c for c in candidates if _one_edit(label, c)]
            if near:
                return self._display(near[0])
        return self._display(suggest(label.lower(), self.labels))

    def _display(self, label: str) -> str:
        """A label as the volunteer should write it: the topic's Chinese name when it is an alias or id."""
        tid = self.labels.get(label.lower()) if label else None
        if tid is None:
            return label
        names = [label] if not label.isascii() else []
        return (names or [self.topics[tid].name])[0]

    def fix_for(self, label: str) -> str:
        return f"{guess_hint(self.guess(label))}可用的专题有：{self.valid_names()}（也可以用 topics.yml 里的别名，或在那里新增专题）"


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text)) if re.fullmatch(r"[\u3400-\u9fff]+", text) else ""


def _one_edit(a: str, b: str) -> bool:
    """True when a and b (at least two characters) differ by one character replaced, added or removed."""
    if a == b or min(len(a), len(b)) < 2 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))
