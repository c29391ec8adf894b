"""TFI005 (``auto_mapping``) on the synthetic tree: entries mirror the PyTorch mappings."""

from __future__ import annotations

from checks import AUTO_PT, AUTO_TF, check, edit, line_of, make_tree, read, rows, tf_modeling


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
