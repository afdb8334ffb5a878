"""A built site served the way GitHub Pages serves it (issue 25): under the repository's path
(/kepu/), text files gzip-compressed when the browser asks for it, a 404 page, and
Cache-Control: max-age=600. For Lighthouse, the Nu checker and the first-visit byte count, which
would otherwise measure an uncompressed local server no resident ever sees."""
from __future__ import annotations

import gzip
import http.server
import mimetypes
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

# what GitHub Pages compresses (text types); photos, fonts and video go as they are
GZIP_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml",
              "application/atom+xml", "application/manifest+json")


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def resolve(site: Path, url_path: str, prefix: str = "/kepu/") -> Path | None:
    """The file GitHub Pages answers for `url_path` (a folder gives its index.html), or None."""
    path = unquote(urlsplit(url_path).path)
    if not path.startswith(prefix):
        return None
    rel = path[len(prefix):]
    target = (site / rel).resolve()
    if site.resolve() not in (target, *target.parents):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
        kind += "; charset=utf-8"
    return kind


@contextmanager
def serve_pages(site: Path, prefix: str = "/kepu/"):
    """Serve `site` at http://127.0.0.1:PORT<prefix> like GitHub Pages; yields the base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            path = urlsplit(self.path).path
            if path == prefix.rstrip("/"):
                return self._send(301, b"", "text/html", {"Location": prefix})
            target = resolve(site, self.path, prefix)
            if target is None and path.startswith(prefix) and not path.endswith("/") and (site / unquote(path[len(prefix):])).is_dir():
                return self._send(301, b"", "text/html", {"Location": path + "/"})
            status = 200
            if target is None:
                status, target = 404, site / "404.html"
            kind = content_type(target)
            body = target.read_bytes()
            headers = {"Cache-Control": "max-age=600", "Vary": "Accept-Encoding"}
            if kind.startswith(GZIP_TYPES) and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gz(body)
                headers["Content-Encoding"] = "gzip"
            self._send(status, body, kind, headers)

        def _send(self, status, body, kind, headers):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
