"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF consumers."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Dict, List, Mapping, Optional
from urllib.parse import quote

from tfintegrity import __version__
from tfintegrity.findings import CheckResult, Finding
from tfintegrity.report._common import ReportOptions, sorted_findings
from tfintegrity.ruleset import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "tfintegrity"
INFORMATION_URI = "https://pypi.org/project/tfintegrity/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "tfintegrity/v1"
LEVEL = "error"


def fingerprint(finding: Finding) -> str:
    """sha256 of the finding's line-free identity ``(code, symbol, place, kind)``.

    Fields are joined by NUL so that no two different keys hash the same text.
    """
    return hashlib.sha256("\0".join(finding.key).encode("utf-8")).hexdigest()


def artifact_uri(path: str) -> str:
    """A repo-relative path as a relative URI reference (percent-encoded)."""
    return quote(path.replace("\\", "/").lstrip("/"), safe="/-._~!$&'()*+=@")


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def help_text(rule: Rule) -> str:
    parts = [
        rule.what,
        f"Why: {rule.why}" if rule.why else "",
        f"Example:\n{rule.example}" if rule.example else "",
        f"Fix safety: {rule.fix_safety}" if rule.fix_safety else "",
    ]
    return "\n\n".join(p for p in parts if p)


def help_markdown(rule: Rule) -> str:
    sections = [f"## What it does\n\n{rule.what}"]
    if rule.why:
        sections.append(f"## Why is this bad?\n\n{rule.why}")
    if rule.example:
        if rule.example.lstrip().startswith(("```", "~~~")):  # already Markdown
            sections.append(f"## Example\n\n{rule.example}")
        else:
            fence = _fence(rule.example)
            sections.append(f"## Example\n\n{fence}python\n{rule.example}\n{fence}")
    if rule.fix_safety:
        sections.append(f"## Fix safety\n\n{rule.fix_safety}")
    return "\n\n".join(sections)


def rule_descriptor(rule: Rule) -> Dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.slug,
        "shortDescription": {"text": rule.summary or rule.slug or rule.code},
        "fullDescription": {"text": rule.what or rule.summary or rule.code},
        "help": {"text": help_text(rule) or rule.code, "markdown": help_markdown(rule)},
        "defaultConfiguration": {"level": LEVEL},
        "properties": {"fixSafety": rule.fix_safety, "backend": rule.backend},
    }


def _unknown_descriptor(finding: Finding) -> Dict[str, Any]:
    """A descriptor for a finding whose rule is not in ``options.rules`` (should not happen)."""
    return {
        "id": finding.code,
        "name": finding.rule or finding.code,
        "shortDescription": {"text": finding.rule or finding.code},
        "defaultConfiguration": {"level": LEVEL},
    }


def _region(finding: Finding) -> Optional[Dict[str, int]]:
    if finding.line < 1:
        return None
    region = {"startLine": finding.line}
    if finding.column >= 1:
        region["startColumn"] = finding.column
    return region


def result_object(finding: Finding, rule_index: int) -> Dict[str, Any]:
    physical: Dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(finding.path), "uriBaseId": SRCROOT}}
    region = _region(finding)
    if region is not None:
        physical["region"] = region
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVEL,
        "message": {"text": finding.message or finding.code},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": {
            "rule": finding.rule,
            "symbol": finding.symbol,
            "model": finding.model,
            "kind": finding.kind,
            "place": finding.place,
            "fixable": finding.fixable,
        },
    }


def document(result: CheckResult, options: ReportOptions) -> Dict[str, Any]:
    """The SARIF log as Python data (``render`` dumps it)."""
    rules: Mapping[str, Rule] = options.rules
    descriptors: List[Dict[str, Any]] = [rule_descriptor(rules[code]) for code in sorted(rules)]
    index: Dict[str, int] = {d["id"]: i for i, d in enumerate(descriptors)}
    findings = sorted_findings(result.findings)
    for finding in findings:
        if finding.code not in index:
            index[finding.code] = len(descriptors)
            descriptors.append(_unknown_descriptor(finding))
    driver = {
        "name": TOOL_NAME,
        "version": options.tool_version or __version__,
        "informationUri": INFORMATION_URI,
        "rules": descriptors,
    }
    run = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": [result_object(f, index[f.code]) for f in findings],
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(result: CheckResult, options: ReportOptions) -> str:
    return json.dumps(document(result, options), indent=2) + "\n"
