"""The `kepu` command. Messages are Chinese; bad input never shows a traceback."""
from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from datetime import date
from pathlib import Path

from kepu import __version__
from kepu.build import print_problems
from kepu.core.commands import command


class ChineseFormatter(argparse.HelpFormatter):
    def _format_usage(self, usage, actions, groups, prefix):
        return super()._format_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


ARGPARSE_MESSAGES = [  # argparse's English error messages -> Chinese
    (re.compile(r"^the following arguments are required: (.*)$"), lambda m: f"缺少参数：{m[1]}"),
    (re.compile(r"^unrecognized arguments: (.*)$"), lambda m: f"不认识的参数：{m[1]}"),
    (re.compile(r"^argument (.+?): invalid choice: '([^']*)' \(choose from (.*)\)$"), None),
    (re.compile(r"^argument (.+?): invalid (\w+) value: '([^']*)'$"),
     lambda m: f"{m[1]} 的值「{m[3]}」不对，要写{'整数' if m[2] == 'int' else '数字' if m[2] == 'float' else '正确的值'}"),
    (re.compile(r"^argument (.+?): expected one argument$"), lambda m: f"{m[1]} 后面要写一个值"),
    (re.compile(r"^argument (.+?): expected at most one argument$"), lambda m: f"{m[1]} 后面最多写一个值"),
    (re.compile(r"^argument (.+?): expected at least one argument$"), lambda m: f"{m[1]} 后面至少写一个值"),
    (re.compile(r"^ambiguous option: (\S+) could match (.*)$"), lambda m: f"选项 {m[1]} 不完整，可能是：{m[2]}"),
    (re.compile(r"^argument (.+?): not allowed with argument (.*)$"), lambda m: f"{m[1]} 不能和 {m[2]} 一起用"),
    (re.compile(r"^argument (.+?): ignored explicit argument '([^']*)'$"), lambda m: f"{m[1]} 后面不能写值（写了「{m[2]}」）"),
]


def chinese_message(message: str) -> str:
    for pattern, render in ARGPARSE_MESSAGES:
        m = pattern.match(message)
        if not m:
            continue
        if render is None:  # invalid choice, with a did-you-mean
            import difflib

            choices = [c.strip().strip("'") for c in m[3].split(",")]
            guess = difflib.get_close_matches(m[2], choices, n=1)
            hint = f"你是不是想写 {guess[0]}？" if guess else ""
            return f"「{m[2]}」不是可用的{'命令' if m[1] in ('命令', '类型') else '值'}。{hint}可以用：{'、'.join(choices)}"
        return render(m)
    return message


