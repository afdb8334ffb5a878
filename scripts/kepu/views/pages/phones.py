"""Phone numbers in a volunteer's Markdown body become tap-to-call links.

Runs on Markdown the sanitizer has already cleaned (kepu.views.pages.content.rewrite), and
writes Markdown links, never HTML: `[0571-86120345](tel:057186120345){: .kp-tel .kp-tel-text }`.
A number is left as written wherever a link would be wrong or would show as text: in fenced
code and `code spans`, raw HTML blocks (and the text of an inline <a>…</a>), any HTML tag,
existing Markdown links, images and reference definitions, bracketed text, bare addresses
(https://…/12345, www.…), e-mail addresses, attribute lists, headings, admonition titles and
indented code. What a number is (landline, mobile, service number, not a date or an amount)
is kepu.core.urls.phone_numbers, the same as for the structured fields and the notices.
"""
from __future__ import annotations

import re

from kepu.core import sanitize, urls
from kepu.content.readers import body as body_reader

# Spans inside one line (or a paragraph) where a link must not go.
_INLINE_SHIELDS = re.compile(
    r"<a\b[^>]*>.*?</a\s*>"  # an HTML link with its text
    r"|<!--.*?-->"  # an HTML comment
    r"|<[^<>\n]*>"  # any tag, autolink <https://…> or <name@host>
    r"|\[[^\[\]\n]*\](?=[\[(:])"  # [text][id], [text](…), [id]: the part a link parser reads
    r"|\[[^\[\]\n]*\]"  # [bracketed] text: a shortcut reference link when [id]: exists, or a footnote
    r"|(?:https?|ftp)://\S+|www\.\S+"  # bare addresses (written out, not links: no magiclink)
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|\{[^{}\n]*\}",  # attribute lists {: … } and {#id}
    re.S | re.I)
_LINE_SHIELDS = re.compile(r"^(?: {0,3}#{1,6}(?:\s|$)| {0,3}(?:!!!|\?\?\?\+?)\s).*$", re.M)  # headings, admonition titles


def link_phones(markdown: str) -> str:
    """`markdown` with its phone numbers as Markdown tel: links (see the module doc)."""
    found = urls.phone_numbers(markdown)
    if not found:  # most bodies: no number, no need to find where links may go
        return markdown
    shielded = _shielded(markdown)
    out, last = [], 0
    for start, end, dial in found:
        if any(shielded[start:end]) or (start and markdown[start - 1] == "\\"):
            continue
        written = markdown[start:end]
        out += [markdown[last:start], f"[{written}](tel:{dial}){{: .kp-tel .kp-tel-text }}"]
        last = end
    out.append(markdown[last:])
    return "".join(out)


_SHIELDED_RUN = re.compile(rb"\x01+")
_NOT_NEWLINE = re.compile(r"[^\n]")


def _shielded(markdown: str) -> bytearray:
    """For each character of the text: 1 where it lies where a link must not go, else 0."""
    shielded = bytearray(len(markdown))

    def shield(start: int, end: int) -> None:
        shielded[start:end] = b"\x01" * (end - start)

    lines = markdown.split("\n")
    code = sanitize.fenced_code_lines(lines)
    pos, prev_blank, in_indented = 0, True, False
    for n, line in enumerate(lines):
        indented = bool(re.match(r"(?: {4}|\t)", line)) and line.strip() != ""
        # indented code: an indented line after a blank line, unless it continues a list or an admonition
        if indented and prev_blank and not _continues_block(lines, n):
            in_indented = True
        elif not indented and line.strip():
            in_indented = False
        if n in code or in_indented:
            shield(pos, pos + len(line))
        prev_blank = not line.strip()
        pos += len(line) + 1

    def rest() -> str:  # the text with what is shielded so far blanked (same length and lines)
        out, last = [], 0
        for m in _SHIELDED_RUN.finditer(shielded):
            out += [markdown[last:m.start()], _NOT_NEWLINE.sub("\0", markdown[m.start():m.end()])]
            last = m.end()
        out.append(markdown[last:])
        return "".join(out)

    for start, end in sanitize.html_blocks(rest()):  # raw HTML blocks outside code (a fenced "<div>" opens none)
        shield(start, end)
    for m in sanitize.CODE_SPAN.finditer(rest()):  # code spans as Python-Markdown reads them, outside both
        shield(*m.span())
    for f in body_reader.scan(markdown):  # links and images exactly as the page generator finds them
        shield(f.start, f.end)
    for pattern in (_LINE_SHIELDS, _INLINE_SHIELDS):
        for m in pattern.finditer(markdown):
            shield(*m.span())
    return shielded


def _continues_block(lines: list[str], n: int) -> bool:
    """Whether indented line `n` (after blank lines) belongs to the list item or admonition above."""
    for prev in reversed(lines[:n]):
        if not prev.strip():
            continue
        if re.match(r" {0,3}(?:[-*+]|\d+[.)])\s|(?: {0,3}(?:!!!|\?\?\?\+?)\s)", prev):
            return True
        if re.match(r"(?: {4}|\t)", prev):  # indented too: look further up
            continue
        return False
    return False
