#!/usr/bin/env python3
"""科普橱窗的命令（只需要 Python 3.11 或更新版本；Windows 上把 python3 换成 py）：

    python3 tasks.py build                  检查内容并生成网站到 site/（第一次会自动安装依赖）
    python3 tasks.py check                  只检查，不生成（加 --strict 时警告也算失败）
    python3 tasks.py serve                  本地预览，改了文件会自动刷新
    python3 tasks.py new issue 2026-12      新建月刊模板
    python3 tasks.py new activity 2026-12-05 fire-drill   新建活动模板
    python3 tasks.py stats --year 2026      年度统计
    python3 tasks.py print 2026-11 --pdf    打印版展板
    python3 tasks.py report 2026            年度工作报告（PDF、Word 和照片压缩包）
    python3 tasks.py bench --quick          性能测试
    python3 tasks.py test                   运行全部测试（会另外安装测试用的依赖）
    python3 tasks.py build --engine zensical   用 Zensical 生成网站（第一次会自动安装它）

每个命令加 -h 可以看详细用法，例如 python3 tasks.py check -h。
"""
from __future__ import annotations

# How it works: `build` and every other kepu command install requirements.lock
# (runtime only) into .venv; `test` also installs requirements-test.lock. The
# stamp in the venv records what was installed from which lock contents, so a
# changed lock or pyproject.toml reinstalls, and nothing else does.
# KEPU_VENV=path uses another, already installed virtual environment (the
# tests run the documented commands in temporary copies this way).
# `python3 tasks.py kepu ARGS...` is kept as an alias of `python3 tasks.py ARGS...`.

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("KEPU_VENV") or ROOT / ".venv")
LOCK = ROOT / "requirements.lock"
TEST_LOCK = ROOT / "requirements-test.lock"
ZENSICAL_LOCK = ROOT / "requirements-zensical.lock"  # the optional engine (--engine zensical, extra.engine, tests)
STAMP = VENV / "kepu-setup.txt"

KEPU_COMMANDS = ("check", "new", "build", "serve", "stats", "print", "report", "bench")


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _digest(*files: Path) -> str:
    h = hashlib.sha256()
    for f in (ROOT / "pyproject.toml", *files):
        h.update(f.read_bytes())
    return h.hexdigest()


def _installed() -> dict[str, str]:
    """What the stamp says is installed: {"runtime": digest, "test": digest}."""
    if not STAMP.exists():
        return {}
    pairs = (line.split(" ", 1) for line in STAMP.read_text().splitlines() if " " in line)
    return {k: v.strip() for k, v in pairs}


def wants_zensical(argv: list[str]) -> bool:
    """Install the optional Zensical engine? For the tests, `--engine zensical` (or bench's `both`),
    and a mkdocs.yml that sets `engine: zensical` under extra:."""
    if argv[:1] == ["test"]:
        return True
    for i, arg in enumerate(argv):
        if arg in ("--engine=zensical", "--engine=both") or (arg == "--engine" and argv[i + 1:i + 2] in (["zensical"], ["both"])):
            return True
    import re

    root = ROOT
    if "--root" in argv[:-1]:
        root = Path(argv[argv.index("--root") + 1])
    try:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^[ \t]+engine:[ \t]*[\"']?zensical[\"']?[ \t]*(#.*)?$", text, re.M | re.I) is not None


def setup(test: bool = False, zensical: bool = False) -> Path:
    if sys.version_info < (3, 11):
        sys.exit("需要 Python 3.11 或更新的版本，当前是 %d.%d。" % sys.version_info[:2])
    want = {"runtime": _digest(LOCK)}
    if test:
        want["test"] = _digest(LOCK, TEST_LOCK)
    if zensical:
        want["zensical"] = _digest(LOCK, ZENSICAL_LOCK)
    py = venv_python()
    have = _installed() if py.exists() else {}
    if all(have.get(k) == v for k, v in want.items()):
        return py
    if not py.exists():
        print("正在创建虚拟环境 .venv …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(py), "-m", "pip", "--disable-pip-version-check", "-q"]
    if have.get("runtime") != want["runtime"]:
        print("正在按 requirements.lock 安装依赖（首次需要几分钟）…", flush=True)
        subprocess.run(pip + ["install", "-r", str(LOCK)], check=True)
        subprocess.run(pip + ["install", "--no-deps", "-e", str(ROOT)], check=True)
        have = {"runtime": want["runtime"]}  # the test packages must be checked again against the new runtime
        STAMP.write_text("".join(f"{k} {v}\n" for k, v in have.items()))
    if test and have.get("test") != want["test"]:
        print("正在按 requirements-test.lock 安装测试用的依赖…", flush=True)
        subprocess.run(pip + ["install", "-r", str(LOCK), "-r", str(TEST_LOCK)], check=True)
        have["test"] = want["test"]
        STAMP.write_text("".join(f"{k} {v}\n" for k, v in have.items()))
    if zensical and have.get("zensical") != want["zensical"]:
        print("正在按 requirements-zensical.lock 安装 Zensical（可选的网站引擎）…", flush=True)
        subprocess.run(pip + ["install", "-r", str(LOCK), "-r", str(ZENSICAL_LOCK)], check=True)
        have["zensical"] = want["zensical"]
        STAMP.write_text("".join(f"{k} {v}\n" for k, v in have.items()))
    return py


def main(argv: list[str]) -> int:
    if argv[:1] == ["kepu"]:  # the old form, still accepted
        argv = argv[1:]
    cmd = argv[0] if argv else "build"
    if cmd == "vendor-cms":  # developers only: refresh the vendored editor (needs npm), see scripts/vendor_cms.py
        return run([sys.executable, str(ROOT / "scripts" / "vendor_cms.py"), *argv[1:]])
    if cmd not in (*KEPU_COMMANDS, "test", "setup") and not cmd.startswith("-"):
        print(__doc__)
        print(f"没有「{cmd}」这个命令，可用的命令见上面。", file=sys.stderr)
        return 2
    try:
        py = str(setup(test=cmd == "test", zensical=wants_zensical(argv)))
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"\n安装依赖没有成功（{exc}）。请检查网络连接后重新运行；一直不行时，把上面的信息发给技术志愿者。",
              file=sys.stderr)
        return 1
    if cmd == "setup":
        if "zensical" in argv and "--engine" in argv:
            print("Zensical 已安装，可以运行 " + ("py" if os.name == "nt" else "python3") + " tasks.py build --engine zensical。")
        return 0
    if cmd == "test":
        return run([py, "-m", "pytest", *test_workers(argv[1:]), *argv[1:]])
    return run([py, "-m", "kepu", *(argv or ["build"])])


def test_workers(args: list[str]) -> list[str]:
    """`test` runs the tests in two processes (pytest-xdist, requirements-test.lock), each test file wholly in
    one of them, so a file's shared site is built once: the suite mostly waits on browsers, builds and child
    processes, and two at a time take about two thirds of the time on a 2-core machine. Two, not one per core:
    the browser and timing tests stay as on CI's machine. `-n 0` (or any -n) on the command line decides instead."""
    if any(a in ("-n", "--numprocesses", "no:xdist", "-pno:xdist") or a.startswith(("-n", "--numprocesses=")) for a in args):
        return []
    return ["-n", "2", "--dist", "loadfile"]


def run(args: list[str]) -> int:
    proc = subprocess.Popen(args, cwd=ROOT, env=dict(os.environ, PYTHONUTF8="1"))
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:  # Ctrl+C reaches the command too (e.g. stops `serve`): let it finish
            continue


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # Ctrl+C while setting up: no traceback
        sys.exit(130)
