"""The package layout is the pipeline, and stays that way.

content (read, check, model) -> media (images, QR) -> views (pages, feed,
calendar, stats, screen, posters, report, search) -> engine (MkDocs/Zensical)
-> commands (build, serve, new, ...) -> cli, with core helpers (escaping,
sanitizer, templates, URLs, writer) at the bottom. The import-linter contract
in pyproject.toml says which layer may import which.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys

import grimp
import pytest

from conftest import REPO

PACKAGE = REPO / "scripts" / "kepu"


def python_files():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_import_linter_contract_holds():
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(no_cache=True, no_logo=True))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_import_linter_would_catch_a_content_module_importing_a_view(tmp_path):
    """The contract is not vacuous: the same layers reject an upward import."""
    graph = grimp.build_graph("kepu")
    graph.add_import(importer="kepu.content.model", imported="kepu.views.stats")
    layers = ["kepu.views", "kepu.content"]
    illegal = graph.find_illegal_dependencies_for_layers(layers=layers)
    assert any(d.importer == "kepu.content" and d.imported == "kepu.views" for d in illegal)


def _parent(module: str) -> str:
    return module.rpartition(".")[0]


def import_cycles(graph) -> list[str]:
    """Every module that imports (through any chain) a module that imports it back; only a
    package and its own modules may (its __init__ re-exports them)."""
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported == module or not graph.chain_exists(imported=module, importer=imported):
                continue
            if imported == _parent(module) or module == _parent(imported):
                continue
            cycles.append(f"{module} -> {imported} -> … -> {module}")
    return cycles


def test_no_import_cycles():
    """Not across packages, and not between two modules of one package either: the function
    they share belongs to one of them, or below both."""
    cycles = import_cycles(grimp.build_graph("kepu"))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_cycle_test_would_catch_two_sibling_modules_importing_each_other():
    graph = grimp.build_graph("kepu")
    graph.add_import(importer="kepu.views.screen.slogans", imported="kepu.views.screen.slides")
    assert "kepu.views.screen.slogans -> kepu.views.screen.slides -> … -> kepu.views.screen.slogans" in import_cycles(graph)


def test_no_private_names_imported_from_other_modules():
    bad = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kepu"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        bad.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.module}.{alias.name}")
    assert not bad, "private names used across modules (make them public or move them):\n" + "\n".join(bad)


CSS_RULE = re.compile(r"[.#]?[a-z][\w-]*(?:[ >.:#\[\]\w-]*)\s*\{\s*[a-z-]+\s*:\s*[^;{}]+;")
JS_FUNCTION = re.compile(r"\bfunction\s*\w*\s*\([^)]*\)\s*\{|=>\s*\{|\b(?:const|let|var)\s+\w+\s*=")
HTML_DOCUMENT = re.compile(r"<!doctype html|<html\b|<body\b|<head\b", re.I)


@pytest.mark.parametrize("pattern,what", [(CSS_RULE, "CSS rule"), (JS_FUNCTION, "JavaScript"),
                                          (HTML_DOCUMENT, "HTML document")])
def test_no_markup_in_python(pattern, what):
    """Markup lives in scripts/kepu/theme/ (templates, .css, .js), not in Python strings."""
    bad = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.search(node.value):
                bad.append(f"{path.relative_to(REPO)}:{node.lineno}")
    docstrings = set()
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                doc = node.body[0] if node.body else None
                if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant):
                    docstrings.add(f"{path.relative_to(REPO)}:{doc.value.lineno}")
    bad = [b for b in bad if b not in docstrings]
    assert not bad, f"{what} in Python strings (move it to a theme file):\n" + "\n".join(bad)


def test_gitignore_lists_exactly_the_generated_roots():
    from kepu.core import urls

    ignored = set()
    for line in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines():
        if line.startswith("/docs/") and not line.startswith("/docs/."):
            ignored.add(line[len("/docs/"):].rstrip("/"))
    expected = set(urls.GENERATED_ROOTS) | {"19[0-9][0-9]", "20[0-9][0-9]"}
    assert ignored == expected, (f"only in .gitignore: {sorted(ignored - expected)}; "
                                 f"only in urls.GENERATED_ROOTS: {sorted(expected - ignored)}")
