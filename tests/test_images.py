"""The image pipeline with photos generated here: EXIF orientation, stripped
metadata, widths, formats, the 400 KB limit, the cache, and the checks
`kepu check` reports for broken files."""
from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import EXAMPLE, GOOD_ISSUE, TODAY
from PIL import Image as PILImage

from kepu.media import images
from kepu.build import generate_all, regenerate
from kepu.core.writer import Output
from kepu.content.loader import load_site
from kepu.media.publish import MEDIA_DIR, Media
from kepu.content.model import Image

ISSUE = "bulletins/2026/2026-11.md"
RED, BLUE = (220, 20, 20), (20, 20, 220)


def two_colour(width: int, height: int) -> PILImage.Image:
    """Left half red, right half blue: shows which way a photo was turned."""
    im = PILImage.new("RGB", (width, height), BLUE)
    im.paste(RED, (0, 0, width // 2, height))
    return im


def jpeg_with_exif(width=2000, height=1000, orientation=1, gps=True) -> bytes:
    im = two_colour(width, height)
    exif = PILImage.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SecretCam Maker"  # Make
    exif[0x0110] = "Model X-Private"  # Model
    exif[0x0132] = "2026:11:07 09:41:00"  # DateTime
    if gps:
        exif[0x8825] = {1: "N", 2: (30.0, 15.0, 27.5), 3: "E", 4: (120.0, 9.0, 44.25)}
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def png_bytes(im: PILImage.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def issue_with_images(*names: str) -> str:
    pics = "\n\n".join(f"![照片{i}](images/{n})" for i, n in enumerate(names, 1))
    return GOOD_ISSUE.replace("接种流感疫苗是预防流感最有效的手段。", "接种流感疫苗是预防流感最有效的手段。\n\n" + pics)


def image_line(site, name: str) -> int:
    text = (site.root / ISSUE).read_text(encoding="utf-8")
    return next(i for i, line in enumerate(text.splitlines(), 1) if name in line)


def published(out: Output) -> dict[str, bytes]:
    return {k: v for k, v in out.files.items() if k.startswith(MEDIA_DIR)}


def process_file(site, name: str, data: bytes):
    path = site.write(f"bulletins/2026/images/{name}", data)
    media = Media(Output())
    pub = media.publish(Image(path, f"images/{name}", "照片", 1))
    return media, pub


def decode(data: bytes) -> PILImage.Image:
    im = PILImage.open(io.BytesIO(data))
    im.load()
    return im


# --- orientation, metadata, sizes ------------------------------------------

@pytest.mark.parametrize("orientation, top, bottom", [(6, RED, BLUE), (8, BLUE, RED)])
def test_exif_orientation_is_applied(site, orientation, top, bottom):
    media, pub = process_file(site, f"o{orientation}.jpg", jpeg_with_exif(2000, 1000, orientation))
    assert (pub.processed.width, pub.processed.height) == (1000, 2000)  # portrait after turning
    for r in pub.processed.renditions:
        im = decode(media.out.files[pub.rendition_url(r)]).convert("RGB")
        assert im.size == (r.width, r.height) and r.height == 2 * r.width
        w, h = im.size
        near = lambda a, b: all(abs(x - y) < 40 for x, y in zip(a, b))  # noqa: E731
        assert near(im.getpixel((w // 2, h // 10)), top), (r.name, im.getpixel((w // 2, h // 10)))
        assert near(im.getpixel((w // 2, h * 9 // 10)), bottom), r.name


def test_all_metadata_is_stripped(site):
    media, pub = process_file(site, "gps.jpg", jpeg_with_exif(1800, 1200, orientation=6))
    files = published(media.out)
    assert len(files) == len(pub.processed.renditions) >= 6  # 3 widths x (WebP + JPEG)
    for rel, data in files.items():
        im = decode(data)
        assert dict(im.getexif()) == {}, rel
        assert "exif" not in im.info and "xmp" not in im.info, rel
        for secret in (b"SecretCam", b"X-Private", b"2026:11:07", b"Exif\x00\x00"):
            assert secret not in data, (rel, secret)


def test_widths_never_upscale_and_formats(site):
    big_media, big = process_file(site, "big.jpg", jpeg_with_exif(3000, 2000, gps=False))
    assert [r.width for r in big.processed.of_format("webp")] == [480, 960, 1600]
    assert [r.width for r in big.processed.of_format("jpeg")] == [480, 960, 1600]
    small_media, small = process_file(site, "small.jpg", jpeg_with_exif(700, 500, gps=False))
    assert [r.width for r in small.processed.of_format("jpeg")] == [480, 700]
    for media, pub in ((big_media, big), (small_media, small)):
        for r in pub.processed.renditions:
            data = media.out.files[pub.rendition_url(r)]
            im = decode(data)
            assert im.format == {"webp": "WEBP", "jpeg": "JPEG"}[r.format]
            assert im.size == (r.width, r.height)


def test_png_with_alpha_keeps_transparency(site):
    im = PILImage.new("RGBA", (1200, 800), (0, 0, 0, 0))
    im.paste((30, 160, 60, 255), (300, 200, 900, 600))
    media, pub = process_file(site, "logo.png", png_bytes(im))
    assert pub.processed.alpha and pub.processed.fallback_format == "png"
    assert {r.format for r in pub.processed.renditions} == {"webp", "png"}
    for r in pub.processed.renditions:
        out = decode(media.out.files[pub.rendition_url(r)]).convert("RGBA")
        assert out.getpixel((2, 2))[3] == 0, r.name  # corner stays transparent
        assert out.getpixel((r.width // 2, r.height // 2))[3] >= 250, r.name  # centre stays opaque


def test_png_renamed_jpg_is_processed_as_png(site):
    data = png_bytes(two_colour(900, 600))
    site.write(ISSUE, issue_with_images("screenshot.jpg"))
    site.write("bulletins/2026/images/screenshot.jpg", data)
    assert site.errors() == []
    media, pub = process_file(site, "screenshot.jpg", data)
    assert pub.processed.source_format == "PNG"
    assert [r.width for r in pub.processed.of_format("jpeg")] == [480, 900]  # opaque: JPEG fallback


def test_noisy_photo_is_published_under_400_kb(site):
    noise = PILImage.frombytes("RGB", (2400, 1800), hashlib.shake_256(b"kepu").digest(2400 * 1800 * 3))
    buf = io.BytesIO()
    noise.save(buf, "JPEG", quality=95)
    assert len(buf.getvalue()) > 2 * images.PUBLISH_LIMIT
    media, pub = process_file(site, "noise.jpg", buf.getvalue())
    files = published(media.out)
    assert files and max(len(v) for v in files.values()) <= images.PUBLISH_LIMIT
    assert pub.processed.of_format("jpeg")  # at least the smallest fallback exists


def test_60_megapixel_photo_uses_modest_memory(tmp_path):
    """Generated and processed in fresh processes so the peak memory measured is only the pipeline's."""
    src = tmp_path / "bulletins" / "huge.jpg"
    src.parent.mkdir()
    subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from PIL import Image, ImageDraw
        im = Image.new("RGB", (9000, 6700), (90, 140, 200))
        ImageDraw.Draw(im).rectangle((0, 0, 4500, 6700), fill=(200, 60, 40))
        im.save({str(src)!r}, "JPEG", quality=80)
    """)], check=True)
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import re, resource
        from pathlib import Path
        from kepu.media import images
        meta, files = images.process(Path({str(src)!r}).read_bytes())
        try:  # this process's own peak (ru_maxrss would include the forking pytest's, kept across exec)
            peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
        except OSError:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(meta.width, meta.height, max(r.width for r in meta.renditions), peak)
    """)], check=True, capture_output=True, text=True).stdout.split()
    width, height, widest, peak_kb = map(int, out)
    assert width >= 1600 and widest == 1600
    assert abs(width / height - 9000 / 6700) < 0.01
    # a full decode alone would need 9000*6700*3 bytes = 181 MB
    assert peak_kb < 150 * 1024, f"peak memory {peak_kb // 1024} MB"


# --- pages ------------------------------------------------------------------

def test_img_has_srcset_sizes_dimensions_and_lazy_loading(site):
    media, pub = process_file(site, "p.jpg", jpeg_with_exif(2000, 1500, gps=False))
    image = Image(site.root / "bulletins/2026/images/p.jpg", "images/p.jpg", "说明", 1)
    tag = media.img(image, "2026/11/", alt="演练", sizes="(max-width: 700px) 100vw, 700px")
    assert tag.startswith('<picture class="kp-pic"><source type="image/webp"')
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', tag).group(1)
    assert [int(w) for w in re.findall(r" (\d+)w", webp)] == [480, 960, 1600]
    img = re.search(r"<img [^>]+>", tag).group(0)
    assert 'loading="lazy"' in img and 'alt="演练"' in img and 'sizes="(max-width: 700px) 100vw, 700px"' in img
    width, height = (int(re.search(rf'{a}="(\d+)"', img).group(1)) for a in ("width", "height"))
    assert (width, height) == (960, 720)
    for url in re.findall(r'(\.\./\.\./[^" ,]+)', tag):
        assert url.startswith("../../" + MEDIA_DIR) and url[len("../../"):] in media.out.files
    eager = media.img(image, "2026/11/", lazy=False)
    assert "loading=" not in eager
    assert media.url(image, "2026/11/", width=480).endswith("-480.jpg")


# --- the cache --------------------------------------------------------------

def test_second_build_processes_no_image_and_originals_are_untouched(site):
    site.write(ISSUE, issue_with_images("a.jpg", "b.png"))
    a = site.write("bulletins/2026/images/a.jpg", jpeg_with_exif(1600, 1200, orientation=6))
    b = site.write("bulletins/2026/images/b.png", png_bytes(two_colour(800, 600)))
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)}
    start = images.TOTALS.processed
    result, report = regenerate(site.root, today=TODAY)
    assert report is not None and images.TOTALS.processed - start == 2
    first = {rel: (site.root / "docs" / rel).read_bytes() for rel in report.written if rel.startswith(MEDIA_DIR)}
    assert first

    start = images.TOTALS.processed
    media = Media(Output())
    generate_all_with(result.site, media)
    assert media.stats.processed == 0 and media.stats.cached == 2
    result2, report2 = regenerate(site.root, today=TODAY)
    assert images.TOTALS.processed == start  # a rebuild with nothing changed does no image work
    assert not [r for r in report2.written if r.startswith(MEDIA_DIR)]  # and rewrites nothing
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)}

    a.write_bytes(jpeg_with_exif(1601, 1200))  # one photo replaced: only it is processed again
    regenerate(site.root, today=TODAY)
    assert images.TOTALS.processed == start + 1


def generate_all_with(site_model, media: Media) -> None:
    from kepu.build import GENERATORS

    for gen in GENERATORS:
        gen.generate(site_model, media.out, media)


def test_example_site_publishes_small_images_and_no_original():
    result = load_site(EXAMPLE, today=TODAY)
    assert not result.problems.errors
    out = generate_all(result.site)
    media = published(out)
    originals = {img.source for i in result.site.issues for img in i.images + ([i.cover] if i.cover else [])}
    originals |= {img.source for a in result.site.activities for img in a.images + ([a.cover] if a.cover else [])}
    assert originals and media
    assert max(len(v) for v in media.values()) <= images.PUBLISH_LIMIT
    original_hashes = {hashlib.sha256(p.read_bytes()).digest() for p in originals}
    for rel, data in out.files.items():
        assert hashlib.sha256(data).digest() not in original_hashes, f"{rel} is an original"
    names = {p.name for p in originals}
    assert not [rel for rel in out.files if Path(rel).name in names]


# --- kepu check -------------------------------------------------------------

def problems_for(site, name: str) -> list[str]:
    return [p for p in site.problems() if f"images/{name}" in p]


def test_corrupt_and_truncated_images_are_path_line_errors(site):
    good = jpeg_with_exif(1200, 900, gps=False)
    site.write(ISSUE, issue_with_images("broken.jpg", "cut.jpg", "cut.png", "ok.jpg"))
    site.write("bulletins/2026/images/broken.jpg", b"\x00garbage, not a picture" * 50)
    site.write("bulletins/2026/images/cut.jpg", good[: len(good) // 2])
    site.write("bulletins/2026/images/cut.png", png_bytes(two_colour(600, 400))[:700])
    site.write("bulletins/2026/images/ok.jpg", good)
    [broken] = problems_for(site, "broken.jpg")
    assert broken.startswith(f"{ISSUE}:{image_line(site, 'broken.jpg')}: 错误: ") and "不是图片" in broken
    [cut] = problems_for(site, "cut.jpg")
    assert cut.startswith(f"{ISSUE}:{image_line(site, 'cut.jpg')}: 错误: ") and "不完整" in cut and " — " in cut
    [cut_png] = problems_for(site, "cut.png")
    assert ": 错误: " in cut_png
    assert problems_for(site, "ok.jpg") == []


def test_check_does_not_crash_the_build_on_a_broken_image(site, capsys):
    site.write(ISSUE, issue_with_images("broken.jpg"))
    site.write("bulletins/2026/images/broken.jpg", b"not an image")
    from kepu.cli import main

    assert main(["build", "--root", str(site.root), "--today", "2026-11-29"]) == 1
    out = capsys.readouterr().out
    assert f"{ISSUE}:" in out and "错误" in out and "Traceback" not in out


def test_limits_on_file_size_and_pixels(site, monkeypatch):
    site.write(ISSUE, issue_with_images("big.jpg"))
    site.write("bulletins/2026/images/big.jpg", jpeg_with_exif(2000, 1500, gps=False))
    assert problems_for(site, "big.jpg") == []
    monkeypatch.setattr(images, "MAX_PIXELS", 2000 * 1500 - 1)
    [px] = problems_for(site, "big.jpg")
    assert "像素太多" in px and "错误" in px
    monkeypatch.setattr(images, "MAX_PIXELS", 100_000_000)
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 1000)
    [size] = problems_for(site, "big.jpg")
    assert "图片太大" in size and "MB" in size


def test_unsupported_format_behind_jpg_name(site):
    buf = io.BytesIO()
    two_colour(300, 200).save(buf, "BMP")
    site.write(ISSUE, issue_with_images("scan.jpg"))
    site.write("bulletins/2026/images/scan.jpg", buf.getvalue())
    [p] = problems_for(site, "scan.jpg")
    assert "BMP" in p and "另存为 JPG" in p


HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def test_heic_without_pillow_heif_is_reported(site, monkeypatch):
    monkeypatch.setitem(images._heif_state, "ok", False)
    site.write(ISSUE, issue_with_images("iphone.heic"))
    site.write("bulletins/2026/images/iphone.heic", HEIC_HEAD)
    [p] = problems_for(site, "iphone.heic")
    assert f"{ISSUE}:{image_line(site, 'iphone.heic')}: 错误: " in p and "pillow-heif" in p


def test_heic_is_read_when_pillow_heif_is_installed(site):
    pillow_heif = pytest.importorskip("pillow_heif", reason="optional extra kepu[heic] not installed")
    try:
        heif = pillow_heif.from_pillow(two_colour(1200, 800))
        buf = io.BytesIO()
        heif.save(buf, quality=80)
    except Exception as exc:  # a libheif build without an encoder
        pytest.skip(f"pillow-heif cannot encode HEIC here: {exc}")
    site.write(ISSUE, issue_with_images("iphone.heic"))
    site.write("bulletins/2026/images/iphone.heic", buf.getvalue())
    assert problems_for(site, "iphone.heic") == []
    media, pub = process_file(site, "iphone.heic", buf.getvalue())
    assert pub.processed.source_format == "HEIF"
    assert [r.width for r in pub.processed.of_format("webp")] == [480, 960, 1200]
