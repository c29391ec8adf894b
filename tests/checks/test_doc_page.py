"""TFI008 (``autodoc``) on the synthetic tree: a ``## X`` / ``[[autodoc]] X`` / ``- call`` section per class."""

from __future__ import annotations

import re
import shutil

import pytest

from checks import DOC_DIR, check, doc_page, edit, line_of, make_tree, read, rows
from tfintegrity import api
from tfintegrity.errors import TfiError
from tfintegrity.index.doc_readers import read_doc_page, read_rst_page

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


# --------------------------------------------------------------------------- page layouts (issue 9)

OLD_DOC_DIR = "docs/source/model_doc"
UNDERLINE = "~" * 40


def _as_rst(markdown: str) -> str:
    """A Markdown page of the synthetic tree in the shape of a 4.2.0-4.10.0 page: underlined titles,
    ``.. autoclass:: transformers.X``, ``:members:`` lists, two blank lines between sections."""
    out = []
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            out += ["", line[3:], UNDERLINE]
        elif line.startswith("[[autodoc]] "):
            members = []
            while index + 1 < len(lines) and lines[index + 1].startswith("    - "):
                index += 1
                members.append(lines[index][len("    - "):])
            out.append(f".. autoclass:: transformers.{line.split()[1]}")
            if members:
                out.append(f"    :members: {', '.join(members)}")
        elif not line.startswith("#"):
            out.append(line)
        index += 1
    return "\n".join(out)


def _layout(root, folder: str, suffix: str, convert=lambda text: text):
    """Move the synthetic tree's pages to ``folder`` with ``suffix`` (another release's layout)."""
    (root / folder).mkdir(parents=True, exist_ok=True)
    for page in sorted((root / DOC_DIR).glob("*.md")):
        text = page.read_text(encoding="utf-8")
        (root / folder / (page.stem + suffix)).write_text(convert(text), encoding="utf-8", newline="\n")
    shutil.rmtree(root / "docs/source/en")


def _fix(root) -> None:
    api.run(api.Options(root=root, fix=True, use_baseline=False, select=("TFI008",)))


def test_rst_pages_of_old_releases_are_read_and_complete(tmp_path):
    root = make_tree(tmp_path)
    _layout(root, OLD_DOC_DIR, ".rst", _as_rst)
    assert rows(root, select=("TFI008",)) == []


def test_rst_removed_section_is_found_and_restored_byte_identical(tmp_path):
    root = make_tree(tmp_path)
    _layout(root, OLD_DOC_DIR, ".rst", _as_rst)
    page = f"{OLD_DOC_DIR}/bert.rst"
    original = read(root, page)
    section = f"TFBertForMaskedLM\n{UNDERLINE}\n\n.. autoclass:: transformers.TFBertForMaskedLM\n    :members: call\n\n\n"
    edit(root, page, section, "")
    (finding,) = check(root, select=("TFI008",))
    assert (finding.kind, finding.symbol, finding.path, finding.fixable) == ("missing", "TFBertForMaskedLM", page, True)
    assert ".. autoclass::" in finding.message
    _fix(root)
    assert read(root, page) == original


def test_rst_missing_members_option_is_restored(tmp_path):
    root = make_tree(tmp_path)
    _layout(root, OLD_DOC_DIR, ".rst", _as_rst)
    page = f"{OLD_DOC_DIR}/bert.rst"
    original = read(root, page)
    edit(root, page, ".. autoclass:: transformers.TFBertModel\n    :members: call\n",
         ".. autoclass:: transformers.TFBertModel\n")
    assert rows(root, select=("TFI008",)) == [
        ("TFI008", "missing", "TFBertModel.call", page, line_of(root, page, "autoclass:: transformers.TFBertModel"))]
    _fix(root)
    assert read(root, page) == original


def test_rst_bare_members_option_documents_call(tmp_path):
    root = make_tree(tmp_path)
    _layout(root, OLD_DOC_DIR, ".rst", _as_rst)
    page = f"{OLD_DOC_DIR}/bert.rst"
    edit(root, page, "transformers.TFBertModel\n    :members: call\n", "transformers.TFBertModel\n    :members:\n")
    assert rows(root, select=("TFI008",)) == []


