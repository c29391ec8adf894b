"""The pieces of the auto-mapping fix in every layout, as before/after snippets: where an entry goes
(``fixes.auto_mapping``), entries of bare names and the imports at the top (``fixes.mapping_edit``)."""

from __future__ import annotations

import pytest

from tfintegrity.fixes.auto_mapping import kept_sorted, neighbour_place, sorted_place
from tfintegrity.fixes.mapping_edit import ImportEdit, edit_imports, edit_mapping, render_object_entry

# --------------------------------------------------------------------------- where an entry goes


def test_kept_sorted_tolerates_an_entry_out_of_place_but_not_a_file_in_no_order():
    assert kept_sorted([["a", "b", "c", "d"], ["b", "c"]], 0.6)
    assert kept_sorted([["a", "c", "b", "d"], ["b", "c"]], 0.6)  # one out of place: still a sorted file
    assert not kept_sorted([["d", "c", "b", "a"], ["c", "b"], ["z", "y", "x"]], 0.6)
    assert kept_sorted([], 0.6)


def test_sorted_place_is_before_the_first_key_that_sorts_after():
    assert sorted_place(["bart", "bert", "gpt2"], "bert-generation") == 2
    assert sorted_place(["bart", "bert"], "xlnet") == 2
    assert sorted_place([], "bert") == 0


def test_neighbour_place_follows_the_mappings_that_agree():
    keys = ["led", "t5", "bert", "gpt2"]  # "roberta" removed from between t5 and bert
    references = [(["led", "t5", "roberta", "bert", "gpt2"], 1.0), (["t5", "roberta", "bert"], 1.0)]
    assert neighbour_place(keys, "roberta", references) == 2


def test_neighbour_place_weighs_references_by_how_far_they_agree():
    keys = ["a", "b", "c", "d"]
    agreeing = (["a", "b", "x", "c", "d"], 1.0)  # orders a..d as keys does: x between b and c
    reversed_order = (["d", "c", "b", "a", "x"], 1.0)  # orders nothing as keys does: x after a (place 1)
    assert neighbour_place(keys, "x", [agreeing, reversed_order]) == 2


def test_neighbour_place_without_a_witness_is_the_end():
    assert neighbour_place(["a", "b"], "x", [(["a", "b"], 1.0)]) == 2
    assert neighbour_place(["a", "b"], "x", []) == 2


def test_neighbour_place_key_first_in_its_references_goes_first():
    assert neighbour_place(["b", "c"], "a", [(["a", "b", "c"], 1.0), (["a", "c"], 1.0)]) == 0


# --------------------------------------------------------------------------- entries of bare names

OBJECTS = """\
TF_MODEL_MAPPING = OrderedDict(
    [
        # Base model mapping
        (LEDConfig, TFLEDModel),
        (
            XLMConfig,
            TFXLMWithLMHeadModel,
        ),  # XLM can be MLM and CLM => model should be split similar to BERT; leave here for now
        (BertConfig, TFBertModel),
    ]
)
"""


def test_object_entries_are_edited_line_by_line_keeping_a_commented_entry():
    gone = edit_mapping(
        OBJECTS,
        "TF_MODEL_MAPPING",
        [("XLMConfig", ("TFXLMWithLMHeadModel",)), ("BertConfig", ("TFBertModel",))],
        "objects",
    )
    assert "(LEDConfig, TFLEDModel)" not in gone and "# XLM can be MLM" in gone
    back = edit_mapping(
        gone,
        "TF_MODEL_MAPPING",
        [("LEDConfig", ("TFLEDModel",)), ("XLMConfig", ("TFXLMWithLMHeadModel",)), ("BertConfig", ("TFBertModel",))],
        "objects",
    )
    assert back == OBJECTS


def test_object_entries_keep_crlf():
    crlf = OBJECTS.replace("\n", "\r\n")
    new = edit_mapping(
        crlf, "TF_MODEL_MAPPING", [("LEDConfig", ("TFLEDModel",)), ("BertConfig", ("TFBertModel",))], "objects"
    )
    assert "\r\n" in new and "\n" not in new.replace("\r\n", "") and "XLMConfig" not in new


def test_an_object_entry_too_long_for_one_line_is_split_as_black_splits_it():
    name = "TF" + "Very" * 30 + "LongModel"
    assert (
        render_object_entry("BertConfig", [name])
        == f"        (\n            BertConfig,\n            {name},\n        ),\n"
    )
    assert render_object_entry("BertConfig", ["TFBertModel"]) == "        (BertConfig, TFBertModel),\n"


