"""kepu.core.escape: each context gets back exactly the text it was given, as text."""
from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import markdown
import pytest
import yaml

from kepu.core import escape

# the Markdown extensions of mkdocs.yml: what MkDocs renders generated pages with
EXTENSIONS = ["attr_list", "md_in_html", "admonition", "tables", "def_list", "toc", "pymdownx.tilde",
              "pymdownx.superfences"]

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "\"><script>alert(1)</script>",
    "'><svg onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "]]><x>",
    "*重要* _斜_ `码` ~~删~~",
    "[链接](javascript:alert(1)) ![图](x.png)",
    "标题 {: onclick=\"alert(1)\" } {#id}",
    "A & B &amp; &lt;b&gt; &#106;",
    "- 列表", "1. 编号", "# 井号 #", "= 等号", ": 冒号", "> 引用",
    "<https://evil.example/> \\*反斜杠\\*",
    "儿童<6岁、体温>38℃ 要就医",
]


class Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def render(md: str) -> Collect:
    from kepu.engine.unwrap import unwrap_page

    c = Collect()
    c.feed(unwrap_page(markdown.markdown(md, extensions=EXTENSIONS).encode()).decode())  # held blocks put back
    return c


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("where", ["# {}", "## {} {{#p1}}", "{}", "| a |\n|---|\n| {} |",
                                   '<section markdown>\n\n<p class="x">{}</p>\n\n</section>',
                                   '<section markdown>\n\n<p><span title="{}">t</span></p>\n\n</section>',
                                   '<!--kepu:html <p class="x">{}</p> -->',  # kepu's HTML held through the engine
                                   '<!--kepu:html <p><span title="{}">t</span></p> -->'])
def test_text_stays_literal_text_in_every_place_of_a_generated_page(value, where):
    c = render(where.format(escape.text(value)))
    assert set(c.tags) <= {"h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "section", "span"}
    assert [k for k, _ in c.attrs] in ([], ["id"], ["class"], ["title"])
    if "title=" in where:
        assert c.attrs == [("title", value.replace("\n", " "))]
    else:
        assert value in "".join(c.text)


def test_text_in_kepu_html_shows_ampersands_as_typed():
    assert escape.text("A & B") == "A &#38; B"
    assert render(escape.text("A & B &amp;")).text == ["A & B &amp;"]


def test_yaml_str_reads_back_exactly():
    for value in HOSTILE + ['"\\\n\r\t\x00\x1b\u2028\ufeff\U0001F600 end']:
        assert yaml.safe_load("title: " + escape.yaml_str(value))["title"] == value


def test_script_json_cannot_end_its_script_element():
    data = {"t": "</script><script>alert(1)</script><!-- ]]> \u2028 & <"}
    out = escape.script_json(data)
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == data


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"https://evil.example/\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_csv_cells_that_start_a_formula_are_neutralised(cell):
    assert escape.csv_cell(cell) == "'" + cell
    buf = io.StringIO()
    csv.writer(buf).writerow(escape.csv_row([cell, "普通", "12"]))
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == ["'" + cell, "普通", "12"]


def test_csv_leaves_ordinary_cells_alone():
    assert escape.csv_row(["消防演练", "12", "2026-11-07", "a=b"]) == ["消防演练", "12", "2026-11-07", "a=b"]


def test_ics_text_cannot_start_a_new_property():
    import icalendar

    ev = icalendar.Event()
    ev.add("summary", escape.ics_line("讲座\r\nATTENDEE:mailto:evil@example.org\rX-EVIL:1\nEND:VEVENT"))
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add_component(ev)
    raw = cal.to_ical()
    lines = raw.split(b"\r\n")
    assert not [ln for ln in lines if ln.startswith((b"ATTENDEE", b"X-EVIL"))] and lines.count(b"END:VEVENT") == 1
    [back] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert str(back["summary"]).startswith("讲座 ATTENDEE:mailto:evil@example.org X-EVIL:1")
    assert "attendee" not in back


def test_xml_text_and_attributes_survive_a_parser_unchanged():
    """The Atom feed is written from a template: whatever a volunteer types comes back out of
    an XML parser as it was (characters XML cannot hold are dropped)."""
    import xml.etree.ElementTree as ET

    nasty = '防诈 "引号" & <b>粗</b> \'单\' ]]> -- \t制表\r\n换行 &amp; \x01\x0b\ufffe'
    kept = nasty.replace("\x01", "").replace("\x0b", "").replace("\ufffe", "")
    doc = f'<r a="{escape.xml_attr(nasty)}">{escape.xml_text(nasty)}</r>'
    el = ET.fromstring(doc)
    assert el.get("a") == kept and el.text == kept
    assert escape.xml_text("a&b<c>d") == "a&amp;b&lt;c&gt;d"
