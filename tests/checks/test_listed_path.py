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


def test_a_list_in_no_order_gets_a_new_file_after_its_pytorch_twin(tmp_path):
    """4.24/4.28 keep no order but write each TF file right after its PyTorch twin, even where the TF file
    sorts first (modeling_vit.py, then modeling_tf_vit.py): a new one goes there, not at its sorted place."""
    root = make_tree(tmp_path)
    lines = [ln for ln in read(root, DOCTESTS).splitlines() if ln]
    twins = [(ln.replace("/modeling_tf_", "/modeling_"), ln) for ln in lines if "/modeling_tf_" in ln]
    twins = [(pt, tf) for pt, tf in twins if pt in lines]
    assert len(twins) >= 2
    others = [ln for ln in lines if ln not in {x for pair in twins for x in pair}]
    # No order: the other lines reversed, each TF file right after its twin, the pairs in reverse too.
    shuffled = list(reversed(others)) + [x for pair in reversed(twins) for x in pair]
    (root / DOCTESTS).write_text("\n".join(shuffled) + "\n", encoding="utf-8")
    pt, tf = twins[0]
    edit(root, DOCTESTS, tf + "\n", "")
    assert [r[1:3] for r in rows(root, select=("TFI007",))] == [("missing", tf)]
    api.run(api.Options(root=root, fix=True, use_baseline=False, select=("TFI007",)))
    assert read(root, DOCTESTS) == "\n".join(shuffled) + "\n"


def test_a_sorted_list_gets_a_new_file_at_its_sorted_place_even_beside_a_twin(tmp_path):
    root = make_tree(tmp_path)
    text = read(root, DOCTESTS)
    lines = [ln for ln in text.splitlines() if ln]
    assert lines == sorted(lines)
    tf = next(ln for ln in lines if "/modeling_tf_" in ln and ln.replace("/modeling_tf_", "/modeling_") in lines)
    edit(root, DOCTESTS, tf + "\n", "")
    api.run(api.Options(root=root, fix=True, use_baseline=False, select=("TFI007",)))
    assert read(root, DOCTESTS) == text
