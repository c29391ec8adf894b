"""Human-readable output in the style of ``ruff check --output-format concise``."""

from __future__ import annotations

from collections import Counter
from typing import Dict, List

from tfintegrity.findings import CheckResult, Finding
from tfintegrity.report._common import (
    ReportOptions,
    one_line,
    rule_slug,
    sorted_findings,
    summary_lines,
)

BOLD = "\x1b[1m"
RED = "\x1b[31m"
CYAN = "\x1b[36m"
RESET = "\x1b[0m"
FIX_MARKER = "[*]"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{RESET}" if color else text


def finding_line(finding: Finding, options: ReportOptions) -> str:
    """``path:line:col: CODE [*] message``."""
    color = options.color
    where = _paint(one_line(finding.path), BOLD, color) + f":{finding.line}:{finding.column}:"
    code = _paint(finding.code, BOLD + RED, color)
    marker = ""
    if finding.fixable and options.show_fixes:
        marker = " " + _paint(FIX_MARKER, CYAN, color)
    return f"{where} {code}{marker} {one_line(finding.message)}"


def statistics_lines(result: CheckResult, options: ReportOptions) -> List[str]:
    """Counts per rule like ``ruff --statistics``: ``  12  TFI005  [*] auto-mapping-entry``."""
    counts: Counter = Counter(f.code for f in result.findings)
    slugs: Dict[str, str] = {}
    fixable: Dict[str, bool] = {}
    for f in result.findings:
        slugs.setdefault(f.code, rule_slug(f, options.rules))
        fixable[f.code] = fixable.get(f.code, False) or f.fixable
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if not rows:
        return []
    count_width = max(len(str(n)) for _, n in rows)
    code_width = max(len(code) for code, _ in rows)
    show_marker = options.show_fixes and any(fixable.values())
    lines = []
    for code, n in rows:
        marker = ""
        if show_marker:
            marker = _paint(FIX_MARKER, CYAN, options.color) + " " if fixable[code] else " " * (len(FIX_MARKER) + 1)
        padded = f"{code:<{code_width}}"
        if options.color:
            padded = _paint(code, BOLD + RED, True) + " " * (code_width - len(code))
        lines.append(f"  {n:>{count_width}}  {padded}  {marker}{slugs[code]}".rstrip())
    return lines


def render(result: CheckResult, options: ReportOptions) -> str:
    lines: List[str] = []
    if options.diff_mode and not options.fix_mode:
        diff = result.diff
        if diff:
            lines.append(diff[:-1] if diff.endswith("\n") else diff)
    elif options.statistics:
        lines.extend(statistics_lines(result, options))
    else:
        lines.extend(finding_line(f, options) for f in sorted_findings(result.findings))
    lines.extend(summary_lines(result, options))
    return "\n".join(lines) + "\n"


__all__ = ["render", "finding_line", "statistics_lines"]
