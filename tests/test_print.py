"""Printable posters and activity records: settings, the generated print
pages, and `kepu print --pdf` through Debian's Chromium (one page per
panel, the right paper size, a QR code that decodes to the panel URL)."""
from __future__ import annotations

import io
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import GOOD_ACTIVITY, GOOD_ISSUE, MKDOCS_YML
from PIL import Image as PILImage

from kepu.views import printing
from kepu.core import urls
from kepu.build import generate_all
from kepu.cli import main

ISSUE = "bulletins/2026/2026-11.md"
ACT = "bulletins/2026/2026-11-09-fire-drill.md"
PT_PER_MM = 72 / 25.4
CHROMIUM = printing.find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt install chromium)")


def with_paper(site, paper: str | None) -> None:
    text = MKDOCS_YML + (f"  print:\n    paper: {paper}\n" if paper else "")
    (site.root / "mkdocs.yml").write_text(text, encoding="utf-8")


def photo_bytes() -> bytes:
    im = PILImage.new("RGB", (1600, 1000), (40, 120, 200))
    im.paste((230, 180, 30), (0, 600, 1600, 1000))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def write_content(site) -> None:
    issue = GOOD_ISSUE.replace("用完燃气要关阀门。", "用完燃气要关阀门。\n\n![燃气阀门](images/valve.jpg)")
    site.write(ISSUE, issue)
    site.write(ACT, GOOD_ACTIVITY.replace("演练很顺利。", "演练很顺利。\n\n![集合](images/valve.jpg)"))
    site.write("bulletins/2026/images/valve.jpg", photo_bytes())


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """Page sizes in pt, one per page (Chromium writes a MediaBox on every page)."""
    data = pdf.read_bytes()
    return [(float(m.group(3)) - float(m.group(1)), float(m.group(4)) - float(m.group(2)))
            for m in re.finditer(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)]


def rasterise(pdf: Path, page: int, out_prefix: Path) -> Path | None:
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "150", "-f", str(page), "-l", str(page), "-png", "-singlefile",
                        str(pdf), str(out_prefix)], check=True, capture_output=True)
        return out_prefix.with_suffix(".png")
    if shutil.which("gs"):
        png = out_prefix.with_suffix(".png")
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=png16m", "-r150",
                        f"-dFirstPage={page}", f"-dLastPage={page}", f"-sOutputFile={png}", str(pdf)],
                       check=True, capture_output=True)
        return png
    return None


# --- settings ---------------------------------------------------------------

def test_paper_setting_is_checked(site):
    write_content(site)
    with_paper(site, "A5")
    [p] = [p for p in site.errors() if "extra.print.paper" in p]
    line = next(i for i, t in enumerate((site.root / "mkdocs.yml").read_text().splitlines(), 1) if t.strip() == "paper: A5")
    assert p.startswith(f"mkdocs.yml:{line}: 错误: extra.print.paper（纸张）：「A5」") and "A4、A3" in p
    with_paper(site, "a3")
    assert site.errors() == []
    assert printing.paper(site.load().site.settings) == "A3"


# --- generated pages ----------------------------------------------------------

def test_print_pages_are_generated_with_one_sheet_per_panel(site):
    write_content(site)
    with_paper(site, "A3")
    result = site.load()
    out = generate_all(result.site)
    [issue] = result.site.issues
    page = out.files["2026/11/print/index.html"].decode("utf-8")
    assert "@page { size: A3 portrait; margin: 0; }" in page
    sheets = re.findall(r'<section class="sheet"[^>]*id="([^"]+)"', page)
    assert sheets == [p.anchor for p in issue.panels]
    qrs = re.findall(r'data-qr="([^"]+)"', page)
    assert qrs == [urls.absolute(result.site.settings.site_url, urls.panel(issue, p)) for p in issue.panels]
    assert "测试社区" in page and "第 12 期" in page and "2026年11月" in page
    photos = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(photos) == 1  # the second panel's photo
    for src in photos:  # photos are published renditions, linked relatively
        assert posixpath.normpath(posixpath.join("2026/11/print/", src)) in out.files
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from another origin
    record = out.files["2026/11/09-fire-drill/print/index.html"].decode("utf-8")
    assert record.count('<section class="sheet') == 1 and "@page { size: A4 portrait" in record
    for text in ("消防疏散演练", "社区广场", "09:30–11:00", "测试社区居委会", "86 人", "安全、防灾减灾", "<img "):
        assert text in record, text
    issue_page = out.files["2026/11/index.md"].decode("utf-8")
    assert 'href="print/"' in issue_page and "打印版" in issue_page


def test_kepu_print_without_chromium_says_how_to_get_it(site, monkeypatch, capsys):
    write_content(site)
    monkeypatch.setenv("KEPU_CHROMIUM", "")
    code = main(["print", "2026-11", "--pdf", "--root", str(site.root), "--today", "2026-11-29"])
    err = capsys.readouterr().err
    assert code == 1 and "apt install chromium" in err and "Ctrl+P" in err
    assert (site.root / "build/print/2026-11/2026/11/print/index.html").is_file()  # still usable from a browser


