"""The URL scheme: a public contract (printed on posters as QR codes).

issue /<YYYY>/<MM>/, panel /<YYYY>/<MM>/#<anchor>, activity /<YYYY>/<MM>/<DD>-<slug>/,
topic /topics/<id>/, archive /archive/ and /archive/<YYYY>/, activities /activities/.
URLs here are site-relative without a leading slash, e.g. "2026/11/".
"""
from __future__ import annotations

import posixpath

HOME = ""
CURRENT = "current/"
ARCHIVE = "archive/"
TOPICS = "topics/"
ACTIVITIES = "activities/"
STATS = "stats/"
SCREEN = "screen/"
SEARCH = "search/"


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


def relative(from_url: str, to_url: str) -> str:
    """Relative link between two site-relative directory URLs (works under any sub-path)."""
    path, _, anchor = to_url.partition("#")
    base = from_url.split("#")[0] or "."
    rel = posixpath.relpath(path or ".", base.rstrip("/") or ".")
    rel = "./" if rel == "." else rel + ("/" if path.endswith("/") else "")
    return rel + (f"#{anchor}" if anchor else "")


def absolute(site_url: str, url: str) -> str:
    return site_url.rstrip("/") + "/" + url if site_url else ""
