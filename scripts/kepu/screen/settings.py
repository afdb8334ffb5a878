"""The lobby screen's settings: `extra: screen:` in mkdocs.yml.

`parse(settings, problems)` is pure apart from reporting problems: it turns
the raw dict into ScreenSettings, falling back to the default for every bad
value (and naming the option and the fix when `problems` is given)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kepu.schema import suggest

SLIDE_KINDS = {
    "issue": "本期月刊封面",
    "panels": "本期展板",
    "upcoming": "活动预告",
    "recent": "活动纪实",
    "closing": "结尾的扫码页",
}
DEFAULT_KINDS = ("issue", "panels", "upcoming", "recent", "closing")

# key -> (default, minimum, maximum, Chinese help)
NUMBERS = {
    "upcoming_count": (4, 0, 20, "最多显示几场活动预告"),
    "recent_count": (3, 0, 20, "最多显示几场活动纪实"),
    "chars_per_minute": (200, 60, 600, "老人每分钟读多少字，用来计算每页停留时间"),
    "min_seconds": (8, 5, 300, "每页最少停留几秒"),
    "qr_min_seconds": (15, 5, 300, "带二维码的页最少停留几秒"),
    "max_seconds": (60, 8, 600, "每页最多停留几秒"),
    "poll_minutes": (5, 1, 120, "每隔几分钟检查一次网站有没有更新"),
}
TEXT_KEYS = {
    "title": "大屏左上角的标题",
    "slides": "显示哪些内容：" + "、".join(f"{k}（{v}）" for k, v in SLIDE_KINDS.items()),
    "night": "夜间时段，例如 22:00-07:00，这段时间只显示暗的时钟；不需要就写 关",
    "reload_at": "每天几点整页刷新一次（清理内存），例如 04:00；不需要就写 关",
}
ALL_KEYS = {**{k: v[3] for k, v in NUMBERS.items()}, **TEXT_KEYS}
OFF = {"", "off", "no", "false", "关", "不", "无", "否", "none", "null", "~"}
HHMM = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


@dataclass(frozen=True)
class ScreenSettings:
    title: str = ""
    slides: tuple[str, ...] = DEFAULT_KINDS
    upcoming_count: int = 4
    recent_count: int = 3
    chars_per_minute: int = 200
    min_seconds: int = 8
    qr_min_seconds: int = 15
    max_seconds: int = 60
    poll_minutes: int = 5
    night: tuple[int, int] | None = None  # minutes after midnight: (start, end); may wrap past midnight
    reload_at: int | None = 4 * 60  # minutes after midnight


def _minutes(text: str) -> int | None:
    m = HHMM.match(text.strip())
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def parse(settings, problems=None) -> ScreenSettings:
    """ScreenSettings from kepu.config.Settings; reports into `problems` if given."""
    raw = settings.extra.get("screen")
    path = settings.root / "mkdocs.yml"
    line = settings.extra_lines.get("screen", 0)
    title = settings.site_name

    def bad(message: str, fix: str) -> None:
        if problems is not None:
            problems.error(path, line, message, fix)

    if raw is None or raw == "":
        return ScreenSettings(title=title)
    if not isinstance(raw, dict):
        bad("extra.screen 应是「键: 值」设置", "写成多行：screen: 换行后缩进两格写 night: 22:00-07:00 等")
        return ScreenSettings(title=title)
    values: dict = {}
    for key, value in raw.items():
        if key not in ALL_KEYS:
            guess = suggest(str(key), ALL_KEYS)
            bad(f"extra.screen 里没有「{key}」这个设置",
                f"你是不是想写「{guess}」？" if guess else "可用的有：" + "、".join(ALL_KEYS))
    for key, (default, low, high, help_) in NUMBERS.items():
        if key not in raw:
            continue
        text = str(raw[key]).strip()
        if not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
            bad(f"extra.screen.{key}「{text}」不对（{help_}）", f"写 {low} 到 {high} 之间的整数，默认 {default}")
        else:
            values[key] = int(text)
    if "title" in raw:
        if isinstance(raw["title"], str) and raw["title"].strip():
            title = raw["title"].strip()
        else:
            bad("extra.screen.title 应是一行文字", "例如 title: 桂园社区科普橱窗")
    if "slides" in raw:
        kinds = raw["slides"]
        if isinstance(kinds, str):
            kinds = [k for k in re.split(r"[\s,，、]+", kinds) if k]
        if not isinstance(kinds, list) or not kinds:
            bad("extra.screen.slides 应是内容类型的列表", "例如 slides: [panels, upcoming, closing]")
        else:
            good = []
            for k in kinds:
                if k in SLIDE_KINDS:
                    good.append(k)
                else:
                    guess = suggest(str(k), SLIDE_KINDS)
                    bad(f"extra.screen.slides 里的「{k}」不是大屏认识的内容类型",
                        f"你是不是想写「{guess}」？" if guess else "可用的有：" + "、".join(SLIDE_KINDS))
            if good:
                values["slides"] = tuple(dict.fromkeys(good))
    if "night" in raw:
        text = str(raw["night"] or "").strip()
        if text.lower() in OFF:
            values["night"] = None
        else:
            parts = re.split(r"\s*[-–—~～至到]\s*", text)
            mins = [_minutes(p) for p in parts] if len(parts) == 2 else [None]
            if None in mins or mins[0] == mins[1]:
                bad(f"extra.screen.night「{text}」不是时段", "写成 22:00-07:00 这样的「开始-结束」，不需要夜间模式就写 关")
            else:
                values["night"] = (mins[0], mins[1])
    if "reload_at" in raw:
        text = str(raw["reload_at"] or "").strip()
        if text.lower() in OFF:
            values["reload_at"] = None
        elif _minutes(text) is None:
            bad(f"extra.screen.reload_at「{text}」不是时间", "写成 04:00 这样的「时:分」，不需要就写 关")
        else:
            values["reload_at"] = _minutes(text)
    result = ScreenSettings(title=title, **values)
    if result.min_seconds > result.max_seconds or result.qr_min_seconds > result.max_seconds:
        bad(f"extra.screen 里的最短停留时间大于 max_seconds（{result.max_seconds} 秒）",
            "把 min_seconds、qr_min_seconds 改小，或把 max_seconds 改大")
        result = ScreenSettings(title=title, **{k: v for k, v in values.items()
                                                if k not in ("min_seconds", "qr_min_seconds", "max_seconds")})
    return result


def check_settings(site, problems) -> None:
    """SITE_CHECKS entry: validate extra.screen (a missing site_url is reported once, by kepu.config)."""
    parse(site.settings, problems)