def test_kepu_print_unknown_month(site, capsys):
    write_content(site)
    assert main(["print", "2026-10", "--root", str(site.root), "--today", "2026-11-29"]) == 1
    assert "找不到「2026-10」" in capsys.readouterr().err


# --- PDF through Chromium -------------------------------------------------------

@needs_chromium
@pytest.mark.parametrize("paper, size_mm", [("A4", (210, 297)), ("A3", (297, 420))])
def test_pdf_has_one_page_per_panel_at_paper_size_with_decodable_qr(site, tmp_path, paper, size_mm, capsys):
    write_content(site)
    with_paper(site, paper)
    pdf = tmp_path / f"poster-{paper}.pdf"
    code = main(["print", "2026-11", "--pdf", "--output", str(pdf), "--root", str(site.root), "--today", "2026-11-29"])
    assert code == 0, capsys.readouterr()
    pages = pdf_pages(pdf)
    assert len(pages) == 2  # GOOD_ISSUE has two panels
    for w, h in pages:
        assert abs(w - size_mm[0] * PT_PER_MM) < 2 and abs(h - size_mm[1] * PT_PER_MM) < 2, (w, h)
    if paper == "A3":
        return  # decoding once is enough
    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg not installed (apt install zbar-tools)")
    png = rasterise(pdf, 2, tmp_path / "page2")
    if png is None:
        pytest.skip("no PDF rasteriser (apt install poppler-utils)")
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.split()
    assert decoded == ["https://example.org/kepu/2026/11/#p2"]


@needs_chromium
def test_activity_record_pdf_is_one_a4_page(site, tmp_path, capsys):
    write_content(site)
    pdf = tmp_path / "record.pdf"
    code = main(["print", "2026-11-09-fire-drill", "--output", str(pdf), "--root", str(site.root),
                 "--today", "2026-11-29"])
    assert code == 0, capsys.readouterr()
    [(w, h)] = pdf_pages(pdf)
    assert abs(w - 210 * PT_PER_MM) < 2 and abs(h - 297 * PT_PER_MM) < 2


def test_panel_text_renders_like_the_site_without_images_or_links(site, monkeypatch):
    """Posters use the website's Markdown extensions (admonitions, the attribute lists the site allows);
    photos are placed apart and links become plain text; kepu.media.qr's browser script is included once."""
    from kepu.media import qr

    monkeypatch.setattr(qr, "browser_script", lambda: '<script id="qr-draw"></script>')
    issue = GOOD_ISSUE.replace("用完燃气要关阀门。", "用完燃气要关阀门。\n\n!!! note \"提醒\"\n    闻到异味<b onclick=x>先开窗</b>。\n\n"
                               "### 小提示 {#tip}\n\n详见[燃气公司](https://example.com/gas)。\n\n![阀门](images/valve.jpg)")
    site.write(ISSUE, issue)
    site.write(ACT, GOOD_ACTIVITY)
    site.write("bulletins/2026/images/valve.jpg", photo_bytes())
    out = generate_all(site.load().site)
    page = out.files["2026/11/print/index.html"].decode("utf-8")
    assert '<div class="admonition note">' in page and '<p class="admonition-title">提醒</p>' in page
    assert '<h3 id="tip">小提示</h3>' in page and "!!!" not in page and "{#tip}" not in page
    sheets = page[page.index("<main>"):page.index("</main>")]
    assert "详见燃气公司。" in sheets and "example.com" not in sheets and "onclick" not in sheets
    assert page.count("<img ") == 1 and 'class="pics pics--1"' in page  # the photo once, above the text
    # the script is not inlined: ONE shared file, loaded once after the sheets by a relative URL
    script, data = printing.qr_script_file()
    assert data == b'<script id="qr-draw"></script>'.removeprefix(b"<script>").removesuffix(b"</script>").strip() + b"\n"
    assert out.files[script] == data and 'id="qr-draw"' not in page
    assert page.count(f'<script src="../../../{script}"></script>') == 1
    assert page.index(f'<script src="../../../{script}">') > page.index("</main>")
    record = out.files["2026/11/09-fire-drill/print/index.html"].decode("utf-8")
    assert record.count(f'<script src="../../../../{script}"></script>') == 1


def test_built_print_pages_load_one_shared_qr_script(built):
    """Every print page of the built site loads the same QR script file by a relative URL (works
    under a sub-path and from file://) instead of inlining ~28 KB, and that file is in site/."""
    from kepu.media import qr

    rel, data = printing.qr_script_file()
    site_dir = built / "site"
    assert (site_dir / rel).read_bytes() == data and b"qrcode" in data
    pages = [p for p in sorted(site_dir.glob("[0-9]*/**/print/index.html"))
             if re.fullmatch(r"\d{4}/\d{2}/(\d{2}-[^/]+/)?print/index.html", p.relative_to(site_dir).as_posix())]
    assert len(pages) > 10
    inline = qr.browser_script()
    for path in pages:
        page = path.read_text(encoding="utf-8")
        srcs = re.findall(r'<script src="([^"]+)"></script>', page)
        assert len(srcs) == 1 and not srcs[0].startswith(("/", "http:", "https:")), path
        assert (path.parent / srcs[0]).resolve() == (site_dir / rel).resolve(), path
        assert inline not in page and "qrcode-generator" not in page and len(page) < len(data), path
