"""Read a text file the way a volunteer's editor saved it: UTF-8 (with or
without BOM), CRLF or LF. GBK/GB18030 from Windows Notepad's "ANSI" is
recognised and reported (and rewritten as UTF-8 only when asked)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kepu.commands import command
from kepu.problems import Problems

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


def read_source(path: Path, problems: Problems, *, fix_encoding: bool = False) -> SourceText | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(path, 0, f"无法读取这个文件（{exc.strerror}）", "检查文件是否被其他程序占用，或权限是否正确")
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
    return SourceText(path, normalise_newlines(text), encoding)
