"""The one plain text (kepu.core.sanitize.plain_text / lead / count_chars) and
generate/content.rewrite: what a volunteer's Markdown becomes on a page."""
from __future__ import annotations

import pytest
from conftest import GOOD_ACTIVITY

from kepu.core import sanitize
from kepu.views.pages.content import demote_headings, rewrite
from kepu.core.writer import Output
from kepu.media.publish import Media


@pytest.mark.parametrize("markdown, text", [
    ("**粗体**和*斜体*、~~删除~~、`代码`", "粗体和斜体、删除、代码"),
    ("看[这个链接](https://example.org/x)和[另一个][r]![图][i]\n\n[r]: https://example.org/r\n[i]: a.jpg", "看这个链接和另一个"),
    ("前![照片说明](images/a.jpg)后", "前后"),  # a photo is not text
    ("## 标题\n\n> 引用\n\n- 一\n- 二\n\n1. 三\n2、四", "标题 引用 一 二 三 四"),
    ("| 项目 | 数值 |\n|---|---|\n| 体温 | 38 |", "项目 数值 --- --- 体温 38"),
    ("儿童<6岁、体温>38℃ 要就医", "儿童<6岁、体温>38℃ 要就医"),  # parsed, not a tag pattern
    ("<b>加粗</b><script>alert(1)</script><style>p{}</style>留下", "加粗留下"),
    ("A &amp; B &lt;C&gt; &#20013;", "A & B <C> 中"),
    ("段落 {: .big }\n\n标题 {#anchor}", "段落 标题"),
])
def test_plain_text(markdown, text):
    assert sanitize.plain_text(markdown) == text


def test_lead_is_the_first_paragraph_that_is_not_a_heading():
    assert sanitize.lead("## 小标题\n\n第一段**重点**，\n接着写。\n\n第二段。") == "第一段重点， 接着写。"
    assert sanitize.lead("![只有照片](a.jpg)\n\n然后是文字。") == "然后是文字。"  # an empty block is skipped
    assert sanitize.lead("### 只有标题") == "" and sanitize.lead("") == ""


def test_count_chars_is_what_cjk_or_word_finds():
    import random

    rnd = random.Random(7)
    alphabet = "aZ09 _中文\u3400\u33ff\u9fff\ua000\uf900\ufaff\ufb00，,.。-\n"
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        assert sanitize.count_chars(text) == len(sanitize.CJK_OR_WORD.findall(text)), repr(text)


def test_count_chars_counts_han_characters_and_latin_words():
    assert sanitize.count_chars("体温 38℃，covid-19 疫苗") == 2 + 1 + 2 + 2
    assert sanitize.count_chars(sanitize.plain_text("[链接](https://example.org/very/long/url)")) == 2  # the URL is not read


def test_demote_headings_keeps_write_up_headings_below_the_title():
    assert demote_headings("# 一\n## 二\n### 三\n#不是标题") == "## 一\n## 二\n### 三\n#不是标题"


def _rewrite(site, body: str, extra: dict[str, bytes] | None = None):
    for rel, data in (extra or {}).items():
        site.write(rel, data)
    site.write("bulletins/2026/2026-11-07-fire-drill.md", GOOD_ACTIVITY.replace("演练很顺利。", body))
    model = site.load().site
    act = next(a for a in model.activities if a.slug == "fire-drill")
    out = Output()
    return rewrite(act.body, act.source, act.images, "2026/11/07-fire-drill/", model, Media(out)), out


def test_rewrite_links_bulletin_files_to_their_pages(site):
    site.write("bulletins/2026/2026-11.md", "---\ntitle: 十一月\n---\n## 【健康】一\n\n正文。\n")
    md, _ = _rewrite(site, "见[本月月刊](2026-11.md#p1)和[外部](https://example.org/)。")
    assert "[本月月刊](../#p1)" in md and "[外部](https://example.org/)" in md


def test_rewrite_removes_what_the_checker_warned_about(site):
    md, _ = _rewrite(site, '开头<video src="https://evil.example/v.mp4"></video>\n\n'
                           '<iframe src="https://evil.example/"></iframe>\n\n[点我](javascript:alert(1))\n\n结尾')
    assert "evil.example" not in md and "javascript" not in md and "<video" not in md and "<iframe" not in md
    assert "开头" in md and "点我" in md and "结尾" in md


def test_rewrite_turns_photos_into_figures_with_an_escaped_caption(site):
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "JPEG")
    md, out = _rewrite(site, "![居民<b>签到</b> *现场*](images/a.jpg)",
                       {"bulletins/2026/images/a.jpg": buf.getvalue()})
    assert md.startswith('<span class="kp-figure"><picture class="kp-pic">') and md.endswith("</span></span>")
    caption = md[md.index('<span class="kp-caption">'):]
    assert "&#60;b&#62;签到&#60;/b&#62; &#42;现场&#42;" in caption  # text, not markup, not emphasis
    assert any(rel.startswith("assets/generated/") for rel in out.files)  # the published rendition
