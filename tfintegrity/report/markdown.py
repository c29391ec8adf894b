"""A Markdown summary of all findings, for ``$GITHUB_STEP_SUMMARY``."""

from __future__ import annotations

import html
from typing import List

from tfintegrity.findings import CheckResult
from tfintegrity.report._common import (
    ReportOptions,
    describe_gone,
    fixable_count,
    location,
    plural,
    sorted_findings,
    sorted_unfixed,
)


def cell(text: str) -> str:
    """Text safe inside one cell of a GitHub Markdown table."""
    text = html.escape(text, quote=False)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    for char in "\\|`*_[]":
        text = text.replace(char, "\\" + char)
    return text


def markdown_summary(result: CheckResult, options: ReportOptions) -> str:
    lines: List[str] = ["## tfintegrity", ""]
    findings = sorted_findings(result.findings)
    if findings:
        count = f"Found {plural(len(findings), 'finding')}"
        fixable = fixable_count(findings)
        if fixable and options.show_fixes and not options.fix_mode:
            count += f" ({fixable} fixable with `tfintegrity check --fix`)"
        lines.append(count + ".")
    else:
        lines.append("No findings.")
    if options.fix_mode and (result.fixed or result.changed_files):
        lines.append("")
        lines.append(f"Fixed {plural(len(result.fixed), 'finding')} in {plural(len(result.changed_files), 'file')}.")
    if result.baselined:
        lines.append("")
        lines.append(f"{plural(result.baselined, 'finding')} hidden by the baseline.")
    if not result.converged:
        lines.append("")
        lines.append("**Warning:** the fix loop did not converge.")
    if findings:
        lines += ["", "| Code | Symbol | Location | Message |", "| --- | --- | --- | --- |"]
        for f in findings:
            lines.append(f"| {cell(f.code)} | {cell(f.symbol)} | {cell(location(f))} | {cell(f.message)} |")
    if result.unfixed:
        lines += ["", "### Could not fix", "", "| Code | Symbol | Location | Reason |", "| --- | --- | --- | --- |"]
        for u in sorted_unfixed(result.unfixed):
            f = u.finding
            lines.append(f"| {cell(f.code)} | {cell(f.symbol)} | {cell(location(f))} | {cell(u.reason)} |")
    if result.baseline_gone:
        lines += ["", "### Baseline entries that no longer occur", ""]
        lines += [f"- {cell(describe_gone(key))}" for key in sorted(result.baseline_gone)]
        lines += ["", "Run `tfintegrity baseline` to shrink the baseline file."]
    return "\n".join(lines) + "\n"
