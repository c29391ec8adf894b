"""TFI011 (``module_all``): ``__all__`` of TF modeling files behind a computed init, and the init's star import.

Each test writes a tiny 4.48-shaped tree by hand (the synthetic tree of ``tests/synthtree.py`` has the 4.31
layout, where this rule does nothing): ``foo`` (a computed init, a constant, a main layer, a helper module
``modeling_tf_foo_text`` whose class ``modeling_tf_foo`` re-exports), ``bar`` (computed, a one-line list)
and ``legacy`` (an init that lists its names, no ``__all__``). One mutation, then exact findings, then one
``--fix`` whose bytes are compared with the expected text.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from click.testing import CliRunner

from checks import col_of, edit, line_of, read
from tfintegrity import api, cli
from tfintegrity.checks.module_all import ModuleAll, binding_evidence, render_list
from tfintegrity.errors import TfiError
from tfintegrity.ruleset import load_ruleset

PKG = "src/transformers"
MODELS = f"{PKG}/models"
FOO_INIT = f"{MODELS}/foo/__init__.py"
FOO_TF = f"{MODELS}/foo/modeling_tf_foo.py"
FOO_TEXT = f"{MODELS}/foo/modeling_tf_foo_text.py"
BAR_INIT = f"{MODELS}/bar/__init__.py"
BAR_TF = f"{MODELS}/bar/modeling_tf_bar.py"
LEGACY_TF = f"{MODELS}/legacy/modeling_tf_legacy.py"

HEADER = "# Copyright 2024 The HuggingFace Team. All rights reserved.\n"


def computed_init(modules: List[str]) -> str:
    stars = "".join(f"    from .{m} import *\n" for m in modules)
    return (
        HEADER
        + "from typing import TYPE_CHECKING\n\n"
        + "from ...utils import _LazyModule\n"
        + "from ...utils.import_utils import define_import_structure\n\n\n"
        + "if TYPE_CHECKING:\n"
        + stars
        + "else:\n"
        + "    import sys\n\n"
        + '    _file = globals()["__file__"]\n'
        + "    sys.modules[__name__] = _LazyModule(\n"
        + "        __name__, _file, define_import_structure(_file), module_spec=__spec__\n"
        + "    )\n"
    )


FOO_MODELING = '''"""TF 2.0 Foo model."""

from __future__ import annotations

import tensorflow as tf

from ...modeling_tf_utils import TFPreTrainedModel, keras
from .configuration_foo import FooConfig
from .modeling_tf_foo_text import TFFooTextModel


TF_FOO_PRETRAINED_MODEL_ARCHIVE_LIST = ["foo-base"]


class TFFooMainLayer(keras.layers.Layer):
    def call(self, inputs):
        return tf.identity(inputs)


class TFFooPreTrainedModel(TFPreTrainedModel):
    config_class = FooConfig


class TFFooModel(TFFooPreTrainedModel):
    def call(self, inputs):
        return inputs


class TFFooForMaskedLM(TFFooPreTrainedModel):
    def call(self, inputs):
        return inputs


__all__ = [
    "TF_FOO_PRETRAINED_MODEL_ARCHIVE_LIST",
    "TFFooForMaskedLM",
    "TFFooMainLayer",
    "TFFooModel",
    "TFFooPreTrainedModel",
    "TFFooTextModel",
]
'''

FOO_TEXT_MODELING = '''"""The text part of TF Foo."""

from ...modeling_tf_utils import TFPreTrainedModel


class TFFooTextPreTrainedModel(TFPreTrainedModel):
    pass


class TFFooTextModel(TFFooTextPreTrainedModel):
    pass
'''

BAR_MODELING = '''"""TF 2.0 Bar model."""

from ...modeling_tf_utils import TFPreTrainedModel


class TFBarPreTrainedModel(TFPreTrainedModel):
    pass


class TFBarModel(TFBarPreTrainedModel):
    pass


class TFBarForCausalLM(TFBarPreTrainedModel):
    pass


__all__ = ["TFBarForCausalLM", "TFBarModel", "TFBarPreTrainedModel"]
'''

LEGACY_INIT = (
    HEADER
    + """from typing import TYPE_CHECKING

