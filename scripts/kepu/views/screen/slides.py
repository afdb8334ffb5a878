"""The slide model of the lobby screen: pure functions from the Site.

Every slide carries the text it shows (already shortened to fit), the page
its QR code points to, and how long it stays: long enough for an older
resident to read it (about 200 Chinese characters a minute)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from kepu.core import urls
from kepu.core.sanitize import count_chars, display_width, plain_text
from kepu.views.pages.components import WEEKDAYS, issue_label, time_text
from kepu.content.model import Activity, Image, Issue, Panel, Site, Video
from kepu.views.screen.settings import ScreenSettings, parse
from kepu.views.screen.slogans import EVERY, load_slogans

# What fits legibly on one slide at 52 px (text column about 20 characters
# wide, 5 lines; portrait 18 wide): measured in display width (Han = 1, ASCII = 1/2).
TEXT_MAX = 96
SUMMARY_MAX = 72
RECENT_TEXT_MAX = 56
TITLE_MAX = 26
SENTENCE_END = "。！？；!?;"


@dataclass(frozen=True)
class Slide:
    kind: str  # issue | panel | upcoming | recent | closing | notice | slogan | film
    key: str  # stable id, e.g. "panel-2026-11-p1"
    kicker: str
    title: str
    text: str = ""
    facts: tuple[tuple[str, str], ...] = ()  # (label, value) lines
    image: Image | None = None
    url: str | None = None  # site-relative page the QR code opens ("" is the home page)
    qr_url: str = ""  # absolute URL in the QR code ("" when site_url is not set)
    topics: tuple[str, ...] = ()
    color: str = ""  # topic accent (a stripe, never text)
    date: str = ""  # ISO date of an upcoming activity (countdown; hidden once past)
    seconds: int = 8
    start: int = 0  # notice: shown from this instant (ms since the epoch) ...
    end: int = 0  # ... until this one; the browser compares with its clock
    level: str = ""  # notice: 提示 | 重要
    video: Video | None = None  # film: played muted, for its length (capped)
    shown_from: str = ""  # ISO date: hidden before this day (a 纪实 slide ready for the day after an activity)
    parents: tuple[str, ...] = ()  # film: shown while one of these slides is (its activity's 预告 or 纪实)

    @property
    def reading_chars(self) -> int:
        extra = 4 if self.kind == "upcoming" else 0  # the countdown "还有 N 天"
        shown = " ".join([self.kicker, self.title, self.text] + [f"{a} {b}" for a, b in self.facts])
        return count_chars(plain_text(shown)) + extra


def shorten(text: str, limit: float) -> str:
    """Cut `text` to at most `limit` display width, with an ellipsis when cut.
    Prefers to stop after a whole sentence when that keeps most of the room."""
    text = text.strip()
    if display_width(text) <= limit:
        return text
    room = limit - 1
    out, w = [], 0.0
    for ch in text:
        w += display_width(ch)
        if w > room:
            break
        out.append(ch)
    cut = "".join(out)
    ends = [i for i, ch in enumerate(cut) if ch in SENTENCE_END]
    if ends and display_width(cut[: ends[-1] + 1]) >= 0.6 * room:
        cut = cut[: ends[-1] + 1]
    return cut.rstrip("，、：；,:; ") + "…"


def lead(markdown: str) -> str:
    """The opening paragraphs of a text, up to its first sub-heading, list or table."""
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        first = block.lstrip().split("\n")[0]
        if re.match(r"#{1,6}\s|[-+*]\s|\d+[.)]\s|\||```|~~~", first):
            if parts:
                break
            continue
        text = plain_text(block)
        if not text:
            continue
        if parts and display_width(" ".join(parts + [text])) > TEXT_MAX:
            break
        parts.append(text)
    if not parts:  # only lists/headings: show them flattened
        parts = [plain_text(re.sub(r"^#{1,6}\s.*$", "", markdown, flags=re.M))]
    return " ".join(parts)


def activity_image(act: Activity) -> Image | None:
    return act.cover or (act.images[0] if act.images else None)


def cn_day(d: date) -> str:
    return f"{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


def duration(chars: int, has_qr: bool, s: ScreenSettings) -> int:
    """Seconds on screen: 4 s to notice the slide plus reading time, clamped."""
    seconds = 4 + chars * 60 / s.chars_per_minute
    seconds = max(seconds, s.min_seconds, s.qr_min_seconds if has_qr else 0)
    return int(round(min(seconds, s.max_seconds)))


def _finish(site: Site, s: ScreenSettings, slide: Slide) -> Slide:
    qr = urls.absolute(site.settings.site_url, slide.url) if slide.url is not None else ""
    draft = Slide(**{**slide.__dict__, "qr_url": qr})
    if slide.kind == "film":  # as long as the film (capped), not the reading time
        from kepu.media.films import screen_seconds

        return Slide(**{**draft.__dict__, "seconds": screen_seconds(slide.video.source)})
    return Slide(**{**draft.__dict__, "seconds": duration(draft.reading_chars, bool(qr), s)})


def issue_slide(site: Site, issue: Issue) -> Slide:
    # the summary is a front-matter value: shown as written, like on the website (the page escapes it)
    this_month = (issue.year, issue.month) == (site.today.year, site.today.month)
    kicker = f"{'本期橱窗' if this_month else '最新一期'} · {issue_label(issue)} · {issue.year}年{issue.month}月"
    return Slide("issue", f"issue-{issue.key}", kicker, shorten(issue.title, TITLE_MAX),
                 text=shorten(" ".join(issue.summary.split()), SUMMARY_MAX), image=issue.cover, url=urls.issue(issue),
                 topics=tuple(issue.topics))


def panel_slide(site: Site, issue: Issue, panel: Panel) -> Slide:
    topic = site.topics.get(panel.topic)
    kicker = f"{issue_label(issue)} · {topic.name if topic else '展板'} · 第 {panel.index} 块展板"
    return Slide("panel", f"panel-{issue.key}-{panel.anchor}", kicker, shorten(panel.title, TITLE_MAX),
                 text=shorten(lead(panel.body), TEXT_MAX), image=panel.images[0] if panel.images else None,
                 url=urls.panel(issue, panel), topics=(panel.topic,), color=topic.color if topic else "")


def upcoming_slide(site: Site, act: Activity) -> Slide:
    facts = [("时间", f"{cn_day(act.date)} {time_text(act)}"), ("地点", shorten(act.location, 22))]
    topic = site.topics.get(act.topics[0]) if act.topics else None
    return Slide("upcoming", f"upcoming-{act.key}", "活动预告", shorten(act.title, TITLE_MAX), facts=tuple(facts),
                 image=activity_image(act), url=urls.activity(act), topics=act.topics,
                 color=topic.color if topic else "", date=act.date.isoformat())


def recent_slide(site: Site, act: Activity, shown_from: str = "") -> Slide:
    facts = [("参加", f"{act.participants} 位居民")] if act.participants else []
    topic = site.topics.get(act.topics[0]) if act.topics else None
    return Slide("recent", f"recent-{act.key}", f"活动纪实 · {act.date.month}月{act.date.day}日",
                 shorten(act.title, TITLE_MAX), text=shorten(act.lead, RECENT_TEXT_MAX),
                 facts=tuple(facts), image=activity_image(act), url=urls.activity(act), topics=act.topics,
                 color=topic.color if topic else "", shown_from=shown_from)


def film_slides(parent: Slide, videos, also: tuple[str, ...] = ()) -> list[Slide]:
    """A short film of a panel or an activity, right after its slide (shown while that
    slide, or one of the `also` keys, is)."""
    return [Slide("film", f"film-{parent.key}-{n}", "宣传短片", shorten(v.title or parent.title, TITLE_MAX), video=v,
                  topics=parent.topics, color=parent.color, parents=(parent.key, *also))
            for n, v in enumerate(videos, start=1)]


def closing_slide(site: Site) -> Slide:
    st = site.settings
    facts = [(k, v) for k, v in (("地址", shorten(st.community_address, 30)), ("电话", st.community_contact)) if v]
    return Slide("closing", "closing", st.site_name, "扫码看完整的科普橱窗",
                 text="往期月刊、全部展板和活动预告都在网站上，用微信扫一扫就能看。",
                 facts=tuple(facts), url=urls.HOME)


NOTICE_LEVELS = ("提示", "重要", "紧急")
URGENT = "紧急"  # a band on top of every slide instead of a slide of its own
NOTICE_KICKER = {"提示": "温馨提示", "重要": "重要通知", "紧急": "紧急通知"}
NOTICE_COLOR = {"提示": "#7fd1ae", "重要": "#ff9f43", "紧急": "#ff6b6b"}
BAND_TEXT_MAX = 60


def notices(site: Site) -> tuple:
    """The site's notices (kepu.content.model.Notice, from bulletins/notices/): those not
    yet ended at build time, sorted by start. The browser decides which are showing."""
    return tuple(getattr(site, "notices", ()) or ())


def epoch_ms(moment) -> int:
    return int(round(moment.timestamp() * 1000))


def notice_when(site: Site, notice) -> str:
    """「12月3日 08:00 至 18:00」 in the community's time zone."""
    tz = site.settings.tz
    a, b = notice.start.astimezone(tz), notice.end.astimezone(tz)
    day = lambda d: f"{d.month}月{d.day}日"  # noqa: E731
    end = f"{b:%H:%M}" if a.date() == b.date() else f"{day(b)} {b:%H:%M}"
    return f"{day(a)} {a:%H:%M} 至 {end}"


