"""The image pipeline: volunteers' phone photos -> small, safe web images.

Every referenced image is oriented by its EXIF flag, converted to sRGB,
stripped of all metadata (GPS, camera, time), resized into a few widths
(never upscaled) and written as WebP plus a JPEG (or PNG, for images with
real transparency) fallback. Results are cached under
`.kepu-cache/images/<key>/` in the site root, keyed by the source bytes and
the pipeline settings, so an unchanged photo is never processed twice.
The originals in bulletins/ are only ever read.

`check_images(site, problems)` is the `kepu check` part: it reads headers
(and, for JPEGs that do not end cleanly, a 1/8-scale decode) to report
corrupt, truncated, oversized, unsupported and HEIC-without-support files
as `path:line` problems.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageCms, ImageFile, ImageOps, UnidentifiedImageError

WIDTHS = (480, 960, 1600)  # rendition widths in px (never upscaled)
DEFAULT_WIDTH = 960  # the width `Media.url` gives when none is asked for
MAX_FILE_BYTES = 40 * 1024 * 1024  # originals larger than this are refused
MAX_PIXELS = 100_000_000  # 100 megapixels
PUBLISH_LIMIT = 400 * 1024  # no published image is larger than this
WEBP_QUALITY = 78
JPEG_QUALITY = 82
PIPELINE_VERSION = "1"  # bump when the processing changes: invalidates the cache
SETTINGS_KEY = f"v{PIPELINE_VERSION};w={','.join(map(str, WIDTHS))};q={WEBP_QUALITY},{JPEG_QUALITY};max={PUBLISH_LIMIT}"
SUPPORTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "HEIF", "AVIF"}
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
CACHE_DIR = Path(".kepu-cache") / "images"  # kepu.engine.CACHE_DIR: `zensical build --clean` empties .cache/

FORMAT_NAMES = {"JPEG": "JPG", "MPO": "JPG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "HEIF": "HEIC",
                "AVIF": "AVIF", "BMP": "BMP", "TIFF": "TIFF", "ICO": "ICO", "PSD": "PSD"}


class ImageError(Exception):
    """A source image kepu cannot use. Args: (what, how to fix) in Chinese."""

    @property
    def what(self) -> str:
        return self.args[0]

    @property
    def fix(self) -> str:
        return self.args[1] if len(self.args) > 1 else ""


@dataclass(frozen=True)
class Rendition:
    name: str  # file name inside the cache entry, e.g. "960.webp"
    width: int
    height: int
    format: str  # "webp" | "jpeg" | "png"
    bytes: int

    @property
    def ext(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format

    @property
    def mime(self) -> str:
        return f"image/{self.format}"


@dataclass(frozen=True)
class Processed:
    key: str  # content + settings hash
    width: int  # oriented size of the decoded source (a big JPEG: its DCT-scaled size)
    height: int
    source_format: str  # what the file really is (Pillow format name)
    alpha: bool
    renditions: tuple[Rendition, ...]

    def of_format(self, fmt: str) -> list[Rendition]:
        return sorted((r for r in self.renditions if r.format == fmt), key=lambda r: r.width)

    @property
    def fallback_format(self) -> str:
        return "png" if self.alpha else "jpeg"

    def to_json(self) -> dict:
        return {"key": self.key, "width": self.width, "height": self.height, "source_format": self.source_format,
                "alpha": self.alpha, "renditions": [r.__dict__ for r in self.renditions]}

    @classmethod
    def from_json(cls, d: dict) -> "Processed":
        return cls(d["key"], d["width"], d["height"], d["source_format"], d["alpha"],
                   tuple(Rendition(**r) for r in d["renditions"]))


@dataclass
class Stats:
    """How much image work was done. `processed` counts decoded+encoded sources."""
    processed: int = 0
    cached: int = 0
    processed_files: list[str] = field(default_factory=list)


TOTALS = Stats()  # across the whole process (a rebuild can assert it did no work)

_heif_state: dict[str, bool] = {}


def heif_available() -> bool:
    """True when pillow-heif (the optional "heic" extra) is installed; registers its opener once."""
    if "ok" not in _heif_state:
        try:
            import pillow_heif  # type: ignore[import-not-found]

            pillow_heif.register_heif_opener()
            _heif_state["ok"] = True
        except Exception:  # not installed, or a broken native library
            _heif_state["ok"] = False
    return _heif_state["ok"]


def looks_like_heif(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


HEIF_FIX = ("这是苹果手机的 HEIC 照片，需要先安装可选组件：pip install \"kepu[heic]\"（或 pip install pillow-heif）；"
            "也可以在手机上把照片设为「兼容性最佳」，或把它另存为 JPG")


# ---------------------------------------------------------------------------
# kepu check
# ---------------------------------------------------------------------------

def inspect(path: Path) -> str:
    """Check one original without decoding it fully. Returns the real Pillow
    format name; raises ImageError with a Chinese message and fix."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(32)
    except OSError as exc:
        raise ImageError(f"图片无法读取（{exc.strerror or exc}）", "检查文件是否还在、是否有读取权限") from None
    if size == 0:
        raise ImageError("图片文件是空的（0 字节）", "重新从手机或电脑复制这张照片")
    if size > MAX_FILE_BYTES:
        raise ImageError(f"图片太大（{size / 1024 / 1024:.0f} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）",
                         "用手机或电脑把照片缩小（例如长边 3000 像素）后再放进来")
    if looks_like_heif(head) and not heif_available():
        raise ImageError("HEIC 照片无法读取：没有安装 pillow-heif", HEIF_FIX)
    heif_available()  # so that HEIC files (which may be named .jpg) open when it is installed
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with PILImage.open(path) as im:
                fmt = im.format or ""
                width, height = im.size
                if fmt not in SUPPORTED_FORMATS:
                    name = FORMAT_NAMES.get(fmt, fmt)
                    raise ImageError(f"这个文件实际上是 {name} 格式，网站不支持",
                                     "用画图或手机相册把它另存为 JPG 或 PNG")
                if width * height > MAX_PIXELS:
                    raise ImageError(f"图片像素太多（{width}×{height}，约 {width * height / 1e6:.0f} 百万像素，上限 "
                                     f"{MAX_PIXELS // 1_000_000} 百万像素）", "把照片缩小（例如长边 3000 像素）后再放进来")
                if fmt in ("JPEG", "MPO"):
                    _check_jpeg(path, im, size)
                else:
                    im.verify()  # PNG: every chunk's checksum; others: header sanity
            if fmt not in ("JPEG", "MPO", "PNG"):
                with PILImage.open(path) as im:  # verify() leaves the image unusable: reopen
                    im.load()  # WebP/GIF/HEIC/AVIF are small; decoding is the only real test
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError("文件不是图片，或已经损坏，无法打开",
                         "用看图软件打开试试；如果打不开，请重新从手机或电脑复制这张照片") from None
    except PILImage.DecompressionBombError:
        raise ImageError(f"图片像素太多（上限 {MAX_PIXELS // 1_000_000} 百万像素）", "把照片缩小后再放进来") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        detail = "文件不完整（可能没有复制完）" if "truncated" in str(exc) or isinstance(exc, EOFError) else "文件已损坏"
        raise ImageError(f"图片无法读取：{detail}", "请重新从手机或电脑复制这张照片") from None
    return fmt


