"""The premises of the whole-model reasons (tests/irregularities.py) on small texts: each says yes to the
irregularity it names and no to the regular form next to it."""

from __future__ import annotations

import irregularities as irregular

GUARD = """try:
    if not {guard}():
        raise OptionalDependencyNotAvailable()
except OptionalDependencyNotAvailable:
    pass
else:
{body}
"""


def init(*blocks: str, between: str = "\n") -> str:
    return '_import_structure = {"configuration_x": ["XConfig"]}\n\n' + between.join(blocks)


def block(guard: str, *lines: str) -> str:
    return GUARD.format(guard=guard, body="\n".join("    " + ln for ln in lines))


JOINED_TF = block("is_tf_available", '_import_structure["modeling_tf_x"] = ["TFXModel", "TFXPreTrainedModel"]')
EXPLODED_TF = block("is_tf_available", '_import_structure["modeling_tf_x"] = [', '    "TFXModel",',
                    '    "TFXPreTrainedModel",', "]")
JOINED_PT = block("is_torch_available", '_import_structure["modeling_x"] = ["XModel", "XPreTrainedModel"]')
EXPLODED_PT = block("is_torch_available", '_import_structure["modeling_x"] = [', '    "XModel",',
                    '    "XPreTrainedModel",', "]")


def test_magic_comma_is_an_exploded_statement_black_would_join_that_the_siblings_do_not_explain() -> None:
    assert irregular.magic_comma(init(JOINED_PT, EXPLODED_TF))
    assert not irregular.magic_comma(init(JOINED_PT, JOINED_TF))
    # the torch statement is exploded too: the fix follows it, so nothing is irregular
    assert not irregular.magic_comma(init(EXPLODED_PT, EXPLODED_TF))
    # joined where the sibling says exploded
    assert irregular.magic_comma(init(EXPLODED_PT, JOINED_TF))


def test_a_statement_too_long_for_one_line_is_no_magic_comma() -> None:
    names = [f"TFXFor{'Something' * 3}{i}" for i in range(4)]
    long_tf = block("is_tf_available", '_import_structure["modeling_tf_x"] = [',
                    *[f'    "{n}",' for n in names], "]")
    assert not irregular.magic_comma(init(JOINED_PT, long_tf))


def test_block_order() -> None:
    flax = block("is_flax_available", '_import_structure["modeling_flax_x"] = ["FlaxXModel"]')
    vision = block("is_vision_available", '_import_structure["image_processing_x"] = ["XImageProcessor"]')
    assert not irregular.block_order(init(JOINED_PT, JOINED_TF, flax))
    assert irregular.block_order(init(JOINED_TF, JOINED_PT, flax))
    assert irregular.block_order(init(JOINED_PT, flax, JOINED_TF))
    assert irregular.block_order(init(JOINED_PT, vision, JOINED_TF))


def test_block_spacing_and_legacy_if() -> None:
    flax = block("is_flax_available", '_import_structure["modeling_flax_x"] = ["FlaxXModel"]')
    regular = init(JOINED_PT, JOINED_TF, flax)
    assert not irregular.block_spacing(regular)
    assert irregular.block_spacing(init(JOINED_PT, JOINED_TF + "\n", flax))
    legacy = init(JOINED_PT, 'if is_tf_available():\n    _import_structure["modeling_tf_x"] = ["TFXModel"]\n')
    assert irregular.legacy_if(legacy)
    assert not irregular.legacy_if(regular)


def page(*sections: str, gap: str = "\n") -> str:
    return "# X\n\n## Overview\n\nText.\n\n" + gap.join(sections)


def section(name: str, member: str = "", header: str = "") -> str:
    return f"## {header or name}\n\n[[autodoc]] {name}\n" + (f"    - {member}\n" if member else "")


PT = [section("XModel", "forward"), section("XForCausalLM", "forward"), section("XForMaskedLM", "forward")]
TF_BY_TWIN = [section("TFXModel", "call"), section("TFXForCausalLM", "call"), section("TFXForMaskedLM", "call")]
TF_BY_FILE = [section("TFXModel", "call"), section("TFXForMaskedLM", "call"), section("TFXForCausalLM", "call")]
TF_CLASSES = ("TFXModel", "TFXForCausalLM", "TFXForMaskedLM")
TF_FILE = ("TFXPreTrainedModel", "TFXModel", "TFXForMaskedLM", "TFXForCausalLM")
PT_CLASSES = ("XPreTrainedModel", "XModel", "XForCausalLM", "XForMaskedLM")


def test_sections_read_markdown_and_rst() -> None:
    rst = "XModel\n~~~~~~\n\n.. autoclass:: transformers.XModel\n    :members: forward\n"
    assert [(s.header, s.cls, s.members) for s in irregular.sections(rst)] == [
        ("XModel", "XModel", ("    :members: forward",))]
    md = page(section("TFXModel", "call", header="TFXModelModel"))
    assert [(s.header, s.cls) for s in irregular.sections(md)] == [("TFXModelModel", "TFXModel")]
    assert irregular.header_typo(md, TF_CLASSES)
    assert not irregular.header_typo(page(*TF_BY_TWIN), TF_CLASSES)


