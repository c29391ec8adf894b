"""``[tool.tfintegrity]`` in the checked tree's ``pyproject.toml``: what each key does, and every error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from checks import check, edit, make_example_tree, make_tree, model_init
from tfintegrity.cli import main
from tfintegrity.errors import TfiError


def invoke(args):
    return CliRunner(env={"NO_COLOR": "1"}).invoke(main, args, catch_exceptions=False)


def write_pyproject(root, body: str) -> None:
    (root / "pyproject.toml").write_text(body, encoding="utf-8")


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert len(lines) == 1 and "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return lines[0]


def keys(findings):
    return sorted((f.code, f.symbol) for f in findings)


EXAMPLE_SYMBOL = "TFBrandNewBertForCausalLM"


# --------------------------------------------------------------------------- what the keys do


def test_per_symbol_ignores_silence_exactly_that_code_for_that_symbol(tmp_path):
    root = make_example_tree(tmp_path)
    before = check(root)
    write_pyproject(root, f'[tool.tfintegrity.per-symbol-ignores]\n{EXAMPLE_SYMBOL} = ["TFI005"]\n')
    after = check(root)
    assert keys(before) == sorted(keys(after) + [("TFI005", EXAMPLE_SYMBOL)])


def test_per_symbol_ignores_do_not_touch_another_symbol(tmp_path):
    root = make_example_tree(tmp_path)
    edit(root, model_init("bert"), '        "TFBertForMaskedLM",\n', "")
    before = check(root)
    write_pyproject(root, '[tool.tfintegrity.per-symbol-ignores]\nTFBertForMaskedLM = ["TFI002"]\n')
    # TFI002 is not what TFBertForMaskedLM has (TFI001): nothing changes.
    assert keys(check(root)) == keys(before)
    write_pyproject(root, '[tool.tfintegrity.per-symbol-ignores]\nTFBertForMaskedLM = ["TFI001"]\n')
    assert keys(check(root)) == [k for k in keys(before) if k != ("TFI001", "TFBertForMaskedLM")]
    assert ("TFI001", EXAMPLE_SYMBOL) in keys(check(root))


def test_per_symbol_ignores_by_code_prefix(tmp_path):
    root = make_example_tree(tmp_path)
    write_pyproject(root, f'[tool.tfintegrity.per-symbol-ignores]\n{EXAMPLE_SYMBOL} = ["TFI00"]\n')
    assert keys(check(root)) == [("TFI007", "src/transformers/models/brand_new_bert/modeling_tf_brand_new_bert.py")]


def test_select_from_pyproject(tmp_path):
    root = make_example_tree(tmp_path)
    write_pyproject(root, '[tool.tfintegrity]\nselect = ["TFI001", "TFI005"]\n')
    assert sorted({f.code for f in check(root)}) == ["TFI001", "TFI005"]


def test_ignore_from_pyproject(tmp_path):
    root = make_example_tree(tmp_path)
    write_pyproject(root, '[tool.tfintegrity]\nignore = ["TFI007", "TFI008"]\n')
    assert sorted({f.code for f in check(root)}) == ["TFI001", "TFI002", "TFI004", "TFI005", "TFI006"]


def test_cli_select_replaces_pyproject_select_and_ignores_add_up(tmp_path):
    root = make_example_tree(tmp_path)
    write_pyproject(root, '[tool.tfintegrity]\nselect = ["TFI001"]\nignore = ["TFI002"]\n')
    assert sorted({f.code for f in check(root, select=("TFI002", "TFI004"))}) == ["TFI004"]
    assert sorted({f.code for f in check(root, ignore=("TFI004",), select=("TFI00",))}) == [
        "TFI001", "TFI005", "TFI006", "TFI007", "TFI008"]


def test_other_tools_sections_are_ignored(tmp_path):
    root = make_tree(tmp_path)
    write_pyproject(root, '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 119\n')
    assert invoke(["check", "--root", str(root)]).exit_code == 0


# --------------------------------------------------------------------------- errors


def test_typo_key_exit_2_names_file_and_key(tmp_path):
    root = make_tree(tmp_path)
    write_pyproject(root, '[project]\nname = "x"\n\n[tool.tfintegrity]\nselct = ["TFI001"]\n')
    line = one_error_line(invoke(["check", "--root", str(root)]))
    assert line.startswith("pyproject.toml:5: error: ")
    assert "'selct'" in line and "select" in line


def test_unknown_code_in_config_select_exit_2(tmp_path):
    root = make_tree(tmp_path)
    write_pyproject(root, '[tool.tfintegrity]\nselect = ["TFI0X1"]\n')
    line = one_error_line(invoke(["check", "--root", str(root)]))
    assert line.startswith("pyproject.toml:2: error: ") and "TFI0X1" in line


def test_unknown_code_in_config_ignore_exit_2(tmp_path):
    root = make_tree(tmp_path)
    write_pyproject(root, '[tool.tfintegrity]\nignore = ["ABC123"]\n')
    line = one_error_line(invoke(["check", "--root", str(root)]))
    assert line.startswith("pyproject.toml:2: error: ") and "ABC123" in line


def test_unknown_code_in_per_symbol_ignores_exit_2(tmp_path):
    root = make_tree(tmp_path)
    write_pyproject(root, '[tool.tfintegrity.per-symbol-ignores]\nTFBertModel = ["TFI777"]\n')
    line = one_error_line(invoke(["check", "--root", str(root)]))
    assert line.startswith("pyproject.toml:2: error: ") and "TFI777" in line and "TFBertModel" in line


@pytest.mark.parametrize(
    "body, lineno",
    [
        ('[tool.tfintegrity]\nselect = \n', 2),
        ('[project]\nname = "x"\n\n[tool.tfintegrity]\nselect = ["TFI001"\nignore = []\n', 6),
        ('[tool.tfintegrity\nselect = []\n', 1),
    ],
)
def test_malformed_toml_exit_2_with_file_and_line(tmp_path, body, lineno):
    root = make_tree(tmp_path)
    write_pyproject(root, body)
    line = one_error_line(invoke(["check", "--root", str(root)]))
    assert line.startswith(f"pyproject.toml:{lineno}: error: "), line
    assert "TOML" in line


@pytest.mark.parametrize(
    "body, needle",
    [
        ('[tool.tfintegrity]\nselect = "TFI001"\n', "select"),
        ("[tool.tfintegrity]\nignore = [1]\n", "ignore"),
        ("[tool.tfintegrity]\npackage = 3\n", "package"),
        ('[tool.tfintegrity]\nper-symbol-ignores = ["TFI001"]\n', "per-symbol-ignores"),
        ('[tool.tfintegrity]\nextend-rules = "rules"\n', "extend-rules"),
        ("[tool.tfintegrity]\nbaseline = 1\n", "baseline"),
    ],
)
def test_wrong_types_exit_2_naming_the_key(tmp_path, body, needle):
    root = make_tree(tmp_path)
    write_pyproject(root, body)
    line = one_error_line(invoke(["check", "--root", str(root)]))
    assert line.startswith("pyproject.toml:2: error: ") and needle in line


def test_package_key_moves_the_package(tmp_path):
    root = make_tree(tmp_path)
    (root / "src").rename(root / "lib")
    for doc_line in ("utils/documentation_tests.txt",):
        text = (root / doc_line).read_text(encoding="utf-8").replace("src/transformers/", "lib/transformers/")
        (root / doc_line).write_text(text, encoding="utf-8")
    assert one_error_line(invoke(["check", "--root", str(root)]))
    write_pyproject(root, '[tool.tfintegrity]\npackage = "lib/transformers"\n')
    result = invoke(["check", "--root", str(root)])
    assert result.exit_code == 0, result.output


def test_rule_params_force_a_layout(tmp_path):
    """A layout the files do not make clear is forced by laying parameters over the rule's own."""
    root = make_example_tree(tmp_path)
    (root / "utils/tests_to_run.txt").write_text("src/transformers/models/bert/modeling_tf_bert.py\n", encoding="utf-8")
    write_pyproject(
        root,
        '[tool.tfintegrity]\nselect = ["TFI007"]\n'
        '[tool.tfintegrity.rule-params.TFI007]\nlists = [{path = "utils/tests_to_run.txt", mode = "listed"}]\n',
    )
    found = check(root)
    assert found and {f.path for f in found} == {"utils/tests_to_run.txt"}


def test_rule_params_of_an_unknown_code_or_a_bad_value_is_an_error(tmp_path):
    root = make_example_tree(tmp_path)
    write_pyproject(root, '[tool.tfintegrity]\n[tool.tfintegrity.rule-params.TFI907]\nlists = []\n')
    with pytest.raises(TfiError, match="unknown rule code 'TFI907'"):
        check(root)
    write_pyproject(root, '[tool.tfintegrity]\n[tool.tfintegrity.rule-params.TFI007]\nlists = [{path = "x"}]\n')
    with pytest.raises(TfiError, match="rule-params.TFI007.*path and a mode"):
        check(root)
