"""Shipped backends (issue 10): which run is configuration, the default stays TensorFlow only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import synthtree
from tfintegrity import api, cli


@pytest.fixture
def root(tmp_path: Path) -> Path:
    synthtree.write_example_tree(tmp_path)
    return tmp_path


def codes(root: Path, *args: str) -> set:
    result = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--no-cache", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return {f["code"][:3] for f in json.loads(result.output)["findings"]}


def test_by_default_only_the_tf_rules_run(root: Path) -> None:
    session = api.open_session(api.Options(root=root))
    assert {r.backend for r in session.rules} == {"tf"}
    assert {"pt", "flax", "tf"} <= set(session.ruleset.backends)
    default = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--no-cache"])
    chosen = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--no-cache", "--backends", "tf"])
    assert default.output == chosen.output and default.exit_code == chosen.exit_code


def test_the_configuration_turns_backends_on(root: Path) -> None:
    pyproject = root / "pyproject.toml"
    before = pyproject.read_text() if pyproject.exists() else ""
    pyproject.write_text(before + '\n[tool.tfintegrity]\nbackends = ["tf", "pt", "flax"]\n')
    session = api.open_session(api.Options(root=root))
    assert {r.backend for r in session.rules} == {"tf", "pt", "flax"}
    assert {r.code[:3] for r in session.rules} == {"TFI", "PTI", "FXI"}


def test_backends_on_the_command_line_replace_the_configured_ones(root: Path) -> None:
    session = api.open_session(api.Options(root=root, backends=("pt",)))
    assert {r.code[:3] for r in session.rules} == {"PTI"}
    assert codes(root, "--backends", "pt") <= {"PTI"}


def test_an_unknown_backend_is_an_error_naming_it(root: Path) -> None:
    result = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--backends", "jax"])
    assert result.exit_code == 2
    assert "unknown backend 'jax' in --backends (known: flax, pt, tf)" in result.output
    assert "Traceback" not in result.output


def test_json_findings_name_their_backend(root: Path) -> None:
    init = root / "src/transformers/models/bert/__init__.py"
    init.write_text(init.read_text().replace('        "TFBertForMaskedLM",\n', "", 1))
    result = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--no-cache", "--format", "json"])
    findings = json.loads(result.output)["findings"]
    assert findings and {f["backend"] for f in findings} == {"tf"}


def test_rules_are_listed_by_backend_saying_which_are_on(root: Path) -> None:
    result = CliRunner().invoke(cli.main, ["rules", "--root", str(root)])
    assert result.exit_code == 0
    heads = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert heads[0] == "tf (on)"
    assert sorted(h.split(" ")[0] for h in heads[1:]) == ["flax", "pt"]
    assert all("off" in h for h in heads[1:])
    body = result.output.split("\n", 1)[1]
    assert body.splitlines()[0].strip().startswith("TFI001")


@pytest.mark.parametrize(
    "rel, old",
    [
        # The PyTorch auto mappings have no counterpart: the file's own suffix table says where it goes.
        ("src/transformers/models/auto/modeling_auto.py", '        ("bert", "BertForMaskedLM"),\n'),
        # A helper function the init exports with the classes (helper_pattern).
        ("src/transformers/models/bert/__init__.py", '        "load_tf_weights_in_bert",\n'),
    ],
)
def test_a_pytorch_entry_removed_is_reported_and_restored(root: Path, rel: str, old: str) -> None:
    clean = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--no-cache", "--backends", "pt",
                                          "--select", "PTI001,PTI005"])
    assert clean.exit_code == 0, clean.output
    path = root / rel
    original = path.read_text()
    assert old in original
    path.write_text(original.replace(old, "", 1))
    found = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--no-cache", "--backends", "pt",
                                          "--select", "PTI001,PTI005"])
    assert found.exit_code == 1 and old.strip().split('"')[-2] in found.output, found.output
    fixed = CliRunner().invoke(cli.main, ["check", "--fix", "--root", str(root), "--no-cache", "--backends", "pt",
                                          "--select", "PTI001,PTI005"])
    assert fixed.exit_code == 0, fixed.output
    assert path.read_text() == original
