"""Every command shown to a volunteer works as typed.

The commands are read from README.md and docs/guide/*.md (lines of code blocks
and inline code starting with `python3 tasks.py`) and each one is run in its
own temporary copy of the repository, through tasks.py, with the virtual
environment that runs these tests (KEPU_VENV) so nothing is reinstalled.
kepu's own messages must use the same form; the templates the guide shows for
GitHub's web editor are what `python3 tasks.py new` writes."""
from __future__ import annotations

import ast
import importlib.util
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import TODAY
from sitecopy import copy_site

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs" / "guide").glob("*.md"))]
PREFIX = "python3 tasks.py"
KEPU_SUBCOMMAND = re.compile(r"\bkepu (?:check|new|build|serve|stats|print|bench|test)\b(?!:)|\bkepu -h\b")  # not "kepu bench: 错误"


def split_code(text: str) -> tuple[list[str], str]:
    """(lines inside fenced code blocks, the text outside them)."""
    code, prose, fence = [], [], None
    for line in text.splitlines():
        m = re.match(r"\s*(```+|~~~+)", line)
        if m and (fence is None or m[1].startswith(fence)):
            fence = None if fence else m[1]
            continue
        (code if fence else prose).append(line)
    return code, "\n".join(prose)


def normalise(command: str) -> str:
    return " ".join(shlex.split(command, comments=True))


def shown_commands() -> dict[str, list[str]]:
    """{command: [where it is shown]} in order of first appearance."""
    found: dict[str, list[str]] = {}
    for doc in DOCS:
        code, prose = split_code(doc.read_text(encoding="utf-8"))
        candidates = [line.strip() for line in code if line.strip().startswith(PREFIX)]
        candidates += re.findall(r"`(" + re.escape(PREFIX) + r"[^`]*)`", prose)
        for cmd in candidates:
            where = found.setdefault(normalise(cmd), [])
            if doc.relative_to(REPO).as_posix() not in where:
                where.append(doc.relative_to(REPO).as_posix())
    return found


COMMANDS = shown_commands()


def test_the_docs_show_every_command_in_one_form():
    names = {shlex.split(c)[2] if len(shlex.split(c)) > 2 else "" for c in COMMANDS}
    assert {"build", "test", "check", "serve", "new", "stats", "print", "bench", "kepu"} <= names
    for doc in DOCS:  # never the bare `kepu check` that fails with "command not found"
        code, prose = split_code(doc.read_text(encoding="utf-8"))
        shown = [line.strip() for line in code] + re.findall(r"`([^`]*)`", prose)
        bad = [s for s in shown if KEPU_SUBCOMMAND.match(s) or re.match(r"python3? -m kepu\b", s)]
        assert not bad, f"{doc.name}: {bad}"


def test_readme_quick_start_is_exactly_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 快速开始", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)[1]
    assert [normalise(line) for line in block.splitlines() if line.strip()] == ["python3 tasks.py build", "python3 tasks.py test"]


