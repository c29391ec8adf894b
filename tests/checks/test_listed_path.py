"""TFI007 (``listed_path``) on the synthetic tree: ``utils/documentation_tests.txt``."""

from __future__ import annotations

from checks import DOCTESTS, check, edit, make_tree, read, rows, tf_modeling
from tfintegrity import api

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
    """A long list sorted but for one swapped pair keeps an order, and the pair is out of it."""
    root = make_tree(tmp_path)
    pt = "src/transformers/models/bert/modeling_bert.py"
    padding = "".join(f"docs/source/en/page_{n:03d}.md\n" for n in range(60))
    edit(root, DOCTESTS, f"{pt}\n{BERT_TF}\n", f"{BERT_TF}\n{pt}\n")
    (root / DOCTESTS).write_text(padding + read(root, DOCTESTS), encoding="utf-8")
    assert rows(root) == [("TFI007", "order", DOCTESTS, DOCTESTS, 1)]


def test_a_short_list_is_kept_sorted_only_when_it_is_sorted_whole(tmp_path):
    root = make_tree(tmp_path)
    pt = "src/transformers/models/bert/modeling_bert.py"
    edit(root, DOCTESTS, f"{pt}\n{BERT_TF}\n", f"{BERT_TF}\n{pt}\n")
    assert rows(root, select=("TFI007",)) == []


def test_pytorch_only_model_needs_no_line(tmp_path):
    root = make_tree(tmp_path)
    assert "models/llama/modeling_" not in read(root, DOCTESTS)
    assert rows(root, select=("TFI007",)) == []


def test_a_list_in_no_order_has_no_order_finding(tmp_path):
    """A list whose lines follow no order (as 4.20-4.28's) is no evidence of one: nothing is out of order."""
    root = make_tree(tmp_path)
    lines = read(root, DOCTESTS).splitlines()
    (root / DOCTESTS).write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    assert rows(root, select=("TFI007",)) == []


def test_no_doctest_list_is_a_note_not_a_finding(tmp_path):
    root = make_tree(tmp_path)
    (root / DOCTESTS).unlink()
    result, _ = api.run(api.Options(root=root, select=("TFI007",), use_baseline=False))
    assert result.findings == ()
    assert result.notes == (
        "TFI007: this tree has no utils/not_doctested.txt or utils/documentation_tests.txt; nothing to check",
    )


def test_a_list_of_no_tf_file_requires_none(tmp_path):
    """4.10/4.16: the list holds only PyTorch files; the tree does not doctest TF files through it."""
    root = make_tree(tmp_path)
    kept = [line for line in read(root, DOCTESTS).splitlines() if "modeling_tf_" not in line]
    (root / DOCTESTS).write_text("\n".join(kept) + "\n", encoding="utf-8")
    result, _ = api.run(api.Options(root=root, select=("TFI007",), use_baseline=False))
    assert result.findings == () and len(result.notes) == 1 and "lists no tf modeling file" in result.notes[0]


def test_an_opt_out_list_requires_nothing_and_must_name_real_files(tmp_path):
    """4.32: utils/not_doctested.txt takes files out of the doctest job; it wins over documentation_tests.txt."""
    root = make_tree(tmp_path)
    gone = "src/transformers/models/bert/modeling_tf_gone.py"
    (root / "utils/not_doctested.txt").write_text(f"{BERT_TF}\n{gone}\n", encoding="utf-8")
    edit(root, DOCTESTS, BERT_TF + "\n", "")  # no longer read: not a finding
    assert rows(root, select=("TFI007",)) == [("TFI007", "stale", gone, "utils/not_doctested.txt", 2)]
