"""专题: /topics/ (every topic with icon, description and counts) and
/topics/<id>/ (every panel and activity on it, newest first, by year)."""
from __future__ import annotations

from kepu import urls
from kepu.generate.components import activity_list, cn_month, e, front_matter, icon
from kepu.model import Site


def topic_counts(site: Site, tid: str) -> tuple[int, int]:
    """Panels and held activities on a topic, all years (活动 never counts 预告, as in /stats/)."""
    panels = sum(1 for i in site.issues for p in i.panels if p.topic == tid)
    acts = sum(1 for a in site.past if tid in a.topics)
    return panels, acts


def topic_grid(site: Site, page_url: str) -> str:
    cards = []
    for t in site.topics.values():
        panels, acts = topic_counts(site, t.id)
        cards.append(f'<a class="kp-topic" style="--kp-c:{t.color}" href="{urls.relative(page_url, urls.topic(t.id))}">'
                     f'{icon(t, "kp-topic__icon")}<b>{e(t.name)}</b>'
                     f'<span class="kp-topic__desc">{e(t.description)}</span>'
                     f'<small>{panels} 块展板 · {acts} 场活动</small></a>')
    return '<div class="kp-topics">' + "".join(cards) + "</div>"


def generate(site: Site, out, media) -> None:
    out.page(urls.source_of(urls.TOPICS),
             front_matter("专题", hide=("navigation", "toc")) + "# 专题\n\n按专题查看历年的展板和活动。\n\n" + topic_grid(site, urls.TOPICS) + "\n")
    for t in site.topics.values():
        url = urls.topic(t.id)
        parts = [front_matter(f"{t.name}｜专题", hide=("navigation",), description=t.description),
                 f'<p class="kp-kicker">专题</p>\n\n# {icon(t, "kp-title-icon")}{e(t.name)}\n\n',
                 f"{e(t.description)}\n\n" if t.description else ""]
        years = sorted({i.year for i in site.issues if any(p.topic == t.id for p in i.panels)}
                       | {a.date.year for a in site.activities if t.id in a.topics}, reverse=True)
        if not years:
            parts.append("这个专题还没有展板或活动。\n")
        for y in years:
            parts.append(f"## {y}年 {{#y{y}}}\n\n")
            panels = [(i, p) for i in reversed(site.issues) if i.year == y for p in i.panels if p.topic == t.id]
            if panels:
                items = "".join(f'<li><a href="{urls.relative(url, urls.panel(i, p))}"><span class="kp-when">{cn_month(i.year, i.month)}</span>'
                                f"{e(p.title)}</a></li>" for i, p in panels)
                parts.append(f'<h3 class="kp-h3">展板</h3>\n<ul class="kp-list">{items}</ul>\n\n')
            acts = [a for a in reversed(site.activities) if a.date.year == y and t.id in a.topics]
            if acts:
                parts.append('<h3 class="kp-h3">活动</h3>\n' + activity_list(site, acts, url) + "\n\n")
        out.page(urls.source_of(url), "".join(parts))
