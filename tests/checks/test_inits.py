"""The init primitives (``init_structure``, ``init_imports``, ``import_source``) on the synthetic tree.

TFI001 model init ``_import_structure``, TFI002 model init ``TYPE_CHECKING``, TFI003 top-level
``_import_structure``, TFI004 top-level ``TYPE_CHECKING``, TFI009 / TFI010 where a name is taken from.
Each rule: the complete tree gives nothing, one exact textual mutation gives exactly the expected rows.
"""

from __future__ import annotations

import pytest

from checks import (
    DUMMIES,
    TOP_INIT,
    TOP_TF_IMPORTS,
    TOP_TF_STRUCTURE,
    check,
    col_of,
    edit,
    line_of,
    make_tree,
    model_init,
    rows,
    tf_modeling,
)
from tfintegrity.api import Options, open_session
from tfintegrity.findings import KINDS
from tfintegrity.index.catalog import Catalog
from tfintegrity.index.repo import RepoIndex

BERT_INIT = model_init("bert")
TINY_INIT = model_init("tiny")
BERT_TF_KEY = '_import_structure["modeling_tf_bert"] = ['
BERT_TF_IMPORT = "from .modeling_tf_bert import ("


def _catalog(root):
    session = open_session(Options(root=root, use_baseline=False))
    index = RepoIndex(session.root, session.config.package)
    return Catalog(index, session.ruleset.backends["tf"])


# --------------------------------------------------------------------------- complete tree


@pytest.mark.parametrize("code", ["TFI001", "TFI002", "TFI003", "TFI004", "TFI009", "TFI010"])
def test_complete_tree_has_no_finding_of(tmp_path, code):
    root = make_tree(tmp_path)
    assert rows(root, select=(code,)) == []


def test_complete_tree_has_no_findings_at_all(tmp_path):
    root = make_tree(tmp_path)
    assert rows(root) == []


# --------------------------------------------------------------------------- public classes


def test_public_classes_follow_bases_across_files(tmp_path):
    """tiny's classes subclass bert's TF classes imported from ``..bert.modeling_tf_bert``: still public."""
    catalog = _catalog(make_tree(tmp_path))
    models = catalog.models()
    assert [c.name for c in models["tiny"].classes] == ["TFTinyModel", "TFTinyForMaskedLM"]
    assert [c.name for c in models["bert"].classes] == [
        "TFBertPreTrainedModel",
        "TFBertModel",
        "TFBertForMaskedLM",
        "TFBertForSequenceClassification",
    ]


def test_private_helper_and_internal_layer_are_not_required(tmp_path):
    root = make_tree(tmp_path)
    catalog = _catalog(root)
    bert = catalog.models()["bert"]
    assert "_TFBertHelper" not in bert.required() and "TFBertEmbeddings" not in bert.required()
    assert "_TFBertHelper" not in bert.exports and "TFBertEmbeddings" not in bert.exports
    # The main layer is not a public class, but the init exports it, so it must be everywhere the exports go.
    assert "TFBertMainLayer" in bert.exports and "TFBertMainLayer" not in bert.required()
    # Neither is listed anywhere in the complete tree, and nothing asks for them.
    assert rows(root) == []


def test_private_subclass_of_pretrained_model_is_not_required(tmp_path):
    root = make_tree(tmp_path)
    edit(root, tf_modeling("bert"), "class TFBertModel(TFBertPreTrainedModel):",
         "class _TFBertHidden(TFBertPreTrainedModel):\n    pass\n\n\nclass TFBertModel(TFBertPreTrainedModel):")
    assert rows(root) == []


def test_pytorch_only_model_has_no_tf_model(tmp_path):
    root = make_tree(tmp_path)
    assert "llama" not in _catalog(root).models()


def test_pytorch_only_model_produces_nothing_even_when_its_places_are_gone(tmp_path):
    root = make_tree(tmp_path)
    (root / "docs/source/en/model_doc/llama.md").unlink()
    edit(root, "src/transformers/models/auto/modeling_auto.py", '        ("llama", "LlamaModel"),\n', "")
    edit(root, TOP_INIT, '    _import_structure["models.llama"].extend(\n'
         '        ["LlamaForCausalLM", "LlamaForSequenceClassification", "LlamaModel", "LlamaPreTrainedModel"]\n'
         '    )\n', "")
    assert [r for r in rows(root) if r[0] in ("TFI001", "TFI002", "TFI005", "TFI007", "TFI008")] == []
    assert all(f.model != "llama" for f in check(root))


