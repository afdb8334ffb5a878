"""kepu.core.sanitize: what a volunteer's body can still do after it, once MkDocs
renders it (nothing that runs script, loads another site or hides the page),
what it keeps, and that its report names every removal at its line."""
from __future__ import annotations

from html.parser import HTMLParser

import markdown
import pytest

from kepu.core import sanitize
from kepu.core.sanitize import plain_text

EXTENSIONS = ["attr_list", "md_in_html", "admonition", "tables", "def_list", "toc", "pymdownx.tilde",
              "pymdownx.superfences"]

ATTACKS = [
    "<script>alert(1)</script>",
    "<scr<script></script>ipt>alert(1)</scr<script></script>ipt>",  # reassembles after a naive removal
    "<scr<script>ipt>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<svg onload=alert(1)>", "<svg><script>alert(1)</script></svg>",
    "<img src=x onerror=alert(1)>", "<IMG SRC=x OnErRoR=alert(1)>", "<img src=x onerror\n=alert(1)>",
    "<body onload=alert(1)>", "<details open ontoggle=alert(1)>x</details>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "<iframe src=https://evil.example/></iframe>", "<object data=https://evil.example/x></object>",
    "<embed src=https://evil.example/x>", '<base href="https://evil.example/">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<style>body{display:none}</style>", '<div style="position:fixed;inset:0;background:#fff">x</div>',
    '<form action="https://evil.example/"><input type="password"></form>',
    '<video src="https://evil.example/v.mp4"></video>', '<img src="https://evil.example/x.png">',
    '<img src="//evil.example/x.png">', '<img src="\\\\evil.example/x.png">',
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x]( javascript:alert(1))",
    "[x](&#106;avascript:alert(1))", "[x](&#x6A;avascript&colon;alert(1))", "[x](java&#x09;script:alert(1))",
    "[x](vbscript:msgbox(1))", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](<javascript:alert(1)>)", '[x](javascript:alert(1) "t")', "[x][r]\n\n[r]: javascript:alert(1)",
    "![x](javascript:alert(1))", "![x](https://evil.example/x.png)",
    '<a href="javascript:alert(1)">x</a>', '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>', '<a href="java\tscript:alert(1)">x</a>',
    "段落 {: onclick=\"alert(1)\" }", "## 标题 {: onmouseover=alert(1) }", "[x](y){: onclick=alert(1)}",
    '<img alt="[t](<x onerror=alert(1) y>)" src="a.jpg">',
    '<img alt="a>b" src="a.jpg">" onerror="alert(1)" x="',
    '<img alt="`" src="a.jpg" title="`">',
    '<div markdown="1">`</div><script>alert(1)</script>`</div>',
    "<!--><script>alert(1)</script>-->", "<!-- --><script>alert(1)</script>",
    "<b title='x' onclick=alert(1)>粗</b>", "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "```\n<script>alert(1)</script>",  # an unclosed fence is no code block
    "``` <b\n<script>alert(1)</script>\n```",
    "<a id=__config>x</a>", '<p class="md-overlay">x</p>',
]


class Audit(HTMLParser):
    """Everything in rendered HTML that could run, load or hide something."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "iframe", "object", "embed", "svg", "math", "meta", "base", "link", "form",
                   "input", "video", "audio", "frame", "frameset"):
            self.bad.append(tag)
        for k, v in attrs:
            v = v or ""
            if k.startswith("on") or k in ("style", "id", "class", "srcdoc", "formaction", "xlink:href"):
                if not ((k == "class" and tag == "section" and v == "kp-panel")  # the wrapper of the test
                        or (k == "id" and tag in ("h2", "h3"))):  # toc's heading anchors
                    self.bad.append(f"{tag} {k}")
            if k in ("href", "src") and sanitize.url_scheme(v) not in ("", "http", "https", "mailto", "tel"):
                self.bad.append(f"{tag} {k}={v}")
            if k == "src" and sanitize.is_remote(v):
                self.bad.append(f"{tag} remote {v}")


def rendered(md: str) -> str:
    """A panel body as on its page: Markdown between kepu's held <section> marks, then unwrapped."""
    from kepu.core.templating import html_block
    from kepu.engine.unwrap import unwrap_page

    page = html_block('<section class="kp-panel">') + f"\n{md}\n\n" + html_block("</section>") + "\n"
    return unwrap_page(markdown.markdown(page, extensions=EXTENSIONS).encode()).decode()


@pytest.mark.parametrize("attack", ATTACKS)
def test_nothing_dangerous_survives_rendering(attack):
    cleaned = sanitize.clean(attack).text
    audit = Audit()
    audit.feed(rendered(cleaned))
    assert audit.bad == [], (attack, cleaned)


@pytest.mark.parametrize("attack", [a for a in ATTACKS if not (
    a.startswith(("![x](https:", '<img src="https:', '<img src="//', '<img src="\\\\'))  # the loader reports remote photos
    or a.startswith('<img alt='))])  # nothing to remove: kept, with its attribute values escaped
def test_every_removal_is_reported(attack):
    assert sanitize.clean("第一行\n\n" + attack, first_line=10).removed, attack


def test_the_nested_script_bypass_is_closed_and_reported():
    src = "说明\n\n<scr<script></script>ipt>alert(1)</scr<script></script>ipt>\n"
    out = sanitize.clean(src, first_line=7)
    assert "<script" not in out.text.lower() and "alert(1)" not in rendered(out.text).replace("&gt;", "")[:0]
    audit = Audit()
    audit.feed(rendered(out.text))
    assert audit.bad == []
    assert [(r.line, r.what) for r in out.removed][0] == (9, "<scr<script> 标签")


def test_report_lines_are_file_lines():
    src = "一\n\n<b>好</b>\n\n<svg onload=x()>\n\n[a](javascript:x())\n\n<div>\n<iframe src=a></iframe>\n</div>\n"
    found = {r.what.split(" ")[0]: r.line for r in sanitize.clean(src, first_line=20).removed}
    assert found == {"<svg>": 24, "不安全的链接": 26, "<iframe>": 29}


KEEP = """导语 <b>粗</b> <sup>2</sup> <sub>2</sub> <br> 儿童<6岁、体温>38℃ 要就医 & 结束。

| 年龄 | 体温 |
|---|---|
| <6岁 | >38℃<br>就医 |

<details markdown="1">
<summary>更多</summary>

**详情** [网站](https://example.org/a?x=1&y=2) [电话](tel:12345) [信](mailto:a@example.org) [本站](../x.md)

</details>

<img src="images/photo_1.jpg" alt="合影" width="300">

> 引用 <i>斜</i> <https://example.org/b>

```html
<script>这是代码示例</script>
```

### 小标题 {#sub}
"""


def test_what_volunteers_use_is_kept():
    out = sanitize.clean(KEEP)
    assert out.removed == []
    html = rendered(out.text)
    for piece in ("<b>粗</b>", "<sup>2</sup>", "<sub>2</sub>", "<br>", "<details>", "<summary>更多</summary>",
                  "<strong>详情</strong>", 'href="https://example.org/a?x=1&amp;y=2"', 'href="tel:12345"',
                  'href="mailto:a@example.org"', 'href="../x.md"', 'src="images/photo_1.jpg"', 'alt="合影"',
                  'width="300"', "<blockquote>", '<a href="https://example.org/b">', "<table>",
                  '<h3 id="sub">小标题</h3>', "&lt;6岁", "&gt;38℃", "这是代码示例"):
        assert piece in html, piece
    assert "<script" not in html
    assert "儿童&lt;6岁、体温&gt;38℃ 要就医 &amp; 结束" in html


def test_plain_text_keeps_less_and_greater_than():
    text = "儿童<6岁、体温>38℃ 要就医，<b>速</b>去 &amp; <script>alert(1)</script>"
    assert plain_text(text) == "儿童<6岁、体温>38℃ 要就医，速去 &"
    assert sanitize.count_chars(plain_text("体温>38℃")) == sanitize.count_chars(plain_text("体温 38℃")) == 3
    assert sanitize.html_to_text("a<b>x</b>c<6 d>e", " ") == "a x c<6 d>e"
