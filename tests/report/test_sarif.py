"""The SARIF reporter, validated against the official SARIF 2.1.0 schema."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from tfintegrity.findings import CheckResult
from tfintegrity.report import ReportOptions
from tfintegrity.report.sarif import render

from .samples import HOSTILE_PATH, RULES, fix_result, make_finding, sample_findings, sample_result

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-schema-2.1.0.json"

# jsonschema checks "uri"/"uri-reference" only with optional packages; check RFC 3986 characters here.
URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
FORMATS = FormatChecker()


@FORMATS.checks("uri")
def is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(URI_CHARS.match(value) and SCHEME.match(value))


@FORMATS.checks("uri-reference")
def is_uri_reference(value: object) -> bool:
    if not isinstance(value, str) or SCHEME.match(value):
        return is_uri(value)
    first_segment = value.split("/", 1)[0]
    return bool(URI_CHARS.match(value)) and ":" not in first_segment


def test_format_checks_work():
    assert is_uri("https://x.org/a") and not is_uri("a b") and not is_uri("rel/path")
    assert is_uri_reference("src/a%20b.py") and not is_uri_reference("src/a b.py")
    assert not is_uri_reference("src/a\n.py") and not is_uri_reference("a%zz")


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA_PATH.exists():
        pytest.skip(f"needs the SARIF schema at {SCHEMA_PATH} (../shared beside the project is missing)")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=FORMATS)


def validated(validator, text: str) -> dict:
    data = json.loads(text)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    return data


def test_golden_sarif(options, golden, validator):
    out = render(sample_result(), options)
    validated(validator, out)
    golden("sarif.sarif", out)


@pytest.mark.parametrize(
    "result",
    [
        sample_result(),
        CheckResult(()),
        fix_result(),
        CheckResult((make_finding(line=0, column=0),)),  # no natural line: no region
        CheckResult((make_finding("TFI999", "TFX"),)),  # a rule missing from options.rules
    ],
    ids=["sample", "empty", "fix", "no-line", "unknown-rule"],
)
@pytest.mark.parametrize("version", ["", "1.2.3"])
def test_every_output_validates(validator, result, version):
    validated(validator, render(result, ReportOptions(rules=RULES, tool_version=version)))


def test_validates_with_no_rules(validator):
    validated(validator, render(sample_result(), ReportOptions(rules={})))


def test_driver_and_rules(options, validator):
    data = validated(validator, render(sample_result(), options))
    assert data["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert data["version"] == "2.1.0"
    (run,) = data["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "tfintegrity" and driver["version"] == "9.9.9"
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == sorted(RULES)  # every rule, even without findings
    rule = driver["rules"][0]
    source = RULES["TFI001"]
    assert rule["name"] == source.slug
    assert rule["shortDescription"]["text"] == source.summary
    assert rule["fullDescription"]["text"] == source.what
    for part in (source.what, source.why, source.example, source.fix_safety):
        assert part in rule["help"]["text"]
    assert "## Why is this bad?" in rule["help"]["markdown"]
    assert "```python\nfrom transformers import TFBertModel  # ImportError\n```" in rule["help"]["markdown"]
    doc_rule = driver["rules"][3]
    assert "````python\ndoc = " in doc_rule["help"]["markdown"]  # a longer fence around an example that has one
    assert rule["defaultConfiguration"]["level"] == "error"


def test_results(options, validator):
    data = validated(validator, render(sample_result(), options))
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(sample_findings())
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] == "error"
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    init = by_uri["src/transformers/__init__.py"]
    assert init["locations"][0]["physicalLocation"]["region"] == {"startLine": 40, "startColumn": 5}
    assert init["message"]["text"] == "`TFBertForMaskedLM` is missing from the init-export"
    assert "src/odd%2Cdir/we%3Aird%25name%0A.py" in by_uri  # percent-encoded, still relative
    assert HOSTILE_PATH not in by_uri


def test_fingerprints_ignore_line_numbers(options):
    finding = make_finding()
    moved = replace(finding, line=finding.line + 50, column=1, message="reworded")
    fp = [
        json.loads(render(CheckResult((f,)), options))["runs"][0]["results"][0]["partialFingerprints"]
        for f in (finding, moved)
    ]
    assert fp[0] == fp[1]
    expected = hashlib.sha256("\0".join(finding.key).encode()).hexdigest()
    assert fp[0] == {"tfintegrity/v1": expected}
    other = replace(finding, kind="stale")
    other_fp = json.loads(render(CheckResult((other,)), options))["runs"][0]["results"][0]["partialFingerprints"]
    assert other_fp != fp[0]


def test_unknown_rule_gets_a_descriptor(options, validator):
    data = validated(validator, render(CheckResult((make_finding("TFI999", "TFX"),)), options))
    run = data["runs"][0]
    res = run["results"][0]
    assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == "TFI999"
