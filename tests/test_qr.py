"""QR codes decode to their URL, and the on-disk memo is used and invalidated correctly."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from kepu import qr


@pytest.mark.skipif(not shutil.which("zbarimg") or not shutil.which("chromium"), reason="需要 zbarimg 和 chromium")
def test_svg_decodes_to_the_url(tmp_path):
    url = "https://example.org/kepu/2026/11/#p1"
    svg = qr.qr_svg(url, scale=8)
    (tmp_path / "q.html").write_text(f"<body style='margin:0;background:#fff'>{svg}</body>", encoding="utf-8")
    png = tmp_path / "q.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", "--window-size=600,600",
                    (tmp_path / "q.html").as_uri()], capture_output=True, timeout=60)
    r = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
    assert r.stdout.strip() == url


def test_disk_memo_round_trip(tmp_path, monkeypatch):
    monkeypatch.setattr(qr, "_memo", {})
    cache = tmp_path / "qr.json"
    svg = qr.qr_svg("https://example.org/a/")
    qr.save_cache(cache)
    assert json.loads(cache.read_text(encoding="utf-8"))["codes"]
    # a fresh process reads the memo back instead of recomputing
    monkeypatch.setattr(qr, "_memo", {})
    qr.load_cache(cache)
    calls = []
    monkeypatch.setattr(qr.segno, "make", lambda *a, **k: calls.append(a))
    assert qr.qr_svg("https://example.org/a/") == svg
    assert calls == []


def test_memo_from_another_segno_version_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(qr, "_memo", {})
    cache = tmp_path / "qr.json"
    cache.write_text(json.dumps({"segno": "0.0", "codes": {"4|4|#000|#fff|https://x/": "<svg>stale</svg>"}}))
    qr.load_cache(cache)
    assert "stale" not in qr.qr_svg("https://x/")