def string_literals(path: Path):
    """(line, text) of every string in the code that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


# Names of measurements in the benchmark report, not instructions; the bench child's internal English errors.
NOT_INSTRUCTIONS = ("kepu check 单独运行", "kepu serve 显示修改", "kepu serve 修改后刷新时间", "kepu build failed", "kepu check found")


def test_kepu_messages_show_commands_in_the_working_form():
    bad = []
    for path in sorted((REPO / "scripts" / "kepu").rglob("*.py")):
        for line, text in string_literals(path):
            if KEPU_SUBCOMMAND.search(text) and not text.strip().startswith(NOT_INSTRUCTIONS):
                bad.append(f"{path.relative_to(REPO).as_posix()}:{line}: {text[:60]}")
    assert not bad, "write these with kepu.core.commands.command(...):\n" + "\n".join(bad)


def test_kepu_help_and_usage_errors_show_tasks_py(capsys):
    from kepu.cli import main

    with pytest.raises(SystemExit):
        main(["-h"])
    out = capsys.readouterr().out
    assert out.startswith("用法：python3 tasks.py") and "python3 tasks.py test" in out
    with pytest.raises(SystemExit):
        main(["check", "--no-such-option"])
    assert "运行 python3 tasks.py -h 查看用法" in capsys.readouterr().err


# ---------------------------------------------------------------- templates for GitHub's web editor

def guide_template(name: str) -> str:
    text = (REPO / "docs" / "guide" / "publish.md").read_text(encoding="utf-8")
    # a blank line may follow the marker: inside a numbered step it keeps the comment out of a <p> (issue 25)
    m = re.search(r"<!-- template: " + name + r" -->\n\n?( *)```markdown\n(.*?)\n\1```\n", text, re.S)
    assert m, f"publish.md has no `<!-- template: {name} -->` code block"
    indent = len(m[1])  # inside a numbered step the block is indented
    assert all(not line or line.startswith(m[1]) for line in m[2].split("\n"))
    return "\n".join(line[indent:] for line in m[2].split("\n")) + "\n"


def test_guide_templates_are_what_new_writes(tmp_path):
    from kepu.cli import main

    root = copy_site(tmp_path)  # the project's mkdocs.yml: the community name in `organizer`
    assert main(["new", "issue", "2026-12", "--root", str(root), "--today", TODAY.isoformat()]) == 0
    assert main(["new", "activity", "2026-12-05", "fire-drill", "--root", str(root), "--today", TODAY.isoformat()]) == 0
    issue = (root / "bulletins" / "2026" / "2026-12.md").read_text(encoding="utf-8")
    # the command also lists this month's commemorative days; the guide's template is for any month
    hint = re.search(r"\n本月可参考的科普纪念日（写完后删掉这几行）：\n(?:- .*\n)+", issue)
    assert hint
    assert guide_template("issue") == issue.replace(hint[0].rstrip("\n"), "", 1)
    activity = (root / "bulletins" / "2026" / "2026-12-05-fire-drill.md").read_text(encoding="utf-8")
    assert guide_template("activity") == activity


# ---------------------------------------------------------------- tasks.py

def load_tasks(venv: Path):
    saved = os.environ.get("KEPU_VENV")
    os.environ["KEPU_VENV"] = str(venv)
    try:
        spec = importlib.util.spec_from_file_location("kepu_tasks_under_test", REPO / "tasks.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        if saved is None:
            os.environ.pop("KEPU_VENV")
        else:
            os.environ["KEPU_VENV"] = saved


def test_build_installs_runtime_only_and_test_adds_the_test_lock(tmp_path, monkeypatch):
    venv = tmp_path / "venv"
    tasks = load_tasks(venv)
    tasks.venv_python().parent.mkdir(parents=True)
    tasks.venv_python().write_text("")  # an existing venv: no `python -m venv`
    lock = tmp_path / "requirements.lock"
    shutil.copy(tasks.LOCK, lock)
    monkeypatch.setattr(tasks, "LOCK", lock)
    calls = []
    monkeypatch.setattr(tasks.subprocess, "run", lambda args, **kw: calls.append([str(a) for a in args]))

    def installed():
        got = [" ".join(Path(a).name if a.endswith(".lock") else a for a in c[c.index("install") + 1:]) for c in calls]
        calls.clear()
        return got

    tasks.setup()
    assert installed() == ["-r requirements.lock", f"--no-deps -e {REPO}"]
    tasks.setup()
    assert installed() == []  # the stamp says it is there
    tasks.setup(test=True)
    assert installed() == ["-r requirements.lock -r requirements-test.lock"]
    tasks.setup(test=True)
    tasks.setup()
    assert installed() == []
    lock.write_text(lock.read_text() + "nh3==0.3.2\n")  # a changed lock is installed again, then the test lock
    tasks.setup(test=True)
    assert installed() == ["-r requirements.lock", f"--no-deps -e {REPO}", "-r requirements.lock -r requirements-test.lock"]


def test_unknown_command_lists_the_commands(capsys):
    tasks = load_tasks(Path(sys.prefix))
    assert tasks.main(["chekc"]) == 2
    out = capsys.readouterr()
    assert "python3 tasks.py new issue 2026-12" in out.out and "没有「chekc」这个命令" in out.err


def test_test_runs_in_two_processes_unless_the_command_line_says(monkeypatch):
    """`python3 tasks.py test` passes pytest-xdist's two workers, each file in one (--dist loadfile: a module's
    shared site is built once); any -n of the volunteer's (or -p no:xdist) replaces them."""
    tasks = load_tasks(Path(sys.prefix))
    monkeypatch.setattr(tasks, "setup", lambda **kw: Path(sys.executable))
    ran = []
    monkeypatch.setattr(tasks, "run", lambda args: ran.append(args[3:]) or 0)
    for argv in (["test"], ["test", "tests/test_urls.py", "-x"], ["test", "-n", "0"], ["test", "-n0"],
                 ["test", "--numprocesses=4"], ["test", "-p", "no:xdist"]):
        assert tasks.main(argv) == 0
    assert ran == [["-n", "2", "--dist", "loadfile"], ["-n", "2", "--dist", "loadfile", "tests/test_urls.py", "-x"],
                   ["-n", "0"], ["-n0"], ["--numprocesses=4"], ["-p", "no:xdist"]]
    assert importlib.util.find_spec("xdist") is not None  # installed from requirements-test.lock


# ---------------------------------------------------------------- run every command as typed

@pytest.fixture(scope="module")
def venv() -> Path:
    """The installed environment running these tests, with tasks.py's stamp up to date (so the copies never install)."""
    path = Path(sys.prefix) if sys.prefix != sys.base_prefix else REPO / ".venv"
    load_tasks(path).setup(test=True, zensical=True)  # `python3 tasks.py test` also installs Zensical (issue 15)
    return path


