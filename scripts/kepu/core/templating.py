"""The one way generated markup is made: Jinja2 templates in `kepu/theme/`.

Every view (pages, screen, posters, report, stats charts) renders its markup
from a template file under `scripts/kepu/theme/<view>/`, with its CSS and JS as
real `.css`/`.js` files beside it; `asset()` reads one for inlining where the
output must be self-contained (the lobby screen, print pages).

Templates escape by default (autoescape for .html/.svg/.xml and for strings).
Volunteer text reaches a template only as plain values (escaped there) or as
HTML that kepu made itself from sanitized Markdown (`markdown_html`), passed
with `trusted()` so the one place that inserts HTML says so.

`.md` templates (generated Markdown pages) are not HTML-autoescaped: they use
the `text`/`attr`/`yaml` filters from `kepu.core.escape` explicitly. kepu's own
HTML blocks in them go through the `html_block` filter (see `html_block`).
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup
from markupsafe import escape as escape_markup

from kepu.core.memo import memo
from kepu.core import escape

THEME = Path(__file__).resolve().parents[1] / "theme"

# The Markdown extensions of the website (mkdocs.yml markdown_extensions), so
# posters and slides render a volunteer's text the way the site does.
SITE_EXTENSIONS = ["attr_list", "md_in_html", "admonition", "tables", "def_list", "footnotes",
                   "pymdownx.tilde", "pymdownx.superfences"]


def _autoescape(name: str | None) -> bool:
    if name is None:  # from_string
        return True
    return name.rsplit(".", 1)[-1] in ("html", "htm", "svg", "xml", "j2")


def _text(value) -> Markup:
    return _text_of_str(value) if type(value) is str else Markup(escape.text(value))


@memo(16384)  # pure; titles, places and topic names are escaped on many pages
def _text_of_str(value: str) -> Markup:
    return Markup(escape.text(value))


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(THEME)),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the theme is part of kepu: no stat() of the template on every render
    )
    # escape.text output is safe HTML (every <>&"' is a character reference) and safe
    # Markdown, so it is Markup: the same filter works in .md and autoescaped templates
    env.filters["text"] = _text  # Markdown/HTML text in a generated page
    env.filters["attr"] = lambda value: Markup(escape.attr(value))
    env.filters["yaml"] = escape.yaml_str
    env.filters["xml"] = lambda value: Markup(escape.xml_text(value))  # element text in XML (the Atom feed)
    env.filters["xml_attr"] = lambda value: Markup(escape.xml_attr(value))
    env.filters["ics"] = escape.ics_value  # a TEXT value in an iCalendar file (theme/pages/calendar.ics)
    env.filters["script_json"] = lambda data: Markup(escape.script_json(data))  # inside <script type=application/json>
    env.filters["html_block"] = _html_block_filter  # kepu's HTML block in a .md page: held in a comment
    env.globals["asset"] = lambda name: Markup(asset(name))  # inline a theme .css/.js file
    return env


def render(name: str, /, **context) -> str:
    """Render the theme template `name` (a path under kepu/theme/)."""
    return _template(name).render(**context)


@lru_cache(maxsize=None)  # the theme does not change during a run (auto_reload=False)
def _template(name: str) -> jinja2.Template:
    return environment().get_template(name)


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The text of a theme file (CSS/JS) for inlining into a self-contained page."""
    return (THEME / name).read_text(encoding="utf-8")


# kepu's own HTML blocks in a generated Markdown page go through the engine (MkDocs or
# Zensical) inside an HTML comment: Python-Markdown copies a comment as it is, without
# running html.parser over every tag in it (most of the engine's time on kepu's pages).
# kepu.engine.unwrap takes the comment marks off in the built pages. The HTML in between
# never has `-->`, `--!>` or `-- >` (each ends a comment for a browser or a Python HTML
# parser): kepu escapes `>` in every text and attribute value; html_block() checks anyway.
HTML_BLOCK_OPEN = "<!--kepu:html "
HTML_BLOCK_CLOSE = " -->"
# Only a block that starts with a block-level tag (for Python-Markdown) is held: the engine
# puts such a block into the page without a <p> around it, exactly as it does a comment.
_BLOCK_START = re.compile(r"</?(?:p|div|dl|ul|ol|section|nav|figure|table|details|form|h[1-6])[\s/>]")
_COMMENT_END = re.compile(r"--[\s!]*>")


def html_block(html: str) -> str:
    """kepu's own HTML block (a whole block of a Markdown page, on lines of its own) held in
    an HTML comment for the engine; leading/trailing whitespace stays outside. HTML that
    could not be held safely (it would end the comment early, or is not a block) is
    returned as it is: the engine then parses it, slower but the same page.

    In a template: `{{ html|html_block }}` or `{% filter html_block %}…{% endfilter +%}`, the
    mark on lines of its own. The next line may follow directly (the engine starts a new
    block after a comment either way); a blank line after the mark adds one to the HTML."""
    html = str(html)
    body = html.strip()
    if not body or not _BLOCK_START.match(body) or _COMMENT_END.search(body):
        return html
    start = html.index(body)
    return html[:start] + HTML_BLOCK_OPEN + body + HTML_BLOCK_CLOSE + html[start + len(body):]


@jinja2.pass_eval_context
def _html_block_filter(eval_ctx, value) -> Markup:
    if eval_ctx.autoescape:  # in an .html template a plain string is text, not HTML
        value = escape_markup(value)
    return Markup(html_block(value))


def trusted(html: str) -> Markup:
    """HTML that kepu made itself (sanitized, escaped), to insert as is."""
    return Markup(html)


@memo(4096)  # pure; `kepu serve` makes every poster again on each save
def markdown_html(markdown_text: str, first_line: int = 1) -> str:
    """A volunteer's Markdown -> sanitized HTML with the website's extensions
    (admonitions, attribute lists, tables, footnotes ...), for posters and slides."""
    from kepu.core import sanitize

    cleaned = sanitize.clean(markdown_text, first_line).text
    # reset() clears what one document leaves behind (references, footnotes, stashed HTML)
    return _markdown().reset().convert(cleaned)


_local = threading.local()  # one Markdown per thread (kepu serve builds in a thread of its own)


def _markdown():
    """This thread's Markdown converter: making one (loading every extension) costs
    more than most conversions, so it is made once and reset between documents."""
    converter = getattr(_local, "markdown", None)
    if converter is None:
        import markdown as md

        converter = _local.markdown = md.Markdown(extensions=SITE_EXTENSIONS, output_format="html")
    return converter
