"""Escaping by context: the one place that knows how a string from a volunteer
(front matter, topics.yml, mkdocs.yml extra:, headings) is written safely
into each kind of output. Every view uses these; none escapes on its own.

- `text`: literal text in a generated page, both in its Markdown and inside
  kepu's HTML (text or a quoted attribute value). HTML-significant and
  Markdown-significant characters become numeric character references, so
  `<img …>` stays text, `*重要*` is not emphasis, `[链接](javascript:…)` is
  not a link and `{: onclick=…}` is not an attribute list. The browser shows
  exactly the original (`&` shows as `&`).
- `yaml_str`: a double-quoted YAML scalar for a generated page's front matter
  (the theme templates escape page titles and descriptions for HTML).
- `script_json`: JSON inside <script> (no `</script>`, `<!--` or `]]>` can occur).
- `csv_cell`: a CSV cell that Excel/WPS will not run as a formula (OWASP).
- `ics_text`: a text value for iCalendar (`ics_value` then escapes it, kepu.views.calendar_ics folds it).
- `xml_text`, `xml_attr`: element text and a double-quoted attribute value in XML (the Atom
  feed), escaped as lxml does; characters XML 1.0 does not allow are dropped."""
from __future__ import annotations

import html
import json
import re

# characters that are markup in HTML or in Python-Markdown (with the extensions in mkdocs.yml)
_SPECIAL = set("&<>\"'\\`*_[]{}#|~")
_ENTITY = {c: f"&#{ord(c)};" for c in _SPECIAL}
_LINE_START = re.compile(r"^(\s*)(?:([-+=:])|(\d+)([.)]))")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")


def text(value) -> str:
    """Literal one-line text for a generated page (Markdown or kepu's HTML, text or attribute)."""
    s = _BREAKS.sub(" ", str(value))
    out = "".join(_ENTITY.get(c, c) for c in s)
    m = _LINE_START.match(out)  # would start a list, a setext heading or a definition at the start of a line
    if m:
        if m.group(2):
            out = m.group(1) + f"&#{ord(m.group(2))};" + out[m.end():]
        else:
            out = m.group(1) + m.group(3) + f"&#{ord(m.group(4))};" + out[m.end():]
    return out


attr = text  # the same characters are safe in a double-quoted attribute value


def html_text(value) -> str:
    """Text in a plain HTML document (no Markdown after it): print pages, feed summaries."""
    return html.escape(str(value), quote=True)


_YAML_OK = re.compile("[\t\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def yaml_str(value) -> str:
    """A double-quoted YAML scalar that reads back as exactly `value`."""
    out = ['"']
    for c in str(value):
        if c in '"\\':
            out.append("\\" + c)
        elif _YAML_OK.match(c):
            out.append(c)
        elif ord(c) <= 0xFFFF:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    out.append('"')
    return "".join(out)


def script_json(data) -> str:
    """JSON to embed in <script type="application/json"> (or a JS expression)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (payload.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """OWASP: a cell starting with = + - @ tab or CR is prefixed with ' so that
    spreadsheet programs show it as text instead of running it as a formula."""
    s = str(value)
    return "'" + s if s.startswith(_FORMULA_START) else s


def csv_row(values) -> list[str]:
    return [csv_cell(v) for v in values]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def ics_text(value) -> str:
    """One iCalendar text value: any line break is a plain newline (`ics_value` writes it
    as \\n, so no CR/LF reaches the file to start a new property), control characters dropped."""
    s = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", str(value))
    return _CONTROL.sub("", s)


def ics_line(value) -> str:
    """A one-line iCalendar value (summary, location)."""
    return ics_text(value).replace("\n", " ")


def ics_value(value) -> str:
    """A TEXT value in an iCalendar content line (RFC 5545 3.3.11): backslash, `;` and `,`
    escaped, a line break as `\\n`. The replacements and their order are icalendar's (7.x
    `_escape_char`), with which kepu wrote its calendars before: the same bytes."""
    return (str(value).replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


# XML 1.0 Char: tab, newline, carriage return and U+0020 up, less the surrogates and U+FFFE/U+FFFF
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value) -> str:
    """Text of an XML element: `&`, `<`, `>` and carriage returns as references (as lxml writes them)."""
    s = _NOT_XML.sub("", str(value))
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def xml_attr(value) -> str:
    """An XML attribute value in double quotes (as lxml writes it: whitespace kept as references)."""
    return (xml_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))
