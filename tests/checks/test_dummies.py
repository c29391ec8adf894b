"""TFI006 (``dummy_objects``) on the synthetic tree: the file the generator writes from the top-level init."""

from __future__ import annotations

from checks import DUMMIES, TOP_INIT, check, edit, line_of, make_tree, read, rows


def _dummy(name: str) -> str:
    return (
        f"class {name}(metaclass=DummyObject):\n"
        '    _backends = ["tf"]\n\n'
        "    def __init__(self, *args, **kwargs):\n"
        '        requires_backends(self, ["tf"])\n'
    )


def test_complete_tree_has_no_tfi006(tmp_path):
    assert rows(make_tree(tmp_path), select=("TFI006",)) == []


def test_deleted_dummy_class_is_missing(tmp_path):
    root = make_tree(tmp_path)
    edit(root, DUMMIES, _dummy("TFBertForMaskedLM") + "\n\n", "")
    line = line_of(root, DUMMIES, "class TFBertForSequenceClassification(")  # the object that now follows
    assert rows(root) == [("TFI006", "missing", "TFBertForMaskedLM", DUMMIES, line)]
    (finding,) = check(root)
    assert finding.model == "bert" and finding.fixable


def test_deleted_dummy_of_class_inherited_across_files(tmp_path):
    root = make_tree(tmp_path)
    edit(root, DUMMIES, "\n\n" + _dummy("TFTinyModel"), "")  # the last object of the file
    line = line_of(root, DUMMIES, "class TFTinyForMaskedLM(")
    assert rows(root) == [("TFI006", "missing", "TFTinyModel", DUMMIES, line)]


def test_deleted_dummy_constant(tmp_path):
    root = make_tree(tmp_path)
    edit(root, DUMMIES, "TF_BERT_PRETRAINED_MODEL_ARCHIVE_LIST = None\n\n\n", "")
    line = line_of(root, DUMMIES, "class TFBertForMaskedLM(")
    assert rows(root) == [("TFI006", "missing", "TF_BERT_PRETRAINED_MODEL_ARCHIVE_LIST", DUMMIES, line)]


def test_dummy_of_a_name_the_init_no_longer_exports_is_stale(tmp_path):
    root = make_tree(tmp_path)
    text = read(root, DUMMIES)
    (root / DUMMIES).write_text(text + "\n\n" + _dummy("TFBertGone"), encoding="utf-8")
    line = line_of(root, DUMMIES, "class TFBertGone(")
    assert rows(root) == [("TFI006", "stale", "TFBertGone", DUMMIES, line)]


def test_shuffled_dummies(tmp_path):
    root = make_tree(tmp_path)
    edit(root, DUMMIES, _dummy("TFBertForMaskedLM") + "\n\n", "")
    edit(root, DUMMIES, "class TFBertModel(", _dummy("TFBertForMaskedLM") + "\n\nclass TFBertModel(")
    assert rows(root) == [("TFI006", "order", "dummy_tf_objects.py", DUMMIES, 1)]


def test_hand_edited_form(tmp_path):
    """An object written unlike every other object of its kind in the file is named, at its line."""
    root = make_tree(tmp_path)
    edit(root, DUMMIES, _dummy("TFBertForMaskedLM"), _dummy("TFBertForMaskedLM").replace("\n\n", "\n"))
    line = line_of(root, DUMMIES, "class TFBertForMaskedLM(")
    assert rows(root) == [("TFI006", "wrong", "TFBertForMaskedLM", DUMMIES, line)]


def test_dummies_follow_the_type_checking_half_not_the_structure_half(tmp_path):
    """Removing a name from the top-level ``_import_structure`` only is TFI003; the dummies still match."""
    root = make_tree(tmp_path)
    edit(root, TOP_INIT, '            "TFBertForMaskedLM",\n', "")
    assert [r[0] for r in rows(root)] == ["TFI003"]


def test_two_dummy_forms_are_told_apart_by_the_name_parts_of_the_file():
    """4.2.0's check_dummies.py gives `from_pretrained` to a name containing one of a list of parts; the file
    written that way teaches the parts back, so a new model's dummies follow the script, not the nearest name
    (``TFAutoModelForPreTraining`` has `from_pretrained` for its `Model`, ``TFBertForPreTraining`` none)."""
    from tfintegrity.checks.dummies import learn_parts, name_parts

    assert {"TF", "Bert", "Model", "TFBert", "BertModel", "TFBertModel"} == name_parts("TFBertModel")
    pretrained = ["TFAutoModelForPreTraining", "TFBertModel", "TFBertForMaskedLM", "TFAlbertModel",
                  "TFAlbertForMaskedLM", "TFBertForSequenceClassification", "TFBertForTokenClassification",
                  "TFAlbertForSequenceClassification", "TFT5ForConditionalGeneration",
                  "TFBartForConditionalGeneration", "TFRoFormerForCausalLM"]
    plain = ["TFBertForPreTraining", "TFAlbertForPreTraining", "TFBertMainLayer", "TFAlbertMainLayer",
             "TFRagTokenForGeneration"]
    rule = learn_parts([(n, "P") for n in pretrained] + [(n, "-") for n in plain])
    assert rule is not None and rule.form == "P" and rule.default == "-"
    assert "Model" in rule.parts and "ForConditionalGeneration" in rule.parts
    assert rule.choose("TFFunnelForPreTraining") == "-"  # the nearest name, TFAutoModelForPreTraining, says "P"
    assert rule.choose("TFFunnelForMaskedLM") == "P"
    assert rule.choose("TFRagSequenceForGeneration") == "-"  # not `Generation`: a plain name holds it
    assert rule.choose("TFRemBertForCausalLM") == "P"  # a part of one name is its shortest: `Causal`


def test_forms_no_part_list_tells_apart_are_left_to_the_nearest_names():
    from tfintegrity.checks.dummies import learn_parts

    # Each form's names share parts with the other's: no list of parts tells them apart.
    assert learn_parts([("TFBertModel", "P"), ("TFBert", "-"), ("TFAlbertModel", "-"), ("TFAlbert", "P")]) is None
    assert learn_parts([("TFBertModel", "P"), ("TFAlbertModel", "P")]) is None  # one form
