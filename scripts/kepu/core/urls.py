"""The URL scheme: a public contract (printed on posters as QR codes).

issue /<YYYY>/<MM>/, panel /<YYYY>/<MM>/#<anchor>, activity /<YYYY>/<MM>/<DD>-<slug>/,
topic /topics/<id>/, archive /archive/ and /archive/<YYYY>/, activities /activities/.
URLs here are site-relative without a leading slash, e.g. "2026/11/".
"""
from __future__ import annotations

import posixpath
import re

from kepu.core.memo import memo

HOME = ""
CURRENT = "current/"
ARCHIVE = "archive/"
TOPICS = "topics/"
ACTIVITIES = "activities/"
STATS = "stats/"
SCREEN = "screen/"
SEARCH = "search/"

# Everything kepu generates in docs/ lives under these (plus the year folders
# /<YYYY>/); .gitignore lists the same (tests/test_layout.py checks it).
GENERATED_ROOTS = ("index.md", "current", "archive", "topics", "activities", "screen", "search", "stats",
                   "assets/generated", "feed.xml", "calendar.ics", "version.json")

# A link that leaves the site (a scheme or //): left as written, never resolved against bulletins/.
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)

# Phone numbers residents may want to call with one tap: landlines with an area code
# (0571-8800 0000, 0571-86120378, (0571)86120378, +86 571 8612 0378), mobiles (138 0000 0000,
# +86 138-0000-0000) and the public service numbers (110, 119, 120, 122, 12345, 96120 ...),
# never digits inside a longer number, a word (ID12345), a date, a time, a decimal or an amount
# (120 人, 110 平方米, 12000 步).
_UNITS = "人名位元期块场次个岁天平米克斤步户栋幢层楼室号路条篇张本台辆座家所间种项例盒瓶袋份件字分秒吨度%％"
# The lookahead at the front is every number's first character: the regex engine then skips the
# other positions (most of a Chinese text) at once, instead of trying each alternative there.
PHONE = re.compile(r"(?=[+（(019])(?<![A-Za-z0-9_.:/#&@-])(?:(?:\+86[- ]?)?(?:0\d{2,3}[- ]?\d{3,4}[- ]?\d{4}|[（(]0\d{2,3}[）)][- ]?\d{3,4}[- ]?\d{4}"
                   r"|\+86[- ]?[1-9]\d{1,2}[- ]?\d{3,4}[- ]?\d{4}(?<!\d{12})"
                   r"|1[3-9]\d[- ]?\d{4}[- ]?\d{4})|110|119|120|122|12\d{3}|96\d{3})"
                   r"(?![A-Za-z0-9_.:/年月日-])(?![ 　]?[" + _UNITS + r"])")
# A local landline without its area code (8612 0345, 86120345) only right after a word that says
# it is a phone number: 电话：8612 0345, 热线 86120345, 拨打86120345.
_CUED_LOCAL = re.compile(r"(?:电话|热线|拨打|致电|座机|联系方式|咨询)[：:]?[ 　]?(?P<n>[2-8]\d{2,3}[- ]?\d{4})(?![A-Za-z0-9_.:/年月日-])"
                         r"(?![ 　]?[" + _UNITS + r"])")


def phone_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, number to dial) of each phone number in plain `text`, in order."""
    found = [(m.start(), m.end(), m.group()) for m in PHONE.finditer(text)]
    found += [(m.start("n"), m.end("n"), m.group("n")) for m in _CUED_LOCAL.finditer(text)]
    out, last = [], -1
    for start, end, written in sorted(found):
        if start >= last:
            dial = re.sub(r"[^0-9]", "", written)
            out.append((start, end, "+" + dial if written.startswith("+") else dial))
            last = end
    return out


def issue(issue) -> str:
    return f"{issue.year:04d}/{issue.month:02d}/"


def panel(issue, panel) -> str:
    return f"{issue.year:04d}/{issue.month:02d}/#{panel.anchor}"


def activity(act) -> str:
    return f"{act.date.year:04d}/{act.date.month:02d}/{act.date.day:02d}-{act.slug}/"


def topic(topic_id: str) -> str:
    return f"topics/{topic_id}/"


def archive_year(year: int) -> str:
    return f"archive/{year:04d}/"


def source_of(url: str) -> str:
    """The generated Markdown file that renders a directory URL."""
    path = url.split("#")[0]
    return (path + "index.md") if path else "index.md"


@memo(65536)  # pure; pages link to the same few pages thousands of times
def relative(from_url: str, to_url: str) -> str:
    """Relative link between two site-relative directory URLs (works under any sub-path)."""
    path, _, anchor = to_url.partition("#")
    base = from_url.split("#")[0] or "."
    rel = _relpath(path or ".", base.rstrip("/") or ".")
    rel = "./" if rel == "." else rel + ("/" if path.endswith("/") else "")
    return rel + (f"#{anchor}" if anchor else "")


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for site-relative paths, without its two abspath() (getcwd) calls."""
    if path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(path, start)
    p = [x for x in path.split("/") if x and x != "."]
    s = [x for x in start.split("/") if x and x != "."]
    if ".." in p or ".." in s:
        return posixpath.relpath(path, start)
    i = 0
    while i < len(p) and i < len(s) and p[i] == s[i]:
        i += 1
    return "/".join([".."] * (len(s) - i) + p[i:]) or "."


def absolute(site_url: str, url: str) -> str:
    return site_url.rstrip("/") + "/" + url if site_url else ""
