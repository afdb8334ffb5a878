"""One page per monthly issue at /<YYYY>/<MM>/, plus /current/ (本期橱窗)."""
from __future__ import annotations

from kepu import share, urls
from kepu.generate.components import (activity_list, chip, cn_month, e, front_matter, issue_label, panel_cards)
from kepu.generate.content import rewrite
from kepu.model import Issue, Site


def render_issue(site: Site, issue: Issue, page_url: str, media, *, is_current: bool = False) -> str:
    parts = [front_matter(f"{issue.title}｜{issue_label(issue)}", hide=("navigation",),
                          description=issue.summary or issue.title,
                          extra={"image": share.image_for(media, issue.cover, *issue.images,
                                                          *(i for p in issue.panels for i in p.images),
                                                          colors=[site.topics[p.topic].color for p in issue.panels
                                                                  if p.topic in site.topics])})]
    kicker = f"{issue_label(issue)} · {cn_month(issue.year, issue.month)}"
    if is_current:
        kicker = "本期橱窗 · " + kicker
    parts.append(f'<p class="kp-kicker">{e(kicker)}</p>\n\n# {e(issue.title)}\n')
    meta = []
    if issue.editors:
        meta.append("编辑：" + "、".join(issue.editors))
    meta.append(f"{len(issue.panels)} 块展板")
    if is_current:
        meta.append(f'<a href="{urls.relative(page_url, urls.issue(issue))}">本期固定链接</a>')
    meta.append(f'<a href="{urls.relative(page_url, urls.issue(issue) + "print/")}" title="每块展板一张纸，带二维码">打印版</a>')
    parts.append(f'<p class="kp-meta">{" · ".join(e(m) if not m.startswith("<a") else m for m in meta)}</p>\n')
    if issue.cover:
        parts.append(f'<figure class="kp-cover">{media.img(issue.cover, page_url, alt=issue.title, lazy=False)}</figure>\n')
    if issue.intro.strip():
        parts.append(f'<div class="kp-intro" markdown>\n\n{rewrite(issue.intro, issue.source, issue.images, page_url, site, media, issue.videos)}\n\n</div>\n')
    parts.append(panel_cards(site, issue, page_url) + "\n")
    for p in issue.panels:
        t = site.topics.get(p.topic)
        parts.append(f'\n<section class="kp-panel" style="--kp-c:{t.color if t else "#888"}" markdown>\n\n'
                     f"## {e(p.title)} {{#{p.anchor}}}\n\n"
                     f'<p class="kp-panel__topic">{chip(site, p.topic, page_url)}<span>展板 {p.index}/{len(issue.panels)}</span></p>\n\n'
                     f"{rewrite(p.body, issue.source, issue.images, page_url, site, media, issue.videos)}\n\n</section>\n")
    idx = site.issues.index(issue)
    prev_i = site.issues[idx - 1] if idx > 0 else None
    next_i = site.issues[idx + 1] if idx + 1 < len(site.issues) else None
    nav = []
    if prev_i:
        nav.append(f'<a class="kp-pn kp-pn--prev" href="{urls.relative(page_url, urls.issue(prev_i))}">'
                   f"<small>上一期 · {cn_month(prev_i.year, prev_i.month)}</small>{e(prev_i.title)}</a>")
    if next_i:
        nav.append(f'<a class="kp-pn kp-pn--next" href="{urls.relative(page_url, urls.issue(next_i))}">'
                   f"<small>下一期 · {cn_month(next_i.year, next_i.month)}</small>{e(next_i.title)}</a>")
    if nav:
        parts.append('\n<nav class="kp-prevnext" aria-label="往期">' + "".join(nav) + "</nav>\n")
    acts = [a for a in site.activities if (a.date.year, a.date.month) == (issue.year, issue.month)]
    if acts:
        parts.append(f"\n## {issue.month}月的活动 {{#activities}}\n\n")
        parts.append(activity_list(site, acts, page_url) + "\n")
    return "".join(parts)


def generate(site: Site, out, media) -> None:
    for issue in site.issues:
        url = urls.issue(issue)
        out.page(urls.source_of(url), render_issue(site, issue, url, media))
    current = site.current_issue
    if current:
        out.page(urls.source_of(urls.CURRENT), render_issue(site, current, urls.CURRENT, media, is_current=True))
    else:
        out.page(urls.source_of(urls.CURRENT), front_matter("本期橱窗") + "# 本期橱窗\n\n还没有发布月刊。\n")
