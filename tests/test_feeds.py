"""The Atom feed: valid, absolute links, +08:00 times, same bytes for the same content."""
from __future__ import annotations

import re
from calendar import timegm
from datetime import datetime, timedelta, timezone

import feedparser
from conftest import EXAMPLE, GOOD_ACTIVITY, GOOD_ISSUE, TODAY

from kepu.views import feeds
from kepu.build import build, generate_all
from kepu.content.loader import load_site

CST = timezone(timedelta(hours=8))


def utc(struct) -> datetime:
    return datetime.fromtimestamp(timegm(struct), timezone.utc)


def test_feed_parses_back_with_absolute_links_and_china_times(example):
    data = feeds.atom(example)
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    base = example.settings.site_url
    assert base.startswith("https://")
    assert parsed.feed.title == example.settings.site_name
    assert {l.href for l in parsed.feed.links} == {base, base + "feed.xml"}
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.link.startswith(base) and entry.id == entry.link
        for a in re.findall(r'href="([^"]+)"', entry.summary):
            assert a.startswith(base), a
    # every time is written with the +08:00 offset, none in UTC or without offset
    stamps = re.findall(rb"<(?:updated|published)>([^<]+)<", data)
    assert stamps and all(s.endswith(b"+08:00") for s in stamps)
    # the feed's updated time is its newest entry's, not the build time
    newest = max(utc(e.updated_parsed) for e in parsed.entries)
    assert utc(parsed.feed.updated_parsed) == newest
    assert [utc(e.updated_parsed) for e in parsed.entries] == sorted((utc(e.updated_parsed) for e in parsed.entries), reverse=True)


def test_feed_lists_published_issues_and_past_activities_only(example):
    parsed = feedparser.parse(feeds.atom(example))
    links = {e.link for e in parsed.entries}
    base = example.settings.site_url
    # independent of kepu: issue files and activity files in bulletins/
    issue_files = sorted(EXAMPLE.glob("bulletins/*/[0-9][0-9][0-9][0-9]-[0-9][0-9].md"))
    act_files = sorted(EXAMPLE.glob("bulletins/*/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-*.md"))
    published = [f for f in issue_files if f.stem <= f"{TODAY:%Y-%m}"]
    past = [f for f in act_files if f.stem[:10] < TODAY.isoformat()]
    upcoming = [f for f in act_files if f.stem[:10] >= TODAY.isoformat()]
    assert upcoming, "the example content announces activities"
    expected = {base + f.stem.replace("-", "/") + "/" for f in published}
    expected |= {base + f"{f.stem[:4]}/{f.stem[5:7]}/{f.stem[8:]}/" for f in past}
    assert len(parsed.entries) == min(len(expected), feeds.LIMIT)
    assert links <= expected
    if len(expected) <= feeds.LIMIT:
        assert links == expected
    for f in upcoming:
        assert not any(f.stem[8:] in link for link in links)


def test_entry_times_come_from_the_content(site):
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    site.write("bulletins/2026/2026-11-07-fire-drill.md", GOOD_ACTIVITY)  # 09:30-11:00
    site.write("bulletins/2026/2026-10-10-all-day.md", GOOD_ACTIVITY.replace('time: "09:30-11:00"\n', ""))
    model = site.load().site
    parsed = feedparser.parse(feeds.atom(model))
    by_link = {e.link: e for e in parsed.entries}
    base = "https://example.org/kepu/"
    assert utc(by_link[base + "2026/11/"].updated_parsed) == datetime(2026, 11, 1, tzinfo=CST)
    assert utc(by_link[base + "2026/11/07-fire-drill/"].published_parsed) == datetime(2026, 11, 7, 11, 0, tzinfo=CST)
    assert utc(by_link[base + "2026/10/10-all-day/"].published_parsed) == datetime(2026, 10, 10, tzinfo=CST)
    assert [e.link for e in parsed.entries] == [base + "2026/11/07-fire-drill/", base + "2026/11/", base + "2026/10/10-all-day/"]
    assert {t.term for t in by_link[base + "2026/11/"].tags} == {"health", "safety"}


def test_second_generation_is_byte_identical(example):
    first = generate_all(example).files
    again = generate_all(load_site(EXAMPLE, today=TODAY).site).files
    assert first["feed.xml"] == again["feed.xml"]
    assert feeds.atom(example) == first["feed.xml"]


def test_no_site_url_means_no_feed(site):
    site.write("mkdocs.yml", (site.root / "mkdocs.yml").read_text(encoding="utf-8").replace("site_url: https://example.org/kepu/\n", ""))
    site.write("bulletins/2026/2026-11.md", GOOD_ISSUE)
    model = site.load().site
    assert model.settings.site_url == ""
    assert feeds.atom(model) is None
    assert "feed.xml" not in generate_all(model).files


def test_every_page_links_the_feed_relatively(built):
    site = built / "site"
    assert (site / "feed.xml").read_bytes() == (built / "docs" / "feed.xml").read_bytes()
    pages = [site / "index.html", site / "2026" / "11" / "index.html", site / "stats" / "2026" / "index.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        [href] = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html)
        assert not href.startswith(("http", "/")), href  # works under any sub-path
        assert (page.parent / href).resolve() == (site / "feed.xml").resolve()
