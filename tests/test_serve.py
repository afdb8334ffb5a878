"""`kepu serve` regenerates when a bulletin changes and the preview shows it."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from sitecopy import copy_site


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(predicate, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_serve_shows_a_changed_bulletin(tmp_path):
    root = copy_site(tmp_path / "site")
    port = free_port()
    env = dict(os.environ, PYTHONUTF8="1", NO_MKDOCS_2_WARNING="1")
    proc = subprocess.Popen([sys.executable, "-m", "kepu", "serve", "--root", str(root), "--port", str(port),
                             "--today", "2026-11-29"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    from kepu.config import load_settings
    from kepu.problems import Problems

    base = load_settings(root, Problems(root)).base_path  # served under site_url's path, like GitHub Pages
    url = f"http://127.0.0.1:{port}{base}2026/11/"
    try:
        assert wait_for(lambda: "全国消防日" in fetch(url)), "preview did not start"
        issue = root / "bulletins" / "2026" / "2026-11.md"
        text = issue.read_text(encoding="utf-8")
        first_title = text.split("\ntitle: ", 1)[1].split("\n", 1)[0]
        issue.write_text(text.replace(first_title, "预览测试新标题", 1), encoding="utf-8")
        assert wait_for(lambda: "预览测试新标题" in fetch(url)), "change did not show up"
        # a mistake is reported in the terminal and the last good preview stays up
        issue.write_text(text.replace("title: ", "title：", 1), encoding="utf-8")
        time.sleep(3)
        assert "预览测试新标题" in fetch(url)
    finally:
        proc.terminate()
        try:
            out = proc.communicate(timeout=10)[0].decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            proc.kill()
            out = proc.communicate()[0].decode("utf-8", "replace")
    assert "中文冒号" in out and "Traceback" not in out