# --------------------------------------------------------------------------- TFI001


def test_tfi001_missing_from_model_structure(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, '        "TFBertForMaskedLM",\n', "")
    assert rows(root) == [
        ("TFI001", "missing", "TFBertForMaskedLM", BERT_INIT, line_of(root, BERT_INIT, BERT_TF_KEY)),
    ]


def test_tfi001_class_inherited_across_files_is_required(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TINY_INIT, '["TFTinyForMaskedLM", "TFTinyModel"]', '["TFTinyForMaskedLM"]')
    line = line_of(root, TINY_INIT, '_import_structure["modeling_tf_tiny"]')
    assert rows(root) == [("TFI001", "missing", "TFTinyModel", TINY_INIT, line)]


def test_tfi001_exported_main_layer_is_required_in_both_halves(tmp_path):
    """The main layer is exported by the TYPE_CHECKING half, so the structure half must list it too."""
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, '        "TFBertMainLayer",\n', "")
    assert rows(root) == [
        ("TFI001", "missing", "TFBertMainLayer", BERT_INIT, line_of(root, BERT_INIT, BERT_TF_KEY)),
    ]


def test_tfi001_order(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, '        "TFBertForMaskedLM",\n        "TFBertForSequenceClassification",\n',
         '        "TFBertForSequenceClassification",\n        "TFBertForMaskedLM",\n')
    assert rows(root) == [
        ("TFI001", "order", "modeling_tf_bert", BERT_INIT, line_of(root, BERT_INIT, BERT_TF_KEY)),
    ]


def test_tfi001_duplicate_is_reported_once_and_is_not_an_order_problem(tmp_path):
    """A name listed twice in an otherwise sorted list: one finding on the second occurrence, nothing else."""
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, '        "TFBertForMaskedLM",\n', '        "TFBertForMaskedLM",\n' * 2)
    second = line_of(root, BERT_INIT, '"TFBertForMaskedLM"', last=True)
    assert rows(root) == [("TFI001", "duplicate", "TFBertForMaskedLM", BERT_INIT, second)]


def test_finding_kinds_are_declared(tmp_path):
    """Every kind a check emits is one of ``findings.KINDS`` (reporters and baselines rely on it)."""
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, '        "TFBertForMaskedLM",\n', '        "TFBertForMaskedLM",\n' * 2)
    kinds = {f.kind for f in check(root)}
    assert kinds and kinds <= set(KINDS), f"undeclared kinds: {sorted(kinds - set(KINDS))}"


# --------------------------------------------------------------------------- TFI002


def test_tfi002_missing_from_model_type_checking(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, "            TFBertForMaskedLM,\n", "")
    assert rows(root) == [
        ("TFI002", "missing", "TFBertForMaskedLM", BERT_INIT, line_of(root, BERT_INIT, BERT_TF_IMPORT)),
    ]


def test_tfi002_class_inherited_across_files_is_required(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TINY_INIT, "from .modeling_tf_tiny import TFTinyForMaskedLM, TFTinyModel",
         "from .modeling_tf_tiny import TFTinyModel")
    line = line_of(root, TINY_INIT, "from .modeling_tf_tiny import")
    assert rows(root) == [("TFI002", "missing", "TFTinyForMaskedLM", TINY_INIT, line)]


def test_tfi002_order(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, "            TFBertForMaskedLM,\n            TFBertForSequenceClassification,\n",
         "            TFBertForSequenceClassification,\n            TFBertForMaskedLM,\n")
    assert rows(root) == [
        ("TFI002", "order", "modeling_tf_bert", BERT_INIT, line_of(root, BERT_INIT, BERT_TF_IMPORT)),
    ]


def test_tfi002_duplicate_is_reported_once(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, "            TFBertForMaskedLM,\n", "            TFBertForMaskedLM,\n" * 2)
    second = line_of(root, BERT_INIT, "            TFBertForMaskedLM,", last=True)
    assert rows(root) == [("TFI002", "duplicate", "TFBertForMaskedLM", BERT_INIT, second)]


# --------------------------------------------------------------------------- TFI003


