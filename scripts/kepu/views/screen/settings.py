"""The lobby screen's settings: `extra: screen:` in mkdocs.yml.

The fields are declared in kepu.content.schema (SCREEN_FIELDS) and checked once, with
the rest of mkdocs.yml, by kepu.content.config.load_settings; `parse(settings)` turns
the checked values into ScreenSettings (every bad value already fell back to
its default and was reported)."""
from __future__ import annotations

from dataclasses import dataclass

from kepu.content.schema import EXTRA, SLIDE_KINDS, Integer  # noqa: F401 - SLIDE_KINDS re-exported

SCREEN = EXTRA["screen"].schema
DEFAULT_KINDS = SCREEN["slides"].default


def _minutes(value) -> int | None:
    """Minutes after midnight of a datetime.time (None stays None)."""
    return None if value is None else value.hour * 60 + value.minute


@dataclass(frozen=True)
class ScreenSettings:
    title: str = ""
    slides: tuple[str, ...] = DEFAULT_KINDS
    upcoming_count: int = SCREEN["upcoming_count"].default
    recent_count: int = SCREEN["recent_count"].default
    chars_per_minute: int = SCREEN["chars_per_minute"].default
    min_seconds: int = SCREEN["min_seconds"].default
    qr_min_seconds: int = SCREEN["qr_min_seconds"].default
    max_seconds: int = SCREEN["max_seconds"].default
    poll_minutes: int = SCREEN["poll_minutes"].default
    night: tuple[int, int] | None = None  # minutes after midnight: (start, end); may wrap past midnight
    reload_at: int | None = _minutes(SCREEN["reload_at"].default)  # minutes after midnight


def parse(settings, problems=None) -> ScreenSettings:
    """ScreenSettings from kepu.content.config.Settings. `problems` is not used any more:
    kepu.content.config.load_settings reports every problem of extra.screen."""
    values = settings.values["screen"]
    night = values["night"]
    return ScreenSettings(
        title=values["title"] or settings.site_name,
        slides=tuple(values["slides"]),
        night=(_minutes(night[0]), _minutes(night[1])) if night else None,
        reload_at=_minutes(values["reload_at"]),
        **{f.name: values[f.name] for f in SCREEN if isinstance(f, Integer)},
    )
