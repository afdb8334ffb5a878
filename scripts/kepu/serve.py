"""`kepu serve`: live preview. Regenerates the generated area when anything
in bulletins/ (or mkdocs.yml) changes; MkDocs' own server then reloads the
browser."""
from __future__ import annotations

import os
import threading
import time
from datetime import date
from pathlib import Path

from kepu.build import _quiet_mkdocs_logging, regenerate


def serve(root: Path, *, port: int = 8000, today: date | None = None) -> int:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    root = root.resolve()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    result, _ = regenerate(root, today=today)
    base = result.site.settings.base_path  # mkdocs serve mounts the site under site_url's path
    pending = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if not event.is_directory and not str(event.src_path).endswith((".tmp", "~")):
                pending.set()

    def worker():
        while True:
            pending.wait()
            time.sleep(0.3)  # let editors finish saving
            pending.clear()
            print("检测到 bulletins/ 有修改，重新生成…", flush=True)
            regenerate(root, today=today)

    observer = Observer()
    observer.schedule(Handler(), str(root / "bulletins"), recursive=True)
    observer.start()
    threading.Thread(target=worker, daemon=True).start()
    from mkdocs.commands.serve import serve as mkdocs_serve

    _quiet_mkdocs_logging()
    print(f"预览地址：http://127.0.0.1:{port}{base} （按 Ctrl+C 停止）", flush=True)
    try:
        mkdocs_serve(str(root / "mkdocs.yml"), livereload=True, dev_addr=f"127.0.0.1:{port}")
    finally:
        observer.stop()
    return 0