def test_rst_members_spread_over_lines_and_other_options():
    text = (
        "TFXModel\n~~~~~~~~\n\nSome prose.\n\n.. autoclass:: transformers.TFXModel\n"
        "    :special-members: __call__\n    :members: generate,\n        call\n\n"
        ".. autoclass:: transformers.TFXOutput\n    :members:\n"
    )
    first, second = read_rst_page("x.rst", text).entries
    assert (first.name, first.header, first.line, first.autodoc_line, first.members, first.end_line) == (
        "TFXModel", "TFXModel", 1, 6, ("generate", "call"), 9)
    assert (second.header, second.line, second.members, second.all_members) == (None, 11, (), True)


def test_markdown_header_above_prose_but_not_inside_a_code_block():
    text = "## BModel\n\nSee BartModel.\n\n[[autodoc]] BModel\n\n```py\n# comment\n```\n\n[[autodoc]] BOutput\n"
    model, output = read_doc_page("x.md", text).entries
    assert (model.header, model.line) == ("BModel", 1)
    assert (output.header, output.line) == (None, 11)


def test_mdx_pages_without_en_folder(tmp_path):
    """4.16.0: ``docs/source/model_doc/*.mdx``."""
    root = make_tree(tmp_path)
    _layout(root, OLD_DOC_DIR, ".mdx")
    page = f"{OLD_DOC_DIR}/bert.mdx"
    original = read(root, page)
    edit(root, page, _section("TFBertForMaskedLM") + "\n", "")
    assert [r[:4] for r in rows(root, select=("TFI008",))] == [("TFI008", "missing", "TFBertForMaskedLM", page)]
    _fix(root)
    assert read(root, page) == original


def test_the_first_doc_folder_the_tree_has_wins(tmp_path):
    """Both folders present: the rule's first (``en/``) is the one read; a page only in the other is not."""
    root = make_tree(tmp_path)
    (root / OLD_DOC_DIR).mkdir(parents=True)
    (root / doc_page("bert")).rename(root / f"{OLD_DOC_DIR}/bert.md")
    found = check(root, select=("TFI008",))
    assert found and {(f.symbol.startswith("TFBert"), f.fixable) for f in found} == {(True, False)}
    assert all(f"{doc_page('bert')} does not exist" in f.message for f in found)


def test_page_found_by_the_configuration_it_documents(tmp_path):
    """4.2.0's ``gpt.rst`` documents openai-gpt: a page named after no model_type is found by its content."""
    root = make_tree(tmp_path)
    (root / f"{DOC_DIR}/bert.md").rename(root / f"{DOC_DIR}/bidirectional.md")
    assert rows(root, select=("TFI008",)) == []
    edit(root, f"{DOC_DIR}/bidirectional.md", _section("TFBertForMaskedLM") + "\n", "")
    assert [r[:4] for r in rows(root, select=("TFI008",))] == [
        ("TFI008", "missing", "TFBertForMaskedLM", f"{DOC_DIR}/bidirectional.md")]


def test_tree_without_docs_says_so_once_and_reports_no_class(tmp_path):
    """A source distribution (4.48.0) has no docs/: one note, no finding per class."""
    root = make_tree(tmp_path)
    shutil.rmtree(root / "docs")
    result, _ = api.run(api.Options(root=root, use_baseline=False, select=("TFI008",)))
    assert result.findings == ()
    (note,) = [n for n in result.notes if n.startswith("TFI008")]
    assert "docs/source/en/model_doc" in note and "docs/source/model_doc" in note and "nothing to check" in note


def test_class_named_like_its_pytorch_counterpart_has_no_section_of_its_own(tmp_path):
    """4.16.0-4.24.0: ``class XLMRobertaForCausalLM(TFRobertaForCausalLM)`` in the TF file; the page's
    section of that name is the PyTorch class's (``- forward``): not a missing ``- call``, and not fixable."""
    root = make_tree(tmp_path)
    modeling = "src/transformers/models/bert/modeling_tf_bert.py"
    edit(root, modeling, "class TFBertForMaskedLM(", "class BertForMaskedLM(")
    found = [f for f in check(root, select=("TFI008",)) if f.symbol == "BertForMaskedLM"]
    assert [(f.kind, f.fixable) for f in found] == [("missing", False)]
    assert "documents the class of the same name" in found[0].message


