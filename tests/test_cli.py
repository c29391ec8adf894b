"""The command line: exit codes, errors, filtering, formats, `rules`, `explain`, root discovery, goldens.

Golden files (``tests/golden/``) hold the ``check`` output (text and JSON) on the shipped example tree,
copied into ``tmp_path``; run with ``TFI_UPDATE_GOLDEN=1`` to rewrite them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checks import edit, make_tree, model_init
from tfintegrity.cli import main

PROJECT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
CODES = [f"TFI{n:03d}" for n in range(1, 12)]
PT_CODES = [f"PTI{n:03d}" for n in range(1, 12)]
FLAX_CODES = [f"FXI{n:03d}" for n in range(1, 12)]
# The six gaps the example tree is shipped with (see examples/README.md).
EXAMPLE_CODES = ["TFI001", "TFI002", "TFI004", "TFI005", "TFI006", "TFI007", "TFI008"]


def invoke(args, cwd=None):
    env = {"NO_COLOR": "1", "FORCE_COLOR": "", "TFINTEGRITY_DEBUG": ""}
    runner = CliRunner(env=env)
    if cwd is None:
        return runner.invoke(main, args, catch_exceptions=False)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)


def run_module(args, cwd):
    env = dict(os.environ, NO_COLOR="1")
    env.pop("FORCE_COLOR", None)
    env.pop("TFINTEGRITY_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "tfintegrity", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def complete(tmp_path) -> Path:
    return make_tree(tmp_path)


def assert_one_error_line(stderr: str, prefix: str = "") -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert lines[0].startswith(prefix), stderr
    assert "error: " in lines[0], stderr
    return lines[0]


# --------------------------------------------------------------------------- goldens


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TFI_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert path.is_file(), f"{path} is missing; run with TFI_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs; TFI_UPDATE_GOLDEN=1 rewrites it"


@pytest.mark.parametrize("fmt, name", [("text", "example_check.txt"), ("json", "example_check.json")])
def test_golden_check_output_on_example_tree(example, fmt, name):
    result = invoke(["check", "--root", str(example), "--format", fmt])
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    assert str(example) not in result.stdout  # paths are relative to the root ...
    paths = ([f["path"] for f in json.loads(result.stdout)["findings"]] if fmt == "json"
             else [line.split(":", 1)[0] for line in result.stdout.splitlines() if ": TFI" in line])
    assert len(paths) == 7 and all("\\" not in p and not p.startswith("/") for p in paths)  # ... with forward slashes
    _golden(name, result.stdout)


def test_golden_json_is_the_same_run_as_the_text(example):
    text = invoke(["check", "--root", str(example)]).stdout
    data = json.loads(invoke(["check", "--root", str(example), "--format", "json"]).stdout)
    text_rows = [line.split(" ", 2)[:2] for line in text.splitlines() if ": TFI" in line]
    json_rows = [[f"{f['path']}:{f['line']}:{f['column']}:", f["code"]] for f in data["findings"]]
    assert text_rows == json_rows
    assert sorted({f["code"] for f in data["findings"]}) == EXAMPLE_CODES


# --------------------------------------------------------------------------- exit codes


def test_exit_0_on_complete_tree(complete):
    result = invoke(["check", "--root", str(complete)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "All checks passed!\n"


def test_exit_1_on_example_tree(example):
    result = invoke(["check", "--root", str(example)])
    assert result.exit_code == 1
    assert "Found 7 findings." in result.stdout


def test_exit_zero_flag(example):
    assert invoke(["check", "--root", str(example), "--exit-zero"]).exit_code == 0


def test_exit_2_root_does_not_exist(tmp_path):
    missing = tmp_path / "nowhere"
    result = invoke(["check", "--root", str(missing)])
    assert result.exit_code == 2
    assert_one_error_line(result.stderr, str(missing))


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read a chmod 000 folder")
def test_exit_2_root_unreadable(complete):
    os.chmod(complete, 0)
    try:
        result = invoke(["check", "--root", str(complete)])
    finally:
        os.chmod(complete, 0o755)
    assert result.exit_code == 2
    assert_one_error_line(result.stderr, str(complete))


def test_exit_2_unreadable_modeling_file(complete):
    rel = "src/transformers/models/bert/modeling_tf_bert.py"
    (complete / rel).unlink()
    (complete / rel).mkdir()
    result = invoke(["check", "--root", str(complete)])
    assert result.exit_code == 2
    assert_one_error_line(result.stderr, f"{rel}: error: ")


def test_exit_2_file_not_utf8(complete):
    path = complete / model_init("bert")
    path.write_bytes(path.read_bytes().replace(b"# Copyright", b"# Copyright \xff", 1))
    result = invoke(["check", "--root", str(complete)])
    assert result.exit_code == 2
    line = assert_one_error_line(result.stderr, f"{model_init('bert')}:1: error: ")
    assert "UTF-8" in line


def test_exit_2_root_not_transformers_shaped(tmp_path):
    (tmp_path / "src").mkdir()
    result = invoke(["check", "--root", str(tmp_path)])
    assert result.exit_code == 2
    line = assert_one_error_line(result.stderr, str(tmp_path))
    assert "src/transformers/__init__.py" in line


def test_exit_2_syntax_error_in_model_init_one_line_no_traceback(complete):
    edit(complete, model_init("bert"), "_import_structure = {", "_import_structure = {{")
    lineno = next(i for i, line in enumerate((complete / model_init("bert")).read_text().splitlines(), 1)
                  if line.startswith("_import_structure = {{"))
    done = run_module(["check", "--root", str(complete)], cwd=complete)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert_one_error_line(done.stderr, f"{model_init('bert')}:{lineno}: error: ")


def test_exit_2_unknown_code_in_select(complete):
    result = invoke(["check", "--root", str(complete), "--select", "TFI999"])
    assert result.exit_code == 2
    line = assert_one_error_line(result.stderr, "error: ")
    assert "TFI999" in line and "--select" in line


def test_exit_2_unknown_code_in_ignore(complete):
    result = invoke(["check", "--root", str(complete), "--ignore", "XYZ"])
    assert result.exit_code == 2
    assert "XYZ" in assert_one_error_line(result.stderr, "error: ")


# --------------------------------------------------------------------------- filtering


def _codes_of(output: str):
    return sorted({line.split(" ")[1] for line in output.splitlines() if ": TFI" in line})


def test_select_one_code(example):
    result = invoke(["check", "--root", str(example), "--select", "TFI001"])
    assert result.exit_code == 1 and _codes_of(result.stdout) == ["TFI001"]


def test_select_comma_separated_and_repeated(example):
    result = invoke(["check", "--root", str(example), "--select", "TFI001,TFI002", "--select", "TFI008"])
    assert _codes_of(result.stdout) == ["TFI001", "TFI002", "TFI008"]


def test_select_prefix(example):
    result = invoke(["check", "--root", str(example), "--select", "TFI00"])
    assert _codes_of(result.stdout) == [c for c in EXAMPLE_CODES if c.startswith("TFI00")]


def test_ignore(example):
    result = invoke(["check", "--root", str(example), "--ignore", "TFI007,TFI008"])
    assert _codes_of(result.stdout) == ["TFI001", "TFI002", "TFI004", "TFI005", "TFI006"]


def test_select_then_ignore(example):
    result = invoke(["check", "--root", str(example), "--select", "TFI00", "--ignore", "TFI001"])
    assert _codes_of(result.stdout) == ["TFI002", "TFI004", "TFI005", "TFI006", "TFI007", "TFI008"]


def test_select_of_a_clean_rule_exits_0(example):
    result = invoke(["check", "--root", str(example), "--select", "TFI003"])
    assert result.exit_code == 0 and result.stdout == "All checks passed!\n"


# --------------------------------------------------------------------------- formats


def test_json_shape(example):
    result = invoke(["check", "--root", str(example), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"findings", "summary"}
    assert len(data["findings"]) == 7
    for item in data["findings"]:
        assert set(item) == {"code", "rule", "backend", "symbol", "model", "path", "line", "column", "message", "fixable"}
        assert item["backend"] == "tf"
        assert isinstance(item["line"], int) and isinstance(item["column"], int) and isinstance(item["fixable"], bool)
        assert not item["path"].startswith("/") and "\\" not in item["path"]
    summary = data["summary"]
    assert summary["findings"] == 7 and summary["fixable"] == 7 and summary["fixed"] == 0
    assert summary["changed_files"] == [] and summary["unfixed"] == [] and summary["converged"] is True
    assert {item["model"] for item in data["findings"]} == {"brand_new_bert"}


def test_json_on_complete_tree(complete):
    result = invoke(["check", "--root", str(complete), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["findings"] == [] and data["summary"]["findings"] == 0


def test_statistics(example):
    result = invoke(["check", "--root", str(example), "--statistics"])
    assert result.exit_code == 1
    counted = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert sorted(counted) == EXAMPLE_CODES


# --------------------------------------------------------------------------- rules / explain / help


def test_rules_lists_every_code(complete):
    result = invoke(["rules"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    groups = [line for line in lines if not line.startswith(" ")]
    assert groups[0] == "tf (on)" and all(g.startswith(("pt (off", "flax (off")) for g in groups[1:]), groups
    tf_rules = lines[1:lines.index(groups[1])]
    assert [line.split()[0] for line in tf_rules] == CODES
    listed = [line.split()[0] for line in lines if line.startswith("  ")]
    assert sorted(listed) == sorted(CODES + PT_CODES + FLAX_CODES)


def test_rules_follow_the_backends_turned_on(complete):
    (complete / "pyproject.toml").write_text('[tool.tfintegrity]\nbackends = ["pt", "tf"]\n', encoding="utf-8")
    groups = [line for line in invoke(["rules", "--root", str(complete)]).stdout.splitlines() if line[:1] != " "]
    assert groups == ["pt (on)", "tf (on)", "flax (off: add it to `backends` in [tool.tfintegrity], or --backends)"]
    explained = invoke(["explain", "auto-mapping", "--root", str(complete)]).stdout
    assert [line for line in explained.splitlines() if line.startswith("# ")] == [
        "# auto-mapping (PTI005)",
        "# auto-mapping (TFI005)",
    ]


def test_rules_json(complete):
    result = invoke(["rules", "--format", "json"])
    data = json.loads(result.stdout)
    assert [r["code"] for r in data] == CODES + FLAX_CODES + PT_CODES
    assert [r["active"] for r in data] == [True] * len(CODES) + [False] * (len(FLAX_CODES) + len(PT_CODES))


def test_explain_tfi005_prints_every_section():
    result = invoke(["explain", "TFI005"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("# auto-mapping (TFI005)")
    headings = ["## What it does", "## Why is this bad?", "## Example", "## Fix safety"]
    positions = [out.index(h) for h in headings]
    assert positions == sorted(positions)
    bodies = [out[a + len(h):b].strip() for h, a, b in zip(headings, positions, positions[1:] + [len(out)])]
    assert all(bodies), bodies
    assert "TF_MODEL_FOR_MASKED_LM_MAPPING_NAMES" in bodies[2]


def test_explain_is_case_insensitive_and_accepts_the_slug():
    assert invoke(["explain", "tfi005"]).stdout == invoke(["explain", "auto-mapping"]).stdout


def test_explain_unknown_code():
    result = invoke(["explain", "TFI999"])
    assert result.exit_code == 2
    assert "TFI999" in assert_one_error_line(result.stderr, "error: ")


def test_python_m_help(tmp_path):
    done = run_module(["--help"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for command in ("check", "rules", "explain", "baseline"):
        assert command in done.stdout


def test_check_help_lists_the_options():
    out = invoke(["check", "--help"]).stdout
    for option in ("--fix", "--diff", "--format", "--select", "--ignore", "--root", "--rules-dir", "--base",
                   "--statistics", "--no-baseline", "--exit-zero"):
        assert option in out


# --------------------------------------------------------------------------- root discovery


def test_root_found_upwards_from_a_subdirectory(example):
    expected = invoke(["check", "--root", str(example), "--format", "json"]).stdout
    result = invoke(["check", "--format", "json"], cwd=example / "src" / "transformers" / "models")
    assert result.exit_code == 1, result.stderr
    assert result.stdout == expected


def test_root_found_upwards_in_a_subprocess(example):
    done = run_module(["check"], cwd=example / "src" / "transformers" / "models" / "bert")
    assert done.returncode == 1, done.stderr
    assert "Found 7 findings." in done.stdout


def test_no_root_upwards(tmp_path):
    result = invoke(["check"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "--root" in assert_one_error_line(result.stderr, "error: ")
