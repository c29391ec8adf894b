"""The form of new blocks in lazy inits, derived from the file (``tfintegrity.fixes.cstedit``).

Each case builds a small init whose guarded blocks stand a given number of blank lines apart, adds the TF
blocks with ``EnsureGuard`` + ``SetStructure`` + ``SetImport`` and compares with the same init written
with the TF blocks where a maintainer puts them.
"""

from __future__ import annotations

import ast
from typing import Sequence, Tuple

from tfintegrity.fixes.cstedit import Block, EnsureGuard, SetImport, SetStructure, edit_init
from tfintegrity.fixes.pysource import render_import

TF = "is_tf_available"
NAMES = ("TFXModel", "TFXPreTrainedModel")
PREFIX = {"torch": "", "tf": "TF", "flax": "Flax", "tokenizers": "Fast", "tensorflow_text": "Text"}
STEM = {b: f"modeling_{b}_x" for b in PREFIX}
STEM.update(torch="modeling_x", tf="modeling_tf_x", flax="modeling_flax_x")

# (backend, blank lines before its block); the last item is the gap before what follows the blocks
Layout = Sequence[Tuple[str, int]]


def _block(backend: str, indent: str, type_checking: bool) -> str:
    names = [f"{PREFIX[backend]}XModel", f"{PREFIX[backend]}XPreTrainedModel"]
    if type_checking:
        body = f"from .{STEM[backend]} import {', '.join(names)}"
    else:
        body = f'_import_structure["{STEM[backend]}"] = [{", ".join(chr(34) + n + chr(34) for n in names)}]'
    lines = [
        "try:",
        f"    if not is_{backend}_available():",
        "        raise OptionalDependencyNotAvailable()",
        "except OptionalDependencyNotAvailable:",
        "    pass",
        "else:",
        f"    {body}",
    ]
    return "".join(indent + line + "\n" for line in lines)


def _init(structure: Layout, structure_end: int, checking: Layout, checking_end: int) -> str:
    backends = sorted({b for b, _ in [*structure, *checking]})
    utils = render_import(
        "utils", 3, ["OptionalDependencyNotAvailable", "_LazyModule", *(f"is_{b}_available" for b in backends)]
    )
    out = f'from typing import TYPE_CHECKING\n\n{utils}\n\n_import_structure = {{"configuration_x": ["XConfig"]}}\n'
    for backend, blanks in structure:
        out += "\n" * blanks + _block(backend, "", False)
    out += "\n" * structure_end + "if TYPE_CHECKING:\n    from .configuration_x import XConfig\n"
    for backend, blanks in checking:
        out += "\n" * blanks + _block(backend, "    ", True)
    out += "\n" * checking_end + "else:\n    import sys\n\n    sys.modules[__name__] = _LazyModule(__name__)\n"
    ast.parse(out)
    return out


def _add_tf(text: str) -> str:
    return edit_init(
        text,
        [
            EnsureGuard(TF),
            SetStructure(Block(False, TF), "modeling_tf_x", NAMES),
            SetImport(Block(True, TF), "modeling_tf_x", 1, NAMES),
        ],
    )


def test_one_blank_line_between_blocks_is_kept_on_both_sides():
    release = _init([("torch", 1), ("tf", 1), ("flax", 1)], 1, [("torch", 1), ("tf", 1), ("flax", 1)], 1)
    cut = _init([("torch", 1), ("flax", 1)], 1, [("torch", 1), ("flax", 1)], 1)
    assert _add_tf(cut) == release


def test_two_blank_lines_between_blocks_put_two_on_both_sides_of_the_new_block():
    # blenderbot and roformer of 4.31.0: torch [2] tf [2] flax
    release = _init([("torch", 1), ("tf", 2), ("flax", 2)], 2, [("torch", 1), ("tf", 1), ("flax", 1)], 1)
    cut = _init([("torch", 1), ("flax", 2)], 2, [("torch", 1), ("flax", 1)], 1)
    assert _add_tf(cut) == release


