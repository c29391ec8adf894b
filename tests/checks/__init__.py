"""Helpers for the per-primitive tests: a fresh synthetic tree, exact text mutations, findings as tuples.

Every test builds the complete synthetic tree of ``tests/synthtree.py`` (zero findings) in its own
``tmp_path``, applies one textual mutation and compares the findings of ``tfintegrity.api.run`` with
an exact expected list of ``(code, kind, symbol, path, line)``. Expected lines are located in the
mutated text by a needle, so the tests say *where* a finding must point, not a magic number.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import synthtree  # noqa: E402

from tfintegrity.api import Options, run  # noqa: E402

PKG = "src/transformers"
TOP_INIT = f"{PKG}/__init__.py"
AUTO_TF = f"{PKG}/models/auto/modeling_tf_auto.py"
AUTO_PT = f"{PKG}/models/auto/modeling_auto.py"
DUMMIES = f"{PKG}/utils/dummy_tf_objects.py"
DOCTESTS = "utils/documentation_tests.txt"
DOC_DIR = "docs/source/en/model_doc"

# Markers that open the TensorFlow blocks of the top-level init (the PyTorch blocks come first and
# use the same statement shapes, so needles are searched after these).
TOP_TF_STRUCTURE = "# TensorFlow models structure"
TOP_TF_IMPORTS = "# TensorFlow model imports"

Row = Tuple[str, str, str, str, int]


def model_init(folder: str) -> str:
    return f"{PKG}/models/{folder}/__init__.py"


def tf_modeling(folder: str) -> str:
    return f"{PKG}/models/{folder}/modeling_tf_{folder}.py"


def doc_page(stem: str) -> str:
    return f"{DOC_DIR}/{stem}.md"


def make_tree(tmp_path: Path) -> Path:
    """The complete, consistent synthetic tree (bert, brand_new_bert, tiny, PT-only llama)."""
    root = tmp_path / "tree"
    root.mkdir()
    synthtree.write_tree(root)
    return root


def make_example_tree(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    root.mkdir()
    synthtree.write_example_tree(root)
    return root


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` (which must occur exactly ``count`` times) by ``new`` in one file."""
    text = read(root, rel)
    found = text.count(old)
    assert found == count, f"{rel}: expected {count} occurrence(s) of {old!r}, found {found}"
    (root / rel).write_text(text.replace(old, new), encoding="utf-8", newline="\n")


def line_of(root: Path, rel: str, needle: str, after: Optional[str] = None, last: bool = False) -> int:
    """1-based number of the first (or last) line containing ``needle`` (searching after ``after``)."""
    lines = read(root, rel).splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    hits = [i + 1 for i in range(start, len(lines)) if needle in lines[i]]
    assert hits, f"{rel}: {needle!r} not found"
    return hits[-1] if last else hits[0]


def col_of(root: Path, rel: str, line: int, needle: str) -> int:
    """1-based column of ``needle`` on ``line``."""
    text = read(root, rel).splitlines()[line - 1]
    assert needle in text, (rel, line, needle, text)
    return text.index(needle) + 1


def check(root: Path, **options) -> list:
    """The findings of one run over ``root`` (baseline off, so nothing hides)."""
    options.setdefault("use_baseline", False)
    result, _session = run(Options(root=root, **options))
    return list(result.findings)


def rows(root: Path, **options) -> List[Row]:
    return [(f.code, f.kind, f.symbol, f.path, f.line) for f in check(root, **options)]


def sorted_rows(items: Iterable[Row]) -> List[Row]:
    return sorted(items)


__all__ = [
    "PKG", "TOP_INIT", "AUTO_TF", "AUTO_PT", "DUMMIES", "DOCTESTS", "DOC_DIR", "TOP_TF_STRUCTURE",
    "TOP_TF_IMPORTS", "model_init", "tf_modeling", "doc_page", "make_tree", "make_example_tree", "read",
    "edit", "line_of", "col_of", "check", "rows", "sorted_rows", "synthtree",
]
