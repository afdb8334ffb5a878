"""CI step (issue 10): a volunteer's monthly update must leave the tests green.

Copies the repository (the files git would commit) to a temp folder, adds the
next month's issue and two activities there the way a volunteer does (`kepu new
issue` / `kepu new activity`, then filling in the templates; one activity is
already held and has a phone photo, the other is announced), checks the content,
and runs the tests that can see that content in the copy (pytest arguments are
passed on; .ci/run leaves out the slow browser tests).

Which tests can see it: tests/test_live_content.py reads the live bulletins/ on
the real day, and checks statically that no other test does; every other test
builds the frozen example or its own sites with a fixed TODAY, so in the copy it
would only repeat the main run. The copy runs test_live_content.py and every test
file that reads the repository at all (mentions REPO), to be safe.

Run with the project's .venv Python after `python3 tasks.py test` (it needs
Pillow for the photo): `.venv/bin/python .ci/next_month.py [pytest args]`.
The copy reuses the installed environment (the Python running this script)
through a symlink and KEPU_VENV: tasks.py sees the same locks and installs
nothing. Tests in the copy import kepu from the copy's scripts/.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
CST = timezone(timedelta(hours=8))  # the example community's time zone (mkdocs.yml: Asia/Shanghai)


def copy_repository(dest: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode("utf-8").split("\0")
    for rel in filter(None, listed):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    # the tests ask git which files are ignored: a fresh repository with the same .gitignore
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    # the environment running this script, already installed: tasks.py finds the same locks and installs nothing
    os.symlink(sys.prefix, dest / ".venv", target_is_directory=True)


def kepu(root: Path, env: dict, *args: str) -> str:
    r = subprocess.run([sys.executable, "tasks.py", "kepu", *args], cwd=root, env=env, capture_output=True,
                       text=True, encoding="utf-8")
    print(r.stdout + r.stderr, end="", flush=True)
    if r.returncode:
        sys.exit(f"kepu {' '.join(args)} 失败（{r.returncode}）")
    return r.stdout


def fill(path: Path, fields: dict[str, str | list[str]], body: str) -> None:
    """Replace front-matter values (a key's template list items too) and everything below the
    front matter, as a volunteer would; a list is written one item per line, as kepu new does."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("\n---\n", 1)
    for key, value in fields.items():
        line = f"{key}:" + "".join(f"\n  - {v}" for v in value) if isinstance(value, list) else f"{key}: {value}"
        head, n = re.subn(rf"^#?\s*{key}:.*$(?:\n[ \t]+- .*$)*", lambda m: line, head, count=1, flags=re.M)
        assert n, f"{path.name}: no {key}: in the template"
    path.write_text(head + "\n---\n" + body, encoding="utf-8")


def phone_photo(path: Path) -> None:
    """A 12-megapixel photo as a phone takes it: held sideways (EXIF orientation 6), with GPS and camera model."""
    im = Image.merge("RGB", [Image.effect_noise((4032, 3024), s) for s in (40, 60, 80)])
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F], exif[0x0110] = "Xiaomi", "Redmi Note 12"
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 27.5), 3: "E", 4: (120.0, 9.0, 44.25)}
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, "JPEG", quality=85, exif=exif.tobytes())


def add_next_month(root: Path, env: dict) -> list[str]:
    """Returns the added files, relative to root."""
    today = datetime.now(CST).date()
    month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    while (root / "bulletins" / f"{month:%Y}" / f"{month:%Y-%m}.md").exists():  # already written: the one after
        month = (month + timedelta(days=32)).replace(day=1)
    held, announced = today - timedelta(days=1), month.replace(day=15)

    kepu(root, env, "new", "issue", f"{month:%Y-%m}")
    fill(root / "bulletins" / f"{month:%Y}" / f"{month:%Y-%m}.md",
         {"title": "冬季居家安全", "editors": ["张丽", "王建国"], "summary": "本期讲取暖用电、燃气和防跌倒。"},
         "天冷了，本期提醒大家注意居家安全。\n\n"
         "## 【安全】取暖器别离床太近\n\n取暖器离床、沙发和窗帘至少一米，人走要断电。\n\n"
         "## 【安全】燃气热水器要通风\n\n洗澡时开一点窗，热水器装在浴室外面。\n\n"
         "## 【健康】老人起床慢一点\n\n醒来先躺半分钟、坐半分钟，再站起来，防止头晕跌倒。\n")

    slug = "ci-phone-photo-talk"
    kepu(root, env, "new", "activity", held.isoformat(), slug)
    key = f"{held.isoformat()}-{slug}"
    phone_photo(root / "bulletins" / f"{held:%Y}" / "images" / f"{key}.jpg")
    fill(root / "bulletins" / f"{held:%Y}" / f"{key}.md",
         {"title": "冬季用电安全讲座", "location": "社区党群服务中心二楼", "participants": "42",
          "cover": f"images/{key}.jpg"},
         "社区请来电工师傅，讲了取暖器和电热毯怎么用才安全。\n\n"
         f"![电工师傅在讲电热毯的用法](images/{key}.jpg)\n\n讲座后大家排队请师傅看自家的插线板。\n")

    slug = "ci-winter-science-class"
    kepu(root, env, "new", "activity", announced.isoformat(), slug)
    fill(root / "bulletins" / f"{announced:%Y}" / f"{announced.isoformat()}-{slug}.md",
         {"title": "冬季科学小课堂", "location": "社区图书室"},
         "给小学生讲雪花为什么是六角形，现场做小实验。请提前到居委会报名。\n")
    return [f"bulletins/{month:%Y}/{month:%Y-%m}.md", f"bulletins/{held:%Y}/{key}.md", f"bulletins/{held:%Y}/images/{key}.jpg",
            f"bulletins/{announced:%Y}/{announced.isoformat()}-{slug}.md"]


def tests_seeing_the_repository(root: Path) -> list[str]:
    """Test files that read the repository (REPO), test_live_content.py first."""
    files = sorted((root / "tests").glob("test_*.py"))
    picked = [f for f in files if f.name == "test_live_content.py" or re.search(r"\bREPO\b", f.read_text(encoding="utf-8"))]
    picked.sort(key=lambda f: f.name != "test_live_content.py")
    return [f.relative_to(root).as_posix() for f in picked]


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="kepu-next-month-") as tmp:
        root = Path(tmp)
        copy_repository(root)
        env = dict(os.environ, KEPU_VENV=sys.prefix,  # tasks.py versions that take the environment from KEPU_VENV
                   PYTHONPATH=str(root / "scripts"))  # the copy's kepu, not the editable install's
        env.pop("KEPU_TODAY", None)  # the real day, like the dates added above
        added = add_next_month(root, env)
        out = kepu(root, env, "check")
        mine = [line for line in out.splitlines() if any(line.startswith(rel + ":") for rel in added)]
        if mine:  # the filled-in files are what a careful volunteer commits: not even a warning
            sys.exit("新加的文件有问题：\n" + "\n".join(mine))
        print("在副本里运行测试（加了下个月的月刊和两场活动）…", flush=True)
        ignored = {a.split("=", 1)[1] for a in argv if a.startswith("--ignore=")}  # pytest would still run named files
        paths = [] if any(not a.startswith("-") for a in argv) else [
            t for t in tests_seeing_the_repository(root) if t not in ignored]
        return subprocess.call([sys.executable, "tasks.py", "test", *paths, *argv], cwd=root, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