def test_tfi003_missing_from_top_structure(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, '            "TFBertForMaskedLM",\n', "")
    line = line_of(root, TOP_INIT, '_import_structure["models.bert"].extend(', after=TOP_TF_STRUCTURE)
    assert rows(root) == [("TFI003", "missing", "TFBertForMaskedLM", TOP_INIT, line)]


def test_tfi003_class_inherited_across_files_is_required(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, '_import_structure["models.tiny"].extend(["TFTinyForMaskedLM", "TFTinyModel"])',
         '_import_structure["models.tiny"].extend(["TFTinyModel"])')
    line = line_of(root, TOP_INIT, '_import_structure["models.tiny"].extend(', after=TOP_TF_STRUCTURE)
    assert rows(root) == [("TFI003", "missing", "TFTinyForMaskedLM", TOP_INIT, line)]


def test_tfi003_order(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, '            "TFBertForMaskedLM",\n            "TFBertForSequenceClassification",\n',
         '            "TFBertForSequenceClassification",\n            "TFBertForMaskedLM",\n')
    line = line_of(root, TOP_INIT, '_import_structure["models.bert"].extend(', after=TOP_TF_STRUCTURE)
    assert rows(root) == [("TFI003", "order", "models.bert", TOP_INIT, line)]


def test_tfi003_duplicate_is_reported_once(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, '            "TFBertForMaskedLM",\n',
         '            "TFBertForMaskedLM",\n            "TFBertForMaskedLM",\n')
    second = line_of(root, TOP_INIT, '            "TFBertForMaskedLM",', last=True)
    assert rows(root) == [("TFI003", "duplicate", "TFBertForMaskedLM", TOP_INIT, second)]


# --------------------------------------------------------------------------- TFI004


def test_tfi004_missing_from_top_type_checking(tmp_path):
    """The dummies follow what the TYPE_CHECKING half must import: bert still exports the name, so its dummy
    is not stale (it was reported stale, and deleted by --fix, when the dummies followed the init as it is)."""
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, "            TFBertForMaskedLM,\n", "")
    line = line_of(root, TOP_INIT, "from .models.bert import (", after=TOP_TF_IMPORTS)
    assert rows(root) == [("TFI004", "missing", "TFBertForMaskedLM", TOP_INIT, line)]


def test_tfi004_class_inherited_across_files_is_required(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, "from .models.tiny import TFTinyForMaskedLM, TFTinyModel",
         "from .models.tiny import TFTinyModel")
    line = line_of(root, TOP_INIT, "from .models.tiny import", after=TOP_TF_IMPORTS)
    assert rows(root, select=("TFI004",)) == [("TFI004", "missing", "TFTinyForMaskedLM", TOP_INIT, line)]


def test_tfi004_order(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, "            TFBertForMaskedLM,\n            TFBertForSequenceClassification,\n",
         "            TFBertForSequenceClassification,\n            TFBertForMaskedLM,\n")
    line = line_of(root, TOP_INIT, "from .models.bert import (", after=TOP_TF_IMPORTS)
    assert rows(root) == [
        ("TFI004", "order", "models.bert", TOP_INIT, line),
        # The generator writes the dummies in the TYPE_CHECKING order, so they now differ from it.
        ("TFI006", "order", "dummy_tf_objects.py", DUMMIES, 1),
    ]


# --------------------------------------------------------------------------- stale (rename a class)


def _rename_seq_cls(tmp_path):
    root = make_tree(tmp_path)
    edit(root, tf_modeling("bert"), "class TFBertForSequenceClassification(", "class TFBertForSeqCls(")
    return root


@pytest.mark.parametrize(
    "code, path, key_needle, after, old_needle",
    [
        ("TFI001", BERT_INIT, BERT_TF_KEY, None, '"TFBertForSequenceClassification"'),
        ("TFI002", BERT_INIT, BERT_TF_IMPORT, None, "TFBertForSequenceClassification,"),
        ("TFI003", TOP_INIT, '_import_structure["models.bert"].extend(', TOP_TF_STRUCTURE,
         '"TFBertForSequenceClassification"'),
        ("TFI004", TOP_INIT, "from .models.bert import (", TOP_TF_IMPORTS, "TFBertForSequenceClassification,"),
    ],
)
def test_renamed_class_is_missing_and_old_name_is_stale(tmp_path, code, path, key_needle, after, old_needle):
    root = _rename_seq_cls(tmp_path)
    key_line = line_of(root, path, key_needle, after=after)
    old_line = line_of(root, path, old_needle, after=after)
    assert rows(root, select=(code,)) == [
        (code, "missing", "TFBertForSeqCls", path, key_line),
        (code, "stale", "TFBertForSequenceClassification", path, old_line),
    ]
    stale = [f for f in check(root, select=(code,)) if f.kind == "stale"][0]
    assert stale.column == col_of(root, path, old_line, old_needle.rstrip(","))