from ...utils import OptionalDependencyNotAvailable, _LazyModule, is_tf_available


_import_structure = {"configuration_legacy": ["LegacyConfig"]}

try:
    if not is_tf_available():
        raise OptionalDependencyNotAvailable()
except OptionalDependencyNotAvailable:
    pass
else:
    _import_structure["modeling_tf_legacy"] = ["TFLegacyModel", "TFLegacyPreTrainedModel"]


if TYPE_CHECKING:
    from .configuration_legacy import LegacyConfig

    try:
        if not is_tf_available():
            raise OptionalDependencyNotAvailable()
    except OptionalDependencyNotAvailable:
        pass
    else:
        from .modeling_tf_legacy import TFLegacyModel, TFLegacyPreTrainedModel

else:
    import sys

    sys.modules[__name__] = _LazyModule(__name__, globals()["__file__"], _import_structure, module_spec=__spec__)
"""
)

LEGACY_MODELING = """from ...modeling_tf_utils import TFPreTrainedModel


class TFLegacyPreTrainedModel(TFPreTrainedModel):
    pass


class TFLegacyModel(TFLegacyPreTrainedModel):
    pass
"""


def config(name: str) -> str:
    return f'class {name.capitalize()}Config:\n    model_type = "{name}"\n'


def tree_files() -> Dict[str, str]:
    return {
        f"{PKG}/__init__.py": "",
        FOO_INIT: computed_init(["configuration_foo", "modeling_tf_foo"]),
        f"{MODELS}/foo/configuration_foo.py": config("foo"),
        FOO_TF: FOO_MODELING,
        FOO_TEXT: FOO_TEXT_MODELING,
        BAR_INIT: computed_init(["configuration_bar", "modeling_bar", "modeling_tf_bar", "tokenization_bar"]),
        f"{MODELS}/bar/configuration_bar.py": config("bar"),
        BAR_TF: BAR_MODELING,
        f"{MODELS}/legacy/__init__.py": LEGACY_INIT,
        f"{MODELS}/legacy/configuration_legacy.py": config("legacy"),
        LEGACY_TF: LEGACY_MODELING,
    }


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "tree"
    for rel, text in tree_files().items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return folder


Row = Tuple[str, str, str, str, int]


def run(root: Path, fix: bool = False, **options):
    options.setdefault("select", ("TFI011",))
    result, _ = api.run(api.Options(root=root, fix=fix, use_baseline=False, **options))
    return result


def rows(root: Path, **options) -> List[Row]:
    return [(f.code, f.kind, f.symbol, f.path, f.line) for f in run(root, **options).findings]


def snapshot(root: Path) -> Dict[str, bytes]:
    return {rel: (root / rel).read_bytes() for rel in tree_files()}


# --------------------------------------------------------------------------- the clean tree


def test_the_clean_tree_has_no_finding(root: Path) -> None:
    assert rows(root) == []


def test_the_release_form_is_what_the_renderer_writes() -> None:
    assert render_list("__all__", ["TFBarForCausalLM", "TFBarModel", "TFBarPreTrainedModel"], False) == (
        '__all__ = ["TFBarForCausalLM", "TFBarModel", "TFBarPreTrainedModel"]\n'
    )
    exploded = FOO_MODELING[FOO_MODELING.index("__all__ = [") :]
    names = [line.strip()[1:-2] for line in exploded.splitlines()[1:-1]]
    assert render_list("__all__", names, True) == exploded
    assert render_list("__all__", [], False) == "__all__ = []\n"


# --------------------------------------------------------------------------- __all__ entries


def test_a_removed_class_is_reported_at_the_list_and_put_back(root: Path) -> None:
    original = snapshot(root)
    edit(root, FOO_TF, '    "TFFooModel",\n', "")
    assert rows(root) == [("TFI011", "missing", "TFFooModel", FOO_TF, line_of(root, FOO_TF, "__all__ = ["))]
    result = run(root, fix=True)
    assert result.findings == () and result.changed_files == (FOO_TF,)
    assert snapshot(root) == original


def test_a_removed_constant_goes_back_first(root: Path) -> None:
    original = snapshot(root)
    edit(root, FOO_TF, '    "TF_FOO_PRETRAINED_MODEL_ARCHIVE_LIST",\n', "")
    assert [r[:3] for r in rows(root)] == [("TFI011", "missing", "TF_FOO_PRETRAINED_MODEL_ARCHIVE_LIST")]
    run(root, fix=True)
    assert snapshot(root) == original


def test_a_one_line_list_takes_a_name_and_explodes_past_119_columns(root: Path) -> None:
    edit(
        root,
        BAR_TF,
        "\n\n__all__",
        "\n\nclass TFBarForSequenceClassificationWithAnExceptionallyLongNameIndeed(TFBarPreTrainedModel):\n"
        "    pass\n\n\n__all__",
    )
    assert [r[:3] for r in rows(root)] == [
        ("TFI011", "missing", "TFBarForSequenceClassificationWithAnExceptionallyLongNameIndeed")
    ]
    run(root, fix=True)
    assert read(root, BAR_TF).endswith(
        "__all__ = [\n"
        '    "TFBarForCausalLM",\n'
        '    "TFBarForSequenceClassificationWithAnExceptionallyLongNameIndeed",\n'
        '    "TFBarModel",\n'
        '    "TFBarPreTrainedModel",\n'
        "]\n"
    )


def test_a_name_the_module_does_not_bind_is_stale_and_removed(root: Path) -> None:
    original = snapshot(root)
    edit(root, FOO_TF, '    "TFFooForMaskedLM",\n', '    "TFFooForMaskedLM",\n    "TFFooGone",\n')
    line = line_of(root, FOO_TF, '"TFFooGone"')
    assert rows(root) == [("TFI011", "stale", "TFFooGone", FOO_TF, line)]
    found = run(root).findings[0]
    assert found.column == col_of(root, FOO_TF, line, '"TFFooGone"') and found.fixable
    run(root, fix=True)
    assert snapshot(root) == original


def test_a_name_bound_inside_a_module_level_block_is_not_stale(root: Path) -> None:
    edit(root, FOO_TF, '    "TFFooForMaskedLM",\n', '    "TFFooFast",\n    "TFFooForMaskedLM",\n')
    edit(
        root,
        FOO_TF,
        "\n\n__all__",
        "\n\ntry:\n    from .fast import TFFooFast\nexcept ImportError:\n    TFFooFast = None\n\n\n__all__",
    )
    assert rows(root) == []


def test_a_module_that_binds_names_dynamically_keeps_the_name(root: Path) -> None:
    edit(root, FOO_TF, '    "TFFooForMaskedLM",\n', '    "TFFooForMaskedLM",\n    "TFFooGone",\n')
    edit(root, FOO_TF, "\n\n__all__", '\n\nglobals()["TF" + "FooGone"] = TFFooModel\n\n\n__all__')
    before = snapshot(root)
    findings = run(root).findings
    assert [(f.kind, f.symbol, f.fixable) for f in findings] == [("stale", "TFFooGone", False)]
    assert "nothing proves it stale" in findings[0].message
    run(root, fix=True)
    assert snapshot(root) == before


@pytest.mark.parametrize(
    "source, expected",
    [
        ("class X:\n    pass\n", "bound"),
        ("try:\n    import X\nexcept ImportError:\n    pass\n", "bound"),
        ("if True:\n    X = 1\n", "bound"),
        ("for X in range(3):\n    pass\n", "bound"),
        ("with open('f') as X:\n    pass\n", "bound"),
        ("def f():\n    global X\n    X = 1\n", "bound"),
        ("try:\n    pass\nexcept Exception as X:\n    pass\n", "bound"),
        ("def f():\n    X = 1\n", "unbound"),
        ("class C:\n    X = 1\n", "unbound"),
        ("class C:\n    def f(self):\n        setattr(self, 'X', 1)\n", "unbound"),
        ("from .other import *\n", "dynamic"),
        ("import sys\nsetattr(sys.modules[__name__], 'X', 1)\n", "dynamic"),
        ("vars().update(X=1)\n", "dynamic"),
        ("def __getattr__(name):\n    return name\n", "dynamic"),
    ],
)
def test_binding_evidence(source: str, expected: str) -> None:
    assert binding_evidence(source, "m.py", "X") == expected


def test_a_duplicate_is_reported_at_its_second_place_and_dropped(root: Path) -> None:
    original = snapshot(root)
    edit(root, FOO_TF, '    "TFFooTextModel",\n', '    "TFFooTextModel",\n    "TFFooModel",\n')
    assert rows(root) == [
        ("TFI011", "duplicate", "TFFooModel", FOO_TF, line_of(root, FOO_TF, '"TFFooModel"', last=True)),
    ]
    run(root, fix=True)
    assert snapshot(root) == original


def test_an_unsorted_list_is_reported_and_sorted(root: Path) -> None:
    original = snapshot(root)
    edit(root, BAR_TF, '["TFBarForCausalLM", "TFBarModel"', '["TFBarModel", "TFBarForCausalLM"')
    assert rows(root) == [("TFI011", "order", "modeling_tf_bar", BAR_TF, line_of(root, BAR_TF, "__all__ = ["))]
    run(root, fix=True)
    assert snapshot(root) == original


def test_a_name_goes_in_before_the_first_that_sorts_after_it_when_the_order_is_baselined(root: Path) -> None:
    edit(
        root,
        BAR_TF,
        '["TFBarForCausalLM", "TFBarModel", "TFBarPreTrainedModel"]',
        '["TFBarPreTrainedModel", "TFBarForCausalLM"]',
    )
    (root / ".tfintegrity-baseline.json").write_text(
        '{"version": 1, "findings": [{"code": "TFI011", "symbol": "modeling_tf_bar", '
        f'"place": "{BAR_TF}:modeling-all", "kind": "order", "message": ""}}]}}\n'
    )
    result, _ = api.run(api.Options(root=root, select=("TFI011",), fix=True))
    assert result.changed_files == (BAR_TF,)
    assert read(root, BAR_TF).endswith('__all__ = ["TFBarModel", "TFBarPreTrainedModel", "TFBarForCausalLM"]\n')


# --------------------------------------------------------------------------- no __all__ at all


def test_a_file_without_all_is_reported_per_class_and_gets_the_release_form(root: Path) -> None:
    original = snapshot(root)
    edit(root, BAR_TF, '\n\n__all__ = ["TFBarForCausalLM", "TFBarModel", "TFBarPreTrainedModel"]\n', "")
    assert rows(root) == sorted(
        [
            ("TFI011", "missing", name, BAR_TF, line_of(root, BAR_TF, f"class {name}("))
            for name in ("TFBarPreTrainedModel", "TFBarModel", "TFBarForCausalLM")
        ],
        key=lambda r: r[4],
    )
    run(root, fix=True)
    assert snapshot(root) == original


def test_a_new_list_holds_only_what_the_rule_requires(root: Path) -> None:
    text = read(root, FOO_TF)
    (root / FOO_TF).write_text(text[: text.index("\n\n__all__")] + "\n\n\n", encoding="utf-8")  # and blank lines
    run(root, fix=True)
    assert read(root, FOO_TF) == text[: text.index("__all__")] + (
        '__all__ = ["TF_FOO_PRETRAINED_MODEL_ARCHIVE_LIST", "TFFooForMaskedLM", "TFFooModel", '
        '"TFFooPreTrainedModel"]\n'
    )
    ast.parse(read(root, FOO_TF))


def test_a_file_ending_with_a_comment_keeps_it_above_the_new_list(root: Path) -> None:
    edit(root, BAR_TF, '\n\n__all__ = ["TFBarForCausalLM", "TFBarModel", "TFBarPreTrainedModel"]\n', "\n# the end\n")
    run(root, fix=True)
    assert read(root, BAR_TF).endswith(
        '    pass\n\n# the end\n\n\n__all__ = ["TFBarForCausalLM", "TFBarModel", "TFBarPreTrainedModel"]\n'
    )


# --------------------------------------------------------------------------- the init's star import


@pytest.mark.parametrize("init, stem", [(BAR_INIT, "modeling_tf_bar"), (FOO_INIT, "modeling_tf_foo")])
def test_a_removed_star_import_is_reported_and_goes_back_at_its_sorted_place(root: Path, init: str, stem: str) -> None:
    original = snapshot(root)
    edit(root, init, f"    from .{stem} import *\n", "")
    assert rows(root) == [("TFI011", "missing", stem, init, line_of(root, init, "if TYPE_CHECKING:"))]
    run(root, fix=True)
    assert snapshot(root) == original


def test_a_star_import_that_would_come_first_takes_the_leading_comment(root: Path) -> None:
    edit(root, BAR_INIT, "    from .configuration_bar import *\n", "")
    edit(root, BAR_INIT, "if TYPE_CHECKING:\n", "if TYPE_CHECKING:\n    # the modules\n")
    edit(root, BAR_INIT, "    from .modeling_tf_bar import *\n", "")
    edit(
        root,
        BAR_INIT,
        "    from .modeling_bar import *\n",
        "    from .modeling_bar import *\n    from .zzz import *\n",
    )
    run(root, fix=True)
    assert (
        "if TYPE_CHECKING:\n    # the modules\n    from .modeling_bar import *\n    from .modeling_tf_bar import *\n"
        in (read(root, BAR_INIT))
    )


def test_a_helper_module_is_checked_once_the_init_imports_it(root: Path) -> None:
    assert rows(root) == []  # modeling_tf_foo imports from it; no __all__, no star import: a building part
    edit(
        root,
        FOO_INIT,
        "    from .modeling_tf_foo import *\n",
        "    from .modeling_tf_foo import *\n    from .modeling_tf_foo_text import *\n",
    )
    assert rows(root) == [
        (
            "TFI011",
            "missing",
            "TFFooTextPreTrainedModel",
            FOO_TEXT,
            line_of(root, FOO_TEXT, "class TFFooTextPreTrainedModel"),
        ),
        ("TFI011", "missing", "TFFooTextModel", FOO_TEXT, line_of(root, FOO_TEXT, "class TFFooTextModel")),
    ]


def test_an_init_that_lists_its_names_is_left_to_the_init_rules(root: Path) -> None:
    assert "__all__" not in read(root, LEGACY_TF)
    assert rows(root) == []
    assert run(root, fix=True).changed_files == ()


# --------------------------------------------------------------------------- what is not edited


def test_a_list_that_is_not_literal_is_reported_and_left_alone(root: Path) -> None:
    edit(
        root,
        BAR_TF,
        '__all__ = ["TFBarForCausalLM", "TFBarModel", "TFBarPreTrainedModel"]',
        '__all__ = ["TFBarModel"] + []',
    )
    before = snapshot(root)
    findings = run(root).findings
    assert [(f.kind, f.symbol, f.fixable) for f in findings] == [("wrong", "modeling_tf_bar", False)]
    run(root, fix=True)
    assert snapshot(root) == before


def test_a_list_built_by_two_statements_is_reported_and_left_alone(root: Path) -> None:
    edit(root, BAR_TF, '"TFBarModel", ', "")
    (root / BAR_TF).write_text(read(root, BAR_TF) + '__all__ += ["TFBarModel"]\n', encoding="utf-8")
    before = snapshot(root)
    assert [(f.kind, f.fixable) for f in run(root).findings] == [("wrong", False)]
    run(root, fix=True)
    assert snapshot(root) == before


def test_a_list_with_comments_inside_is_not_rewritten(root: Path) -> None:
    edit(root, FOO_TF, '    "TFFooModel",\n', "    # models\n")
    before = snapshot(root)
    result = run(root, fix=True)
    assert [u.finding.symbol for u in result.unfixed] == ["TFFooModel"]
    assert "comments inside" in result.unfixed[0].reason
    assert snapshot(root) == before


def test_crlf_line_endings_are_kept(root: Path) -> None:
    path = root / FOO_TF
    path.write_bytes(FOO_MODELING.replace("\n", "\r\n").encode())
    original = path.read_bytes()
    path.write_bytes(original.replace(b'    "TFFooModel",\r\n', b""))
    run(root, fix=True)
    assert path.read_bytes() == original


# --------------------------------------------------------------------------- rules are data

RULE = """
code = "TFX011"
slug = "exports-list"
summary = "The module's export list."
backend = "tf"
applies_to = "required"
primitive = "module_all"
target = "{{package}}/models/{{folder}}/{{module}}.py"
what = "-"
why = "-"
example = "-"
fix_safety = "-"