def notice_slide(site: Site, notice) -> Slide:
    level = notice.level if notice.level in NOTICE_KICKER else "提示"
    return Slide("notice", f"notice-{notice.slug}", NOTICE_KICKER[level], shorten(notice.title, TITLE_MAX),
                 text=shorten(" ".join(notice.text.split()), TEXT_MAX), facts=(("时间", notice_when(site, notice)),),
                 color=NOTICE_COLOR[level], start=epoch_ms(notice.start), end=epoch_ms(notice.end), level=level)


def urgent_data(site: Site) -> list[dict]:
    """紧急 notices for the band on top of every slide (shown while active)."""
    return [{"key": f"urgent-{n.slug}", "title": n.title, "text": shorten(" ".join(n.text.split()), BAND_TEXT_MAX),
             "start": epoch_ms(n.start), "end": epoch_ms(n.end)}
            for n in notices(site) if n.level == URGENT]


def with_slogans(slides: list[Slide], slogans) -> list[Slide]:
    """A slogan slide after every few content slides (the browser rotates the
    slogans through these places, so every slogan gets its turn)."""
    if not slogans or not slides:
        return slides
    out: list[Slide] = []
    content = 0
    for sl in slides:
        out.append(sl)
        if sl.kind != "notice":
            content += 1
            if content % EVERY == 0 and sl is not slides[-1]:
                out.append(slogan_slide(slogans, len([x for x in out if x.kind == "slogan"])))
    if not any(x.kind == "slogan" for x in out):
        out.append(slogan_slide(slogans, 0))
    return out