def test_a_gap_wider_than_black_allows_is_split_around_the_new_block():
    # three blank lines cannot stay after the block (black keeps at most two at module level)
    release = _init([("torch", 1), ("tf", 2), ("flax", 2)], 2, [("torch", 1), ("tf", 1), ("flax", 1)], 1)
    cut = _init([("torch", 1), ("flax", 3)], 2, [("torch", 1), ("flax", 1)], 1)
    assert _add_tf(cut) == release
    # before `if TYPE_CHECKING:` (led of 4.31.0): torch [2] tf [2] TYPE_CHECKING
    release = _init([("torch", 1), ("tf", 2)], 2, [("torch", 1), ("tf", 1)], 1)
    cut = _init([("torch", 1)], 3, [("torch", 1)], 1)
    assert _add_tf(cut) == release


def test_before_type_checking_the_gap_stays_after_the_new_block():
    release = _init([("torch", 1), ("tf", 1)], 2, [("torch", 1), ("tf", 1)], 2)
    cut = _init([("torch", 1)], 2, [("torch", 1)], 2)
    assert _add_tf(cut) == release


def test_last_block_of_type_checking_joined_to_else_gets_its_blank_line_before_else():
    # efficientformer and segformer of 4.31.0: the torch block stands right above `else:`
    release = _init([("torch", 1), ("tf", 1)], 1, [("torch", 1), ("tf", 0)], 1)
    cut = _init([("torch", 1)], 1, [("torch", 1)], 0)
    assert _add_tf(cut) == release


def test_joined_blocks_keep_the_one_blank_line_a_new_block_brings_where_the_half_separates_its_blocks():
    # bert of 4.31.0: tokenizers [1] torch [1] tf [0] tensorflow_text [1] flax
    layout = [("tokenizers", 1), ("torch", 1), ("tf", 1), ("tensorflow_text", 0), ("flax", 1)]
    release = _init(layout, 1, [("torch", 1), ("tf", 1), ("flax", 1)], 1)
    cut = _init([b for b in layout if b[0] != "tf"], 1, [("torch", 1), ("flax", 1)], 1)
    assert _add_tf(cut) == release


def test_a_new_block_between_joined_blocks_joins_them_where_the_half_keeps_its_blocks_joined():
    # sam of 4.31.0: torch [0] tf [0] vision, the half's only other gap between blocks being none as well
    release = _init([("torch", 2), ("tf", 0), ("flax", 0)], 2, [("torch", 1), ("tf", 1), ("flax", 1)], 1)
    cut = _init([("torch", 2), ("flax", 0)], 2, [("torch", 1), ("flax", 1)], 1)
    assert _add_tf(cut) == release


def test_a_new_block_left_empty_changes_no_blank_line():
    cut = _init([("torch", 1), ("flax", 3)], 3, [("torch", 1)], 0)
    assert edit_init(cut, [EnsureGuard(TF)]) == cut
    only_structure = edit_init(cut, [EnsureGuard(TF), SetStructure(Block(False, TF), "modeling_tf_x", NAMES)])
    assert only_structure.endswith(cut[cut.index("if TYPE_CHECKING:") :])  # the TYPE_CHECKING half untouched


def test_a_comment_in_the_gap_keeps_the_plain_placement():
    cut = _init([("torch", 1), ("flax", 2)], 1, [("torch", 1), ("flax", 1)], 1)
    commented = cut.replace(
        "\n\ntry:\n    if not is_flax_available()", "\n# Flax\n\ntry:\n    if not is_flax_available()"
    )
    out = _add_tf(commented)
    assert '"TFXPreTrainedModel"]\n\n# Flax\n\ntry:\n    if not is_flax_available()' in out
    assert '"XPreTrainedModel"]\n\ntry:\n    if not is_tf_available()' in out
