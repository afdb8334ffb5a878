"""Shared helpers for browser tests: Debian's Chromium driven by Playwright
(never a downloaded browser), and a static server for a built site."""
from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="需要 Debian 的 chromium（.ci/run 会安装）")


@contextmanager
def serve_dir(directory: Path, prefix: str = "/"):
    """Serve `directory` at http://127.0.0.1:PORT<prefix> (prefix like '/kepu/' mimics GitHub Pages)."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            if prefix != "/" and path.startswith(prefix):
                path = "/" + path[len(prefix):]
            elif prefix != "/":
                path = "/__outside_prefix__"
            return super().translate_path(path)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                super().handle_error(request, client_address)  # the browser hanging up on a video or image is not news

    server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()
