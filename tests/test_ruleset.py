"""Rules are data: the built-in rule files, a seventh place added by a rule file only, bad rule files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from checks import check, make_tree
from click.testing import CliRunner

from tfintegrity.cli import main
from tfintegrity.errors import TfiError
from tfintegrity.primitives import PRIMITIVES
from tfintegrity.ruleset import BUILTIN_RULES_DIR, load_ruleset

SLOW_LIST = "utils/slow_documentation_tests.txt"
BERT_TF = "src/transformers/models/bert/modeling_tf_bert.py"
BRAND_TF = "src/transformers/models/brand_new_bert/modeling_tf_brand_new_bert.py"
TINY_TF = "src/transformers/models/tiny/modeling_tf_tiny.py"

SEVENTH_PLACE = '''\
code = "TFX100"
slug = "slow-documentation-tests"
summary = "A TF modeling file is not listed in `utils/slow_documentation_tests.txt`."
backend = "tf"
applies_to = "modules"
primitive = "listed_path"
target = "utils/slow_documentation_tests.txt"
what = "Checks that every TF modeling file with a public class is listed in `utils/slow_documentation_tests.txt`."
why = "Only listed files have their slow docstring examples run."
example = "src/transformers/models/bert/modeling_tf_bert.py"
fix_safety = "Safe. The path is inserted at its sorted place."

[params]
entry = "{path}"
'''


def invoke(args):
    return CliRunner(env={"NO_COLOR": "1"}).invoke(main, args, catch_exceptions=False)


def one_error_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return lines[0]


def tree_with_slow_list(tmp_path: Path) -> Path:
    root = make_tree(tmp_path)
    (root / SLOW_LIST).write_text(f"{BERT_TF}\n{BRAND_TF}\n", encoding="utf-8")
    return root


def rules_dir(tmp_path: Path, name: str = "TFX100-slow-documentation-tests.toml", text: str = SEVENTH_PLACE) -> Path:
    folder = tmp_path / "extra-rules"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


EXPECTED_ROW = ("TFX100", "missing", TINY_TF, SLOW_LIST, 2)


def rows_of(findings):
    return [(f.code, f.kind, f.symbol, f.path, f.line) for f in findings]


# --------------------------------------------------------------------------- built-in rules


def test_builtin_rules_load_with_unique_codes_and_full_docs():
    ruleset = load_ruleset()
    codes = [r.code for r in ruleset.rules]
    assert codes == sorted(f"{prefix}{n:03d}" for prefix in ("TFI", "PTI", "FXI") for n in range(1, 12))
    assert len(set(codes)) == len(codes)
    for backend in ("tf", "pt", "flax"):  # a slug names a place, once per backend
        slugs = [r.slug for r in ruleset.rules if r.backend == backend]
        assert len(slugs) == len(set(slugs)) == 11
    assert sorted(ruleset.backends) == ["flax", "pt", "tf"]
    for rule in ruleset.rules:
        for section in ("summary", "what", "why", "example", "fix_safety"):
            assert getattr(rule, section).strip(), f"{rule.code}: empty {section}"
        assert rule.primitive in PRIMITIVES and rule.backend in ruleset.backends
        assert Path(rule.source).parent == BUILTIN_RULES_DIR
        assert Path(rule.source).name.startswith(rule.code + "-" + rule.slug)


def test_builtin_rules_cover_the_six_places():
    targets = {r.target for r in load_ruleset().rules}
    assert targets >= {
        "{package}/models/{folder}/__init__.py",
        "{package}/__init__.py",
        "{package}/models/auto/modeling_tf_auto.py",
        "{package}/utils/dummy_tf_objects.py",
        "utils/documentation_tests.txt",
        "docs/source/en/model_doc/{page}.md",
    }


# --------------------------------------------------------------------------- a seventh place


def test_seventh_place_via_rules_dir(tmp_path):
    root = tree_with_slow_list(tmp_path)
    extra = rules_dir(tmp_path)
    assert rows_of(check(root, rules_dirs=(extra,))) == [EXPECTED_ROW]
    result = invoke(["check", "--root", str(root), "--rules-dir", str(extra)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{SLOW_LIST}:2:1: TFX100 [*] {TINY_TF} is not listed in {SLOW_LIST}"
    )
    # Without the extra folder the tree is complete.
    assert invoke(["check", "--root", str(root)]).exit_code == 0


def test_seventh_place_via_extend_rules_in_pyproject(tmp_path):
    root = tree_with_slow_list(tmp_path)
    folder = root / "tfi-rules"
    folder.mkdir()
    (folder / "TFX100-slow-documentation-tests.toml").write_text(SEVENTH_PLACE, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.tfintegrity]\nextend-rules = ["tfi-rules"]\n', encoding="utf-8")
    assert rows_of(check(root)) == [EXPECTED_ROW]
    result = invoke(["check", "--root", str(root), "--format", "json"])
    assert result.exit_code == 1 and '"code": "TFX100"' in result.stdout


def test_seventh_place_is_listed_explained_selected_and_fixed(tmp_path):
    root = tree_with_slow_list(tmp_path)
    extra = str(rules_dir(tmp_path))
    listed = invoke(["rules", "--rules-dir", extra]).stdout.splitlines()
    tf_group = listed[1:listed.index(next(line for line in listed[1:] if not line.startswith(" ")))]
    assert listed[0] == "tf (on)" and [line.split()[0] for line in tf_group][-1] == "TFX100"
    explained = invoke(["explain", "TFX100", "--rules-dir", extra])
    assert explained.exit_code == 0 and "slow-documentation-tests (TFX100)" in explained.stdout
    assert invoke(["check", "--root", str(root), "--rules-dir", extra, "--select", "TFI"]).exit_code == 0
    assert invoke(["check", "--root", str(root), "--rules-dir", extra, "--select", "TFX"]).exit_code == 1
    fixed = invoke(["check", "--root", str(root), "--rules-dir", extra, "--fix"])
    assert fixed.exit_code == 0, fixed.output
    assert (root / SLOW_LIST).read_text(encoding="utf-8") == f"{BERT_TF}\n{BRAND_TF}\n{TINY_TF}\n"


def test_seventh_place_missing_file_reports_every_module(tmp_path):
    root = make_tree(tmp_path)
    extra = rules_dir(tmp_path)
    assert sorted(f.symbol for f in check(root, rules_dirs=(extra,))) == [BERT_TF, BRAND_TF, TINY_TF]


# --------------------------------------------------------------------------- bad rule files


def _break(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


BAD_RULES = {
    "unknown-primitive": (_break(SEVENTH_PLACE, 'primitive = "listed_path"', 'primitive = "listed_paths"'),
                          "listed_paths"),
    "missing-key": (_break(SEVENTH_PLACE, 'target = "utils/slow_documentation_tests.txt"\n', ""), "target"),
    "wrong-type": (re.sub(r"^summary = .*$", "summary = 3", SEVENTH_PLACE, flags=re.M), "summary"),
    "wrong-type-params": (_break(SEVENTH_PLACE, '[params]\nentry = "{path}"\n', 'params = "entry"\n'), "params"),
    "bad-param-name": (_break(SEVENTH_PLACE, 'entry = "{path}"', 'entries = "{path}"'), "entries"),
    "bad-param-type": (_break(SEVENTH_PLACE, 'entry = "{path}"', "entry = 1"), "entry"),
    "missing-param": (_break(SEVENTH_PLACE, 'entry = "{path}"\n', ""), "entry"),
    "unknown-key": (SEVENTH_PLACE.replace('slug = "', 'severity = "high"\nslug = "'), "severity"),
    "bad-code": (_break(SEVENTH_PLACE, 'code = "TFX100"', 'code = "TFX-100"'), "TFX-100"),
    "bad-applies-to": (_break(SEVENTH_PLACE, 'applies_to = "modules"', 'applies_to = "everything"'), "everything"),
    "unknown-backend": (_break(SEVENTH_PLACE, 'backend = "tf"', 'backend = "jax"'), "jax"),
    "duplicate-code": (_break(SEVENTH_PLACE, 'code = "TFX100"', 'code = "TFI007"'), "TFI007"),
}


@pytest.mark.parametrize("case", sorted(BAD_RULES))
def test_bad_rule_file_exit_2_naming_the_rule_file(tmp_path, case):
    text, needle = BAD_RULES[case]
    root = make_tree(tmp_path)
    extra = rules_dir(tmp_path, text=text)
    rule_file = str(extra / "TFX100-slow-documentation-tests.toml")
    for args in (["check", "--root", str(root), "--rules-dir", str(extra)], ["rules", "--rules-dir", str(extra)]):
        line = one_error_line(invoke(args))
        assert line.startswith(rule_file + ": error: ") or line.startswith(rule_file + ":"), line
        assert needle in line, line


def test_bad_rule_file_via_extend_rules_exit_2(tmp_path):
    root = make_tree(tmp_path)
    folder = root / "tfi-rules"
    folder.mkdir()
    bad = BAD_RULES["unknown-primitive"][0]
    (folder / "TFX100-slow-documentation-tests.toml").write_text(bad, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.tfintegrity]\nextend-rules = ["tfi-rules"]\n', encoding="utf-8")
    line = one_error_line(invoke(["check", "--root", str(root)]))
    assert "TFX100-slow-documentation-tests.toml" in line and "listed_paths" in line


def test_malformed_rule_file_exit_2_with_file_and_line(tmp_path):
    root = make_tree(tmp_path)
    extra = rules_dir(tmp_path, text=SEVENTH_PLACE.replace('backend = "tf"', "backend = "))
    rule_file = str(extra / "TFX100-slow-documentation-tests.toml")
    line = one_error_line(invoke(["check", "--root", str(root), "--rules-dir", str(extra)]))
    assert re.match(re.escape(rule_file) + r":4: error: invalid TOML", line), line


def test_missing_rules_dir_exit_2(tmp_path):
    root = make_tree(tmp_path)
    line = one_error_line(invoke(["check", "--root", str(root), "--rules-dir", str(tmp_path / "nope")]))
    assert str(tmp_path / "nope") in line


def test_a_rule_file_edited_between_loads_is_read_again(tmp_path):
    """Rule files are parsed once per content (a session loads them every run): an edit still shows."""
    folder = rules_dir(tmp_path)
    first = load_ruleset([folder]).by_code("TFX100")
    assert first is not None and first.slug == "slow-documentation-tests"
    assert load_ruleset([folder]).by_code("TFX100") is first  # same bytes: the parsed rule is kept
    rules_dir(tmp_path, text=SEVENTH_PLACE.replace('slug = "slow-documentation-tests"', 'slug = "slow-doctests"'))
    assert load_ruleset([folder]).by_code("TFX100").slug == "slow-doctests"
    broken = SEVENTH_PLACE.replace('slug = "slow-documentation-tests"', "slug = ")
    rules_dir(tmp_path, text=broken)
    with pytest.raises(TfiError, match="invalid TOML"):
        load_ruleset([folder])