def _check_jpeg(path: Path, im, size: int) -> None:
    """A JPEG that ends with the EOI marker is complete; otherwise decode at
    1/8 scale (fast, little memory) to find out whether it is truncated."""
    with open(path, "rb") as fh:
        fh.seek(max(0, size - 2))
        if fh.read(2) == b"\xff\xd9":
            return
    w, h = im.size
    im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    im.load()


def check_images(site, problems) -> None:
    """SITE_CHECKS entry: one problem per bad image reference, at its line."""
    cache: dict[Path, ImageError | None] = {}
    for source, image in _references(site):
        if image.source not in cache:
            try:
                inspect(image.source)
                cache[image.source] = None
            except ImageError as exc:
                cache[image.source] = exc
        exc = cache[image.source]
        if exc is not None:
            problems.error(source, image.line, f"{exc.what}（{image.written}）", exc.fix)


def _references(site):
    for issue in site.issues:
        for img in ([issue.cover] if issue.cover else []) + list(issue.images):
            yield issue.source, img
    for act in site.activities:
        for img in ([act.cover] if act.cover else []) + list(act.images):
            yield act.source, img


# ---------------------------------------------------------------------------
# Processing
# ---------------------------------------------------------------------------

def cache_key(data: bytes) -> str:
    h = hashlib.sha256(SETTINGS_KEY.encode())
    h.update(data)
    return h.hexdigest()[:20]


def target_widths(width: int) -> list[int]:
    """The rendition widths for an image `width` px wide: never upscaled."""
    ws = [w for w in WIDTHS if w < width]
    ws.append(min(width, max(WIDTHS)))
    return sorted(set(ws))


def open_oriented(data: bytes, *, max_width: int = max(WIDTHS)) -> tuple[PILImage.Image, str]:
    """Decode, using JPEG DCT scaling so a 60 MP photo is never held at full size,
    and apply the EXIF orientation. Returns (image in RGB/RGBA, real format)."""
    if looks_like_heif(data[:32]) and not heif_available():
        raise ImageError("HEIC 照片无法读取：没有安装 pillow-heif", HEIF_FIX)
    heif_available()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = PILImage.open(io.BytesIO(data))
        fmt = im.format or ""
        if fmt not in SUPPORTED_FORMATS:
            raise ImageError(f"这个文件实际上是 {FORMAT_NAMES.get(fmt, fmt)} 格式，网站不支持", "另存为 JPG 或 PNG")
        if im.size[0] * im.size[1] > MAX_PIXELS:
            raise ImageError("图片像素太多", "把照片缩小后再放进来")
        exif = im.getexif()
        orientation = exif.get(0x0112, 1)
        if fmt in ("JPEG", "MPO"):
            w, h = im.size
            # the side that becomes the displayed width after rotation must stay >= max_width
            request = (min(w, max_width), 1) if orientation not in (5, 6, 7, 8) else (1, min(h, max_width))
            im.draft(im.mode if im.mode in ("RGB", "L") else "RGB", request)
        icc = im.info.get("icc_profile")
        im = ImageOps.exif_transpose(im)
    has_alpha = "A" in im.getbands() or "transparency" in im.info
    if im.mode == "CMYK" and icc is None:
        im = im.convert("RGB")
    if icc:
        im = _to_srgb(im, icc)
    im = im.convert("RGBA" if has_alpha else "RGB")
    if has_alpha and im.getchannel("A").getextrema()[0] == 255:
        im = im.convert("RGB")  # an alpha channel that is fully opaque everywhere
    im.info = {}  # drop EXIF, XMP, ICC, comments: nothing is carried into the output
    return im, fmt


