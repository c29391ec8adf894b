"""GitHub Actions workflow commands: one ``::error`` annotation per finding (at most ten)."""

from __future__ import annotations

from typing import List

from tfintegrity.findings import CheckResult, Finding
from tfintegrity.report._common import (
    ReportOptions,
    one_line,
    plural,
    rule_backend,
    rule_slug,
    sorted_findings,
    summary_lines,
)

# GitHub shows at most ten annotations of each level per step; the rest are dropped silently.
MAX_ANNOTATIONS = 10


def escape_data(value: str) -> str:
    """Escape the message part of a workflow command (as ``@actions/core`` does)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a ``key=value`` property of a workflow command."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def plain_line(text: str) -> str:
    """A log line that the runner cannot read as a workflow command.

    Line breaks inside ``text`` (a hostile message or path) are shown as ``\\n``, and a leading
    ``::`` is escaped, so no finding can inject a command of its own.
    """
    text = one_line(text)
    stripped = text.lstrip()
    if stripped.startswith("::"):
        text = text[: len(text) - len(stripped)] + "%3A%3A" + stripped[2:]
    return text


def annotation(finding: Finding, options: ReportOptions) -> str:
    backend = rule_backend(finding, options.rules)
    title = f"{finding.code} {rule_slug(finding, options.rules)}".strip() + (f" ({backend})" if backend else "")
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in (
            ("file", finding.path),
            ("line", finding.line),
            ("col", finding.column),
            ("title", title),
        )
    )
    return f"::error {props}::{escape_data(finding.message)}"


def render(result: CheckResult, options: ReportOptions) -> str:
    findings = sorted_findings(result.findings)
    lines: List[str] = [annotation(f, options) for f in findings[:MAX_ANNOTATIONS]]
    hidden = len(findings) - MAX_ANNOTATIONS
    if hidden > 0:
        lines.append(f"::notice::{escape_data(plural(hidden, 'more finding', 'more findings'))}; see the job summary")
    lines.extend(plain_line(line) for line in summary_lines(result, options))
    return "\n".join(lines) + "\n"
