"""TFI008 (``autodoc``) on the synthetic tree: a ``## X`` / ``[[autodoc]] X`` / ``- call`` section per class."""

from __future__ import annotations


from checks import check, doc_page, edit, line_of, make_tree, rows

BERT_MD = doc_page("bert")
TINY_MD = doc_page("tiny")


def _section(name: str) -> str:
    return f"## {name}\n\n[[autodoc]] {name}\n    - call\n"


def test_complete_tree_has_no_tfi008(tmp_path):
    assert rows(make_tree(tmp_path), select=("TFI008",)) == []


def test_deleted_section_is_missing(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_MD, _section("TFBertForMaskedLM") + "\n", "")
    # Points after the last TF section, where --fix inserts.
    line = line_of(root, BERT_MD, "    - call", last=True)
    assert rows(root) == [("TFI008", "missing", "TFBertForMaskedLM", BERT_MD, line)]
    (finding,) = check(root)
    assert finding.model == "bert" and finding.fixable


def test_deleted_section_of_class_inherited_across_files(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TINY_MD, "\n" + _section("TFTinyModel"), "")
    line = line_of(root, TINY_MD, "    - call", last=True)
    assert rows(root) == [("TFI008", "missing", "TFTinyModel", TINY_MD, line)]


def test_section_without_call_member(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_MD, "[[autodoc]] TFBertModel\n    - call", "[[autodoc]] TFBertModel")
    line = line_of(root, BERT_MD, "[[autodoc]] TFBertModel")
    assert rows(root) == [("TFI008", "missing", "TFBertModel.call", BERT_MD, line)]


def test_section_with_other_members_but_no_call(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_MD, "[[autodoc]] TFBertModel\n    - call", "[[autodoc]] TFBertModel\n    - serving")
    line = line_of(root, BERT_MD, "[[autodoc]] TFBertModel")
    assert rows(root) == [("TFI008", "missing", "TFBertModel.call", BERT_MD, line)]


def test_section_of_a_class_that_does_not_exist_is_stale(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_MD, "## TFBertModel\n", _section("TFBertGone") + "\n## TFBertModel\n")
    line = line_of(root, BERT_MD, "## TFBertGone")  # the section starts at its heading
    assert rows(root) == [("TFI008", "stale", "TFBertGone", BERT_MD, line)]


def test_pretrained_base_class_and_private_classes_are_not_documented(tmp_path):
    root = make_tree(tmp_path)
    text = (root / BERT_MD).read_text(encoding="utf-8")
    assert "TFBertPreTrainedModel" not in text and "TFBertMainLayer" not in text and "TFBertEmbeddings" not in text
    assert rows(root, select=("TFI008",)) == []


def test_pytorch_only_model_needs_no_tf_section(tmp_path):
    root = make_tree(tmp_path)
    (root / doc_page("llama")).unlink()
    assert rows(root) == []


def test_renamed_class_old_section_is_stale_even_while_the_init_still_lists_it(tmp_path):
    """After a rename the old name is defined nowhere; the stale top-level init entry (TFI003/TFI004
    report it) must not keep its doc section alive."""
    root = make_tree(tmp_path)
    edit(root, "src/transformers/models/bert/modeling_tf_bert.py", "class TFBertForSequenceClassification(",
         "class TFBertForSeqCls(")
    assert rows(root, select=("TFI008",)) == [
        ("TFI008", "stale", "TFBertForSequenceClassification", BERT_MD,
         line_of(root, BERT_MD, "## TFBertForSequenceClassification")),
        ("TFI008", "missing", "TFBertForSeqCls", BERT_MD, line_of(root, BERT_MD, "    - call", last=True)),
    ]