# --------------------------------------------------------------------------- TFI009


def test_tfi009_type_checking_import_from_the_pytorch_module(tmp_path):
    """A TF class imported from ``.modeling_bert`` (which does not define it) in the TF TYPE_CHECKING block."""
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, "            TFBertPreTrainedModel,\n        )\n",
         "            TFBertPreTrainedModel,\n        )\n        from .modeling_bert import TFBertModel\n")
    line = line_of(root, BERT_INIT, "from .modeling_bert import TFBertModel")
    assert rows(root) == [("TFI009", "wrong", "TFBertModel", BERT_INIT, line)]
    (finding,) = check(root)
    assert finding.column == col_of(root, BERT_INIT, line, "TFBertModel")
    assert finding.model == "bert" and "modeling_tf_bert.py" in finding.message


def test_tfi009_class_moved_to_the_pytorch_module_import(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, "            TFBertModel,\n            TFBertPreTrainedModel,\n        )\n",
         "            TFBertPreTrainedModel,\n        )\n        from .modeling_bert import TFBertModel\n")
    assert rows(root) == [
        ("TFI002", "missing", "TFBertModel", BERT_INIT, line_of(root, BERT_INIT, BERT_TF_IMPORT)),
        ("TFI009", "wrong", "TFBertModel", BERT_INIT,
         line_of(root, BERT_INIT, "from .modeling_bert import TFBertModel")),
    ]


def test_tfi009_structure_key_of_the_pytorch_module(tmp_path):
    root = make_tree(tmp_path)
    edit(root, BERT_INIT, '        "TFBertPreTrainedModel",\n    ]\n',
         '        "TFBertPreTrainedModel",\n    ]\n    _import_structure["modeling_bert"].append("TFBertModel")\n')
    line = line_of(root, BERT_INIT, '_import_structure["modeling_bert"].append("TFBertModel")')
    assert rows(root) == [("TFI009", "wrong", "TFBertModel", BERT_INIT, line)]


# --------------------------------------------------------------------------- TFI010


def test_tfi010_top_structure_lists_another_models_name_under_models_bert(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, '            "TFBertPreTrainedModel",\n        ]\n',
         '            "TFBertPreTrainedModel",\n            "TFTinyModel",\n        ]\n')
    line = line_of(root, TOP_INIT, '"TFTinyModel",', after=TOP_TF_STRUCTURE)
    assert rows(root) == [("TFI010", "wrong", "TFTinyModel", TOP_INIT, line)]
    (finding,) = check(root)
    assert finding.model == "tiny" and "modeling_tf_tiny.py" in finding.message


def test_tfi010_top_type_checking_imports_another_models_name_from_models_bert(tmp_path):
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, "from .models.tiny import TFTinyForMaskedLM, TFTinyModel",
         "from .models.tiny import TFTinyForMaskedLM\n        from .models.bert import TFTinyModel")
    assert rows(root, select=("TFI004", "TFI010")) == [
        ("TFI004", "missing", "TFTinyModel", TOP_INIT,
         line_of(root, TOP_INIT, "from .models.tiny import", after=TOP_TF_IMPORTS)),
        ("TFI010", "wrong", "TFTinyModel", TOP_INIT, line_of(root, TOP_INIT, "from .models.bert import TFTinyModel")),
    ]


def test_tfi010_layer_defined_by_the_model_package_is_not_wrong(tmp_path):
    """``from .models.bert import TFBertEmbeddings``: bert's TF file defines it, only bert's init lacks it."""
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, "            TFBertPreTrainedModel,\n        )\n",
         "            TFBertPreTrainedModel,\n        )\n        from .models.bert import TFBertEmbeddings\n")
    assert rows(root, select=("TFI010",)) == []
