"""TFI005 (``auto_mapping``) on the synthetic tree: entries mirror the PyTorch mappings, in the names layout
(4.10 on) and, with the tree's auto modules rewritten in 4.2's form, in the object layout."""

from __future__ import annotations

import ast
import re

import pytest
from checks import AUTO_PT, AUTO_TF, check, edit, line_of, make_tree, read, rows, tf_modeling

from tfintegrity.errors import TfiError


def _closing_line(root, mapping):
    """The ``    ]`` line that closes ``mapping`` (where an entry sorting last is inserted)."""
    start = line_of(root, AUTO_TF, f"{mapping} = OrderedDict(")
    lines = read(root, AUTO_TF).splitlines()
    return next(i + 1 for i in range(start, len(lines)) if lines[i] == "    ]")


def test_complete_tree_has_no_tfi005(tmp_path):
    assert rows(make_tree(tmp_path), select=("TFI005",)) == []


def test_missing_entry_points_where_it_belongs(tmp_path):
    root = make_tree(tmp_path)
    edit(root, AUTO_TF, '        ("bert", "TFBertModel"),\n', "")
    line = line_of(root, AUTO_TF, '("brand-new-bert", "TFBrandNewBertModel")')
    assert rows(root) == [("TFI005", "missing", "TFBertModel", AUTO_TF, line)]
    (finding,) = check(root)
    assert finding.model == "bert" and finding.column == 9 and finding.fixable
    assert "TF_MODEL_MAPPING_NAMES" in finding.message and finding.place.endswith(":TF_MODEL_MAPPING_NAMES")


def test_class_inherited_across_files_is_required_in_every_mapping_of_its_counterpart(tmp_path):
    root = make_tree(tmp_path)
    edit(root, AUTO_TF, '        ("tiny", "TFTinyForMaskedLM"),\n', "", count=2)
    found = check(root)
    assert [(f.code, f.kind, f.symbol, f.path, f.line) for f in found] == [
        ("TFI005", "missing", "TFTinyForMaskedLM", AUTO_TF, _closing_line(root, "TF_MODEL_WITH_LM_HEAD_MAPPING_NAMES")),
        ("TFI005", "missing", "TFTinyForMaskedLM", AUTO_TF,
         _closing_line(root, "TF_MODEL_FOR_MASKED_LM_MAPPING_NAMES")),
    ]
    assert [f.place.rsplit(":", 1)[1] for f in found] == [
        "TF_MODEL_WITH_LM_HEAD_MAPPING_NAMES",
        "TF_MODEL_FOR_MASKED_LM_MAPPING_NAMES",
    ]


def test_a_new_pytorch_entry_asks_for_its_tf_twin(tmp_path):
    """TF mirrors PyTorch: a counterpart entry in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES asks for the TF class."""
    root = make_tree(tmp_path)
    edit(root, AUTO_PT, '        ("brand-new-bert", "BrandNewBertForCausalLM"),\n',
         '        ("bert", "BertModel"),\n        ("brand-new-bert", "BrandNewBertForCausalLM"),\n')
    line = line_of(root, AUTO_TF, '("brand-new-bert", "TFBrandNewBertForCausalLM")')
    assert rows(root) == [("TFI005", "missing", "TFBertModel", AUTO_TF, line)]


def test_stale_entry(tmp_path):
    root = make_tree(tmp_path)
    edit(root, AUTO_TF, '("bert", "TFBertForSequenceClassification")', '("bert", "TFBertForSeqClsGone")')
    stale = line_of(root, AUTO_TF, "TFBertForSeqClsGone")
    closing = _closing_line(root, "TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES")
    assert rows(root) == [
        ("TFI005", "stale", "TFBertForSeqClsGone", AUTO_TF, stale),
        ("TFI005", "missing", "TFBertForSequenceClassification", AUTO_TF, closing),
    ]
    assert stale < closing


def test_renamed_class_leaves_a_stale_entry(tmp_path):
    root = make_tree(tmp_path)
    edit(root, tf_modeling("bert"), "class TFBertForSequenceClassification(", "class TFBertForSeqCls(")
    line = line_of(root, AUTO_TF, '("bert", "TFBertForSequenceClassification")')
    assert rows(root, select=("TFI005",)) == [("TFI005", "stale", "TFBertForSequenceClassification", AUTO_TF, line)]


def test_order(tmp_path):
    root = make_tree(tmp_path)
    edit(root, AUTO_TF, '        ("bert", "TFBertModel"),\n        ("brand-new-bert", "TFBrandNewBertModel"),\n',
         '        ("brand-new-bert", "TFBrandNewBertModel"),\n        ("bert", "TFBertModel"),\n')
    line = line_of(root, AUTO_TF, "TF_MODEL_MAPPING_NAMES = OrderedDict(")
    assert rows(root) == [("TFI005", "order", "TF_MODEL_MAPPING_NAMES", AUTO_TF, line)]


