"""专题: /topics/ (every topic with icon, description and counts) and
/topics/<id>/ (every panel and activity on it, newest first, by year)."""
from __future__ import annotations

from kepu.core import urls
from kepu.views.pages.components import activity_list, cn_month, front_matter, icon, macro, page, topic_view
from kepu.content.model import Site


def topic_counts(site: Site, tid: str) -> tuple[int, int]:
    """Panels and held activities on a topic, all years (活动 never counts 预告, as in /stats/)."""
    panels = sum(1 for i in site.issues for p in i.panels if p.topic == tid)
    acts = sum(1 for a in site.past if tid in a.topics)
    return panels, acts


def topic_grid(site: Site, page_url: str) -> str:
    cards = []
    for tid in site.topics:
        t = topic_view(site, tid, page_url)
        t["panels"], t["activities"] = topic_counts(site, tid)
        cards.append(t)
    return str(macro("topic_grid")(cards))


def generate(site: Site, out, media) -> None:
    out.page(urls.source_of(urls.TOPICS), page("topics.md", front_matter=front_matter("专题", hide=("navigation", "toc")),
                                               grid=topic_grid(site, urls.TOPICS)))
    for t in site.topics.values():
        url = urls.topic(t.id)
        years = sorted({i.year for i in site.issues if any(p.topic == t.id for p in i.panels)}
                       | {a.date.year for a in site.activities if t.id in a.topics}, reverse=True)
        rows = []
        for y in years:
            panels = [{"href": urls.relative(url, urls.panel(i, p)), "month": cn_month(i.year, i.month), "title": p.title}
                      for i in reversed(site.issues) if i.year == y for p in i.panels if p.topic == t.id]
            acts = [a for a in reversed(site.activities) if a.date.year == y and t.id in a.topics]
            rows.append({"year": y, "panels": panels, "activities": activity_list(site, acts, url)})
        out.page(urls.source_of(url), page(
            "topic.md", front_matter=front_matter(f"{t.name}｜专题", hide=("navigation",), description=t.description),
            topic=t, icon=icon(t, "kp-title-icon"), years=rows))
