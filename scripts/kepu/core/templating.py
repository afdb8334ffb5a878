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
the `text`/`attr`/`yaml` filters from `kepu.core.escape` explicitly.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

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


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(THEME)),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # escape.text output is safe HTML (every <>&"' is a character reference) and safe
    # Markdown, so it is Markup: the same filter works in .md and autoescaped templates
    env.filters["text"] = lambda value: Markup(escape.text(value))  # Markdown/HTML text in a generated page
    env.filters["attr"] = lambda value: Markup(escape.attr(value))
    env.filters["yaml"] = escape.yaml_str
    env.filters["script_json"] = lambda data: Markup(escape.script_json(data))  # inside <script type=application/json>
    env.globals["asset"] = lambda name: Markup(asset(name))  # inline a theme .css/.js file
    return env


def render(name: str, /, **context) -> str:
    """Render the theme template `name` (a path under kepu/theme/)."""
    return environment().get_template(name).render(**context)


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The text of a theme file (CSS/JS) for inlining into a self-contained page."""
    return (THEME / name).read_text(encoding="utf-8")


def trusted(html: str) -> Markup:
    """HTML that kepu made itself (sanitized, escaped), to insert as is."""
    return Markup(html)


@lru_cache(maxsize=4096)  # pure; `kepu serve` makes every poster again on each save
def markdown_html(markdown_text: str, first_line: int = 1) -> str:
    """A volunteer's Markdown -> sanitized HTML with the website's extensions
    (admonitions, attribute lists, tables, footnotes ...), for posters and slides."""
    import markdown as md

    from kepu.core import sanitize

    cleaned = sanitize.clean(markdown_text, first_line).text
    return md.markdown(cleaned, extensions=SITE_EXTENSIONS, output_format="html")