def test_a_string_entry_is_not_read_as_an_object_entry():
    with pytest.raises(ValueError, match=r"not a \(ConfigClass, Class\) pair"):
        edit_mapping(
            'M_MAPPING = OrderedDict(\n    [\n        ("bert", "TFBertModel"),\n    ]\n)\n', "M_MAPPING", [], "objects"
        )


# --------------------------------------------------------------------------- imports at the top

HEADER = """\
import warnings
from collections import OrderedDict

from ...utils import logging

# Add modeling imports here
from ..albert.modeling_tf_albert import TFAlbertModel
from ..bert.modeling_tf_bert import (
    TFBertForMaskedLM,
    TFBertForMultipleChoice,
    TFBertForNextSentencePrediction,
    TFBertForPreTraining,
    TFBertForQuestionAnswering,
    TFBertForSequenceClassification,
    TFBertModel,
)
from ..xlm.modeling_tf_xlm import TFXLMModel
from .configuration_auto import AlbertConfig, BertConfig, XLMConfig, replace_list_option_in_docstrings


logger = logging.get_logger(__name__)
"""


def test_a_name_joins_its_import_in_isort_order_and_the_statement_is_rewritten_as_black_writes_it():
    new = edit_imports(HEADER, [ImportEdit("albert.modeling_tf_albert", 2, ("TFAlbertForMaskedLM",))])
    assert "from ..albert.modeling_tf_albert import TFAlbertForMaskedLM, TFAlbertModel\n" in new
    assert new.count("# Add modeling imports here\nfrom ..albert") == 1


def test_a_name_that_makes_the_import_too_long_explodes_it():
    names = (
        "TFXLMForMultipleChoice",
        "TFXLMForQuestionAnsweringSimple",
        "TFXLMForSequenceClassification",
        "TFXLMWithLMHeadModel",
    )
    new = edit_imports(HEADER, [ImportEdit("xlm.modeling_tf_xlm", 2, names)])
    assert (
        "from ..xlm.modeling_tf_xlm import (\n    TFXLMForMultipleChoice,\n    TFXLMForQuestionAnsweringSimple,\n"
        "    TFXLMForSequenceClassification,\n    TFXLMModel,\n    TFXLMWithLMHeadModel,\n)\n"
    ) in new


def test_a_new_import_goes_to_its_isort_place_and_takes_over_the_leading_comment():
    first = edit_imports(HEADER, [ImportEdit("aaa.modeling_tf_aaa", 2, ("TFAaaModel",))])
    assert "# Add modeling imports here\nfrom ..aaa.modeling_tf_aaa import TFAaaModel\nfrom ..albert" in first
    middle = edit_imports(
        HEADER, [ImportEdit("bert_generation.modeling_tf_bert_generation", 2, ("TFBertGenerationEncoder",))]
    )
    assert (
        ")\nfrom ..bert_generation.modeling_tf_bert_generation import TFBertGenerationEncoder\nfrom ..xlm." in middle
    )
    # isort: ``..xlm.x`` before ``..xlm_roberta.x`` ('.' sorts before '_'), and every ``..`` before ``.``.
    late = edit_imports(HEADER, [ImportEdit("xlm_roberta.modeling_tf_xlm_roberta", 2, ("TFXLMRobertaModel",))])
    assert (
        "TFXLMModel\nfrom ..xlm_roberta.modeling_tf_xlm_roberta import TFXLMRobertaModel\nfrom .configuration_auto"
        in late
    )


def test_an_emptied_import_is_removed_and_hands_its_comment_to_the_next():
    new = edit_imports(HEADER, [ImportEdit("albert.modeling_tf_albert", 2, (), ("TFAlbertModel",))])
    assert "albert.modeling_tf_albert" not in new
    assert "# Add modeling imports here\nfrom ..bert.modeling_tf_bert import (\n" in new
    assert edit_imports(new, [ImportEdit("albert.modeling_tf_albert", 2, ("TFAlbertModel",))]) == HEADER


def test_a_configuration_class_joins_the_shared_import_with_the_function_last():
    new = edit_imports(HEADER, [ImportEdit("configuration_auto", 1, ("CTRLConfig",))])
    assert (
        "from .configuration_auto import AlbertConfig, BertConfig, CTRLConfig, XLMConfig, "
        "replace_list_option_in_docstrings\n"
    ) in new