def test_tf_only_class_falls_back_to_the_suffix_table(tmp_path):
    """No PyTorch class of that name at all: the suffix table decides (ForCausalLM -> causal LM mapping)."""
    root = make_tree(tmp_path)
    edit(root, tf_modeling("bert"), "class TFBertForSequenceClassification(",
         "class TFBertForCausalLM(TFBertPreTrainedModel):\n    pass\n\n\nclass TFBertForSequenceClassification(")
    line = line_of(root, AUTO_TF, '("brand-new-bert", "TFBrandNewBertForCausalLM")')
    assert rows(root, select=("TFI005",)) == [("TFI005", "missing", "TFBertForCausalLM", AUTO_TF, line)]


def test_counterpart_deliberately_left_out_of_every_pytorch_mapping_is_not_required(tmp_path):
    """PyTorch defines BertForCausalLM but maps it nowhere (as RagModel, BlipForQuestionAnswering or
    CLIPVisionModel in 4.31.0): TF mirrors that, so the TF twin belongs in no mapping either; the
    suffix table is only for TF classes without a PyTorch twin."""
    root = make_tree(tmp_path)
    edit(root, "src/transformers/models/bert/modeling_bert.py", "class BertModel(",
         "class BertForCausalLM(BertPreTrainedModel):\n    pass\n\n\nclass BertModel(")
    edit(root, tf_modeling("bert"), "class TFBertForSequenceClassification(",
         "class TFBertForCausalLM(TFBertPreTrainedModel):\n    pass\n\n\nclass TFBertForSequenceClassification(")
    assert rows(root, select=("TFI005",)) == []


def test_pytorch_only_model_needs_no_tf_entry(tmp_path):
    root = make_tree(tmp_path)
    assert '("llama", "LlamaModel")' in read(root, AUTO_PT)
    assert all(f.model != "llama" for f in check(root, select=("TFI005",)))


# --------------------------------------------------------------------------- the object layout (4.2)

def _defining_module(root, name):
    """``(folder, stem)`` of the modeling file that defines class ``name``."""
    for path in sorted((root / "src/transformers/models").glob("*/modeling_*.py")):
        if re.search(rf"^class {name}\(", path.read_text(encoding="utf-8"), re.M):
            return path.parent.name, path.stem
    raise AssertionError(name)


