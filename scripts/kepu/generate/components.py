"""Small HTML/Markdown pieces shared by the page generators."""
from __future__ import annotations

import re
from datetime import date

from kepu import urls
from kepu.escape import text, yaml_str
from kepu.model import Activity, Issue, Site, Topic
from kepu.topics import icon_svg

WEEKDAYS = "一二三四五六日"
e = text  # every string in a generated page goes through kepu.escape.text


# Phone numbers residents may want to call with one tap: landlines with an area code
# (0571-8800 0000, 0571-86120378), mobiles (138 0000 0000) and the public service
# numbers (110, 119, 120, 122, 12345 ...), never digits inside a longer number or a date.
PHONE = re.compile(r"(?<![\d.:/-])(?:0\d{2,3}[- ]?\d{3,4}[- ]?\d{4}|1[3-9]\d[- ]?\d{4}[- ]?\d{4}"
                   r"|110|119|120|122|12\d{3}|961\d{2})(?![\d.:/年月日号-])(?!\s?[人名位元期块场次个岁天])")


def tel_links(text: str) -> str:
    """Escape `text` for HTML and turn its phone numbers into tel: links."""
    out, last = [], 0
    for m in PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        out.append(e(text[last:m.start()]))
        out.append(f'<a class="kp-tel" href="tel:{digits}" aria-label="拨打 {e(m.group())}">{e(m.group())}</a>')
        last = m.end()
    return "".join(out) + e(text[last:])


def cn_date(d: date, weekday: bool = True) -> str:
    text = f"{d.year}年{d.month}月{d.day}日"
    return text + (f"（星期{WEEKDAYS[d.weekday()]}）" if weekday else "")


def cn_month(year: int, month: int) -> str:
    return f"{year}年{month}月"


def time_text(act: Activity) -> str:
    if not act.start:
        return "全天"
    text = act.start.strftime("%H:%M")
    return text + (f"–{act.end.strftime('%H:%M')}" if act.end else "")


def issue_label(issue: Issue) -> str:
    return f"第 {issue.number} 期" if issue.number else cn_month(issue.year, issue.month)


def icon(topic: Topic, cls: str = "kp-icon") -> str:
    svg = icon_svg(topic.icon)
    return f'<span class="{cls}" aria-hidden="true">{svg}</span>' if svg else ""


def chip(site: Site, topic_id: str, page_url: str) -> str:
    t = site.topics.get(topic_id)
    if not t:
        return ""
    href = urls.relative(page_url, urls.topic(t.id))
    return f'<a class="kp-chip" href="{href}" style="--kp-c:{t.color}">{icon(t)}{e(t.name)}</a>'


def chips(site: Site, topic_ids, page_url: str) -> str:
    return '<span class="kp-chips">' + "".join(chip(site, t, page_url) for t in topic_ids) + "</span>"


def excerpt(text: str, limit: int = 60) -> str:
    """Plain text (a model field such as Panel.text) cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip("，。、；：,. ") + "…"


def activity_item(site: Site, act: Activity, page_url: str, *, upcoming: bool | None = None, hidden: bool = False) -> str:
    if upcoming is None:
        upcoming = act.is_upcoming(site.today)
    href = urls.relative(page_url, urls.activity(act))
    badge = '<span class="kp-badge kp-badge--soon" data-kp-countdown>预告</span>' if upcoming else ""
    people = f" · {act.participants} 人参加" if act.participants is not None and not upcoming else ""
    return (f'<li class="kp-act{" kp-act--upcoming" if upcoming else ""}" data-date="{act.date.isoformat()}"'
            f'{" hidden" if hidden else ""}>'
            f'<a class="kp-act__link" href="{href}">'
            f'<span class="kp-act__date"><b>{act.date.month}月{act.date.day}日</b><small>星期{WEEKDAYS[act.date.weekday()]}</small></span>'
            f'<span class="kp-act__main"><span class="kp-act__title">{badge}{e(act.title)}</span>'
            f'<span class="kp-act__meta">{e(time_text(act))} · {e(act.location)}{people}</span></span></a></li>')


def activity_list(site: Site, acts, page_url: str, *, upcoming: bool | None = None, cls: str = "", hidden: bool = False) -> str:
    if not acts:
        return ""
    items = "".join(activity_item(site, a, page_url, upcoming=upcoming, hidden=hidden) for a in acts)
    return f'<ul class="kp-acts {cls}">{items}</ul>'


def issue_card(site: Site, issue: Issue, page_url: str, media, *, big: bool = False) -> str:
    href = urls.relative(page_url, urls.issue(issue))
    cover = ""
    if issue.cover:
        cover = media.img(issue.cover, page_url, alt=issue.title, cls="kp-card__img")
    topics = "".join(f'<span class="kp-dot" style="--kp-c:{site.topics[t].color}" title="{e(site.topics[t].name)}"></span>'
                     for t in issue.topics if t in site.topics)
    return (f'<a class="kp-issue{" kp-issue--big" if big else ""}" href="{href}">{cover}'
            f'<span class="kp-issue__no">{e(issue_label(issue))} · {issue.year}年{issue.month}月</span>'
            f'<span class="kp-issue__title">{e(issue.title)}</span>'
            f'<span class="kp-issue__sum">{e(issue.summary)}</span>'
            f'<span class="kp-issue__topics">{topics}<small>{len(issue.panels)} 块展板</small></span></a>')


def panel_cards(site: Site, issue: Issue, page_url: str) -> str:
    cards = []
    for p in issue.panels:
        t = site.topics.get(p.topic)
        href = urls.relative(page_url, urls.panel(issue, p))
        cards.append(f'<a class="kp-panel-card" href="{href}" style="--kp-c:{t.color if t else "#888"}">'
                     f'<span class="kp-panel-card__topic">{icon(t) if t else ""}{e(t.name if t else "")}</span>'
                     f'<span class="kp-panel-card__title">{e(p.title)}</span>'
                     f'<span class="kp-panel-card__text">{e(excerpt(p.text, 54))}</span></a>')
    return '<div class="kp-panel-cards">' + "".join(cards) + "</div>"


def front_matter(title: str, *, hide=("navigation",), description: str = "", extra: dict | None = None) -> str:
    """Front matter of a generated page. Generated pages are kept out of Material's
    search plugin: their text is indexed once, from the model (search_index.py)."""
    lines = ["---", f"title: {yaml_str(title)}"]
    if description:
        lines.append(f"description: {yaml_str(description)}")
    if hide:
        lines.append("hide:")
        lines += [f"  - {h}" for h in hide]
    lines += ["search:", "  exclude: true"]
    for k, v in (extra or {}).items():
        lines.append(f"{k}: {yaml_str(v)}")
    lines.append("---\n")
    return "\n".join(lines)
