"""Short films (宣传短片): MP4 files in bulletins/ that a panel or an activity
shows with image syntax, ![标题](videos/xxx.mp4).

The website shows them with controls (nothing is downloaded until a resident
presses play); the lobby screen plays them muted as a slide of their own. Cheap
TV boxes and the Raspberry Pi decode H.264 in MP4 in hardware, so the checker
asks for exactly that: ffprobe (Debian's `ffmpeg` package) reads the codec and
the length. Without ffprobe only the container is checked: on a volunteer's own
computer (Windows, no ffmpeg) that is a 提示 line, not a warning, so `check
--strict` still passes; on GitHub Actions, where the workflow should verify
films, it stays a warning."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kepu.content.problems import Problem

NOTE = "提示"  # a line of the check's output that is neither an error nor a warning (never fails --strict)
MAX_BYTES = 100 * 1024 * 1024  # GitHub refuses files larger than this
ADVISED_BYTES = 50 * 1024 * 1024  # GitHub warns above 50 MB; residents watch on mobile data
SCREEN_MAX_SECONDS = 120  # the lobby screen plays at most this much of a film
MAX_SECONDS = 10 * 60
SHRINK = ("用 HandBrake（免费，handbrake.fr）选「Fast 720p30」预设重新导出，或在电脑上运行 "
          "ffmpeg -i 原片.mp4 -c:v libx264 -crf 28 -preset slow -vf scale=-2:720 -c:a aac -b:a 96k -movflags +faststart 新文件.mp4")
CONVERT = ("转换成 MP4（H.264）：用 HandBrake（免费，handbrake.fr）的「Fast 720p30」预设导出，或运行 "
           "ffmpeg -i 原片 -c:v libx264 -crf 26 -vf scale=-2:720 -c:a aac -b:a 96k -movflags +faststart 新文件.mp4")


@dataclass(frozen=True)
class FilmInfo:
    size: int  # bytes
    probed: bool  # ffprobe read it (codec, duration known)
    container_ok: bool  # an ISO-BMFF (MP4) file
    video_codec: str = ""  # "h264", "hevc", ... ("" when there is no video stream)
    duration: float = 0.0  # seconds
    width: int = 0
    height: int = 0
    error: str = ""  # ffprobe could not read the file


def ffprobe() -> str | None:
    return shutil.which("ffprobe")


def _container_ok(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp"


@lru_cache(maxsize=256)
def _probe(path: str, size: int, mtime: float) -> FilmInfo:
    with open(path, "rb") as fh:
        head = fh.read(12)
    container = _container_ok(head)
    tool = ffprobe()
    if tool is None:
        return FilmInfo(size, False, container)
    try:
        res = subprocess.run([tool, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
                             capture_output=True, timeout=60)
        data = json.loads(res.stdout or b"{}") if res.returncode == 0 else {}
    except (OSError, subprocess.TimeoutExpired, ValueError):
        data = {}
    if not data.get("format") or not data.get("streams"):  # unreadable, or cut off before its first frame
        return FilmInfo(size, True, container, error="unreadable")
    video = next((s for s in data.get("streams", []) if s.get("codec_type") == "video"
                  and not (s.get("disposition") or {}).get("attached_pic")), None)
    try:
        duration = float(data["format"].get("duration") or (video or {}).get("duration") or 0)
    except ValueError:
        duration = 0.0
    names = str(data["format"].get("format_name", ""))
    return FilmInfo(size, True, container and "mp4" in names, (video or {}).get("codec_name", ""), duration,
                    int((video or {}).get("width") or 0), int((video or {}).get("height") or 0))


def probe(path: Path) -> FilmInfo:
    st = Path(path).stat()
    return _probe(str(path), st.st_size, st.st_mtime)


def screen_seconds(path: Path) -> int:
    """How long the lobby screen shows the film: its length, at most SCREEN_MAX_SECONDS
    (the cap when the length is unknown; the browser then stops at the film's end)."""
    try:
        info = probe(path)
    except OSError:
        return SCREEN_MAX_SECONDS
    if info.duration <= 0:
        return SCREEN_MAX_SECONDS
    return max(1, min(SCREEN_MAX_SECONDS, int(info.duration + 0.999)))


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 10 * 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def film_problems(path: Path) -> list[tuple[str, str, str]]:
    """(level, message, fix) for one film: level is "error", "warning" or "note"."""
    try:
        info = probe(path)
    except OSError as exc:
        return [("error", f"短片无法读取（{exc.strerror or exc}）", "检查文件是否还在、是否有读取权限")]
    out: list[tuple[str, str, str]] = []
    if info.size == 0:
        return [("error", "短片文件是空的（0 字节）", "重新复制这个视频文件")]
    if info.size > MAX_BYTES:
        out.append(("error", f"短片太大（{_mb(info.size)}），GitHub 不接受超过 100 MB 的文件，网站无法发布",
                    f"压缩到 50 MB 以内：{SHRINK}"))
    elif info.size > ADVISED_BYTES:
        out.append(("warning", f"短片有 {_mb(info.size)}，居民用手机流量看会很费流量，GitHub 也建议文件不超过 50 MB",
                    f"压缩到 50 MB 以内：{SHRINK}"))
    if not info.container_ok:
        return out + [("error", "这个文件不是 MP4 视频（可能只是改了扩展名，或文件已损坏）", CONVERT)]
    if not info.probed:
        if os.environ.get("GITHUB_ACTIONS") == "true":  # the workflow is where films must be verified
            return out + [("warning", "GitHub 上的检查没有 ffprobe，无法检查短片的编码和时长（电视盒子只能播放 H.264 编码的 MP4）",
                           "请技术志愿者在工作流里先安装 ffmpeg（sudo apt-get install -y ffmpeg）")]
        return out + [("note", "这台电脑没有安装 ffprobe，只检查了短片是不是 MP4 文件，没有检查编码和时长（电视盒子只能播放 H.264 编码的 MP4）",
                       "不影响生成网站；想在自己电脑上检查就安装 ffmpeg（Windows：winget install ffmpeg；"
                       "Debian/Ubuntu：sudo apt install ffmpeg）；或确认导出时选的是 MP4（H.264）")]
    if info.error:
        return out + [("error", "短片无法读取：文件已损坏或不完整（可能没有复制完）", "重新导出或重新复制这个视频文件")]
    if not info.video_codec:
        return out + [("error", "这个 MP4 文件里没有画面（只有声音）", "导出带画面的视频；只有声音的录音不能作为短片")]
    if info.video_codec != "h264":
        name = {"hevc": "H.265（HEVC）", "av1": "AV1", "vp9": "VP9", "mpeg4": "MPEG-4 Part 2"}.get(info.video_codec,
                                                                                                   info.video_codec)
        out.append(("error", f"短片的视频编码是 {name}，便宜的电视盒子和树莓派播放不了，手机上也可能黑屏", CONVERT))
    if info.duration <= 0:
        out.append(("error", "读不出短片的时长，文件可能已损坏", "重新导出或重新复制这个视频文件"))
    elif info.duration > MAX_SECONDS:
        out.append(("warning", f"短片有 {info.duration / 60:.0f} 分钟，太长了：大厅大屏只播放前 {SCREEN_MAX_SECONDS // 60} 分钟，"
                    "居民在手机上也很少看完", f"剪成 {SCREEN_MAX_SECONDS // 60} 分钟以内的短片"))
    elif info.duration > SCREEN_MAX_SECONDS:
        out.append(("warning", f"短片有 {info.duration:.0f} 秒，大厅大屏只播放前 {SCREEN_MAX_SECONDS} 秒",
                    f"想在大屏上完整播放，剪成 {SCREEN_MAX_SECONDS} 秒以内"))
    return out


def references(site):
    """(bulletin file, Video) for every film the site shows."""
    for issue in site.issues:
        for v in getattr(issue, "videos", ()):
            yield issue.source, v
    for act in site.activities:
        for v in getattr(act, "videos", ()):
            yield act.source, v


def check_films(site, problems) -> None:
    """SITE_CHECKS entry: one problem per film problem, at the line that shows it."""
    seen: dict[Path, list] = {}
    for source, video in references(site):
        if video.source not in seen:
            seen[video.source] = film_problems(video.source)
        for level, message, fix in seen[video.source]:
            text = f"{message}（{video.written}）"
            if level == "note":  # not a problem of the volunteer's file: shown, never counted, never fails --strict
                problems.items.append(Problem(problems.rel(source), video.line, NOTE, text, fix))
            else:
                (problems.error if level == "error" else problems.warning)(source, video.line, text, fix)


def poster_frame(path: Path, at: float = 1.0) -> bytes | None:
    """A JPEG frame of the film (ffmpeg), or None when ffmpeg is not there or fails."""
    tool = shutil.which("ffmpeg")
    if tool is None:
        return None
    try:
        info = probe(path)
        at = min(at, info.duration / 2) if info.duration > 0 else 0
        res = subprocess.run([tool, "-v", "error", "-ss", f"{at:.2f}", "-i", str(path), "-frames:v", "1",
                              "-vf", "scale='min(1280,iw)':-2", "-q:v", "5", "-f", "image2", "-c:v", "mjpeg", "pipe:1"],
                             capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return res.stdout if res.returncode == 0 and res.stdout[:2] == b"\xff\xd8" else None
