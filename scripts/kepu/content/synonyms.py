"""Search synonyms (同义词): words residents type for what the panels call
otherwise (防诈 for 反诈, 煤气 for 燃气, 中风 for 卒中).

kepu's built-in table is scripts/kepu/data/search_synonyms.yml; a community adds
its own groups in the optional volunteer file bulletins/search-synonyms.yml, in
the same format, checked through the one schema (kepu.content.schema.SYNONYM):

    - words: [煤气, 燃气, 天然气]     # the same thing: each finds the others
    - words: [急救]                    # one way: 急救 also searches these,
      also: [心肺复苏, AED]            #   心肺复苏 does not search 急救

The search index (kepu.views.search_index) puts the table into search/meta.json
and the browser widens a query with it; nothing here knows about the index."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kepu.content.problems import Problems
from kepu.content.readers import frontmatter
from kepu.content.readers.source import read_source
from kepu.content.schema import SYNONYM

FILE = Path("bulletins") / "search-synonyms.yml"
DEFAULTS = Path(__file__).resolve().parents[1] / "data" / "search_synonyms.yml"
MAX_GROUPS = 200  # the whole table is downloaded with every first search of a page
WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9０-９Ａ-Ｚａ-ｚ]")
EXAMPLE = "每组一段，例如：\n- words: [煤气, 燃气, 天然气]"


@dataclass(frozen=True)
class Group:
    words: tuple[str, ...]  # each finds the others
    also: tuple[str, ...] = ()  # found by the words, never the other way
    line: int = 0


def load_synonyms(root: Path, problems: Problems | None = None) -> tuple[Group, ...]:
    """kepu's built-in groups, then the community's (bulletins/search-synonyms.yml, if any).
    Reports the volunteer file's problems when `problems` is given; a bad group is left out."""
    problems = problems if problems is not None else Problems(Path(root))
    own = read_groups(Path(root) / FILE, problems) if (Path(root) / FILE).is_file() else ()
    return builtin() + own


_BUILTIN: tuple[Group, ...] | None = None


def builtin() -> tuple[Group, ...]:
    """kepu's own table (tests check it reads without a problem)."""
    global _BUILTIN
    if _BUILTIN is None:
        _BUILTIN = read_groups(DEFAULTS, Problems(DEFAULTS.parent))
    return _BUILTIN


def read_groups(path: Path, problems: Problems) -> tuple[Group, ...]:
    src = read_source(path, problems)
    if src is None:
        return ()
    import yaml

    text = frontmatter.repair(src.text, path, problems)  # Chinese-keyboard mistakes: reported, repaired
    root = frontmatter.compose(text, path, problems, what=path.name,
                               fix="对照文件里其他组的写法检查这一行：每组以「- words: [词甲, 词乙]」开头，冒号和逗号后面加空格")
    if root is False or root is None:
        return ()
    if not isinstance(root, yaml.SequenceNode):
        problems.error(path, root.start_mark.line + 1, f"{path.name} 应该是一个列表，每组同义词以「- words: 」开头", EXAMPLE)
        return ()
    groups: list[Group] = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.error(path, line, "每组同义词应写成「- words: [词甲, 词乙]」", EXAMPLE)
            continue
        fields = frontmatter.value_of(item, line).items
        before = len(problems.errors)
        values = SYNONYM.read(fields, path, problems, with_defaults=True)
        SYNONYM.check_required(fields, path, problems, line)
        if len(problems.errors) > before or not values.get("words"):
            continue
        words = _checked(values["words"], _line(fields, "words", line), path, problems)
        also = _checked(values["also"], _line(fields, "also", line), path, problems) if values["also"] else []
        if words is None or also is None:
            continue
        also = [w for w in also if w not in words]
        if len(words) + len(also) < 2:
            problems.error(path, line, f"这一组只有一个词「{words[0]}」，搜它不会多找到什么",
                           "在 words 里再写一个意思相同的词，或加一行 also: [也要搜的词]")
            continue
        groups.append(Group(tuple(words), tuple(also), line))
    if len(groups) > MAX_GROUPS:
        problems.warning(path, groups[MAX_GROUPS].line, f"同义词有 {len(groups)} 组，超过 {MAX_GROUPS} 组",
                         "每次搜索都要先下载整张同义词表，请删掉不常用的组，让手机上的搜索保持快速")
    return tuple(groups)


def _line(fields: dict, name: str, default: int) -> int:
    return next((v.line for k, v in fields.items() if str(k).strip().lower() == name), default)


def _checked(words: list[str], line: int, path: Path, problems: Problems) -> list[str] | None:
    """The words in order without repeats, or None after reporting one that cannot be searched for."""
    out: list[str] = []
    for w in words:
        if re.search(r"\s", w):
            problems.error(path, line, f"「{w}」中间有空格，搜索时会被当成几个词",
                           "去掉空格；要写几个词，用逗号分开：[词甲, 词乙]")
            return None
        if len(WORD.findall(w)) < 2:
            problems.error(path, line, f"「{w}」太短：同义词至少要有两个汉字、字母或数字",
                           "写完整的词，例如 煤气、AED；一个字会把很多不相干的内容也找出来")
            return None
        if w in out:
            problems.warning(path, line, f"「{w}」在这一组里写了两次", "删掉重复的那个")
            continue
        out.append(w)
    return out

