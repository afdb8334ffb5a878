#!/usr/bin/env python3
"""One-command entry points for a fresh machine (only Python 3.11+ needed).

    python3 tasks.py build   # set up .venv from requirements.lock, then `kepu build`
    python3 tasks.py test    # set up .venv, then run the whole test suite
    python3 tasks.py serve   # live preview
    python3 tasks.py kepu ARGS...  # any other kepu command

The virtual environment is (re)installed only when requirements.lock or
pyproject.toml changed since the last setup.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / "kepu-setup.sha256"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def setup() -> Path:
    if sys.version_info < (3, 11):
        sys.exit("需要 Python 3.11 或更新的版本，当前是 %d.%d。" % sys.version_info[:2])
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    py = venv_python()
    if py.exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
        return py
    if not py.exists():
        print("正在创建虚拟环境 .venv …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    print("正在按 requirements.lock 安装依赖（首次需要几分钟）…", flush=True)
    pip = [str(py), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["install", "-r", str(LOCK)], check=True)
    subprocess.run(pip + ["install", "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(digest)
    return py


def run(args: list[str], env: dict) -> int:
    """Run a command; Ctrl+C reaches it too (same console), so wait for it to stop quietly."""
    proc = subprocess.Popen(args, cwd=ROOT, env=env)
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "build"
    py = str(setup())
    env = dict(os.environ, PYTHONUTF8="1")
    if cmd == "test":
        return run([py, "-m", "pytest", *argv[1:]], env)
    if cmd in ("build", "serve", "check"):
        return run([py, "-m", "kepu", cmd, *argv[1:]], env)
    if cmd == "kepu":
        return run([py, "-m", "kepu", *argv[1:]], env)
    if cmd == "setup":
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # Ctrl+C while setting up: no traceback
        sys.exit(130)
