"""The one model of the content. Built once per build by `loader.load_site`;
every page, feed, chart and slide is a view of it. Plain data, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    icon: str = "material/tag"
    color: str = "#a16207"
    description: str = ""


@dataclass(frozen=True)
class Image:
    source: Path  # absolute path of the original in bulletins/
    written: str  # the path as the volunteer wrote it
    alt: str = ""
    line: int = 0


@dataclass(frozen=True)
class Video:
    """A short film (宣传短片) in bulletins/, referenced like an image: ![标题](videos/x.mp4)."""
    source: Path  # absolute path of the file in bulletins/
    written: str  # the path as the volunteer wrote it
    title: str = ""  # the text in ![...]
    line: int = 0


@dataclass
class Panel:
    issue_year: int
    issue_month: int
    index: int  # 1-based position in the issue
    anchor: str  # stable ASCII id: "p1" or an explicit {#id}
    title: str
    topic: str  # topic id
    body: str  # Markdown as written
    line: int
    images: list[Image] = field(default_factory=list)  # images in this panel's text, in order
    videos: list[Video] = field(default_factory=list)  # films in this panel's text, in order
    # derived once at load (kepu.core.sanitize.plain_text), read by every view:
    text: str = ""  # the body as plain text (no markup, entities decoded): escape it where it goes
    lead: str = ""  # its first paragraph as plain text
    body_chars: int = 0  # reading length of `text`: Han characters plus Latin words/numbers


@dataclass
class Issue:
    year: int
    month: int
    number: int  # 第 N 期, counted in months from extra.first_issue
    title: str
    source: Path
    editors: tuple[str, ...] = ()
    summary: str = ""
    cover: Image | None = None
    intro: str = ""
    panels: list[Panel] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    videos: list[Video] = field(default_factory=list)
    intro_text: str = ""  # derived at load: the intro as plain text
    intro_lead: str = ""  # its first paragraph as plain text

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def topics(self) -> list[str]:
        seen: list[str] = []
        for p in self.panels:
            if p.topic not in seen:
                seen.append(p.topic)
        return seen


@dataclass
class Activity:
    date: date
    slug: str
    title: str
    location: str
    topics: tuple[str, ...]
    source: Path
    start: time | None = None
    end: time | None = None
    organizer: str = ""
    partners: tuple[str, ...] = ()
    participants: int | None = None
    signup: str = ""  # how to sign up, usually with a phone number (shown on upcoming activities)
    cover: Image | None = None
    body: str = ""
    images: list[Image] = field(default_factory=list)
    videos: list[Video] = field(default_factory=list)
    # derived once at load (kepu.core.sanitize.plain_text), read by every view:
    text: str = ""  # the write-up as plain text
    lead: str = ""  # its first paragraph as plain text
    body_chars: int = 0  # reading length of `text`

    @property
    def key(self) -> str:
        return f"{self.date.isoformat()}-{self.slug}"

    def is_upcoming(self, today: date) -> bool:
        """On the day itself an activity is still announced, not yet written up."""
        return self.date >= today


@dataclass(frozen=True)
class Notice:
    """An urgent notice (紧急通知) from bulletins/notices/: shown from `start` until `end`."""

    source: Path
    slug: str  # ASCII, from the file name (pinyin for a Chinese name): an id on pages and the screen
    title: str
    start: datetime  # timezone-aware, in the community's time zone
    end: datetime  # timezone-aware, after start
    level: str  # "提示" | "重要" | "紧急"
    html: str  # sanitized body HTML (kepu.core.templating.markdown_html)
    text: str  # the body as plain text

    def is_active(self, now: datetime) -> bool:
        return self.start <= now < self.end


@dataclass
class Site:
    settings: "Settings"  # noqa: F821 - kepu.content.config.Settings
    topics: dict[str, Topic]  # in registry order
    issues: list[Issue]  # oldest first
    activities: list[Activity]  # oldest first
    today: date
    notices: tuple[Notice, ...] = ()  # not yet ended at build time, by start (紧急 first on the same start)
    synonyms: tuple = ()  # search synonym groups (kepu.content.synonyms.Group): kepu's, then bulletins/search-synonyms.yml

    def issue(self, year: int, month: int) -> Issue | None:
        return next((i for i in self.issues if (i.year, i.month) == (year, month)), None)

    @property
    def current_issue(self) -> Issue | None:
        """This month's issue, or the latest one published before today."""
        past = [i for i in self.issues if (i.year, i.month) <= (self.today.year, self.today.month)]
        return past[-1] if past else (self.issues[0] if self.issues else None)

    @property
    def shown_issues(self) -> list[Issue]:
        """The current issue and the coming ones: what the screen shows and posters print."""
        current = self.current_issue
        if current is None:
            return []
        return [i for i in self.issues if (i.year, i.month) >= (current.year, current.month)]

    @property
    def upcoming(self) -> list[Activity]:
        return [a for a in self.activities if a.is_upcoming(self.today)]

    @property
    def past(self) -> list[Activity]:
        return [a for a in self.activities if not a.is_upcoming(self.today)]

    @property
    def years(self) -> list[int]:
        return sorted({i.year for i in self.issues} | {a.date.year for a in self.activities})
