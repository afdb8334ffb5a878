"""generate/components.py and the page templates in theme/pages/: volunteer
text reaches the markup only escaped, kepu's own pieces keep their structure."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from conftest import GOOD_ACTIVITY, GOOD_ISSUE

from kepu.views.pages import components
from kepu.core.templating import THEME

HOSTILE = '<img src=x onerror=alert(1)>*重要*#[链接](javascript:alert(1)){: onclick=x}'


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    p.close()
    return p


@pytest.fixture
def model(site):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE.replace("流感疫苗要趁早", "流感疫苗 " + HOSTILE))
    site.write("bulletins/2026/2026-12-05-fire-drill.md",
               GOOD_ACTIVITY.replace("消防疏散演练", "演练 " + HOSTILE).replace("社区广场", "广场 <b>"))
    site.write("bulletins/2026/2026-11-07-talk.md", GOOD_ACTIVITY.replace("消防疏散演练", "讲座"))
    return site.load().site


def test_activity_list_escapes_volunteer_text_and_marks_upcoming(model):
    html = components.activity_list(model, model.activities, "activities/")
    p = parse(html)
    assert [t for t, _ in p.tags].count("img") == 0 and "onerror" not in html.replace("onerror=alert", "")
    assert "".join(p.text).count(HOSTILE) == 1  # shown exactly as written
    assert not re.search(r"[*\[\]{}#](?![0-9]+;)", re.sub(r"&#\d+;", "", html))  # nothing Markdown could read
    items = [a for t, a in p.tags if t == "li"]
    assert [i["data-date"] for i in items] == ["2026-11-07", "2026-12-05"]
    assert items[0]["class"] == "kp-act" and items[1]["class"] == "kp-act kp-act--upcoming"
    assert [a["href"] for t, a in p.tags if t == "a"] == ["../2026/11/07-talk/", "../2026/12/05-fire-drill/"]
    assert "86 人参加" in html and html.count("人参加") == 1  # participants only for held activities
    hidden = parse(components.activity_list(model, model.activities, "", hidden=True, upcoming=False))
    assert all("hidden" in a for t, a in hidden.tags if t == "li") and "预告" not in "".join(hidden.text)
    assert components.activity_list(model, [], "") == ""


def test_panel_cards_and_chips(model):
    issue = model.issues[0]
    html = components.panel_cards(model, issue, "")
    p = parse(html)
    cards = [a for t, a in p.tags if t == "a"]
    assert [c["href"] for c in cards] == ["2026/11/#p1", "2026/11/#p2"]
    assert cards[0]["style"] == f"--kp-c:{model.topics['health'].color}"
    assert HOSTILE in "".join(p.text) and [t for t, _ in p.tags].count("img") == 0
    assert "接种流感疫苗是预防流感最有效的手段。" in html  # the excerpt is the model's plain text
    chips = parse(components.chips(model, ("safety", "unknown", "disaster"), "2026/12/05-fire-drill/"))
    assert [a["href"] for t, a in chips.tags if t == "a"] == ["../../../topics/safety/", "../../../topics/disaster/"]
    assert sum(1 for t, _ in chips.tags if t == "svg") == 2  # each topic's icon


def test_tel_links_make_phone_numbers_tappable_and_escape_the_rest():
    html = components.tel_links("报名电话 0571-8800 0000 或 120，<b>不要</b>打 2026年")
    tels = [a for t, a in parse(html).tags if t == "a"]
    assert [a["href"] for a in tels] == ["tel:057188000000", "tel:120"]
    assert "&#60;b&#62;不要&#60;/b&#62;" in html and "2026年" in html


def test_front_matter_reads_back_as_written():
    import yaml

    fm = components.front_matter('标题: "引号" #井号', hide=("navigation", "toc"), description="说明\n换行",
                                 extra={"image": "a: b"})
    assert fm.startswith("---\n") and fm.endswith("\n---\n")
    data = yaml.safe_load(fm.strip("-\n"))
    assert data == {"title": '标题: "引号" #井号', "description": "说明\n换行", "hide": ["navigation", "toc"],
                    "image": "a: b"}


def test_generated_pages_escape_volunteer_text(model):
    """Rendered the way the engine renders them (then kepu's HTML blocks taken out of their
    comments, as after the engine), the pages show the hostile title as text."""
    import markdown

    from kepu.build import generate_all
    from kepu.core.templating import SITE_EXTENSIONS
    from kepu.engine.unwrap import unwrap_page

    files = generate_all(model).files
    for rel in ("index.md", "2026/11/index.md", "2026/12/05-fire-drill/index.md", "activities/index.md",
                "archive/2026/index.md", "topics/safety/index.md", "stats/2026/index.md"):
        body = files[rel].decode().split("\n---\n", 1)[1]
        p = parse(unwrap_page(markdown.markdown(body, extensions=SITE_EXTENSIONS).encode()).decode())
        assert not [a for t, a in p.tags if t == "img" or any(k.startswith("on") for k in a)], rel
        assert not [a for t, a in p.tags if "javascript" in (a.get("href") or "")], rel
        assert HOSTILE in "".join(p.text), rel  # shown exactly as written
        if rel in ("index.md", "activities/index.md", "2026/12/05-fire-drill/index.md"):
            assert "广场 <b>" in "".join(p.text), rel


def test_no_page_markup_left_in_python():
    """The look lives in theme/: the page generators hold no kp- markup of their own."""
    from pathlib import Path

    generate = Path(components.__file__).parent
    for path in [*generate.glob("*.py"), generate.parent / "stats.py", generate.parent / "calendar_ics.py"]:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"""<[a-z]+ class=["']kp-""", source), path.name
    assert (THEME / "pages" / "components.html").is_file() and (THEME / "stats" / "month_chart.svg").is_file()