class ChineseParser(argparse.ArgumentParser):
    """argparse with every word a volunteer sees in Chinese: usage, group titles, -h, errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseFormatter)
        parents = kwargs.pop("parents", [])
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "显示这个帮助并退出"
        for parent in parents:  # after the titles are Chinese, so the parent's options join the same group
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def error(self, message):  # argparse's own messages are English
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 参数不对：{chinese_message(message)}。运行 {self.prog} -h 查看用法。\n")


def _today(text: str | None) -> date | None:
    text = text or os.environ.get("KEPU_TODAY")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"kepu: --today「{text}」不是日期，写成 2026-12-05") from None


def make_parser() -> argparse.ArgumentParser:
    common = ChineseParser(add_help=False)
    common.add_argument("--root", default=argparse.SUPPRESS, metavar="目录", help="站点根目录（有 mkdocs.yml 和 bulletins/ 的文件夹），默认当前目录")
    common.add_argument("--today", default=argparse.SUPPRESS, metavar="日期", help="把「今天」当作这个日期（测试用），默认按站点时区取今天")
    p = ChineseParser(prog=command(), description="科普橱窗：检查内容、生成网站。", parents=[common],
                      epilog=f"运行全部测试：{command('test')}。每个命令加 -h 看详细用法，例如 {command('check', '-h')}")
    p.add_argument("--version", action="version", version=f"kepu {__version__}", help="显示版本号并退出")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=ChineseParser)

    c = sub.add_parser("check", parents=[common], help="检查 bulletins/ 里的所有文件")
    c.add_argument("--strict", action="store_true", help="有警告也算失败")
    c.add_argument("--fix-encoding", action="store_true", help="把 GBK 编码的文件转换成 UTF-8（会改写这些文件）")
    c.add_argument("--report", metavar="文件", help="把检查结果写进这个 JSON 文件（GitHub 上开问题单用）")

    n = sub.add_parser("new", parents=[common], help="从模板新建月刊、活动、通知或工作总结文件（不会覆盖已有文件）")
    nsub = n.add_subparsers(dest="kind", metavar="类型", parser_class=ChineseParser)
    ni = nsub.add_parser("issue", parents=[common], help=f"新建月刊，例如 {command('new', 'issue', '2026-12')}")
    ni.add_argument("month", metavar="年月", help="年月，例如 2026-12")
    na = nsub.add_parser("activity", parents=[common], help=f"新建活动，例如 {command('new', 'activity', '2026-12-05', '--title', '消防演练')}")
    na.add_argument("day", metavar="日期", help="活动日期，例如 2026-12-05")
    na.add_argument("slug", metavar="短名", nargs="?", default=None,
                    help="网址里的短名（小写英文或拼音，例如 fire-drill）；可以不写，或写中文，会自动转成拼音")
    na.add_argument("--title", metavar="活动名称", help="活动名称，例如 消防演练：直接填进文件，不写短名时用它的拼音作短名")

    nr = nsub.add_parser("report", parents=[common], help=f"新建年度工作总结，例如 {command('new', 'report', '2026')}")
    nr.add_argument("year", metavar="年份", help="年份，例如 2026")
    nn = nsub.add_parser("notice", parents=[common], help=f"新建通知（停水、停电等），例如 {command('new', 'notice', '停水')}")
    nn.add_argument("slug", metavar="短名", nargs="?", default=None, help="通知的短名，可以写中文，例如 停水（文件名里用拼音）")
    nn.add_argument("--title", metavar="标题", help="通知标题，例如 12月3日白天停水")

    b = sub.add_parser("build", parents=[common], help="检查内容并生成网站到 site/")
    b.add_argument("--strict", action="store_true", help="有警告也不生成")
    b.add_argument("--report", metavar="文件", help="把检查和生成的结果写进这个 JSON 文件（GitHub 上开问题单用）")
    s = sub.add_parser("serve", parents=[common], help="本地预览，修改 bulletins/ 后自动刷新")
    s.add_argument("--port", type=int, default=8000, metavar="端口", help="端口，默认 8000")
    for cmd in (b, s):
        cmd.add_argument("--engine", choices=["mkdocs", "zensical"], default=None,
                         help="生成网站用的引擎：mkdocs 或 zensical；不写时用 mkdocs.yml 里的 extra.engine，默认 mkdocs")

    st = sub.add_parser("stats", parents=[common], help="打印年度统计（可复制到年终总结）")
    st.add_argument("--year", type=int, metavar="年份", help="年份，默认今年")
    st.add_argument("--format", choices=["table", "csv", "md"], default="table", help="输出格式：table（表格）、csv 或 md")

    pr = sub.add_parser("print", parents=[common], help="生成某期月刊的打印版展板")
    pr.add_argument("month", metavar="年月", help="年月，例如 2026-11")
    pr.add_argument("--pdf", action="store_true", help="用 Chromium 输出 PDF 文件")
    pr.add_argument("--output", metavar="文件", help="PDF 文件路径")

    rp = sub.add_parser("report", parents=[common], help="生成年度或活动期间的工作报告：PDF、Word 文件和照片压缩包")
    rp.add_argument("year", metavar="年份", nargs="?", type=int, help="年份，例如 2026（默认今年）")
    rp.add_argument("--from", dest="start", metavar="日期", help="从这一天开始，例如 2026-09-01（和 --to 一起用）")
    rp.add_argument("--to", dest="end", metavar="日期", help="到这一天为止，例如 2026-09-30")
    rp.add_argument("--title", metavar="标题", help="报告标题，也是文件名，例如 2026年全国科普日活动")

    be = sub.add_parser("bench", parents=[common], help="性能测试：和 Material 博客插件对比")
    be.add_argument("--quick", action="store_true", help="快速模式（CI 用，一分钟内）")
    be.add_argument("--out", metavar="文件", help="把结果表格写到这个文件")
    be.add_argument("--engine", choices=["mkdocs", "zensical", "both"], default="mkdocs",
                    help="kepu 用哪个引擎生成：mkdocs（默认）、zensical，或 both（两个都测，并列比较）")
    be.add_argument("--years", metavar="年数", type=_years_list,
                    help="随年数增长的那张表测哪几种规模，例如 1,5,10（完整模式默认 1,5,10；快速模式默认不测）")
    return p


def _years_list(text: str) -> tuple[int, ...]:
    try:
        years = tuple(int(x) for x in text.replace("，", ",").split(",") if x.strip())
    except ValueError:
        years = ()
    if not years or any(y < 1 or y > 50 for y in years):
        raise argparse.ArgumentTypeError(f"「{text}」不是年数的列表：写 1 到 50 的整数，用逗号隔开，例如 1,5,10")
    return years


def cmd_check(args) -> int:
    from kepu.checks import load_and_check

    result = load_and_check(Path(args.root), today=_today(args.today), fix_encoding=args.fix_encoding)
    print_problems(result.problems)
    site = result.site
    if result.problems.errors or (args.strict and result.problems.warnings):
        if not result.problems.errors:
            print("因为使用了 --strict，警告也算失败。")
        return 1
    print(f"检查通过：{len(site.issues)} 期月刊，{sum(len(i.panels) for i in site.issues)} 块展板，"
          f"{len(site.past)} 场活动" + (f"，另有 {len(site.upcoming)} 场预告" if site.upcoming else "") + "。")
    for note in future_issue_notes(site):
        print(note)
    return 0


def future_issue_notes(site) -> list[str]:
    """When each issue written ahead of its month becomes 本期橱窗 (the home page and /current/)."""
    notes = []
    current = site.current_issue
    for issue in site.issues:
        if (issue.year, issue.month) > (site.today.year, site.today.month):
            now = f"，在那之前本期是 {current.source.name}" if current and current is not issue else ""
            notes.append(f"提示：{issue.source.name} 从 {issue.year}-{issue.month:02d}-01 起显示为「本期橱窗」{now}。")
    return notes


def cmd_new(args) -> int:
    from kepu.content.config import load_settings
    from kepu.newfile import NewFileError, new_activity, new_issue
    from kepu.content.problems import Problems

    root = Path(args.root).resolve()
    settings = load_settings(root, Problems(root))
    try:
        if args.kind == "issue":
            path, days = new_issue(root, args.month, settings)
            print(f"已新建月刊：{path.relative_to(root).as_posix()}")
            if days:
                print("本月科普纪念日，可作为选题参考：")
                for d in days:
                    print(f"  {d.when}  {d.name}：{d.idea}")
        elif args.kind == "activity":
            today = _today(args.today) or settings.today()
            path, note = new_activity(root, args.day, args.slug, settings, today, title=args.title)
            print(f"已新建活动：{path.relative_to(root).as_posix()}")
            if note:
                print(note)
        elif args.kind == "report":
            from kepu.content.loader import load_site  # only the numbers: no photo or screen checks
            from kepu.newfile import new_report

            result = load_site(root, today=_today(args.today))
            path = new_report(root, args.year, result.site)
            print(f"已新建工作总结：{path.relative_to(root).as_posix()}（本年的数字已经填好，"
                  f"请写主要做法、特色亮点、存在问题、下一步打算）")
            print(f"写好后运行 {command('report', args.year.strip())} 生成报告。")
            return 0
        elif args.kind == "notice":
            from kepu.newfile import new_notice
            from kepu.content.notices import build_now

            path, note = new_notice(root, args.slug, settings, build_now(settings, _today(args.today)), title=args.title)
            print(f"已新建通知：{path.relative_to(root).as_posix()}（从现在起显示到明天 18:00，时间可以改）")
            if note:
                print(note)
        else:
            print(f"请说明要新建什么：{command('new', 'issue', '2026-12')} 或 {command('new', 'activity', '2026-12-05', 'fire-drill')}")
            return 2
    except NewFileError as exc:
        print(f"kepu: {exc.args[0]} — {exc.args[1]}", file=sys.stderr)
        return 1
    print(f"填写完成后运行 {command('check')} 检查。")
    return 0


def cmd_build(args) -> int:
    from kepu.build import build

    return build(Path(args.root), today=_today(args.today), strict=args.strict, engine_name=args.engine)


def cmd_serve(args) -> int:
    from kepu.serve import serve

    return serve(Path(args.root), port=args.port, today=_today(args.today), engine_name=args.engine)


def cmd_stats(args) -> int:
    from kepu.checks import load_and_check
    from kepu.views.stats import cli_main  # feeds/calendar/stats issue

    return cli_main(args, load_and_check(Path(args.root), today=_today(args.today)), print_problems)


def cmd_print(args) -> int:
    from kepu.checks import load_and_check
    from kepu.views.printing import cli_main  # photos/QR/print issue

    return cli_main(args, load_and_check(Path(args.root), today=_today(args.today)), print_problems)


def cmd_report(args) -> int:
    from kepu.checks import load_and_check
    from kepu.views.report import cli_main  # the officer's report pack

    return cli_main(args, load_and_check(Path(args.root), today=_today(args.today)), print_problems)


def cmd_bench(args) -> int:
    from kepu.bench import cli_main  # benchmark issue

    return cli_main(args)


COMMANDS = {"check": cmd_check, "new": cmd_new, "build": cmd_build, "serve": cmd_serve,
            "stats": cmd_stats, "print": cmd_print, "report": cmd_report, "bench": cmd_bench}


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")
        except (AttributeError, ValueError):
            pass
    parser = make_parser()
    args = parser.parse_args(argv)
    if getattr(args, "command", None) == "new" and not getattr(args, "kind", None):
        print(f"请说明要新建什么：{command('new', 'issue', '2026-12')} 或 {command('new', 'activity', '2026-12-05', '--title', '消防演练')}")
        return 2
    # --root/--today may be given before or after the command (shared actions: no set_defaults)
    args.root = getattr(args, "root", ".")
    args.today = getattr(args, "today", None)
    if not args.command:
        parser.print_help()
        return 2
    report = getattr(args, "report", None)
    if report:
        from kepu import github

        github.start_report(args.command, strict=getattr(args, "strict", False))
        code = 3
        try:
            code = run_command(args)
        finally:
            github.finish_report(Path(report), code)
        return code
    return run_command(args)


def run_command(args) -> int:
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except SystemExit:
        raise
    except Exception:  # an internal bug, not the volunteer's fault
        from kepu.engine import cache_dir

        log = cache_dir(Path(args.root)) / "logs" / "crash.log"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(traceback.format_exc(), encoding="utf-8")
        except OSError:
            log = None
        print("kepu 内部出错了（这不是你的文件的问题）。请把 " + (str(log) if log else "下面的信息")
              + " 发给技术志愿者。", file=sys.stderr)
        if os.environ.get("KEPU_DEBUG") or log is None:
            traceback.print_exc()
        return 3
