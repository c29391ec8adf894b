"""Sort keys and renderers of ``tfintegrity.fixes.pysource``, verified against the real 4.31.0 tree.

The self-verification re-renders every ``_import_structure[...]`` statement and relative
``from .x import ...`` of the top init and every model init, and every entry of every
``*_MAPPING_NAMES`` of the PyTorch and TF auto modules, from the parsed names in their existing order,
and compares with the original bytes.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from tfintegrity.fixes.pysource import (
    auto_mapping_key,
    isort_names,
    render_import,
    render_mapping,
    render_mapping_entry,
    render_structure,
    sort_objects,
    structure_form_for,
)
from tfintegrity.index.readers import _structure_statement, guard_of

# (file relative to src/transformers, first line) -> why the source is not what the renderer gives
NON_CANONICAL = {
    ("models/auto/modeling_auto.py", 621): (
        "last entry without trailing comma (MODEL_FOR_ZERO_SHOT_OBJECT_DETECTION_MAPPING_NAMES); the list is kept "
        "split by the comment line above the entry, so black adds no comma"
    ),
}

# TF-block _import_structure lists of 4.31.0 that are not in custom_init_isort order (model inits are not
# re-sorted by `make style` in 4.31.0: the names were appended at the end)
UNSORTED_TF_LISTS = [
    ("models/auto/__init__.py", 119),
    ("models/blip/__init__.py", 67),
    ("models/layoutlm/__init__.py", 61),
    ("models/wav2vec2/__init__.py", 57),
]


# --------------------------------------------------------------------------- unit tests


def test_sort_objects_groups_and_keys():
    names = ["shape_list", "TFBertModel", "TF_BERT_LIST", "TFBert_Layer", "TFBertForMaskedLM", "A_CONST", "load_tf"]
    assert sort_objects(names) == [
        "A_CONST",
        "TF_BERT_LIST",
        "TFBertForMaskedLM",
        "TFBert_Layer",  # "tfbertlayer" < "tfbertmodel"
        "TFBertModel",
        "load_tf",
        "shape_list",
    ]


def test_isort_names_keeps_underscores_and_types():
    mapping = ["TF_MODEL_FOR_MASKED_IMAGE_MODELING_MAPPING", "TF_MODEL_FOR_MASK_GENERATION_MAPPING"]
    assert isort_names(mapping) == mapping[::-1]
    assert sort_objects(mapping) == mapping  # custom_init_isort drops underscores: the reverse
    assert isort_names(["shape_list", "TFModel", "TF_LIST", "A"]) == ["TF_LIST", "A", "TFModel", "shape_list"]
    # case-insensitive first, natural digits
    natural = ["TFGPT1Model", "TFGPT2Model", "TFGpt10Model"]
    assert isort_names(["TFGPT2Model", "TFGpt10Model", "TFGPT1Model"]) == natural
    assert isort_names(["is_torch_available", "_LazyModule", "OptionalDependencyNotAvailable"]) == [
        "OptionalDependencyNotAvailable",
        "_LazyModule",
        "is_torch_available",
    ]


def test_auto_mapping_key_plain_string_order():
    keys = ["gpt2", "gpt-sw3", "deberta-v2", "deberta", "blenderbot-small", "blenderbot", "xlm_prophetnet"]
    assert sorted(keys, key=auto_mapping_key) == [
        "blenderbot",
        "blenderbot-small",
        "deberta",
        "deberta-v2",
        "gpt-sw3",
        "gpt2",
        "xlm_prophetnet",
    ]


def test_render_structure_forms():
    assert render_structure("modeling_tf_x", ["TFXModel"], "assign", "    ") == (
        '    _import_structure["modeling_tf_x"] = ["TFXModel"]\n'
    )
    assert render_structure("models.x", ["TFXModel"], "append", "    ") == (
        '    _import_structure["models.x"].append("TFXModel")\n'
    )
    assert render_structure("models.x", ["A", "B"], "extend") == '_import_structure["models.x"].extend(["A", "B"])\n'
    assert render_structure("models.x", ["A", "B"], "extend", exploded_hint=True) == (
        '_import_structure["models.x"].extend(\n    [\n        "A",\n        "B",\n    ]\n)\n'
    )
    exploded = '  _import_structure["k"] = [\n      "A",\n  ]\n'
    assert render_structure("k", ["A"], "assign", "  ", exploded_hint=True) == exploded
    long = ["N" * 50, "M" * 50]
    assert render_structure("models.some_model", long, "extend", "    ") == (
        '    _import_structure["models.some_model"].extend(\n'
        f'        ["{long[0]}", "{long[1]}"]\n'
        "    )\n"
    )
    assert render_structure("k", long, "assign", "    ") == (
        f'    _import_structure["k"] = [\n        "{long[0]}",\n        "{long[1]}",\n    ]\n'
    )
    assert render_structure("k", [], "assign") == '_import_structure["k"] = []\n'
    with pytest.raises(ValueError):
        render_structure("k", ["A", "B"], "append")
    assert structure_form_for("append", 2) == "extend"
    assert structure_form_for("extend", 1) == "append"
    assert structure_form_for("assign", 1) == "assign"


def test_render_import_forms():
    assert render_import("modeling_tf_x", 1, ["A", "B"], "        ") == "        from .modeling_tf_x import A, B\n"
    assert render_import("utils", 3, ["A"], exploded_hint=True) == "from ...utils import (\n    A,\n)\n"
    names = [f"TFSomeLongModelName{i}" for i in range(6)]
    assert render_import("models.x", 1, names, "    ") == (
        "    from .models.x import (\n" + "".join(f"        {n},\n" for n in names) + "    )\n"
    )
    assert render_import("", 1, ["x"]) == "from . import x\n"


def test_render_mapping_entry_forms():
    assert render_mapping_entry("bert", ["TFBertModel"]) == '        ("bert", "TFBertModel"),\n'
    assert render_mapping_entry("funnel", ["TFFunnelModel", "TFFunnelBaseModel"]) == (
        '        ("funnel", ("TFFunnelModel", "TFFunnelBaseModel")),\n'
    )
    values = ["TFEfficientFormerForImageClassification", "TFEfficientFormerForImageClassificationWithTeacher"]
    assert render_mapping_entry("efficientformer", values) == (
        "        (\n"
        '            "efficientformer",\n'
        '            ("TFEfficientFormerForImageClassification", '
        '"TFEfficientFormerForImageClassificationWithTeacher"),\n'
        "        ),\n"
    )
    longer = ["X" * 60, "Y" * 60]
    assert render_mapping_entry("k", longer) == (
        f'        (\n            "k",\n            (\n                "{longer[0]}",\n                "{longer[1]}",\n'
        "            ),\n        ),\n"
    )


def test_render_mapping_forms():
    assert render_mapping("M", [("a", ("A",))]) == 'M = OrderedDict([("a", "A")])\n'
    exploded = 'M = OrderedDict(\n    [\n        ("a", "A"),\n    ]\n)\n'
    assert render_mapping("M", [("a", ("A",))], exploded_hint=True) == exploded
    entries = [("k" + str(i), ("TFSomeModelName" + str(i),)) for i in range(3)]
    assert render_mapping("TF_MODEL_FOR_SOMETHING_MAPPING_NAMES", entries) == (
        "TF_MODEL_FOR_SOMETHING_MAPPING_NAMES = OrderedDict(\n"
        '    [("k0", "TFSomeModelName0"), ("k1", "TFSomeModelName1"), ("k2", "TFSomeModelName2")]\n'
        ")\n"
    )


# --------------------------------------------------------------------------- real tree


def _magic(source: str) -> bool:
    """The statement spans several lines and its last element is followed by a comma."""
    stripped = source.rstrip()
    while stripped and stripped[-1] in ")] \n\t":
        stripped = stripped[:-1]
    return "\n" in source.strip() and stripped.endswith(",")


def _segment(lines: List[str], node: ast.AST) -> str:
    return "".join(lines[node.lineno - 1 : node.end_lineno])  # type: ignore[attr-defined]


def _exact(lines: List[str], node: ast.AST) -> str:
    """The node's own source (these files are ASCII, so ast's byte columns are character columns)."""
    first, last = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined]
    if first == last:
        return lines[first][node.col_offset : node.end_col_offset]  # type: ignore[attr-defined]
    start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
    return lines[first][start:] + "".join(lines[first + 1 : last]) + lines[last][:end]


def _init_files(src: Path) -> List[Path]:
    models = sorted(src.glob("models/*/__init__.py")) + sorted(src.glob("models/deprecated/*/__init__.py"))
    return [src / "__init__.py"] + models


def _init_statements(path: Path) -> Tuple[List[Tuple[str, str, ast.AST]], List[List[str]]]:
    """(kind, original source, node) of every structure statement and relative from-import; import name lists."""
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    found: List[Tuple[str, str, ast.AST]] = []
    import_lists: List[List[str]] = []

    def structures(body):
        for node in body:
            statement = _structure_statement(node)
            if statement is not None and statement.form != "other":
                names = [n.name for n in statement.names]
                source = _segment(lines, node)
                indent = " " * node.col_offset
                rendered = render_structure(statement.key, names, statement.form, indent, _magic(source))
                found.append(("structure", source, rendered, node))

    def imports(body):
        for node in body:
            if isinstance(node, ast.ImportFrom) and node.level and node.names[0].name != "*":
                names = [a.name for a in node.names]
                source = _segment(lines, node)
                rendered = render_import(node.module or "", node.level, names, " " * node.col_offset, _magic(source))
                found.append(("import", source, rendered, node))
                import_lists.append(names)

    for node in tree.body:
        if guard_of(node) is not None:
            structures(node.orelse)
        elif isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for inner in node.body:
                imports(inner.orelse if guard_of(inner) is not None else [inner])
        else:
            structures([node])
    return found, import_lists


def _mapping_nodes(path: Path):
    text = path.read_text()
    tree = ast.parse(text)
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id.endswith("_MAPPING_NAMES")
            and isinstance(node.value, ast.Call)
            and node.value.args
            and isinstance(node.value.args[0], ast.List)
        ):
            yield node


def _entry(element: ast.Tuple) -> Tuple[str, Tuple[str, ...]]:
    key, value = element.elts
    if isinstance(value, ast.Constant):
        return key.value, (value.value,)  # type: ignore[attr-defined]
    return key.value, tuple(e.value for e in value.elts)  # type: ignore[attr-defined]


def test_self_verification_inits(real_tree_pristine):
    src = real_tree_pristine / "src" / "transformers"
    counts: Dict[str, List[int]] = {}
    failures = []
    for path in _init_files(src):
        statements, _ = _init_statements(path)
        for kind, source, rendered, node in statements:
            total = counts.setdefault(kind, [0, 0])
            total[0] += 1
            if source == rendered:
                total[1] += 1
            else:
                failures.append(f"{path.relative_to(src)}:{node.lineno}\n{source}--- rendered:\n{rendered}")
    print(f"\nself-verification inits: {len(_init_files(src))} files; " + ", ".join(
        f"{kind} {ok}/{total}" for kind, (total, ok) in counts.items()
    ))
    assert counts["structure"][0] > 900 and counts["import"][0] > 1400
    assert not failures, "\n".join(failures[:10])


def test_self_verification_mappings(real_tree_pristine):
    auto = real_tree_pristine / "src" / "transformers" / "models" / "auto"
    entries_total = entries_ok = statements_total = statements_ok = 0
    failures = []
    allowed = []
    for name in ("modeling_tf_auto.py", "modeling_auto.py"):
        path = auto / name
        text = path.read_text()
        lines = text.splitlines(keepends=True)
        for node in _mapping_nodes(path):
            listed = node.value.args[0]  # type: ignore[attr-defined]
            source = _segment(lines, node)
            mapping = node.targets[0].id  # type: ignore[attr-defined]
            entries = [_entry(e) for e in listed.elts]
            if "#" not in source:
                statements_total += 1
                rendered = render_mapping(mapping, entries, "", _magic(source))
                if rendered == source:
                    statements_ok += 1
                else:
                    failures.append(f"{name}:{node.lineno} statement\n{source}--- rendered:\n{rendered}")
            if node.lineno == node.end_lineno:
                continue  # a one-line mapping: its entries are not on lines of their own (checked as a statement)
            for element in listed.elts:
                entries_total += 1
                key, values = _entry(element)
                original = _segment(lines, element)
                value_node = element.elts[1]
                exploded = _magic(_exact(lines, element))
                value_exploded = isinstance(value_node, ast.Tuple) and _magic(_exact(lines, value_node))
                rendered = render_mapping_entry(key, values, " " * element.col_offset, exploded, value_exploded)
                if rendered == original:
                    entries_ok += 1
                elif (f"models/auto/{name}", element.lineno) in NON_CANONICAL:
                    allowed.append(f"{name}:{element.lineno}")
                else:
                    failures.append(f"{name}:{element.lineno}\n{original}--- rendered:\n{rendered}")
    print(
        f"\nself-verification mappings: entries {entries_ok}/{entries_total} "
        f"(allowlisted: {', '.join(allowed) or 'none'}), "
        f"whole statements without comments {statements_ok}/{statements_total}"
    )
    assert entries_total > 1000
    assert not failures, "\n".join(failures[:10])


def test_isort_names_agrees_with_real_imports(real_tree_pristine):
    src = real_tree_pristine / "src" / "transformers"
    total = agree = 0
    disagree = []
    for path in _init_files(src):
        _, import_lists = _init_statements(path)
        for names in import_lists:
            if len(names) < 2:
                continue
            total += 1
            if isort_names(names) == names:
                agree += 1
            else:
                disagree.append((path.relative_to(src), names))
    print(f"\nisort_names agrees with {agree}/{total} multi-name from-imports of the TYPE_CHECKING halves")
    assert total > 1000
    assert not disagree, disagree[:5]


def test_sort_objects_agrees_with_real_structure_lists(real_tree_pristine):
    """custom_init_isort order holds for every list in a TF block; other backends have unsorted lists in 4.31.0."""
    src = real_tree_pristine / "src" / "transformers"
    total = agree = tf_total = 0
    disagree = []
    for path in _init_files(src):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Try) or guard_of(node) is None:
                continue
            for stmt in node.orelse:
                statement = _structure_statement(stmt)
                if statement is None or statement.form == "other" or len(statement.names) < 2:
                    continue
                names = [n.name for n in statement.names]
                total += 1
                tf = guard_of(node) == ("is_tf_available",)
                tf_total += tf
                if sort_objects(names) == names:
                    agree += 1
                else:
                    disagree.append((str(path.relative_to(src)), stmt.lineno, tf))
    print(
        f"\nsort_objects agrees with {agree}/{total} multi-name guarded _import_structure lists "
        f"({tf_total} in TF blocks; unsorted TF lists: {[d[:2] for d in disagree if d[2]]}; "
        f"{sum(not d[2] for d in disagree)} unsorted lists of other backends, e.g. {disagree[:2]})"
    )
    assert tf_total > 60
    assert sorted(d[:2] for d in disagree if d[2]) == sorted(UNSORTED_TF_LISTS)
