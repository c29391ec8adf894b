"""TFI007 (``listed_path``) on the synthetic tree: ``utils/documentation_tests.txt``."""

from __future__ import annotations

from checks import DOCTESTS, check, edit, make_tree, read, rows, tf_modeling

BERT_TF = tf_modeling("bert")
TINY_TF = tf_modeling("tiny")


def test_complete_tree_has_no_tfi007(tmp_path):
    assert rows(make_tree(tmp_path), select=("TFI007",)) == []


def test_dropped_line_is_missing_and_points_where_it_belongs(tmp_path):
    root = make_tree(tmp_path)
    lines = read(root, DOCTESTS).splitlines()
    where = lines.index(BERT_TF) + 1
    edit(root, DOCTESTS, BERT_TF + "\n", "")
    assert rows(root) == [("TFI007", "missing", BERT_TF, DOCTESTS, where)]
    (finding,) = check(root)
    assert finding.model == "bert" and finding.fixable


def test_file_of_classes_inherited_across_files_must_be_listed(tmp_path):
    root = make_tree(tmp_path)
    lines = read(root, DOCTESTS).splitlines()
    where = lines.index(TINY_TF) + 1
    edit(root, DOCTESTS, TINY_TF + "\n", "")
    assert rows(root) == [("TFI007", "missing", TINY_TF, DOCTESTS, where)]


def test_dropped_pytorch_line_is_not_this_rule(tmp_path):
    root = make_tree(tmp_path)
    edit(root, DOCTESTS, "src/transformers/models/bert/modeling_bert.py\n", "")
    assert rows(root) == []


def test_listed_tf_file_that_does_not_exist_is_stale(tmp_path):
    root = make_tree(tmp_path)
    gone = "src/transformers/models/bert/modeling_tf_bertx.py"
    edit(root, DOCTESTS, BERT_TF + "\n", BERT_TF + "\n" + gone + "\n")
    where = read(root, DOCTESTS).splitlines().index(gone) + 1
    assert rows(root) == [("TFI007", "stale", gone, DOCTESTS, where)]


def test_unsorted_list(tmp_path):
    root = make_tree(tmp_path)
    pt = "src/transformers/models/bert/modeling_bert.py"
    edit(root, DOCTESTS, f"{pt}\n{BERT_TF}\n", f"{BERT_TF}\n{pt}\n")
    assert rows(root) == [("TFI007", "order", DOCTESTS, DOCTESTS, 1)]


def test_pytorch_only_model_needs_no_line(tmp_path):
    root = make_tree(tmp_path)
    assert "models/llama/modeling_" not in read(root, DOCTESTS)
    assert rows(root, select=("TFI007",)) == []