def repo_copy(dest: Path) -> Path:
    copy_site(dest)
    for name in ("tasks.py", "pyproject.toml", "requirements.lock", "requirements-test.lock", "requirements-zensical.lock",
                 "README.md"):
        shutil.copy(REPO / name, dest / name)
    shutil.copytree(REPO / "tests", dest / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def run_env(venv: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PYTEST_"))}
    return env | {"KEPU_VENV": str(venv), "KEPU_TODAY": TODAY.isoformat(), "PYTHONUTF8": "1"}


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run_serve(args: list[str], cwd: Path, env: dict) -> tuple[int, str]:
    """Start the preview, wait for its address to answer, then Ctrl+C (SIGINT to the whole group, like a terminal)."""
    if "--port" not in args and not port_free(8000):  # another program holds the default port on this machine
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            args = args + ["--port", str(s.getsockname()[1])]
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8", start_new_session=True)
    lines, url = [], None
    try:
        deadline = time.monotonic() + 180
        for line in proc.stdout:
            lines.append(line)
            m = re.search(r"http://127\.0\.0\.1:\d+/\S*", line)
            if m:
                url = m[0]
                break
        assert url, "".join(lines)
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    assert resp.status == 200 and "科普" in resp.read().decode("utf-8")
                break
            except OSError:
                assert time.monotonic() < deadline, "the preview address never answered:\n" + "".join(lines)
                time.sleep(0.5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            rest, _ = proc.communicate()
    return (0 if proc.returncode in (0, 130) else proc.returncode), "".join(lines) + rest


# What each command must leave behind, besides exit code 0 (paths relative to the copy).
PRODUCES = {
    "python3 tasks.py build": "site/index.html",
    "python3 tasks.py new issue 2026-12": "bulletins/2026/2026-12.md",
    "python3 tasks.py new activity 2026-12-05 fire-drill": "bulletins/2026/2026-12-05-fire-drill.md",
    "python3 tasks.py print 2026-11 --pdf": "build/print/2026-11.pdf",
    "python3 tasks.py print 2026-11 --pdf --output 十一月展板.pdf": "十一月展板.pdf",
    "python3 tasks.py print 2026-11-07-fire-drill --pdf": "build/print/2026-11-07-fire-drill.pdf",
}


def command_args(command: str) -> list[str]:
    args = shlex.split(command)
    args[0] = shutil.which("python3") or sys.executable
    if args[2:3] == ["test"]:
        args += ["--collect-only", "-q"]  # the whole suite would run this test again: collecting proves the command works
    return args


def is_serve(command: str) -> bool:
    return command_args(command)[2:3] == ["serve"]


def run_command(command: str, venv: Path, root: Path) -> tuple[int, str]:
    repo_copy(root)
    proc = subprocess.run(command_args(command), cwd=root, env=run_env(venv), capture_output=True, text=True,
                          encoding="utf-8", timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


LONGEST_FIRST = ("bench", "report", "build", "print")  # submitted first, so the slow ones do not end up last


@pytest.fixture(scope="module")
def started(request, venv, tmp_path_factory):
    """The selected commands (except the preview, which needs its port), each in its own fresh copy,
    run side by side: they are independent processes in independent folders, and running them one
    after another only waits longer. {command: (copy, future of (exit code, output))}."""
    wanted = [item.callspec.params["command"] for item in request.session.items
              if getattr(item, "originalname", "") == "test_command_shown_in_the_docs_works"
              and not is_serve(item.callspec.params["command"])]
    wanted.sort(key=lambda c: next((i for i, name in enumerate(LONGEST_FIRST) if command_args(c)[2:3] == [name]),
                                   len(LONGEST_FIRST)))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        runs = {}
        for command in wanted:
            root = tmp_path_factory.mktemp("repo")  # filled by run_command, in the pool
            runs[command] = (root, pool.submit(run_command, command, venv, root))
        yield runs
        for _, future in runs.values():
            future.cancel()


@pytest.mark.parametrize("command", list(COMMANDS), ids=list(COMMANDS))
def test_command_shown_in_the_docs_works(command, venv, started, tmp_path):
    if is_serve(command):
        root = repo_copy(tmp_path / "repo")
        code, out = run_serve(command_args(command), root, run_env(venv))
    else:
        root, future = started[command]
        code, out = future.result()
    where = ", ".join(COMMANDS[command])
    assert code == 0, f"`{command}` (shown in {where}) failed:\n{out[-3000:]}"
    assert "Traceback" not in out and "正在按 requirements" not in out, out[-3000:]
    if command in PRODUCES:
        assert (root / PRODUCES[command]).is_file(), out[-2000:]
