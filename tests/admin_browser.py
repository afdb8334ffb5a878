"""Helpers for the editor's browser tests: /admin/ served on 127.0.0.1 (so the CMS offers its
local-repository mode), a repository copied into the browser's origin-private file system, and
`window.showDirectoryPicker` replaced by a function that returns it (no dialog in a test)."""
from __future__ import annotations

import base64
import functools
import http.server
import json
import threading
from contextlib import contextmanager
from pathlib import Path

# Runs before any page script: writes FILES (path -> base64) into the OPFS root, then answers
# showDirectoryPicker with it. window.__kepuRead(path) reads a file back as text.
INIT = """
(() => {
  const files = %s;
  let ready = null;
  async function fill() {
    const root = await navigator.storage.getDirectory();
    for (const [path, b64] of Object.entries(files)) {
      const parts = path.split("/");
      let dir = root;
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
      if (parts[parts.length - 1] === "") continue;
      const handle = await dir.getFileHandle(parts[parts.length - 1], { create: true });
      const writable = await handle.createWritable();
      await writable.write(Uint8Array.from(atob(b64), c => c.charCodeAt(0)));
      await writable.close();
    }
    return root;
  }
  window.showDirectoryPicker = async () => { ready = ready || fill(); return ready; };
  window.__kepuRead = async (path) => {
    let dir = await navigator.storage.getDirectory();
    const parts = path.split("/");
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
    const file = await (await dir.getFileHandle(parts[parts.length - 1])).getFile();
    const bytes = new Uint8Array(await file.arrayBuffer());
    let out = ""; for (const b of bytes) out += String.fromCharCode(b);
    return btoa(out);
  };
  window.__kepuList = async (path) => {
    let dir = await navigator.storage.getDirectory();
    for (const part of path.split("/").filter(Boolean)) dir = await dir.getDirectoryHandle(part);
    const names = []; for await (const key of dir.keys()) names.push(key); return names.sort();
  };
})();
"""


def repo_files(root: Path) -> dict[str, str]:
    """The files the editor needs from a site repository (mkdocs.yml, bulletins/) and a .git folder."""
    out = {".git/HEAD": base64.b64encode(b"ref: refs/heads/main\n").decode()}
    for path in [root / "mkdocs.yml", *sorted((root / "bulletins").rglob("*"))]:
        if path.is_file():
            out[path.relative_to(root).as_posix()] = base64.b64encode(path.read_bytes()).decode()
    return out


def init_script(root: Path) -> str:
    return INIT % json.dumps(repo_files(root))


@contextmanager
def serve_admin(files: dict[str, bytes], prefix: str = "/kepu/"):
    """Serve the /admin/ files (kepu.views.admin.files) at http://127.0.0.1:PORT<prefix>admin/."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?")[0]
            rel = path[len(prefix + "admin/"):] if path.startswith(prefix + "admin/") else None
            data = files.get(rel or "index.html") if rel is not None else None
            if data is None:
                self.send_response(404)
                self.end_headers()
                return
            kinds = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                     ".json": "application/json", ".yml": "text/yaml; charset=utf-8", ".woff2": "font/woff2"}
            self.send_response(200)
            self.send_header("Content-Type", kinds.get(Path(rel or "index.html").suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}admin/"
    finally:
        server.shutdown()
        server.server_close()