def test_an_import_with_comments_is_left_for_a_person():
    commented = HEADER.replace("    TFBertModel,\n)", "    TFBertModel,  # noqa: F401\n)")
    with pytest.raises(ValueError, match="has comments"):
        edit_imports(commented, [ImportEdit("bert.modeling_tf_bert", 2, ("TFBertLMHeadModel",))])


# --------------------------------------------------------------------------- comments after entries

LONG_COMMENT = "# XLM can be MLM and CLM => model should be split similar to BERT; leave here for now"


def test_reader_keeps_the_comment_after_an_entry():
    from tfintegrity.index.auto_readers import read_auto_layouts
    from tfintegrity.index.auto_readers import AutoLayout

    facts = read_auto_layouts("m.py", OBJECTS, (AutoLayout("objects", "_MAPPING", "objects", "config_class"),))
    comments = {e.key: e.comment for e in facts.mappings["TF_MODEL_MAPPING"].entries}
    assert comments == {"LEDConfig": None, "XLMConfig": LONG_COMMENT, "BertConfig": None}


def test_a_new_entry_carries_its_comment_split_as_black_splits_it():
    gone = edit_mapping(
        OBJECTS,
        "TF_MODEL_MAPPING",
        [("LEDConfig", ("TFLEDModel",)), ("BertConfig", ("TFBertModel",))],
        "objects",
    )
    wanted = [
        ("LEDConfig", ("TFLEDModel",)),
        ("XLMConfig", ("TFXLMWithLMHeadModel",)),
        ("BertConfig", ("TFBertModel",)),
    ]
    back = edit_mapping(
        gone, "TF_MODEL_MAPPING", wanted, "objects", {("XLMConfig", ("TFXLMWithLMHeadModel",)): LONG_COMMENT}
    )
    assert back == OBJECTS
    short = edit_mapping(
        gone, "TF_MODEL_MAPPING", wanted, "objects", {("XLMConfig", ("TFXLMWithLMHeadModel",)): "# x"}
    )
    assert "        (XLMConfig, TFXLMWithLMHeadModel),  # x\n" in short


# --------------------------------------------------------------------------- imports edited in the text

IMPORTS = """\
from collections import OrderedDict

# Add modeling imports here
from ..albert.modeling_tf_albert import TFAlbertModel
from ..bert.modeling_tf_bert import (
    TFBertForMaskedLM,
    TFBertModel,
)
from ..xlnet.modeling_tf_xlnet import TFXLNetModel
from .configuration_auto import AlbertConfig, BertConfig


logger = 1
"""


@pytest.mark.parametrize(
    "edit",
    [
        ImportEdit("bert.modeling_tf_bert", 2, ("TFBertForPreTraining",)),
        ImportEdit("bert.modeling_tf_bert", 2, (), ("TFBertForMaskedLM", "TFBertModel")),
        ImportEdit("albert.modeling_tf_albert", 2, (), ("TFAlbertModel",)),
        ImportEdit("aaa.modeling_tf_aaa", 2, ("TFAaaModel",)),
        ImportEdit("ctrl.modeling_tf_ctrl", 2, ("TFCTRLModel",)),
        ImportEdit("zzz.modeling_tf_zzz", 2, ("TFZzzModel",)),
        ImportEdit("configuration_auto", 1, ("ZConfig",)),
    ],
)
def test_imports_edited_in_the_text_as_through_libcst(edit, monkeypatch):
    from tfintegrity.fixes import mapping_edit

    fast = mapping_edit._edit_imports_in_place(IMPORTS, [edit])
    assert fast is not None
    monkeypatch.setattr(mapping_edit, "_edit_imports_in_place", lambda text, edits: None)
    assert fast == mapping_edit.edit_imports(IMPORTS, [edit])


def test_imports_with_comments_are_left_to_libcst():
    from tfintegrity.fixes import mapping_edit

    text = IMPORTS.replace("TFXLNetModel\n", "TFXLNetModel  # keep\n")
    assert mapping_edit._edit_imports_in_place(text, [ImportEdit("xlnet.modeling_tf_xlnet", 2, ("TFXLNetA",))]) is None
    with pytest.raises(ValueError, match="has comments"):
        edit_imports(text, [ImportEdit("xlnet.modeling_tf_xlnet", 2, ("TFXLNetA",))])
