"""Refresh the vendored Sveltia CMS in scripts/kepu/theme/admin/vendor/ (python3 tasks.py vendor-cms).

Downloads the pinned npm tarball with `npm pack` (the only step that needs Node and the
network; a fresh clone builds from the committed files), checks its sha512 integrity
against the pin below, and writes:

- sveltia-cms.js: dist/sveltia-cms.js with every CDN address rewritten (see REWRITES):
  the UI strings and fonts come from the site, the update check and the GitHub status
  check make no request, anything else it would load from unpkg (code highlighting,
  maps, PDF thumbnails…) goes to a same-origin path that does not exist, so it fails
  inside the site instead of calling another host;
- chunks/react-dom.js, locales/zh-CN.json, the three fonts the UI uses (the same woff2
  files the package ships in npm/assets/, which the bundle's CSS names on jsDelivr) and
  their licenses, LICENSE.txt, and sveltia-cms.schema.json (the config's JSON schema,
  used only by the tests);
- VENDOR.json: version, integrity and the sha256 of every file written.

To update: change VERSION and INTEGRITY (`npm view @sveltia/cms@X dist.integrity`), run
`python3 tasks.py vendor-cms`, then the editor tests (tests/test_admin*.py). A rewrite
whose text is no longer in the bundle stops the script: read the new bundle and adjust.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@sveltia/cms"
VERSION = "0.221.1"
INTEGRITY = "sha512-J+Qoik9kGMk2L7vNpOQrnDmFRi+NB6vwJ0f657YtsxWH0P8WYSYRRSRC2pQ/jGGbVlM//Pg/WIgmkpswqoo3gQ=="
OUT = Path(__file__).resolve().parent / "kepu" / "theme" / "admin" / "vendor"

BASE = "${self.KEPU_CMS_BASE}"  # set by admin/index.html before the bundle: the vendor folder's address
FONTS = {  # jsDelivr address in the bundle's CSS -> the file in the package, as fonts/<name>
    "https://cdn.jsdelivr.net/fontsource/fonts/source-sans-3:vf@5.3.0/latin-wght-normal.woff2":
        ("npm/assets/source-sans-3-latin-wght-normal-BqRLTx4X.woff2", "source-sans-3-latin-wght-normal.woff2"),
    "https://cdn.jsdelivr.net/fontsource/fonts/noto-mono@5.3.0/latin-400-normal.woff2":
        ("npm/assets/noto-mono-latin-400-normal-DiC8lJru.woff2", "noto-mono-latin-400-normal.woff2"),
    "https://cdn.jsdelivr.net/fontsource/fonts/material-symbols-outlined:vf@5.3.7/latin-wght-normal.woff2":
        ("npm/assets/material-symbols-outlined-latin-wght-normal-_Z1IJPLg.woff2",
         "material-symbols-outlined-latin-wght-normal.woff2"),
}
# (text in the bundle, replacement, how many times it must occur)
REWRITES = [
    # UI strings: same-origin (admin/index.html also seeds the locale cache from this file)
    ("USe=`${iP}@${rP}/locales`", f"USe=`{BASE}locales`", 1),
    # update check (a newer version on unpkg): answered by the page itself, no request
    ("NSe=`${iP}/package.json`", "NSe=`data:application/json,%7B%7D`", 1),
    # GitHub status banner: no request (the check answers "unknown", nothing is shown)
    ("`https://www.githubstatus.com/api/v2/status.json`", "`data:application/json,%7B%7D`", 1),
    *[(url, f"{BASE}fonts/{name}", 1) for url, (_, name) in FONTS.items()],
    # everything else it would load from unpkg: a same-origin path that does not exist
    ("`https://unpkg.com/", f"`{BASE}cdn/", 4),
]
FILES = {  # file in the package -> file in vendor/
    "dist/sveltia-cms.js": "sveltia-cms.js",
    "dist/chunks/react-dom.js": "chunks/react-dom.js",
    "locales/zh-CN.json": "locales/zh-CN.json",
    "LICENSE.txt": "LICENSE.txt",
    "schema/sveltia-cms.json": "sveltia-cms.schema.json",
    "npm/assets/source-sans-3.LICENSE.txt": "fonts/source-sans-3.LICENSE.txt",
    "npm/assets/noto-mono.LICENSE.txt": "fonts/noto-mono.LICENSE.txt",
    "npm/assets/material-symbols-outlined.LICENSE.txt": "fonts/material-symbols-outlined.LICENSE.txt",
    **{src: f"fonts/{name}" for src, name in FONTS.values()},
}
FOREIGN = re.compile(r"https://(unpkg\.com|cdn\.jsdelivr\.net|www\.githubstatus\.com/api)")


def rewrite(js: str) -> str:
    js = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)
    for old, new, count in REWRITES:
        found = js.count(old)
        if found != count:
            sys.exit(f"sveltia-cms.js 里「{old}」出现 {found} 次，应是 {count} 次：新版本改了写法，请看 scripts/vendor_cms.py 的说明")
        js = js.replace(old, new)
    left = sorted(set(FOREIGN.findall(js)))
    if left:
        sys.exit(f"sveltia-cms.js 里还有外部地址：{left}")
    return js


def download(folder: Path) -> bytes:
    npm = shutil.which("npm")
    if not npm:
        sys.exit("需要 npm（Node.js）才能更新编辑器；生成网站不需要它")
    subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", str(folder)],
                   check=True, stdout=subprocess.DEVNULL)
    (tarball,) = folder.glob("*.tgz")
    data = tarball.read_bytes()
    algo, _, want = INTEGRITY.partition("-")
    got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if got != want:
        sys.exit(f"{PACKAGE}@{VERSION} 的校验值不对：应是 {INTEGRITY}，下载的是 {algo}-{got}")
    return data


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data = download(Path(tmp))
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        files = {src: tar.extractfile(f"package/{src}").read() for src in FILES}
    files["dist/sveltia-cms.js"] = rewrite(files["dist/sveltia-cms.js"].decode("utf-8")).encode("utf-8")
    shutil.rmtree(OUT, ignore_errors=True)
    digests = {}
    for src, dst in FILES.items():
        path = OUT / dst
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[src])
        digests[dst] = hashlib.sha256(files[src]).hexdigest()
    manifest = {"package": PACKAGE, "version": VERSION, "integrity": INTEGRITY, "refresh": "python3 tasks.py vendor-cms",
                "files": dict(sorted(digests.items()))}
    (OUT / "VENDOR.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    total = sum(len(b) for b in files.values())
    print(f"已写入 {OUT}：{PACKAGE}@{VERSION}，{len(files)} 个文件，共 {total} 字节")
    return 0


if __name__ == "__main__":
    sys.exit(main())
