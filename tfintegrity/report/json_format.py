"""Machine-readable output: one JSON object with the findings and a summary."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from tfintegrity.findings import CheckResult, Finding
from tfintegrity.report._common import ReportOptions, fixable_count, rule_backend, sorted_findings, sorted_unfixed


def finding_object(finding: Finding, options: ReportOptions) -> Dict[str, Any]:
    return {
        "code": finding.code,
        "rule": finding.rule,
        "backend": rule_backend(finding, options.rules),
        "symbol": finding.symbol,
        "model": finding.model,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "message": finding.message,
        "fixable": finding.fixable,
    }


def _gone_object(key: Any) -> Dict[str, str]:
    parts = list(key) + [""] * (4 - len(key))
    return dict(zip(("code", "symbol", "place", "kind"), (str(p) for p in parts[:4])))


def document(result: CheckResult, options: ReportOptions) -> Dict[str, Any]:
    """The JSON document as Python data (``render`` dumps it)."""
    summary: Dict[str, Any] = {
        "findings": len(result.findings),
        "fixable": fixable_count(result.findings),
        "fixed": len(result.fixed),
        "changed_files": list(result.changed_files),
        "unfixed": [
            {"code": u.finding.code, "symbol": u.finding.symbol, "path": u.finding.path, "reason": u.reason}
            for u in sorted_unfixed(result.unfixed)
        ],
        "baselined": result.baselined,
        "baseline_gone": [_gone_object(key) for key in sorted(result.baseline_gone)],
        "converged": result.converged,
        "notes": list(result.notes),
    }
    if options.diff_mode:
        summary["diff"] = result.diff
    findings: List[Dict[str, Any]] = [finding_object(f, options) for f in sorted_findings(result.findings)]
    return {"findings": findings, "summary": summary}


def render(result: CheckResult, options: ReportOptions) -> str:
    return json.dumps(document(result, options), indent=2) + "\n"
