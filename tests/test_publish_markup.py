"""The markup of kepu.media.publish (theme/media/*.html) is byte for byte what the
f-strings it replaced made: a photo with WebP sizes, lazy or eager, with a class;
alt text with quotes, <, > and &; a film with and without poster and label."""
from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image as PILImage

from kepu.content.model import Image, Video
from kepu.core.writer import Output
from kepu.media import films
from kepu.media.publish import Media

PAGE = "2026/11/"  # a page two folders deep: every URL starts with ../../


@pytest.fixture
def photo(tmp_path) -> Image:
    buf = io.BytesIO()
    PILImage.new("RGB", (1000, 600), (200, 120, 40)).save(buf, "JPEG", quality=90)
    path = tmp_path / "photo.jpg"
    path.write_bytes(buf.getvalue())
    return Image(path, "images/photo.jpg", "社区 \"科普\" 活动 <现场> & 'A'", 3)


def media_urls(media: Media, image: Image) -> dict[str, str]:
    key = media.publish(image).processed.key
    return {"key": key, "m": f"../../assets/generated/media/{key}"}


def test_photo_lazy_with_webp_sizes_and_the_volunteers_alt(photo):
    media = Media(Output())
    html = media.img(photo, PAGE, sizes="(min-width: 61em) 40rem, 100vw")
    m = media_urls(media, photo)["m"]
    assert html == (
        f'<picture class="kp-pic"><source type="image/webp" srcset="{m}-480.webp 480w, {m}-960.webp 960w, '
        f'{m}-1000.webp 1000w" sizes="(min-width: 61em) 40rem, 100vw"><img src="{m}-960.jpg" '
        f'srcset="{m}-480.jpg 480w, {m}-960.jpg 960w, {m}-1000.jpg 1000w" sizes="(min-width: 61em) 40rem, 100vw" '
        f'alt="社区 &#34;科普&#34; 活动 &#60;现场&#62; &#38; &#39;A&#39;" width="960" height="576" '
        f'loading="lazy" decoding="async"></picture>')


def test_photo_eager_with_a_class_and_its_own_alt(photo):
    media = Media(Output())
    html = media.img(photo, PAGE, alt="封面 *重要*", cls="kp-feature__img", lazy=False)
    m = media_urls(media, photo)["m"]
    assert html == (
        f'<picture class="kp-pic"><source type="image/webp" srcset="{m}-480.webp 480w, {m}-960.webp 960w, '
        f'{m}-1000.webp 1000w" sizes="100vw"><img src="{m}-960.jpg" '
        f'srcset="{m}-480.jpg 480w, {m}-960.jpg 960w, {m}-1000.jpg 1000w" sizes="100vw" '
        f'alt="封面 &#42;重要&#42;" width="960" height="576" decoding="async" class="kp-feature__img"></picture>')


def film(tmp_path) -> tuple[Video, str]:
    path = tmp_path / "film.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42 not a real film")
    name = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return Video(path, "videos/film.mp4", "消防 \"演练\" <短片> & 'B'", 5), f"../../assets/generated/media/{name}"


def test_video_with_poster_and_label(tmp_path, monkeypatch):
    monkeypatch.setattr(films, "poster_frame", lambda path, at=1.0: b"\xff\xd8poster")
    video, m = film(tmp_path)
    html = Media(Output()).video(video, PAGE)
    assert html == (
        f'<video class="kp-video" controls preload="none" playsinline src="{m}.mp4" '
        'style="display:block;width:100%;max-width:40rem;height:auto;aspect-ratio:16/9;background:#000" '
        f'poster="{m}-poster.jpg" aria-label="消防 &#34;演练&#34; &#60;短片&#62; &#38; &#39;B&#39;">'
        f'<a href="{m}.mp4">下载短片</a></video>')


def test_video_without_poster_or_label(tmp_path, monkeypatch):
    monkeypatch.setattr(films, "poster_frame", lambda path, at=1.0: None)
    video, m = film(tmp_path)
    video = Video(video.source, video.written, "", video.line)
    html = Media(Output()).video(video, PAGE)
    assert html == (
        f'<video class="kp-video" controls preload="none" playsinline src="{m}.mp4" '
        'style="display:block;width:100%;max-width:40rem;height:auto;aspect-ratio:16/9;background:#000">'
        f'<a href="{m}.mp4">下载短片</a></video>')


def test_video_title_given_by_the_page(tmp_path, monkeypatch):
    monkeypatch.setattr(films, "poster_frame", lambda path, at=1.0: None)
    video, m = film(tmp_path)
    html = Media(Output()).video(video, PAGE, title="标题")
    assert html.endswith(f'background:#000" aria-label="标题"><a href="{m}.mp4">下载短片</a></video>')
