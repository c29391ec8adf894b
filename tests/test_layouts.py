"""The layout each real release is recognised in, per place (`tfintegrity layout`), as
../shared/corpus/README.md's table gives it."""

from __future__ import annotations

from typing import Dict

import pytest
from click.testing import CliRunner

import realtree
from tfintegrity import cli

# release -> code -> a text the layout line must contain
EXPECTED: Dict[str, Dict[str, str]] = {
    "4.2.0": {"TFI001": "if blocks", "TFI003": ": if blocks", "TFI005": "objects (*_MAPPING, objects keyed by config_class)",
              "TFI006": "requires_tf", "TFI007": "no list", "TFI008": "docs/source/model_doc/*.rst"},
    "4.10.0": {"TFI001": "if blocks", "TFI003": ": if blocks", "TFI006": "class X:",
               "TFI007": "utils/documentation_tests.txt (listed"},
    "4.16.0": {"TFI008": "docs/source/model_doc/*.mdx", "TFI001": "if blocks", "TFI003": ": if blocks", "TFI006": "from ..file_utils import DummyObject",
               "TFI007": "utils/documentation_tests.txt (listed"},
    "4.18.0": {"TFI003": ": if blocks", "TFI006": "# flake8: noqa", "TFI007": "utils/documentation_tests.txt"},
    "4.20.0": {"TFI001": "try blocks", "TFI003": ": try blocks", "TFI006": "metaclass=DummyObject"},
    "4.24.0": {"TFI003": ": try blocks", "TFI006": "# flake8: noqa"},
    "4.28.0": {"TFI003": ": try blocks", "TFI007": "utils/documentation_tests.txt (listed"},
    "4.31.0": {"TFI001": "66 try blocks, 1 if blocks", "TFI003": ": try blocks",
               "TFI005": "names (*_MAPPING_NAMES, strings keyed by model_type)", "TFI008": "docs/source/en/model_doc/*.md"},
    "4.32.0": {"TFI003": ": try blocks", "TFI007": "utils/not_doctested.txt (excluded"},
    "4.48.0": {"TFI008": "no doc folder", "TFI001": "67 computed", "TFI003": ": try blocks", "TFI007": "no list"},
}


@pytest.mark.parametrize("version", sorted(EXPECTED))
def test_each_release_is_read_in_its_layout(version: str) -> None:
    tree = realtree.tree_or_skip(version)
    result = CliRunner().invoke(cli.main, ["layout", "--root", str(tree)])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    for code, text in EXPECTED[version].items():
        assert text in lines[code], (code, lines[code])