def _to_srgb(im: PILImage.Image, icc: bytes) -> PILImage.Image:
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if "A" in im.getbands() else "RGB"
        if im.mode not in ("RGB", "RGBA", "CMYK", "L"):
            im = im.convert(mode)
        return ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB"), outputMode=mode)
    except Exception:  # a broken profile: keep the pixels as they are
        return im


def _encode(im: PILImage.Image, fmt: str) -> bytes:
    """Encode without any metadata; lower the quality until it fits PUBLISH_LIMIT."""
    qualities = {"webp": (WEBP_QUALITY, 70, 60, 50, 40), "jpeg": (JPEG_QUALITY, 72, 62, 52, 42)}.get(fmt, (0,))
    data = b""
    for q in qualities:
        buf = io.BytesIO()
        if fmt == "webp":
            im.save(buf, "WEBP", quality=q, method=4)
        elif fmt == "jpeg":
            im.save(buf, "JPEG", quality=q, optimize=True, progressive=True)
        else:  # png with transparency: a 256-colour palette keeps it small
            pal = im.quantize(256, method=PILImage.Quantize.FASTOCTREE) if im.mode == "RGBA" else im
            pal.save(buf, "PNG", optimize=True)
        data = buf.getvalue()
        if len(data) <= PUBLISH_LIMIT:
            break
    return data


def process(data: bytes) -> tuple[Processed, dict[str, bytes]]:
    """Pure: original bytes -> (description, {rendition name: bytes})."""
    key = cache_key(data)
    im, fmt = open_oriented(data)
    width, height = im.size  # oriented; a big JPEG is already scaled down by the draft (still >= max width)
    base = im
    files: dict[str, bytes] = {}
    rends: list[Rendition] = []
    alpha = im.mode == "RGBA"
    for w in sorted(target_widths(width), reverse=True):
        h = max(1, round(height * w / width))
        base = base.resize((w, h), PILImage.Resampling.LANCZOS, reducing_gap=3.0) if base.size != (w, h) else base
        for f in ("webp", "png" if alpha else "jpeg"):
            blob = _encode(base, f)
            if len(blob) > PUBLISH_LIMIT and w != min(target_widths(width)):
                continue  # too big even at low quality (a huge PNG screenshot): leave this width out
            name = f"{w}.{'jpg' if f == 'jpeg' else f}"
            files[name] = blob
            rends.append(Rendition(name, w, h, f, len(blob)))
    return Processed(key, width, height, fmt, alpha, tuple(sorted(rends, key=lambda r: (r.format, r.width)))), files


class ImageCache:
    """Processed renditions on disk, keyed by content hash + settings."""

    def __init__(self, folder: Path, stats: Stats | None = None):
        self.folder = Path(folder)
        self.stats = stats or Stats()

    @classmethod
    def for_source(cls, source: Path, stats: Stats | None = None) -> "ImageCache":
        """The cache of the site an original belongs to (the folder above bulletins/)."""
        for parent in Path(source).resolve().parents:
            if parent.name == "bulletins":
                return cls(parent.parent / CACHE_DIR, stats)
        return cls(Path(tempfile.gettempdir()) / "kepu-images", stats)

    def get(self, source: Path) -> tuple[Processed, dict[str, bytes]]:
        data = Path(source).read_bytes()
        key = cache_key(data)
        entry = self.folder / key
        meta_path = entry / "meta.json"
        try:
            meta = Processed.from_json(json.loads(meta_path.read_text(encoding="utf-8")))
            files = {r.name: (entry / r.name).read_bytes() for r in meta.renditions}
            self.stats.cached += 1
            TOTALS.cached += 1
            return meta, files
        except (OSError, ValueError, KeyError, TypeError):
            pass
        meta, files = process(data)
        self.stats.processed += 1
        self.stats.processed_files.append(str(source))
        TOTALS.processed += 1
        TOTALS.processed_files.append(str(source))
        self._store(entry, meta, files)
        return meta, files

    def _store(self, entry: Path, meta: Processed, files: dict[str, bytes]) -> None:
        """Write atomically (a folder renamed into place); a read-only disk just means no cache."""
        tmp: Path | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.folder))
            for name, blob in files.items():
                (tmp / name).write_bytes(blob)
            (tmp / "meta.json").write_text(json.dumps(meta.to_json(), indent=1), encoding="utf-8")
            shutil.rmtree(entry, ignore_errors=True)
            os.replace(tmp, entry)
        except OSError:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