def test_templates_are_valid_jinja():
    from kepu.core.templating import environment

    env = environment()
    names = [p.relative_to(THEME).as_posix() for p in (THEME / "pages").iterdir()]
    names += [p.relative_to(THEME).as_posix() for p in (THEME / "stats").iterdir()]
    for name in names:
        env.get_template(name)  # raises on a syntax error
    assert env.get_template("pages/components.html").module.icon  # the macros load


def test_stats_chart_is_proportional_and_escaped(site):
    from kepu.views import stats

    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    model = site.load().site
    s = stats.year_stats(model, 2026)
    s.topics[0].name = "<script>x</script>"
    svg = stats.topic_chart(s, "panels", "各专题 <展板>", "块")
    assert svg.startswith('<svg class="kp-chart__svg"') and svg.endswith("</svg>")
    assert "<script>" not in svg and "&#60;script&#62;" in svg and 'aria-label="各专题 &#60;展板&#62;"' in svg
    chart = stats.month_chart(s, "panels", "每月展板块数", "块")
    assert chart.count("<rect") == 1 and "<title>11月：2块</title>" in chart  # the one month with panels


def test_html_block_holds_kepus_block_in_a_comment_and_unwrap_puts_it_back():
    """Generated pages hold kepu's HTML blocks in <!--kepu:html … --> comments through the
    engine; only a whole block that cannot end the comment early is held."""
    import markdown

    from kepu.core.templating import SITE_EXTENSIONS, environment, html_block
    from kepu.engine.unwrap import unwrap_page

    block = '<dl class="kp-info" data-date="2026-11-07"><div><dt>日期</dt><dd style="--kp-c:#123">a &#62; b</dd></div></dl>'
    assert html_block(block) == f"<!--kepu:html {block} -->"
    assert html_block(f"\n{block}\n\n") == f"\n<!--kepu:html {block} -->\n\n"  # whitespace stays outside
    assert html_block("</div>") == "<!--kepu:html </div> -->"
    for as_is in ("", "\n", "<span>行内</span>", "文字 <b>x</b>", "<p>a --> b</p>", "<p>a --!> b</p>", "<p>a -- > b</p>"):
        assert html_block(as_is) == as_is  # not a block, or it would end the comment: the engine parses it
    # the Markdown engine copies the comment; unwrap gives back the block, no <p> around it
    page = f"# 标题\n\n{html_block(block)}\n\n正文 *强调*\n"
    out = unwrap_page(markdown.markdown(page, extensions=SITE_EXTENSIONS).encode()).decode()
    assert out == markdown.markdown(f"# 标题\n\n{block}\n\n正文 *强调*\n", extensions=SITE_EXTENSIONS)
    assert block in out and "kepu:html" not in out
    # in a template: a filter and a filter block; in an autoescaped template a plain string is text
    env = environment()
    assert env.from_string("{% filter html_block %}<p>{{ x }}</p>{% endfilter %}").render(x="<b>") == \
        "<!--kepu:html <p>&lt;b&gt;</p> -->"
    assert env.from_string("{{ x|html_block }}").render(x="<p>x</p>") == "&lt;p&gt;x&lt;/p&gt;"


def test_unwrap_takes_off_only_whole_marks():
    from kepu.engine.unwrap import unwrap_page

    page = b'<!-- \xe6\x9c\xac\xe9\xa1\xb5 -->\n<!--kepu:html <ul><li>1</li></ul> -->\n<p>x --> y</p>\n<!--kepu:html </div> -->'
    assert unwrap_page(page) == b'<!-- \xe6\x9c\xac\xe9\xa1\xb5 -->\n<ul><li>1</li></ul>\n<p>x --> y</p>\n</div>'
    assert unwrap_page(b"<p>a</p><!--kepu:html <p>cut") == b"<p>a</p><!--kepu:html <p>cut"  # no end: left as it is
    assert unwrap_page(b"<p>&lt;!--kepu:html <b>x</b> --&gt;</p>") == b"<p>&lt;!--kepu:html <b>x</b> --&gt;</p>"


def test_generated_pages_hold_every_html_block_of_kepu():
    """Every line of kepu's own HTML in a page template is held (except the multi-line search form,
    held as one block): a new template line of raw HTML would make the engine slow again."""
    from kepu.core.templating import THEME

    for path in sorted((THEME / "pages").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)  # template comments
        text = re.sub(r"\{% filter html_block %\}.*?\{% endfilter \+?%\}", "", text, flags=re.S)
        raw = [ln for ln in text.split("\n") if re.match(r"\s*</?[a-z]", ln)]
        assert raw == [], path.name
