"""Helpers shared by the reporters: options, ordering, plurals and the plain-text summary footer."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, List, Mapping, Sequence, Tuple

from tfintegrity.findings import CheckResult, Finding, Unfixed
from tfintegrity.ruleset import Rule

FIX_COMMAND = "tfintegrity check --fix"
BASELINE_COMMAND = "tfintegrity baseline"


@dataclass(frozen=True)
class ReportOptions:
    """How to render a :class:`CheckResult`.

    ``rules`` maps a rule code to its :class:`Rule` (SARIF lists every one of them as a rule
    descriptor). ``fix_mode`` says the run applied fixes (``--fix``), ``diff_mode`` that it only
    planned them (``--diff``); in both, ``CheckResult.fixed``/``changed_files`` are what was (or
    would be) fixed.
    """

    rules: Mapping[str, Rule] = field(default_factory=dict)
    color: bool = False
    statistics: bool = False
    show_fixes: bool = True
    tool_version: str = ""
    fix_mode: bool = False
    diff_mode: bool = False


def should_use_color(stream: Any) -> bool:
    """Whether to colour output written to ``stream``.

    Follows https://no-color.org: ``NO_COLOR`` set to any non-empty value disables colour and wins
    over everything; otherwise ``FORCE_COLOR`` set to any non-empty value enables it; otherwise
    colour is used only when ``stream`` is a terminal.
    """
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", ""):
        return True
    isatty = getattr(stream, "isatty", None)
    if isatty is None:
        return False
    try:
        return bool(isatty())
    except (ValueError, OSError):  # closed or detached stream
        return False


def sorted_findings(findings: Sequence[Finding]) -> List[Finding]:
    return sorted(findings, key=lambda f: f.sort_key())


def sorted_unfixed(unfixed: Sequence[Unfixed]) -> List[Unfixed]:
    return sorted(unfixed, key=lambda u: u.finding.sort_key())


def plural(count: int, noun: str, nouns: str = "") -> str:
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def one_line(text: str) -> str:
    """``text`` with line breaks shown as ``\\n``/``\\r``, so one finding is always one line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def location(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}"


def fixable_count(findings: Sequence[Finding]) -> int:
    return sum(1 for f in findings if f.fixable)


def describe_gone(key: Tuple[str, ...]) -> str:
    """One stale baseline key ``(code, symbol, place, kind)`` as text."""
    parts = list(key) + [""] * (4 - len(key))
    code, symbol, place, kind = parts[:4]
    text = f"{code} {symbol}"
    if place:
        text += f" at {place}"
    if kind:
        text += f" ({kind})"
    return text


def unfixed_line(item: Unfixed) -> str:
    f = item.finding
    return one_line(f"could not fix: {location(f)}: {f.code} {f.message} ({item.reason})")


def summary_lines(result: CheckResult, options: ReportOptions) -> List[str]:
    """The plain-text footer shared by the text and GitHub reporters (no colour)."""
    lines: List[str] = []
    if options.fix_mode or options.diff_mode:
        fixed, files = len(result.fixed), len(result.changed_files)
        verb = "Would fix" if options.diff_mode and not options.fix_mode else "Fixed"
        if fixed or files:
            lines.append(f"{verb} {plural(fixed, 'finding')} in {plural(files, 'file')}.")
            lines.extend(f"  {one_line(path)}" for path in result.changed_files)
        else:
            lines.append("No fixes applied." if verb == "Fixed" else "No fixes to apply.")
        lines.extend(unfixed_line(u) for u in sorted_unfixed(result.unfixed))
        if not result.converged:
            lines.append(
                "warning: the fix loop did not converge; some fixes may be incomplete "
                f"(run `{FIX_COMMAND}` again and review the result)."
            )
    elif not result.converged:
        lines.append("warning: the fix loop did not converge.")
    lines.extend(f"note: {one_line(note)}" for note in result.notes)
    if options.diff_mode and not options.fix_mode:
        return lines + _baseline_lines(result)
    total = len(result.findings)
    if total:
        lines.append(f"Found {plural(total, 'finding')}.")
        fixable = fixable_count(result.findings)
        if fixable and options.show_fixes and not options.fix_mode:
            lines.append(f"[*] {fixable} fixable with `{FIX_COMMAND}`.")
    else:
        lines.append("All checks passed!")
    return lines + _baseline_lines(result)


def _baseline_lines(result: CheckResult) -> List[str]:
    lines: List[str] = []
    if result.baselined > 0:
        hidden = plural(result.baselined, "finding")
        lines.append(f"{hidden} hidden by the baseline.")
    if result.baseline_gone:
        gone = sorted(result.baseline_gone)
        verb = "occurs" if len(gone) == 1 else "occur"
        lines.append(f"{plural(len(gone), 'baseline entry', 'baseline entries')} no longer {verb}:")
        lines.extend(f"  {one_line(describe_gone(key))}" for key in gone)
        lines.append(f"Run `{BASELINE_COMMAND}` to shrink the baseline file.")
    return lines


def rule_slug(finding: Finding, rules: Mapping[str, Rule]) -> str:
    rule = rules.get(finding.code)
    return finding.rule or (rule.slug if rule is not None else "")


def rule_backend(finding: Finding, rules: Mapping[str, Rule]) -> str:
    """The backend of the finding's rule ("" for a code no rule of the run has)."""
    rule = rules.get(finding.code)
    return rule.backend if rule is not None else ""
