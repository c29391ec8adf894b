"""Baselines (issue 4, item 5) and the machine formats end to end through the CLI (item 3)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from tfintegrity import cli

SCHEMA = Path(__file__).resolve().parent.parent.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def invoke(*args: str):
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


def findings(root: Path, *extra: str) -> list:
    result = invoke("check", "--root", str(root), "--format", "json", *extra)
    return json.loads(result.output)["findings"]


def test_baseline_hides_recorded_findings_and_reports_new_ones(example: Path) -> None:
    recorded = findings(example)
    result = invoke("baseline", "--root", str(example))
    assert result.exit_code == 0 and f"Wrote {len(recorded)} findings" in result.output
    data = json.loads((example / ".tfintegrity-baseline.json").read_text())
    assert all("line" not in entry for entry in data["findings"])
    clean = invoke("check", "--root", str(example))
    assert clean.exit_code == 0, clean.output
    assert f"{len(recorded)} findings hidden by the baseline" in clean.output
    # A new gap is reported on its own.
    path = example / "src/transformers/models/bert/__init__.py"
    path.write_text(path.read_text().replace('        "TFBertForMaskedLM",\n', "", 1))
    new = findings(example)
    assert [(f["code"], f["symbol"]) for f in new] == [("TFI001", "TFBertForMaskedLM")]
    assert len(findings(example, "--no-baseline")) == len(recorded) + 1


def test_baseline_survives_line_shifts(example: Path) -> None:
    invoke("baseline", "--root", str(example))
    for rel in ("src/transformers/__init__.py", "src/transformers/models/brand_new_bert/__init__.py"):
        path = example / rel
        path.write_text("# a comment that shifts every line\n\n" + path.read_text())
    assert invoke("check", "--root", str(example)).exit_code == 0


def test_entries_that_no_longer_occur_are_reported(example: Path) -> None:
    invoke("baseline", "--root", str(example))
    invoke("check", "--fix", "--no-baseline", "--root", str(example))
    result = invoke("check", "--root", str(example))
    assert result.exit_code == 0
    assert "tfintegrity baseline" in result.output  # says how to shrink the file
    summary = json.loads(invoke("check", "--root", str(example), "--format", "json").output)["summary"]
    assert len(summary["baseline_gone"]) == 7


def test_fix_with_a_baseline_counts_what_still_occurs(example: Path) -> None:
    """Baselined findings are not fixed and still occur: --fix must not call them gone."""
    invoke("baseline", "--root", str(example))
    result = invoke("check", "--fix", "--root", str(example))
    assert result.exit_code == 0
    assert "no longer occur" not in result.output
    summary = json.loads(invoke("check", "--fix", "--root", str(example), "--format", "json").output)["summary"]
    assert summary["baseline_gone"] == []


def test_fix_with_a_baseline_reports_what_it_fixed_as_gone(example: Path) -> None:
    """A gap fixed by --fix (found after a --no-baseline fix of another) is gone; the rest still occur."""
    invoke("baseline", "--root", str(example))
    dummies = example / "src/transformers/utils/dummy_tf_objects.py"
    text = dummies.read_text(encoding="utf-8")
    invoke("check", "--fix", "--no-baseline", "--select", "TFI006", "--root", str(example))
    assert dummies.read_text(encoding="utf-8") != text
    summary = json.loads(invoke("check", "--root", str(example), "--format", "json").output)["summary"]
    assert [entry["code"] for entry in summary["baseline_gone"]] == ["TFI006"]


def test_a_broken_baseline_is_a_one_line_error(example: Path) -> None:
    (example / ".tfintegrity-baseline.json").write_text("{not json")
    result = CliRunner().invoke(cli.main, ["check", "--root", str(example)])
    assert result.exit_code == 2
    assert ".tfintegrity-baseline.json" in result.output and "Traceback" not in result.output


def test_sarif_output_of_the_example_validates(example: Path) -> None:
    result = invoke("check", "--root", str(example), "--format", "sarif")
    assert result.exit_code == 1
    document = json.loads(result.output)
    if not SCHEMA.is_file():
        pytest.skip(f"needs the SARIF schema at {SCHEMA} (../shared beside the project is missing)")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    results = document["runs"][0]["results"]
    assert len(results) == 7
    assert all("tfintegrity/v1" in r["partialFingerprints"] for r in results)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "utils/documentation_tests.txt" in uris


def test_github_format_annotates_each_finding(example: Path) -> None:
    result = invoke("check", "--root", str(example), "--format", "github")
    errors = [ln for ln in result.output.splitlines() if ln.startswith("::error ")]
    assert len(errors) == 7
    assert all("title=TFI" in ln for ln in errors)


def test_statistics_counts_per_rule(example: Path) -> None:
    result = invoke("check", "--root", str(example), "--statistics")
    rows = [ln.split() for ln in result.output.splitlines() if ln.strip().startswith("1 ")]
    codes = {"TFI001", "TFI002", "TFI004", "TFI005", "TFI006", "TFI007", "TFI008"}
    assert len(rows) == 7 and {r[1] for r in rows} == codes
