"""Another backend is data, not engine code: PyTorch places from a rules folder written by the test."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import synthtree
from tfintegrity import api, cli

PT_BACKEND = """
name = "ptx"
guard = "is_torch_available"
modeling_glob = "modeling_*.py"
modeling_exclude = ["modeling_tf_*.py", "modeling_flax_*.py"]
modeling_prefix = "modeling_"
class_prefix = ""
base_class = "PreTrainedModel"
constant_pattern = '^[A-Z0-9_]+_PRETRAINED_MODEL_ARCHIVE_LIST$'
dummy_backends = ["torch"]
doc_member = "forward"
"""

RULE = """
code = "PTX{number}"
slug = "pt-{slug}"
summary = "PyTorch: {slug}."
backend = "ptx"
applies_to = "exports"
primitive = "{primitive}"
target = "{target}"
what = "The PyTorch twin of the TF rule."
why = "Same reasons as for TensorFlow."
example = "-"
fix_safety = "Safe."

[params]
{params}
"""

PT_RULES = {
    "001": ("model-init-structure", "init_structure", "{package}/models/{folder}/__init__.py",
            'scope = "model"\nkey = "{module}"'),
    "003": ("top-init-structure", "init_structure", "{package}/__init__.py",
            'scope = "package"\nkey = "models.{dotted}"\nform = "extend"'),
    "008": ("doc-page", "autodoc", "docs/source/en/model_doc/{page}.md",
            "doc_dir = \"docs/source/en/model_doc\"\nexclude_pattern = 'Pre[Tt]rained'\n"
            "stale_pattern = '^[A-Z]'\nbefore_pattern = '^TF'\ncounterpart_member = 'call'"),
}


def write_pt_rules(folder: Path) -> Path:
    (folder / "backends").mkdir(parents=True)
    (folder / "backends" / "pt.toml").write_text(PT_BACKEND)
    for number, (slug, primitive, target, params) in PT_RULES.items():
        text = RULE.format(number=number, slug=slug, primitive=primitive, target=target, params=params)
        (folder / f"PTX{number}.toml").write_text(text)
    return folder


def test_pytorch_rules_from_a_folder_check_and_fix(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    synthtree.write_tree(root)
    rules = write_pt_rules(tmp_path / "pt-rules")
    clean, _ = api.run(api.Options(root=root, rules_dirs=(rules,), select=("PTX",), backends=("ptx",)))
    assert clean.findings == ()
    init = root / "src/transformers/models/bert/__init__.py"
    original = init.read_bytes()
    init.write_text(init.read_text().replace('        "BertForMaskedLM",\n', "", 1))
    result, _ = api.run(api.Options(root=root, rules_dirs=(rules,), select=("PTX",), backends=("ptx",)))
    assert [(f.code, f.kind, f.symbol) for f in result.findings] == [("PTX001", "missing", "BertForMaskedLM")]
    fixed = CliRunner().invoke(cli.main, ["check", "--fix", "--backends", "ptx", "--select", "PTX",
                                          "--rules-dir", str(rules),
                                          "--root", str(root)])
    assert fixed.exit_code == 0, fixed.output
    assert init.read_bytes() == original


def test_pytorch_doc_sections_go_before_the_tf_run(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    synthtree.write_tree(root)
    rules = write_pt_rules(tmp_path / "pt-rules")
    page = root / "docs/source/en/model_doc/bert.md"
    original = page.read_text()
    page.write_text(original.replace("## BertForMaskedLM\n\n[[autodoc]] BertForMaskedLM\n    - forward\n\n", "", 1))
    result = CliRunner().invoke(cli.main, ["check", "--fix", "--backends", "ptx", "--select", "PTX008",
                                           "--rules-dir", str(rules),
                                           "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert page.read_text() == original
