"""Fixtures for the reporter tests, and golden-file comparison.

Set ``TFI_UPDATE_GOLDEN=1`` to rewrite the golden files from the current output.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Dict

import pytest

from tfintegrity.report import ReportOptions
from tfintegrity.ruleset import Rule

from .samples import RULES

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


@pytest.fixture
def rules() -> Dict[str, Rule]:
    return dict(RULES)


@pytest.fixture
def options() -> ReportOptions:
    return ReportOptions(rules=dict(RULES), tool_version="9.9.9")


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """``golden(name, actual)`` compares ``actual`` with ``golden/<name>`` byte for byte."""

    def check(name: str, actual: str) -> None:
        path = GOLDEN_DIR / name
        if os.environ.get("TFI_UPDATE_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual.encode("utf-8"))
            return
        if not path.exists():
            pytest.fail(f"golden file {path} is missing; run with TFI_UPDATE_GOLDEN=1 to create it")
        expected = path.read_bytes().decode("utf-8")
        assert actual == expected, f"output differs from {path}; run with TFI_UPDATE_GOLDEN=1 to update"

    return check