def _config_classes(root):
    """model_type -> (folder, configuration stem, configuration class)."""
    out = {}
    for path in sorted((root / "src/transformers/models").glob("*/configuration_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, ast.Assign) and getattr(stmt.targets[0], "id", "") == "model_type":
                        out[stmt.value.value] = (path.parent.name, path.stem, node.name)
    return out


def _as_objects(root, rel):
    """The auto module in 4.2's layout: ``NAME_MAPPING = OrderedDict([(BertConfig, TFBertModel), ...])`` with
    each name imported at the top (``from ..bert.modeling_tf_bert import ...``, one statement per module, in
    isort's order), written by hand here rather than by the tool."""
    text = read(root, rel)
    configs = _config_classes(root)
    imports = {}
    out = []
    for line in text.split("\n"):
        match = re.fullmatch(r'        \("([^"]+)", "(\w+)"\),', line)
        if match:
            folder, stem, config = configs[match.group(1)]
            imports.setdefault((folder, stem), set()).add(config)
            imports.setdefault(_defining_module(root, match.group(2)), set()).add(match.group(2))
            line = f"        ({config}, {match.group(2)}),"
        out.append(line.replace("_MAPPING_NAMES = OrderedDict(", "_MAPPING = OrderedDict("))
    header = [
        f"from ..{folder}.{stem} import {', '.join(sorted(names, key=str.lower))}"
        for (folder, stem), names in sorted(imports.items())
    ]
    anchor = "from ...utils import logging\n"
    new = "\n".join(out).replace(anchor, anchor + "\n".join(header) + "\n")
    (root / rel).write_text(new, encoding="utf-8")


def make_object_tree(tmp_path):
    root = make_tree(tmp_path)
    for rel in (AUTO_TF, AUTO_PT):
        _as_objects(root, rel)
    return root


def test_object_layout_complete_tree_has_no_tfi005(tmp_path):
    root = make_object_tree(tmp_path)
    assert "(BertConfig, TFBertModel)," in read(root, AUTO_TF)
    bert = "from ..bert.modeling_tf_bert import TFBertForMaskedLM, TFBertForSequenceClassification, TFBertModel\n"
    assert bert in read(root, AUTO_TF)
    assert rows(root, select=("TFI005",)) == []


def test_object_layout_missing_entry_is_reported_and_fixed_with_its_import(tmp_path):
    root = make_object_tree(tmp_path)
    complete = read(root, AUTO_TF)
    edit(root, AUTO_TF, "        (BertConfig, TFBertForSequenceClassification),\n", "")
    edit(root, AUTO_TF, "TFBertForMaskedLM, TFBertForSequenceClassification, TFBertModel\n",
         "TFBertForMaskedLM, TFBertModel\n")
    line = line_of(root, AUTO_TF, "TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING = OrderedDict(")  # now empty
    (finding,) = check(root, select=("TFI005",))
    assert (finding.kind, finding.symbol, finding.line, finding.fixable) == (
        "missing", "TFBertForSequenceClassification", line, True)
    assert finding.message == (
        "(BertConfig, TFBertForSequenceClassification) is missing from TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING")
    check(root, select=("TFI005",), fix=True)
    assert read(root, AUTO_TF) == complete


def test_object_layout_fix_creates_the_import_statements_of_a_whole_model(tmp_path):
    """tiny's entries and both its import statements gone: the fix writes them back at their isort places
    (the configuration class from the model's configuration file: the tree has no shared module)."""
    root = make_object_tree(tmp_path)
    complete = read(root, AUTO_TF)
    text = complete
    for line in re.findall(r"        \(TinyConfig, \w+\),\n|from \.\.tiny\.\w+ import [\w, ]+\n", complete):
        text = text.replace(line, "", 1)
    (root / AUTO_TF).write_text(text, encoding="utf-8")
    assert "Tiny" not in text
    assert {f.symbol for f in check(root, select=("TFI005",))} == {"TFTinyModel", "TFTinyForMaskedLM"}
    check(root, select=("TFI005",), fix=True)
    assert read(root, AUTO_TF) == complete


def test_object_layout_stale_entry_goes_with_its_import(tmp_path):
    root = make_object_tree(tmp_path)
    complete = read(root, AUTO_TF)
    edit(root, tf_modeling("bert"), "class TFBertForSequenceClassification(", "class TFBertForSeqCls(")
    assert rows(root, select=("TFI005",)) == [
        ("TFI005", "stale", "TFBertForSequenceClassification", AUTO_TF,
         line_of(root, AUTO_TF, "(BertConfig, TFBertForSequenceClassification)"))]
    check(root, select=("TFI005",), fix=True)
    without = complete.replace("        (BertConfig, TFBertForSequenceClassification),\n", "")
    assert read(root, AUTO_TF) == without.replace(
        "TFBertForMaskedLM, TFBertForSequenceClassification, TFBertModel\n", "TFBertForMaskedLM, TFBertModel\n")


def test_a_file_in_no_known_layout_is_reported_once_and_left_alone(tmp_path):
    root = make_tree(tmp_path)
    text = read(root, AUTO_TF).replace("_MAPPING_NAMES = OrderedDict(", "_TABLE = OrderedDict(")
    (root / AUTO_TF).write_text(text, encoding="utf-8")
    assert rows(root, select=("TFI005",)) == [("TFI005", "missing", AUTO_TF, AUTO_TF, 1)]
    (finding,) = check(root, select=("TFI005",))
    assert not finding.fixable and "no mapping in a layout the rule knows" in finding.message
    check(root, select=("TFI005",), fix=True)
    assert read(root, AUTO_TF) == text


def test_object_layout_entry_that_is_not_a_pair_is_a_one_line_error(tmp_path):
    root = make_object_tree(tmp_path)
    edit(root, AUTO_TF, "        (BertConfig, TFBertModel),\n", '        (BertConfig, "TFBertModel"),\n')
    line = line_of(root, AUTO_TF, '(BertConfig, "TFBertModel")')
    with pytest.raises(TfiError) as raised:
        check(root, select=("TFI005",))
    message = "TF_MODEL_MAPPING: an entry that is not a (ConfigClass, Class) pair"
    assert raised.value.render() == f"{AUTO_TF}:{line}: error: {message}"


def test_object_layout_key_mapped_to_another_class_is_left_to_a_person(tmp_path):
    root = make_object_tree(tmp_path)
    edit(root, AUTO_TF, "        (BertConfig, TFBertModel),\n", "        (BertConfig, TFBertForMaskedLM),\n")
    edit(root, AUTO_TF, "TFBertForMaskedLM, TFBertForSequenceClassification, TFBertModel\n",
         "TFBertForMaskedLM, TFBertForSequenceClassification\n")
    text = read(root, AUTO_TF)
    (finding,) = check(root, select=("TFI005",))
    assert finding.symbol == "TFBertModel" and not finding.fixable
    assert finding.line == line_of(root, AUTO_TF, "(BertConfig, TFBertForMaskedLM)")
    assert finding.message.endswith("is missing from TF_MODEL_MAPPING, which maps BertConfig to TFBertForMaskedLM")
    check(root, select=("TFI005",), fix=True)
    assert read(root, AUTO_TF) == text