def slogan_slide(slogans, n: int) -> Slide:
    return Slide("slogan", f"slogan-{n + 1}", "", slogans[n % len(slogans)].text)


def build_slides(site: Site, s: ScreenSettings | None = None, slogans=None) -> list[Slide]:
    """The slides in order. `slogans`: from bulletins/slogans.yml when not given."""
    s = s or parse(site.settings)
    if slogans is None:
        slogans = load_slogans(site.settings.root)
    # notices first: while one is active it opens every round (and is shown as soon as it starts)
    slides: list[Slide] = [notice_slide(site, n) for n in notices(site) if n.level != URGENT]
    issue = site.current_issue
    for kind in s.slides:
        if kind == "issue" and issue:
            slides.append(issue_slide(site, issue))
        elif kind == "panels" and issue:
            for p in issue.panels:
                slides.append(panel_slide(site, issue, p))
                slides += film_slides(slides[-1], p.videos)
        elif kind == "upcoming":
            for a in site.upcoming[: s.upcoming_count]:
                slides.append(upcoming_slide(site, a))
                slides += film_slides(slides[-1], a.videos, (f"recent-{a.key}",))
        elif kind == "recent":
            # 预告 → 纪实 by the screen's own date (it may run for days without a new build): a coming
            # activity with a photo has its 纪实 slide ready, hidden until the day after it; the
            # browser shows the newest recent_count of the recent slides it may show that day
            for a in reversed(site.upcoming[: s.upcoming_count]):
                if activity_image(a):
                    slides.append(recent_slide(site, a, (a.date + timedelta(days=1)).isoformat()))
            with_photo = [a for a in reversed(site.past) if activity_image(a) or a.videos]
            for a in with_photo[: s.recent_count]:
                slides.append(recent_slide(site, a))
                slides += film_slides(slides[-1], a.videos)
        elif kind == "closing":
            slides.append(closing_slide(site))
    return [_finish(site, s, sl) for sl in with_slogans(slides, slogans)]


def check_panels(site: Site, problems) -> None:
    """kepu.checks.SITE_CHECKS entry: warn when a panel's opening paragraph cannot fit on the
    lobby screen (only for the current and coming issues: the screen never
    shows older ones)."""
    for issue in site.shown_issues:
        for panel in issue.panels:
            opening = panel.lead
            if display_width(opening) > TEXT_MAX:
                problems.warning(issue.source, panel.line,
                                 f"展板「{panel.title}」的第一段有 {int(display_width(opening) + 0.5)} 字，大屏一页只能显示约 {TEXT_MAX} 字，会被截断",
                                 f"大屏显示每块展板的第一段：把第一段写成 {TEXT_MAX} 字以内的提要，详细内容放在后面（居民扫二维码看全文）")
