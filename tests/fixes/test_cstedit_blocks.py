"""``edit_init`` edits a large init one guarded block at a time; the result must be the whole-module
editor's, byte for byte (the block path is only a way to parse less)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tfintegrity.fixes import cstedit, pysource
from tfintegrity.index.readers import read_init

GUARD = "is_tf_available"


def _edits(text: str, rng: random.Random, count: int):
    init = read_init("x", text)
    statements = [s for g in init.structure_guards if g.guard == (GUARD,) for s in g.structure if s.form != "other"]
    imports = [b for g in init.type_checking_guards if g.guard == (GUARD,) for b in g.imports]
    for _ in range(count):
        st = rng.choice(statements)
        names = [n.name for n in st.names]
        kept = tuple(names[:-1] + ["TFZzzNew"]) if len(names) > 1 else tuple(names + ["TFAaaNew"])
        form = pysource.structure_form_for(st.form, len(kept)) if st.form != "assign" else "assign"
        imp = rng.choice(imports)
        imp_names = tuple(pysource.isort_names([n.name for n in imp.names][1:] + ["TFNewName"]))
        yield [
            cstedit.SetStructure(cstedit.Block(False, GUARD), st.key, kept, form),
            cstedit.SetImport(cstedit.Block(True, GUARD), imp.module, imp.level, imp_names, rng.choice([None, True])),
        ]


def test_block_edits_equal_whole_module_edits_on_the_synthetic_top_init(tmp_path: Path) -> None:
    import synthtree

    synthtree.write_tree(tmp_path)
    text = (tmp_path / "src/transformers/__init__.py").read_text(encoding="utf-8")
    for edits in _edits(text, random.Random(7), 10):
        assert cstedit.edit_init(text, edits) == cstedit._edit_module(text, edits)


def test_block_edits_equal_whole_module_edits_on_the_real_top_init(real_tree_pristine: Path) -> None:
    text = (real_tree_pristine / "src/transformers/__init__.py").read_text(encoding="utf-8")
    for edits in _edits(text, random.Random(11), 6):
        fast = cstedit.edit_init(text, edits)
        assert fast != text
        assert fast == cstedit._edit_module(text, edits)


def test_edits_that_need_the_whole_module_take_it(tmp_path: Path) -> None:
    import synthtree

    synthtree.write_tree(tmp_path)
    text = (tmp_path / "src/transformers/__init__.py").read_text(encoding="utf-8")
    emptied = [cstedit.SetImport(cstedit.Block(True, "is_tf_available"), "models.tiny", 1, ())]
    assert cstedit._edit_blocks(text, emptied) is None
    assert cstedit._edit_blocks(text.replace("\n", "\r\n"), [cstedit.EnsureGuard("is_tf_available")]) is None
    with pytest.raises(ValueError):
        cstedit.edit_init(text, [cstedit.SetImport(cstedit.Block(True, "is_nothing_available"), "x", 1, ("A",))])
