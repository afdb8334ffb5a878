"""首页: this month's issue with its panels, upcoming activities, recent
write-ups, the topic grid and this year's running totals."""
from __future__ import annotations

from kepu.core import urls
from kepu.views.pages.components import activity_list, cn_month, front_matter, issue_label, page, panel_cards
from kepu.views.pages.topic_pages import topic_grid
from kepu.content.model import Site
from kepu.views.stats import year_stats


def generate(site: Site, out, media) -> None:
    url = urls.HOME
    s = site.settings
    issue = site.current_issue
    current = None
    if issue:
        is_this_month = (issue.year, issue.month) == (site.today.year, site.today.month)
        current = {"kicker": "本期橱窗" if is_this_month else "最新一期", "label": issue_label(issue),
                   "month": cn_month(issue.year, issue.month), "title": issue.title, "summary": issue.summary,
                   "href": urls.relative(url, urls.issue(issue)),
                   "cover": media.img(issue.cover, url, alt=issue.title, cls="kp-feature__img", lazy=False) if issue.cover else "",
                   "cards": panel_cards(site, issue, url)}
    recent = list(reversed(site.past))[:5]
    y = site.today.year
    out.page(urls.source_of(url), page(
        "home.md",
        front_matter=front_matter(s.site_name, hide=("navigation", "toc"), description=f"{s.community_name}每月科普展板和科普活动"),
        community=s.community_name, site_name=s.site_name, issue=current,
        upcoming=activity_list(site, site.upcoming[:4], url, upcoming=True),
        recent=activity_list(site, recent, url, upcoming=False), activities_href=urls.relative(url, urls.ACTIVITIES),
        topics=topic_grid(site, url), year=y, totals=year_stats(site, y)))  # the same numbers as /stats/