def test_empty_autodoc_is_a_one_line_error_with_file_and_line():
    with pytest.raises(TfiError) as caught:
        read_doc_page("docs/x.md", "# X\n\n[[autodoc]]\n")
    assert (caught.value.path, caught.value.line) == ("docs/x.md", 3)
    with pytest.raises(TfiError) as caught:
        read_doc_page("docs/x.rst", "X\n~~~\n\n.. autoclass::\n")
    assert (caught.value.path, caught.value.line) == ("docs/x.rst", 4)


@pytest.mark.parametrize(
    "params, problem",
    [
        ({"doc_suffixes": [".txt"]}, "no reader for '.txt'"),
        ({"doc_dirs": []}, "non-empty list"),
        ({"doc_dir": "docs"}, "exactly one of"),
    ],
)
def test_bad_layout_parameters_are_refused(params, problem):
    from tfintegrity.checks.doc_page import Autodoc

    base = {"doc_dirs": ["docs/source/en/model_doc"], "exclude_pattern": "x", "stale_pattern": "x",
            "before_pattern": "x", "counterpart_member": "forward"}
    message = Autodoc().validate_params({**base, **params})
    assert message is not None and problem in message


def test_new_section_mirrors_the_counterpart_prefix_and_trailing_space(tmp_path):
    """Written as the page writes it: ``transformers.TFX`` where the counterpart is ``transformers.X``;
    ``- call `` where the model's TF sections keep a trailing space (4.24.0's segformer)."""
    root = make_tree(tmp_path)
    page = doc_page("bert")
    edit(root, page, "[[autodoc]] BertForMaskedLM\n", "[[autodoc]] transformers.BertForMaskedLM\n")
    edit(root, page, "    - call\n", "    - call \n", count=3)
    edit(root, page, _section("TFBertForMaskedLM").replace("- call", "- call ") + "\n", "")
    _fix(root)
    text = read(root, page)
    assert "## TFBertForMaskedLM\n\n[[autodoc]] transformers.TFBertForMaskedLM\n    - call \n" in text
    assert re.search(r"\[\[autodoc\]\] TFBertModel\n    - call \n", text)


def test_stale_section_below_a_member_fix_goes_whole(tmp_path):
    """A member line added above a stale section moves it down a line; the stale section still goes whole."""
    root = make_tree(tmp_path)
    page = doc_page("bert")
    original = read(root, page)
    edit(root, page, "[[autodoc]] TFBertModel\n    - call\n", "[[autodoc]] TFBertModel\n")
    edit(root, page, "## TFBertForSequenceClassification\n",
         _section("TFBertGone") + "\n## TFBertForSequenceClassification\n")
    assert {r[1:3] for r in rows(root, select=("TFI008",))} == {("missing", "TFBertModel.call"), ("stale", "TFBertGone")}
    api.run(api.Options(root=root, fix=True, use_baseline=False, select=("TFI008",)))
    assert read(root, page) == original


def test_a_base_class_is_documented_where_the_page_documents_its_pytorch_twin(tmp_path):
    """Every release's deberta pages document DebertaPreTrainedModel and TFDebertaPreTrainedModel: where the
    page documents the PyTorch base class, the TF one is required too, and the fix writes it in the PyTorch
    order; a page that documents no base class requires none (the test above)."""
    root = make_tree(tmp_path)
    page = doc_page("bert")
    pt_base = "## BertPreTrainedModel\n\n[[autodoc]] BertPreTrainedModel\n    - forward\n\n"
    edit(root, page, "## BertForMaskedLM\n", pt_base + "## BertForMaskedLM\n")
    line = line_of(root, page, "    - call", last=True)  # where the check points a new section, as above
    assert rows(root, select=("TFI008",)) == [("TFI008", "missing", "TFBertPreTrainedModel", page, line)]
    _fix(root)
    text = read(root, page)
    assert "    - call\n\n" + _section("TFBertPreTrainedModel") + "\n## TFBertForMaskedLM\n" in text
    assert rows(root, select=("TFI008",)) == []


def test_twin_prefixes_must_be_a_list_of_prefixes():
    from tfintegrity.checks.doc_page import Autodoc

    base = {"doc_dirs": ["docs/source/en/model_doc"], "exclude_pattern": "x", "stale_pattern": "x",
            "before_pattern": "x", "counterpart_member": "forward"}
    assert Autodoc().validate_params({**base, "twin_prefixes": ["", "Flax"]}) is None
    message = Autodoc().validate_params({**base, "twin_prefixes": []})
    assert message is not None and "twin_prefixes" in message
