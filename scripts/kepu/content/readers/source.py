"""Read a text file the way a volunteer's editor saved it: UTF-8 (with or
without BOM), CRLF or LF. GBK/GB18030 from Windows Notepad's "ANSI" is
recognised and reported (and rewritten as UTF-8 only when asked).

Only regular files inside the site are opened (never a pipe, device or
folder, never a link leading out of the repository), at most
limits.MAX_FILE_BYTES of them, and control characters are removed (with a
warning) so that every later reader and writer sees only checked text."""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kepu.content import limits
from kepu.core.commands import command
from kepu.content.problems import Problems

UTF8_BOM = b"\xef\xbb\xbf"
SAVE_AS_UTF8 = "用记事本打开它，点「文件 → 另存为」，在下方「编码」里选 UTF-8 后保存；或者运行 " + command("check", "--fix-encoding") + " 自动转换"


@dataclass(frozen=True)
class SourceText:
    path: Path
    text: str  # LF line endings, no BOM
    encoding: str  # "utf-8" or "gb18030" (the latter is already reported as an error)


def decode(data: bytes) -> tuple[str | None, str]:
    """Return (text, encoding); text is None when the bytes are not readable text."""
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return None, "unknown"


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_source(path: Path, problems: Problems, *, fix_encoding: bool = False,
                strict_controls: bool = False) -> SourceText | None:
    """The file's text, or None (after reporting why). strict_controls: control
    characters are errors instead of being removed (for files other programs
    read too, such as mkdocs.yml)."""
    data = _read_bytes(path, problems)
    if data is None:
        return None
    text, encoding = decode(data)
    if text is None:
        if encoding == "utf-16":
            problems.error(path, 0, "文件是 UTF-16 编码（常见于从 Word 另存的文本）", SAVE_AS_UTF8)
        else:
            problems.error(path, 0, "文件不是文本，或者编码无法识别", "请用记事本或 VS Code 打开确认内容，再以 UTF-8 编码保存")
        return None
    if "\x00" in text:
        problems.error(path, 0, "文件里有空字符（\\0），看起来不是纯文本", "请重新以 UTF-8 纯文本保存")
        return None
    if encoding == "gb18030":
        if fix_encoding:
            path.write_bytes(normalise_newlines(text).encode("utf-8"))
            problems.warning(path, 0, "文件原来是 GBK/GB18030 编码，已按你的要求转换成 UTF-8", "以后请在编辑器里用 UTF-8 保存")
            encoding = "utf-8"
        else:
            problems.error(path, 0, "文件是 GBK/GB18030 编码（Windows 记事本的「ANSI」），网站需要 UTF-8", SAVE_AS_UTF8)
    text = normalise_newlines(text)
    text = limits.clean_controls(text, path, problems, strict=strict_controls)
    if path.suffix.lower() == ".md":
        text = limits.check_markdown_nesting(text, path, problems)
        text = limits.check_emphasis_runs(text, path, problems)
    return SourceText(path, text, encoding)


_REAL_FOLDERS: dict[str, str] = {}  # folder -> os.path.realpath(folder) during one load (see realpath)


def forget_folders() -> None:
    """Start a new load (kepu.content.loader.load_site): folders are resolved again."""
    _REAL_FOLDERS.clear()


def realpath(path) -> str:
    """os.path.realpath(path), each folder resolved once per load rather than once per file
    (a ten-year site has ~700 files in a dozen folders: ~9 lstat calls each, three times a file).
    The file itself is checked every time: a link is resolved as os.path.realpath does."""
    folder, name = os.path.split(os.fspath(path))
    if not name or name in (".", ".."):
        return os.path.realpath(path)
    real = _REAL_FOLDERS.get(folder)
    if real is None:
        real = _REAL_FOLDERS[folder] = os.path.realpath(folder)
    full = os.path.join(real, name)
    return os.path.realpath(full) if os.path.islink(full) else full


def _read_bytes(path: Path, problems: Problems) -> bytes | None:
    """The bytes of a regular file inside the site (checked before opening it:
    opening a pipe would wait forever), or None after reporting the problem."""
    try:
        target = Path(realpath(path))  # the file itself or a folder on its way may be a link
        root = Path(realpath(problems.root))
        if root not in target.parents:
            problems.error(path, 0, "这个文件是指向仓库外面的快捷方式（符号链接），kepu 不会发布仓库以外的文件",
                           "把真正的文件复制到 bulletins/ 里，删掉这个快捷方式")
            return None
        info = path.stat()
    except OSError as exc:
        problems.error(path, 0, f"无法读取这个文件（{_reason(exc)}）", "检查文件是否存在、是否被其他程序占用，或权限是否正确")
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = "文件夹" if stat.S_ISDIR(info.st_mode) else "管道或设备之类的特殊文件"
        problems.error(path, 0, f"这不是普通的文本文件，而是一个{kind}，kepu 不会打开它",
                       "删掉它或改个名字；内容文件要是普通的 .md 文本文件")
        return None
    if info.st_size > limits.MAX_FILE_BYTES:
        problems.error(path, 0, *limits.too_big(info.st_size))
        return None
    try:
        with open(path, "rb") as f:
            data = f.read(limits.MAX_FILE_BYTES + 1)
    except OSError as exc:
        problems.error(path, 0, f"无法读取这个文件（{_reason(exc)}）", "检查文件是否被其他程序占用，或权限是否正确")
        return None
    if len(data) > limits.MAX_FILE_BYTES:  # grew while being read
        problems.error(path, 0, *limits.too_big(len(data)))
        return None
    return data


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    if isinstance(exc, FileNotFoundError):
        return "文件不存在，或者是一个失效的快捷方式"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹"
    if exc.errno == errno.ELOOP:
        return "这是一个指向自己的快捷方式"
    return f"系统错误 {exc.errno}" if exc.errno else "系统错误"
