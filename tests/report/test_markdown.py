"""The ``$GITHUB_STEP_SUMMARY`` Markdown page."""

from __future__ import annotations

from tfintegrity.findings import CheckResult
from tfintegrity.report import ReportOptions, markdown_summary
from tfintegrity.report.markdown import cell

from .samples import RULES, fix_result, make_finding, sample_findings, sample_result


def test_golden_markdown(options, golden):
    golden("summary.md", markdown_summary(sample_result(), options))


def test_every_finding_is_listed(options):
    findings = [make_finding(symbol=f"TFModel{i}", line=i + 1) for i in range(25)] + sample_findings()
    out = markdown_summary(CheckResult(tuple(findings)), options)
    assert out.startswith("## ")
    assert "Found 29 findings" in out
    assert "| Code | Symbol | Location | Message |" in out
    rows = [line for line in out.splitlines() if line.startswith("| TFI")]
    assert len(rows) == len(findings)  # all of them, unlike the ten GitHub annotations
    for f in findings:
        row = f"| {cell(f.code)} | {cell(f.symbol)} | {cell(f'{f.path}:{f.line}:{f.column}')} | {cell(f.message)} |"
        assert row in rows


def test_hostile_cells_stay_in_one_row(options):
    out = markdown_summary(sample_result(), options)
    rows = [line for line in out.splitlines() if line.startswith("| TFI")]
    assert len(rows) == 4
    hostile = rows[0]
    assert hostile.count(" | ") == 3  # the pipe in the message is escaped
    assert "\\|" in hostile and "&lt;missing&gt;" in hostile and "<br>" in hostile


def test_no_findings(options):
    out = markdown_summary(CheckResult(()), options)
    assert "No findings." in out and "|" not in out


def test_fix_run(golden):
    out = markdown_summary(fix_result(), ReportOptions(rules=RULES, fix_mode=True))
    golden("summary_fix.md", out)
    assert "Fixed 2 findings in 2 files." in out
    assert "3 findings hidden by the baseline." in out
    assert "Could not fix" in out and "TFOldModel" in out
