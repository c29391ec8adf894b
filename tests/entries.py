"""Count the entries of the six places of a tree, independently of tfintegrity's own readers.

A Python place's entries are every string constant, every imported name and every top-level
definition of the file (a name in ``_import_structure``, in a ``from .x import``, a mapping entry, a
dummy object); a text place's are its lines (``documentation_tests.txt``) or its ``[[autodoc]]`` and
``autoclass`` lines (doc pages). Comparing the counts before and after a fix shows any entry that
disappeared, whatever the layout of the release.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from typing import Dict, Iterator

PKG = "src/transformers"


def _places(root: Path) -> Iterator[Path]:
    package = root / PKG
    yield package / "__init__.py"
    yield from sorted((package / "models").glob("*/__init__.py"))
    yield from sorted((package / "models").glob("deprecated/*/__init__.py"))
    yield package / "models" / "auto" / "modeling_tf_auto.py"
    yield package / "utils" / "dummy_tf_objects.py"
    yield root / "utils" / "documentation_tests.txt"
    docs = root / "docs"
    if docs.is_dir():
        yield from sorted(p for p in docs.rglob("*") if p.suffix in (".md", ".mdx", ".rst") and "model_doc" in p.parts)


def _python_entries(text: str) -> Counter:
    found: Counter = Counter()
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found["str:" + node.value] += 1
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                found["import:" + (alias.asname or alias.name)] += 1
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            found["def:" + node.name] += 1
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found["def:" + target.id] += 1
    return found


def _text_entries(path: Path, text: str) -> Counter:
    lines = text.splitlines()
    if path.suffix == ".txt":
        return Counter(line for line in lines if line.strip())
    return Counter(line.strip() for line in lines if "[[autodoc]]" in line or "autoclass::" in line)


def count_entries(root: Path) -> Dict[str, Counter]:
    """Root-relative path -> the multiset of its entries (files that do not exist are left out)."""
    out: Dict[str, Counter] = {}
    for path in _places(root):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        out[rel] = _python_entries(text) if path.suffix == ".py" else _text_entries(path, text)
    return out


def lost_entries(before: Dict[str, Counter], after: Dict[str, Counter]) -> Dict[str, Counter]:
    """What ``before`` has and ``after`` lacks, by file (an empty dict: nothing disappeared)."""
    out = {}
    for path, entries in before.items():
        missing = entries - after.get(path, Counter())
        if missing:
            out[path] = missing
    return out


def total(counts: Dict[str, Counter]) -> int:
    return sum(sum(c.values()) for c in counts.values())
