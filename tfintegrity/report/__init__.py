"""Reporters: render a :class:`~tfintegrity.findings.CheckResult` in one output format.

``FORMATS`` is the explicit table the CLI chooses from (``--output-format``); every entry takes
the result and a :class:`ReportOptions` and returns the complete output text (ending in a newline).
``markdown_summary`` renders the ``$GITHUB_STEP_SUMMARY`` page, ``should_use_color`` decides colour.
"""

from __future__ import annotations

from typing import Callable, Dict

from tfintegrity.findings import CheckResult
from tfintegrity.report import github, json_format, sarif, text
from tfintegrity.report._common import ReportOptions, should_use_color
from tfintegrity.report.markdown import markdown_summary

Reporter = Callable[[CheckResult, ReportOptions], str]

FORMATS: Dict[str, Reporter] = {
    "text": text.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
}

__all__ = ["FORMATS", "Reporter", "ReportOptions", "markdown_summary", "should_use_color"]
