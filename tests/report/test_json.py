"""The JSON reporter."""

from __future__ import annotations

import json

from tfintegrity.findings import CheckResult
from tfintegrity.report import ReportOptions
from tfintegrity.report.json_format import render

from .samples import HOSTILE_MESSAGE, HOSTILE_PATH, RULES, fix_result, sample_findings, sample_result

FINDING_KEYS = ["code", "rule", "backend", "symbol", "model", "path", "line", "column", "message", "fixable"]


def test_golden_json(options, golden):
    golden("json.json", render(sample_result(), options))


def test_golden_json_fix(golden):
    golden("json_fix.json", render(fix_result(), ReportOptions(rules=RULES, fix_mode=True)))


def test_shape_and_order(options):
    out = render(sample_result(), options)
    assert out.endswith("}\n") and out.startswith('{\n  "findings"')
    data = json.loads(out)
    assert list(data) == ["findings", "summary"]
    assert all(list(f) == FINDING_KEYS for f in data["findings"])
    expected = sorted(sample_findings(), key=lambda f: f.sort_key())
    assert [(f["path"], f["line"]) for f in data["findings"]] == [(f.path, f.line) for f in expected]
    hostile = data["findings"][0]
    assert hostile["path"] == HOSTILE_PATH and hostile["message"] == HOSTILE_MESSAGE  # round-trips exactly
    assert data["summary"] == {
        "findings": 4,
        "fixable": 2,
        "fixed": 0,
        "changed_files": [],
        "unfixed": [],
        "baselined": 0,
        "baseline_gone": [],
        "converged": True,
        "notes": [],
    }


def test_notes_are_listed(options):
    from dataclasses import replace

    data = json.loads(render(replace(sample_result(), notes=("no docs/ folder: TFI008 has nothing to check",)), options))
    assert data["summary"]["notes"] == ["no docs/ folder: TFI008 has nothing to check"]


def test_fix_summary():
    summary = json.loads(render(fix_result(), ReportOptions(rules=RULES, fix_mode=True)))["summary"]
    assert summary["fixed"] == 2
    assert summary["changed_files"] == ["src/transformers/models/auto/modeling_tf_auto.py", "src/transformers/__init__.py"]
    assert summary["unfixed"] == [
        {
            "code": "TFI002",
            "symbol": "TFBertForMaskedLM",
            "path": "src/transformers/__init__.py",
            "reason": "the __init__ has no TF block to insert into",
        }
    ]
    assert summary["baselined"] == 3
    assert summary["baseline_gone"] == [
        {"code": "TFI004", "symbol": "TFOldModel", "place": "docs/source/en/model_doc/old.md:doc", "kind": "missing"}
    ]
    assert summary["converged"] is False


def test_empty():
    data = json.loads(render(CheckResult(()), ReportOptions(rules=RULES)))
    assert data["findings"] == [] and data["summary"]["findings"] == 0


def test_diff_only_in_diff_mode():
    result = CheckResult((), diff="--- a\n+++ b\n")
    assert "diff" not in json.loads(render(result, ReportOptions(rules=RULES)))["summary"]
    assert json.loads(render(result, ReportOptions(rules=RULES, diff_mode=True)))["summary"]["diff"] == "--- a\n+++ b\n"
