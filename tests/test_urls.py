"""urls.py: the URL scheme is a public contract (printed on posters as QR codes)."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest

from kepu.core import urls


def test_content_urls_are_the_documented_scheme():
    issue = SimpleNamespace(year=2026, month=3)
    act = SimpleNamespace(date=date(2026, 3, 7), slug="fire-drill")
    assert urls.issue(issue) == "2026/03/"
    assert urls.panel(issue, SimpleNamespace(anchor="p2")) == "2026/03/#p2"
    assert urls.activity(act) == "2026/03/07-fire-drill/"
    assert urls.topic("health") == "topics/health/"
    assert urls.archive_year(2026) == "archive/2026/"


@pytest.mark.parametrize("url, source", [
    ("", "index.md"), ("2026/03/", "2026/03/index.md"), ("2026/03/#p2", "2026/03/index.md"),
    ("topics/health/", "topics/health/index.md")])
def test_source_of_is_the_page_that_renders_a_url(url, source):
    assert urls.source_of(url) == source


@pytest.mark.parametrize("from_url, to_url, rel", [
    ("", "2026/03/", "2026/03/"),
    ("2026/03/", "", "../.."),
    ("2026/03/", "2026/03/", "./"),
    ("2026/03/", "2026/03/#p2", "./#p2"),
    ("2026/03/07-fire-drill/", "2026/03/#p1", "../#p1"),
    ("topics/health/", "2025/12/05-talk/", "../../2025/12/05-talk/"),
    ("stats/2026/", "calendar.ics", "../../calendar.ics"),
    ("archive/", "feed.xml", "../feed.xml"),
])
def test_relative_links_work_under_any_sub_path(from_url, to_url, rel):
    assert urls.relative(from_url, to_url) == rel
    for base in ("https://example.org/", "https://example.org/kepu/"):  # the browser resolves it to the target
        assert urljoin(base + from_url, rel) == base + to_url


def test_absolute_needs_a_site_url():
    assert urls.absolute("https://example.org/kepu/", "2026/03/") == "https://example.org/kepu/2026/03/"
    assert urls.absolute("https://example.org/kepu", "") == "https://example.org/kepu/"
    assert urls.absolute("", "2026/03/") == ""


def test_relative_paths_are_exactly_posixpath_relpath():
    """urls._relpath skips relpath's getcwd() calls; it must give the very same answers."""
    import itertools
    import posixpath

    segments = ["2026", "11", "05-fire", "a.b", ".", "..", "", "topics"]
    paths = ["/".join(p) or "." for n in range(4) for p in itertools.product(segments, repeat=n)]
    paths += ["/2026/11", "/"]
    for a in paths[::7]:
        for b in paths[::5]:
            assert urls._relpath(a, b) == posixpath.relpath(a, b), (a, b)
