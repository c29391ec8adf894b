"""Shared fixtures: the real Transformers 4.31.0 tree (assembled at run time, cached) and the example tree."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import realtree  # noqa: E402
import synthtree  # noqa: E402

# The fact cache is off in tests (and the tool's subprocesses), so that a check writes nothing into the
# trees the tests compare; the tests of the cache itself turn it on (tests/index/test_cache.py).
os.environ["TFINTEGRITY_NO_CACHE"] = "1"


@pytest.fixture(scope="session")
def real_tree_pristine() -> Path:
    """The assembled 4.31.0 tree. Never write to it: use ``real_tree``."""
    return realtree.tree_or_skip()


@pytest.fixture
def real_tree(real_tree_pristine: Path, tmp_path: Path) -> Path:
    """A fresh writable copy of the 4.31.0 tree."""
    return realtree.copy_tree(real_tree_pristine, tmp_path / "transformers")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A fresh writable copy of the committed examples/tree (without a fact cache a run left there)."""
    return synthtree.copy_example(tmp_path / "example")
