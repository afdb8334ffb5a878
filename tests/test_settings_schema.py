"""kepu.content.schema is the single source of truth: the guide's field tables and the
`kepu new` templates match it field by field, and an unknown key anywhere
(front matter, topics.yml, mkdocs.yml extra: and its sections) gives exactly one
did-you-mean message at its own line."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import GOOD_ACTIVITY, GOOD_ISSUE, MKDOCS_YML, REPO

from kepu.views import printing
from kepu.content import schema
from kepu.content.fields import default_text
from kepu.newfile import new_activity, new_issue
from kepu.views.screen.settings import ScreenSettings, parse

GUIDE = REPO / "docs" / "guide"
ISSUE = "bulletins/2026/2026-11.md"
ACT = "bulletins/2026/2026-11-09-fire-drill.md"


def table_rows(text: str, name: str) -> list[list[str]]:
    m = re.search(rf"<!-- kepu:fields {name} -->\n(.*?)\n<!-- /kepu:fields -->", text, re.S)
    assert m, f"the guide has no table for {name}"
    return [[c.strip() for c in row.strip("|").split(" | ")] for row in m.group(1).split("\n")[2:]]


def fields_of(name: str):
    return {"issue": schema.ISSUE, "activity": schema.ACTIVITY, "topic": schema.TOPIC, "extra": schema.EXTRA,
            "community": schema.EXTRA["community"].schema, "screen": schema.EXTRA["screen"].schema,
            "print": schema.EXTRA["print"].schema, "notice": schema.NOTICE, "synonyms": schema.SYNONYM}[name]


@pytest.mark.parametrize("name", sorted(schema.GUIDE_TABLES))
def test_guide_table_is_the_schema(name):
    page, _ = schema.GUIDE_TABLES[name]
    text = (GUIDE / page).read_text(encoding="utf-8")
    rows = table_rows(text, name)
    fields = list(fields_of(name))
    assert [r[0] for r in rows] == [f"`{f.name}`" for f in fields]
    for row, field in zip(rows, fields):
        assert row[2] == field.describe()
        if name in ("issue", "activity", "topic", "notice", "synonyms"):
            assert row[1] == field.need
        else:
            shown = "" if field.default is None or isinstance(field, schema.Section) else default_text(field.default)
            assert row[1] == shown
    # the whole page is exactly what python3 -m kepu.content.schema --write-guide writes
    assert schema.render_guide(text) == text, "run: .venv/bin/python -m kepu.content.schema --write-guide"


def test_render_guide_replaces_a_stale_table():
    stale = "前言\n\n<!-- kepu:fields print -->\n| 设置 | 默认 | 说明 |\n| --- | --- | --- |\n| `size` | A4 | 旧的 |\n<!-- /kepu:fields -->\n"
    fresh = schema.render_guide(stale)
    assert "`size`" not in fresh and "| `paper` | `A4` |" in fresh and fresh.startswith("前言\n\n<!-- kepu:fields print -->\n")


def test_guide_examples_use_only_declared_keys():
    index = (GUIDE / "index.md").read_text(encoding="utf-8")
    examples = re.findall(r"```markdown\n---\n(.*?)\n---\n", index, re.S)
    assert len(examples) == 2
    for block, fields in zip(examples, (schema.ISSUE, schema.ACTIVITY)):
        assert set(yaml.safe_load(block)) <= {f.name for f in fields}
    screen = (GUIDE / "screen.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```yaml\n(extra:\n  screen:\n.*?)```", screen, re.S)
    assert list(yaml.safe_load(block)["extra"]["screen"]) == [f.name for f in schema.EXTRA["screen"].schema]


def front_matter_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return text.split("---\n")[1].strip("\n").split("\n")


def test_new_templates_are_written_from_the_schema(site):
    from kepu.content.config import load_settings
    from kepu.content.problems import Problems

    settings = load_settings(site.root, Problems(site.root))
    issue, _ = new_issue(site.root, "2026-12", settings)
    activity, _ = new_activity(site.root, "2026-12-05", "talk", settings, date_today())
    for path, fields in ((issue, schema.ISSUE), (activity, schema.ACTIVITY)):
        lines = [line for line in front_matter_lines(path) if not re.match(r"^(# )?  - ", line)]  # list items
        written = [re.match(r"^(?:# )?(\w+):", line).group(1) for line in lines]
        assert written == [f.name for f in fields if f.template is not None]
        for line, field in zip(lines, [f for f in fields if f.template is not None]):
            assert line.startswith("# ") == field.commented
            assert field.required <= (not field.commented)  # every required field is filled in
    for name in ("issue.md", "activity.md"):  # no hand-written field left in the template files
        text = (REPO / "scripts" / "kepu" / "templates" / name).read_text(encoding="utf-8")
        assert text.startswith("---\n${front_matter}\n---\n")
    assert f"organizer: {settings.community_name}" in front_matter_lines(activity)


def date_today():
    from conftest import TODAY

    return TODAY


def test_screen_and_print_defaults_are_the_schema():
    screen = schema.EXTRA["screen"].schema
    s = ScreenSettings()
    for field in screen:
        if isinstance(field, schema.Integer):
            assert getattr(s, field.name) == field.default
    assert s.slides == screen["slides"].default and s.reload_at == 4 * 60 and s.night is None
    assert set(printing.PAPERS) == set(schema.EXTRA["print"].schema["paper"].choices)


def test_settings_without_extra_use_the_defaults(site):
    (site.root / "mkdocs.yml").write_text("site_name: 测试\nsite_url: https://example.org/\n", encoding="utf-8")
    result = site.load()
    assert parse(result.site.settings) == ScreenSettings(title="测试")
    assert printing.paper(result.site.settings) == "A4"


# --- one did-you-mean for an unknown key, wherever it is -------------------

def mkdocs_with(block: str) -> str:
    return MKDOCS_YML + block


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


CASES = {
    "issue": (ISSUE, GOOD_ISSUE.replace("summary:", "sumary:"), "sumary", "summary", "错误", "月刊里没有「sumary」这个键"),
    "activity": (ACT, GOOD_ACTIVITY.replace("organizer:", "organiser:"), "organiser", "organizer", "错误",
                 "活动里没有「organiser」这个键"),
    "topic": ("bulletins/topics.yml", None, "colour", "color", "错误", "专题里没有「colour」这个键"),
    "extra": ("mkdocs.yml", mkdocs_with("  scren:\n    night: 关\n"), "scren", "screen", "警告",
              "extra 里没有「scren」这个设置"),
    "community": ("mkdocs.yml", MKDOCS_YML.replace("    contact:", "    contect:"), "contect", "contact", "错误",
                  "extra.community 里没有「contect」这个设置"),
    "screen": ("mkdocs.yml", mkdocs_with("  screen:\n    reload: 关\n"), "reload", "reload_at", "错误",
               "extra.screen 里没有「reload」这个设置"),
    "print": ("mkdocs.yml", mkdocs_with("  print:\n    papr: A3\n"), "papr", "paper", "错误",
              "extra.print 里没有「papr」这个设置"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unknown_key_gives_one_did_you_mean_at_its_line(site, case):
    rel, text, key, meant, severity, message = CASES[case]
    if text is None:
        text = (site.root / rel).read_text(encoding="utf-8").replace("  color:", "  colour:", 1)
    if rel != ISSUE:
        site.write(ISSUE, GOOD_ISSUE)
    site.write(rel, text, dedent=False)
    about = [p for p in site.problems() if f"「{key}」" in p]
    assert about == [f"{rel}:{line_of(text, key + ':')}: {severity}: {message} — 你是不是想写「{meant}」？"]


def test_unknown_key_without_a_close_match_lists_the_keys(site):
    site.write(ACT, GOOD_ACTIVITY.replace("organizer:", "xyz:"))
    site.write(ISSUE, GOOD_ISSUE)
    [p] = [p for p in site.errors() if "「xyz」" in p]
    assert p.endswith("可以用的键有：" + "、".join(f.name for f in schema.ACTIVITY))


def test_material_keys_under_extra_are_left_alone(site):
    site.write("mkdocs.yml", mkdocs_with("  generator: false\n  social:\n    - icon: material/web\n"), dedent=False)
    site.write(ISSUE, GOOD_ISSUE)
    assert [p for p in site.problems() if "mkdocs.yml" in p] == []


def test_chinese_keyboard_mistakes_in_topics_and_mkdocs_are_reported_and_repaired(site):
    topics = (site.root / "bulletins/topics.yml").read_text(encoding="utf-8")
    site.write("bulletins/topics.yml", topics.replace("  name: 健康", "  name：健康", 1), dedent=False)
    site.write("mkdocs.yml", MKDOCS_YML.replace("  timezone: ", "\u3000timezone: "), dedent=False)
    site.write(ISSUE, GOOD_ISSUE)
    result = site.load()
    problems = [p.format() for p in result.problems.sorted()]
    name_line = line_of(topics, "  name: 健康")
    assert problems == [
        f"bulletins/topics.yml:{name_line}: 错误: 「name」后面用了中文冒号「：」 — 改成英文冒号加一个空格：name: ",
        f"mkdocs.yml:{line_of(MKDOCS_YML, 'timezone')}: 错误: 行首用了全角空格（中文输入法下的空格），YAML 只认英文空格"
        " — 换成英文空格，和同一层的其他行对齐"]
    assert result.site.topics["health"].name == "健康"  # repaired in memory: the rest is still checked
