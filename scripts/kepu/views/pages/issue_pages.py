"""One page per monthly issue at /<YYYY>/<MM>/, plus /current/ (本期橱窗)."""
from __future__ import annotations

from kepu.views import share
from kepu.core import urls
from kepu.core.memo import per_site
from kepu.views.pages.components import activity_list, chip, cn_month, front_matter, issue_label, page, panel_cards, prevnext
from kepu.views.pages.content import rewrite
from kepu.content.model import Issue, Site


def shown_with(site: Site, issue: Issue) -> tuple:
    """What an issue's page shows besides the site-wide parts: the issue, the issues before and
    after it (prev/next links) and the month's activities (`Output.unchanged`, kepu serve)."""
    idx = site.issues.index(issue)
    return (issue, site.issues[idx - 1] if idx > 0 else None, site.issues[idx + 1] if idx + 1 < len(site.issues) else None,
            month_activities(site, issue))


@per_site
def _by_month(site: Site) -> dict[tuple[int, int], list]:
    """{(year, month): its activities in site order}."""
    index: dict[tuple[int, int], list] = {}
    for a in site.activities:
        index.setdefault((a.date.year, a.date.month), []).append(a)
    return index


def month_activities(site: Site, issue: Issue) -> list:
    """The activities of the issue's month, in site order (an index made once per site, not a scan per page)."""
    return list(_by_month(site).get((issue.year, issue.month), ()))


def render_issue(site: Site, issue: Issue, page_url: str, media, *, is_current: bool = False) -> str:
    fm = front_matter(f"{issue.title}｜{issue_label(issue)}", hide=("navigation",),
                      description=issue.summary or issue.title,
                      extra={"image": share.image_for(media, issue.cover, *issue.images,
                                                      *(i for p in issue.panels for i in p.images),
                                                      colors=[site.topics[p.topic].color for p in issue.panels
                                                              if p.topic in site.topics])})
    kicker = f"{issue_label(issue)} · {cn_month(issue.year, issue.month)}"
    if is_current:
        kicker = "本期橱窗 · " + kicker
    panels = []
    for p in issue.panels:
        t = site.topics.get(p.topic)
        panels.append({"color": t.color if t else "#888", "title": p.title, "anchor": p.anchor, "index": p.index,
                       "chip": chip(site, p.topic, page_url),
                       "body": rewrite(p.body, issue.source, issue.images, page_url, site, media, issue.videos)})
    idx = site.issues.index(issue)
    prev_i = site.issues[idx - 1] if idx > 0 else None
    next_i = site.issues[idx + 1] if idx + 1 < len(site.issues) else None
    nav = [{"side": side, "href": urls.relative(page_url, urls.issue(i)), "small": f"{word} · {cn_month(i.year, i.month)}",
            "title": i.title} for side, word, i in (("prev", "上一期", prev_i), ("next", "下一期", next_i)) if i]
    acts = month_activities(site, issue)
    return page(
        "issue.md", front_matter=fm, kicker=kicker, title=issue.title, editors=issue.editors,
        permalink=urls.relative(page_url, urls.issue(issue)) if is_current else "",
        print_href=urls.relative(page_url, urls.issue(issue) + "print/"),
        cover=media.img(issue.cover, page_url, alt=issue.title, lazy=False) if issue.cover else "",
        intro=rewrite(issue.intro, issue.source, issue.images, page_url, site, media) if issue.intro.strip() else None,
        cards=panel_cards(site, issue, page_url), panels=panels, prevnext=prevnext(nav, "往期") if nav else "",
        month=issue.month, activities=activity_list(site, acts, page_url))


def generate(site: Site, out, media) -> None:
    for issue in site.issues:
        url = urls.issue(issue)
        if not out.unchanged(urls.source_of(url), *shown_with(site, issue)):
            out.page(urls.source_of(url), render_issue(site, issue, url, media))
    current = site.current_issue
    if current:
        if not out.unchanged(urls.source_of(urls.CURRENT), *shown_with(site, current)):
            out.page(urls.source_of(urls.CURRENT), render_issue(site, current, urls.CURRENT, media, is_current=True))
    else:
        out.page(urls.source_of(urls.CURRENT), page("issue_empty.md", front_matter=front_matter("本期橱窗")))
