"""The editor's configuration (kepu.views.admin) is generated from the schema and is a valid Sveltia CMS
configuration; /admin/ is in every built site, outside the sitemap and the search index."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import EXAMPLE

from kepu.content import schema
from kepu.content.config import load_settings
from kepu.content.problems import Problems
from kepu.content.topics import load_topics
from kepu.views import admin

VENDOR = Path(admin.__file__).resolve().parents[1] / "theme" / "admin" / "vendor"
# Fields of the config that are no schema field, with the reason.
EXTRA = {
    ("月刊", "body"): "正文（front matter 下面的 Markdown）",
    ("活动", "body"): "正文",
    ("通知", "body"): "正文",
    ("月刊", "location"): "隐藏：月刊和活动在同一个文件夹，编辑器按有没有 location 区分（月刊从不写它）",
}


@pytest.fixture(scope="module")
def made():
    problems = Problems(EXAMPLE)
    settings = load_settings(EXAMPLE, problems)
    topics = load_topics(EXAMPLE / "bulletins" / "topics.yml", problems)
    return settings, topics, admin.config(settings, topics), admin.files(settings, topics)


def test_config_validates_against_the_published_json_schema(made):
    config = yaml.safe_load(made[3]["config.yml"])  # the file as served, not the dict
    published = json.loads((VENDOR / "sveltia-cms.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(config, published)
    assert config["backend"] == {"name": "github", "repo": "guiyuan-kepu/kepu", "branch": "main",
                                 "auth_methods": ["token"], "cms_label_prefix": "kepu/"}
    assert config["publish_mode"] == "editorial_workflow"


def test_every_schema_field_has_a_form_field_and_the_reverse(made):
    config = made[2]
    by_label = {c["label"]: c for c in config["collections"]}
    topics_fields = by_label["专题表"]["files"][0]["fields"][0]["fields"]
    pairs = {"月刊": (schema.ISSUE, by_label["月刊"]["fields"]), "活动": (schema.ACTIVITY, by_label["活动"]["fields"]),
             "通知": (schema.NOTICE, by_label["通知"]["fields"]), "专题": (schema.TOPIC, topics_fields)}
    for where, (declared, fields) in pairs.items():
        names = [f["name"] for f in fields]
        for spec in declared:
            assert spec.name in names, f"{where}.{spec.name} 在编辑器里没有对应的字段"
            field = fields[names.index(spec.name)]
            assert field["label"] == spec.label and field["required"] == spec.required or \
                (where, spec.name) in admin.WIDGET_NOTES, (where, spec.name)
        extra = [n for n in names if n not in declared.by_name and (where, n) not in EXTRA]
        assert extra == [], f"编辑器里的 {where} 字段 {extra} 在 schema.py 里没有，也没有写明原因"
        schema_order = [f.name for f in declared]
        assert [n for n in names if n in declared.by_name] == schema_order  # the saved key order is the schema's


def test_widgets_follow_the_field_kinds_and_limits(made):
    settings, topics, config, _ = made
    act = {f["name"]: f for f in next(c for c in config["collections"] if c["label"] == "活动")["fields"]}
    assert act["date"]["widget"] == "datetime" and act["date"]["time_format"] is False and act["date"]["required"]
    assert act["participants"]["widget"] == "number" and act["participants"]["value_type"] == "int"
    assert act["participants"]["min"] == schema.ACTIVITY["participants"].low
    assert act["cover"]["widget"] == "image" and act["partners"]["widget"] == "list"
    pattern = re.compile(act["time"]["pattern"][0])
    assert pattern.match("14:30-16:00") and pattern.match("9:00") and not pattern.match("下午两点")
    values = [o["value"] for o in act["topics"]["options"]]
    for topic in topics.values():  # names and aliases: what the example files already use stays selected
        assert topic.name in values and set(topic.aliases) <= set(values)
    topic_id = next(c for c in config["collections"] if c["label"] == "专题表")["files"][0]["fields"][0]["fields"][0]
    assert re.compile(topic_id["pattern"][0]).match("anti-fraud") and not re.compile(topic_id["pattern"][0]).match("反诈")


def test_file_names_and_folders_as_kepu_new_makes_them(made):
    config = made[2]
    by_label = {c["label"]: c for c in config["collections"]}
    assert by_label["活动"]["path"] == "{{fields.date | date('YYYY')}}/{{fields.date | date('YYYY-MM-DD')}}-{{slug}}"
    assert by_label["活动"]["folder"] == by_label["月刊"]["folder"] == "bulletins"
    assert by_label["通知"]["folder"] == "bulletins/notices"
    # bulletins/<年>/images/: the CMS resolves it from the entry's path without .md (tests/test_admin_browser.py)
    assert by_label["月刊"]["media_folder"] == "../images" and by_label["月刊"]["public_folder"] == "images"


def test_admin_page_is_chinese_noindex_and_loads_nothing_from_elsewhere(made):
    files = made[3]
    page = files["index.html"].decode("utf-8")
    assert '<html lang="zh-CN">' in page and '<meta name="robots" content="noindex, nofollow">' in page
    assert "@@VERSION@@" not in page and "0.221.1" in page
    for name, data in files.items():
        if name.endswith((".js", ".html", ".json", ".yml")):
            text = data.decode("utf-8")
            assert not re.search(r"https?://(unpkg\.com|cdn\.jsdelivr\.net|fonts\.googleapis|www\.githubstatus\.com/api)", text), name
    assert "sveltia-cms.schema.json" not in " ".join(files)  # the schema is for the tests only


def test_vendored_files_are_the_pinned_ones():
    manifest = json.loads((VENDOR / "VENDOR.json").read_text(encoding="utf-8"))
    import hashlib

    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((VENDOR / rel).read_bytes()).hexdigest() == digest, rel
    assert (VENDOR / "LICENSE.txt").read_text(encoding="utf-8").startswith("MIT License")


def test_built_site_has_admin_outside_sitemap_and_search(built):
    site = built / "site"
    assert (site / "admin" / "index.html").is_file() and (site / "admin" / "config.yml").is_file()
    assert (site / "admin" / "vendor" / "fonts" / "material-symbols-outlined-latin-wght-normal.woff2").is_file()
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8") if (site / "sitemap.xml").exists() else ""
    assert "/admin/" not in sitemap
    for path in (site / "search").rglob("*.json") if (site / "search").exists() else ():
        assert not re.search(r'"u":\s*"(/kepu/)?admin/', path.read_text(encoding="utf-8"))  # no page of the index
    assert not (built / "docs" / "admin").exists()  # never written into docs/