[params]
list_name = "{list_name}"
init = "{{package}}/models/{{folder}}/__init__.py"
import = "{template}"
order = "{order}"
blank_lines = {blank}
"""


def rules_dir(
    tmp_path: Path,
    list_name: str = "__exports__",
    template: str = "from .{module} import *",
    order: str = "isort",
    blank: str = "2",
) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    text = RULE.format(list_name=list_name, template=template, order=order, blank=blank)
    (folder / "TFX011-exports-list.toml").write_text(text)
    return folder


def test_the_list_name_is_the_rule_s_data(root: Path, tmp_path: Path) -> None:
    rules = rules_dir(tmp_path)
    edit(root, BAR_TF, '__all__ = ["TFBarForCausalLM", "TFBarModel"', '__exports__ = ["TFBarForCausalLM"')
    found = rows(root, select=("TFX",), rules_dirs=(rules,))
    assert [r[:4] for r in found] == [("TFX011", "missing", "TFBarModel", BAR_TF)] + [
        ("TFX011", "missing", name, FOO_TF)
        for name in ("TF_FOO_PRETRAINED_MODEL_ARCHIVE_LIST", "TFFooPreTrainedModel", "TFFooModel", "TFFooForMaskedLM")
    ]
    run(root, fix=True, select=("TFX",), rules_dirs=(rules,))
    assert read(root, BAR_TF).endswith('__exports__ = ["TFBarForCausalLM", "TFBarModel", "TFBarPreTrainedModel"]\n')


@pytest.mark.parametrize(
    "params, message",
    [
        ({"list_name": "not a name"}, "list_name must be a Python name"),
        ({"template": "import {module}"}, "must be one relative"),
        ({"template": "from .x import *"}, "must contain {module}"),
        ({"template": "from .{module} import {other}"}, "only {module}"),
        ({"order": "alphabetical"}, "order must be one of isort, objects"),
        ({"blank": "3"}, "blank_lines must be 0, 1 or 2"),
        ({"blank": '"two"'}, "parameter 'blank_lines' must be a int"),
    ],
)
def test_bad_params_are_one_line_errors_naming_the_rule_file(root: Path, tmp_path: Path, params, message) -> None:
    rules = rules_dir(tmp_path, **params)
    with pytest.raises(TfiError) as raised:
        load_ruleset([rules])
    assert message in raised.value.message and raised.value.path.endswith("TFX011-exports-list.toml")
    result = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--rules-dir", str(rules)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "TFX011-exports-list.toml" in lines[0] and "error:" in lines[0], result.stderr


def test_the_builtin_rule_validates() -> None:
    rule = next(r for r in load_ruleset().rules if r.code == "TFI011")
    assert ModuleAll().validate_params(rule.params) is None
    assert rule.params["list_name"] == "__all__" and rule.params["import"] == "from .{module} import *"


def test_a_syntax_error_met_while_looking_for_evidence_is_one_line(root: Path) -> None:
    edit(root, FOO_TF, '    "TFFooModel",\n', '    "TFFooModel",\n    "TFFooGone",\n')
    edit(root, FOO_TF, "        return tf.identity(inputs)\n", "        return tf.identity(inputs))\n")
    result = CliRunner().invoke(cli.main, ["check", "--root", str(root), "--select", "TFI011"])
    assert result.exit_code == 2
    line = line_of(root, FOO_TF, "tf.identity(inputs))")
    assert result.stderr.strip().splitlines() == [f"{FOO_TF}:{line}: error: cannot parse Python: unmatched ')'"]