def test_page_order_and_file_order() -> None:
    by_twin, by_file = page(*PT, *TF_BY_TWIN), page(*PT, *TF_BY_FILE)
    assert not irregular.page_order(by_twin, TF_CLASSES, TF_FILE, PT_CLASSES)
    assert not irregular.file_order(by_twin, TF_CLASSES, TF_FILE)
    assert irregular.file_order(by_file, TF_CLASSES, TF_FILE)
    assert not irregular.page_order(by_file, TF_CLASSES, TF_FILE, PT_CLASSES)
    neither = page(*PT, TF_BY_TWIN[2], TF_BY_TWIN[0], TF_BY_TWIN[1])
    assert irregular.page_order(neither, TF_CLASSES, TF_FILE, PT_CLASSES)
    between = page(PT[0], *TF_BY_TWIN, PT[1], PT[2])
    assert irregular.page_order(between, TF_CLASSES, TF_FILE, PT_CLASSES)
    # a PyTorch section with no TF twin after the TF run (opt's), against a PyTorch helper class documented last
    qa = section("XForQuestionAnswering", "forward")
    assert irregular.page_order(page(*PT, *TF_BY_TWIN, qa), TF_CLASSES, TF_FILE, PT_CLASSES + ("XForQuestionAnswering",))
    helper = section("AdaptiveEmbedding")
    assert not irregular.page_order(page(*PT, *TF_BY_TWIN, helper), TF_CLASSES, TF_FILE, PT_CLASSES + ("AdaptiveEmbedding",))
    flax_first = page(*PT, section("FlaxXModel"), *TF_BY_TWIN)
    assert irregular.page_order(flax_first, TF_CLASSES, TF_FILE, PT_CLASSES)


def test_spacing_members_and_trailing_spaces() -> None:
    assert not irregular.mixed_spacing(page(*PT, *TF_BY_TWIN), TF_CLASSES)
    assert not irregular.mixed_spacing(page(*PT, *TF_BY_TWIN, gap="\n\n"), TF_CLASSES)  # two blank lines throughout
    # two blank lines around the TF sections where their PyTorch twins have one
    assert irregular.mixed_spacing(page(*PT) + "\n\n" + "\n\n".join(TF_BY_TWIN), TF_CLASSES)
    # one between the TF sections, two after the last of them
    assert irregular.mixed_spacing(page(*PT, *TF_BY_TWIN) + "\n\n" + section("FlaxXModel"), TF_CLASSES)
    # no PyTorch twins on the page: the TF sections' own gaps, one then two
    assert irregular.mixed_spacing(page(*TF_BY_TWIN[:2]) + "\n\n" + TF_BY_TWIN[2], TF_CLASSES)
    assert not irregular.other_members(page(*PT, *TF_BY_TWIN), TF_CLASSES)
    bare = [section(n) for n in TF_CLASSES]
    assert irregular.other_members(page(*PT, *bare), TF_CLASSES)
    assert irregular.trailing_space(page(*PT, *TF_BY_TWIN).replace("- call\n", "- call \n"), TF_CLASSES)


MAPPINGS = '''MODEL_MAPPING_NAMES = OrderedDict([("a", "A"), ("x", "X"), ("b", "B"), ("c", "C")])
MODEL_FOR_MASKED_LM_MAPPING_NAMES = OrderedDict([("a", "A"), ("x", "X"), ("b", "B")])
'''


def test_mapping_history_and_tf_only_mappings() -> None:
    same = MAPPINGS.replace("MODEL_", "TF_MODEL_")
    assert not irregular.mapping_history(same, MAPPINGS, ["x"])
    moved = 'TF_MODEL_MAPPING_NAMES = OrderedDict([("a", "A"), ("b", "B"), ("x", "X"), ("c", "C")])\n'
    assert irregular.mapping_history(moved, MAPPINGS, ["x"])
    conflicting = MAPPINGS.replace('[("a", "A"), ("x", "X"), ("b", "B")]', '[("b", "B"), ("x", "X"), ("a", "A")]')
    assert irregular.mapping_history(same, conflicting, ["x"])
    assert not irregular.tf_only_mapping(same, MAPPINGS, ["x"])
    only_tf = same + 'TF_MODEL_FOR_MASKED_LM_MAPPING_NAMES = OrderedDict([("c", "C")])\n'
    assert irregular.tf_only_mapping(only_tf, MAPPINGS, ["c"])


def test_doctest_place() -> None:
    files = ["src/a/modeling_a.py", "src/a/modeling_tf_a.py", "src/b/modeling_b.py"]
    assert not irregular.doctest_place("\n".join(files), files[1], files[0])
    away = "\n".join([files[0], files[2], files[1], "src/c/modeling_c.py"])
    assert irregular.doctest_place(away, files[1], files[0])
