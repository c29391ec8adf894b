"""A fix acts only on evidence (issue 8): on real releases, no entry of the six places disappears unless
the tree proves it stale, a scoped fix changes only its model's entries, one check names every entry a new
model needs, and the release's own scripts pass on what the fix wrote.

Every test counts the entries of the six places before and after (``tests/entries.py``, which reads the
files independently of tfintegrity's readers) and runs the release's own consistency scripts
(``tests/oracles.py``) where they pass on the pristine tree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

import mutations
import oracles
import realtree
from entries import count_entries, lost_entries, total
from tfintegrity import api
from tfintegrity.index.catalog import Catalog
from tfintegrity.index.repo import RepoIndex

PKG = "src/transformers"
TOP = f"{PKG}/__init__.py"
AUTO = f"{PKG}/models/auto/modeling_tf_auto.py"
DUMMIES = f"{PKG}/utils/dummy_tf_objects.py"
DOCTESTS = "utils/documentation_tests.txt"


def release(version: str, tmp_path: Path) -> Path:
    """A writable copy of a real release tree (skipped, with the reason, when it cannot be assembled)."""
    return realtree.copy_tree(realtree.tree_or_skip(version), tmp_path / f"transformers-{version}")


def fix(root: Path, *paths: str) -> api.CheckResult:
    options = api.Options(root=root, fix=True, use_baseline=False, paths=paths or None, cwd=root)
    result, _ = api.run(options)
    return result


def check(root: Path, *paths: str) -> List[api.Finding]:
    result, _ = api.run(api.Options(root=root, use_baseline=False, paths=paths or None, cwd=root))
    return list(result.findings)


def passing_oracles(root: Path) -> Set[str]:
    return {r.script for r in oracles.run_oracles(root, scoped=True) if r.returncode == 0}


def assert_oracles_still_pass(root: Path, before: Set[str]) -> None:
    after = {r.script: r for r in oracles.run_oracles(root, scoped=True)}
    broken = [after[s] for s in sorted(before) if after[s].returncode != 0]
    assert not broken, oracles.describe(broken)


def assert_nothing_lost(before: Dict, root: Path) -> None:
    after = count_entries(root)
    assert lost_entries(before, after) == {}, f"{total(before)} entries before, {total(after)} after"


# --------------------------------------------------------------------------- evidence before deletion


def test_a_model_folder_without_init_keeps_its_auto_mapping_entries(tmp_path: Path) -> None:
    """bert/__init__.py missing (a half-finished branch): modeling_tf_bert.py still defines every class, so
    none of bert's 11 auto-mapping entries is stale; the missing init is reported and not created."""
    root = release("4.31.0", tmp_path)
    (root / PKG / "models/bert/__init__.py").unlink()
    before = count_entries(root)
    bert_entries = sum(n for key, n in before[AUTO].items() if key.startswith("str:TFBert"))
    assert bert_entries == 11
    findings = check(root)
    missing_init = [f for f in findings if f.code in ("TFI001", "TFI002") and f.model == "bert"]
    assert missing_init and all(not f.fixable and "does not exist" in f.message for f in missing_init)
    assert not [f for f in findings if f.kind == "stale" and f.symbol.startswith("TFBert")]
    result = fix(root)
    assert {f.code for f in result.findings if f.model == "bert"} == {"TFI001", "TFI002"}
    assert_nothing_lost(before, root)
    assert not (root / PKG / "models/bert/__init__.py").exists()


def test_an_empty_top_level_init_is_reported_and_the_dummies_stay(tmp_path: Path) -> None:
    root = release("4.31.0", tmp_path)
    (root / TOP).write_text("", encoding="utf-8")
    dummies = (root / DUMMIES).read_bytes()
    before = count_entries(root)
    findings = check(root)
    about_top = [f for f in findings if f.path == TOP]
    assert sorted(f.code for f in about_top) == ["TFI003", "TFI004", "TFI006"]
    assert all(not f.fixable and "not a lazy init" in f.message for f in about_top)
    fix(root)
    assert (root / DUMMIES).read_bytes() == dummies
    assert (root / TOP).read_text(encoding="utf-8") == ""
    assert_nothing_lost(before, root)


@pytest.mark.parametrize("version", ["4.16.0", "4.18.0"])
def test_if_block_inits_keep_every_dummy(version: str, tmp_path: Path) -> None:
    """Top-level inits of `if is_tf_available():` blocks: the optimizer, benchmark, callback and generation
    dummies are imported there too, so none of them is stale, in a full fix or one scoped to a model."""
    root = release(version, tmp_path)
    pristine = passing_oracles(root)
    before = count_entries(root)
    dummies_before = {k for k in before[DUMMIES] if k.startswith("def:")}
    assert {"def:TensorFlowBenchmark", "def:AdamWeightDecay", "def:create_optimizer"} <= dummies_before
    assert not [f for f in check(root) if f.code == "TFI006" and f.kind == "stale"]
    scoped = realtree.copy_tree(root, tmp_path / "scoped")
    fix(root)
    assert_nothing_lost(before, root)
    assert_oracles_still_pass(root, pristine)
    # Scoped to one model, as pre-commit runs it: nothing of another model's entries changes.
    fix(scoped, f"{PKG}/models/bert/modeling_tf_bert.py")
    assert_nothing_lost(before, scoped)
    assert_oracles_still_pass(scoped, pristine)


def test_a_scoped_fix_on_an_if_block_release_leaves_other_dummies_alone(tmp_path: Path) -> None:
    root = release("4.18.0", tmp_path)
    dummies = (root / DUMMIES).read_bytes()
    fix(root, f"{PKG}/models/bert/modeling_tf_bert.py")
    assert (root / DUMMIES).read_bytes() == dummies  # bert's dummies are all there: nothing to add or remove


def test_the_dummies_keep_their_own_header(tmp_path: Path) -> None:
    """4.24.0's generator writes `# flake8: noqa` as line 2; a fix that adds a dummy keeps it."""
    root = release("4.24.0", tmp_path)
    text = (root / DUMMIES).read_text(encoding="utf-8")
    assert text.splitlines()[1] == "# flake8: noqa"
    index = RepoIndex(root, PKG)
    mutated = mutations.remove_from_dummies(index, ["TFBertForMaskedLM"])
    (root / DUMMIES).write_text(mutated[DUMMIES], encoding="utf-8")
    assert (root / DUMMIES).read_text(encoding="utf-8").splitlines()[1] == "# flake8: noqa"
    findings = [f for f in check(root) if f.code == "TFI006" and f.model == "bert"]
    assert [(f.kind, f.symbol) for f in findings] == [("missing", "TFBertForMaskedLM")]
    before = count_entries(root)
    fix(root, f"{PKG}/models/bert/modeling_tf_bert.py")
    assert_nothing_lost(before, root)
    assert (root / DUMMIES).read_text(encoding="utf-8") == text


# --------------------------------------------------------------------------- one check lists everything


def _whole_model_removed(root: Path, folder: str) -> Tuple[Dict[str, str], RepoIndex]:
    index = RepoIndex(root, PKG)
    session = api.open_session(api.Options(root=root))
    catalog = Catalog(index, session.ruleset.backends["tf"])
    changes = mutations.remove_whole_model(index, catalog, catalog.models()[folder])
    return changes, index


def _places_of(findings: List[api.Finding]) -> Set[Tuple[str, str]]:
    return {(f.code, f.symbol) for f in findings}


@pytest.mark.parametrize("folder", ["gpt2", "convnext", "speech_to_text"])
def test_one_check_names_every_entry_of_a_model_with_only_its_modeling_file(folder: str, tmp_path: Path) -> None:
    root = release("4.31.0", tmp_path)
    pristine_oracles = passing_oracles(root)
    changes, index = _whole_model_removed(root, folder)
    catalog = Catalog(index, api.open_session(api.Options(root=root)).ruleset.backends["tf"])
    model = catalog.models()[folder]
    for path, text in changes.items():
        (root / path).write_text(text, encoding="utf-8")
    auto = index.auto(AUTO)
    mapped = {v for m in auto.mappings.values() for e in m.entries for v in e.values}
    findings = check(root)
    names = set(model.required())
    mine = [f for f in findings if f.model == folder]
    # Each place names each entry: inits (both halves, model and top level), auto mappings, dummies, the
    # doctest list and the doc page.
    for code in ("TFI001", "TFI002", "TFI003", "TFI004", "TFI006"):
        assert {f.symbol for f in mine if f.code == code} == names, code
    assert {f.symbol for f in mine if f.code == "TFI005"} == {c.name for c in model.classes} & mapped
    assert {f.code for f in mine} >= {"TFI007", "TFI008"}
    # ... and one --fix writes exactly that: afterwards nothing of the model is left to report.
    result = fix(root)
    fixed = {(f.code, f.symbol) for f in result.fixed if f.model == folder}
    assert _places_of(mine) <= fixed | {(f.code, f.symbol) for f in result.findings if not f.fixable}
    assert not [f for f in check(root) if f.model == folder and f.fixable]
    assert_oracles_still_pass(root, pristine_oracles)


def test_a_scoped_fix_changes_only_its_model(tmp_path: Path) -> None:
    """Whole electra integration removed, fixed with only its modeling file as path: every file of the tree
    is the release's own bytes again (its other models' gaps untouched: 45 doctest lines, 17 doc entries...)."""
    root = release("4.31.0", tmp_path)
    pristine = {p: (root / p).read_bytes() for p in count_entries(root)}
    pristine_oracles = passing_oracles(root)
    changes, _ = _whole_model_removed(root, "electra")
    assert len(changes) >= 6
    for path, text in changes.items():
        (root / path).write_text(text, encoding="utf-8")
    result = fix(root, f"{PKG}/models/electra/modeling_tf_electra.py")
    assert result.changed_files
    changed = sorted(p for p, data in pristine.items() if (root / p).read_bytes() != data)
    assert changed == []
    assert_oracles_still_pass(root, pristine_oracles)


# --------------------------------------------------------------------------- wrong sources, placement


def test_a_wrong_source_import_is_replaced_not_duplicated(tmp_path: Path) -> None:
    """`from .modeling_tf_layoutlm import (...)` at the top level (as 4.18.0 shipped): a module that does
    not exist. The fix moves the names to `from .models.layoutlm import`: the init is the release's again."""
    root = release("4.31.0", tmp_path)
    pristine_oracles = passing_oracles(root)
    text = (root / TOP).read_text(encoding="utf-8")
    start = text.index("        from .models.layoutlm import (\n            TF_LAYOUTLM")
    wrong = text[:start] + text[start:].replace("from .models.layoutlm import", "from .modeling_tf_layoutlm import", 1)
    (root / TOP).write_text(wrong, encoding="utf-8")
    findings = [f for f in check(root) if f.code == "TFI010"]
    assert findings and all(f.kind == "wrong" and f.fixable and f.model == "layoutlm" for f in findings)
    before = count_entries(root)
    fix(root, f"{PKG}/models/layoutlm/modeling_tf_layoutlm.py")
    assert_nothing_lost(before, root)
    assert (root / TOP).read_text(encoding="utf-8") == text
    assert_oracles_still_pass(root, pristine_oracles)


def test_the_real_wrong_source_import_of_4_18(tmp_path: Path) -> None:
    root = release("4.18.0", tmp_path)
    pristine_oracles = passing_oracles(root)
    assert "from .modeling_tf_layoutlm import" in (root / TOP).read_text(encoding="utf-8")
    before = count_entries(root)
    fix(root)
    text = (root / TOP).read_text(encoding="utf-8")
    assert "from .modeling_tf_layoutlm import" not in text
    block = text[text.index("        from .models.layoutlm import (\n            TF_LAYOUTLM") :]
    assert block.index("TFLayoutLMModel,") < block.index(")")
    assert text.count("            TFLayoutLMModel,\n") == 1
    assert_nothing_lost(before, root)
    assert_oracles_still_pass(root, pristine_oracles)


def test_a_doctest_line_goes_between_its_neighbours_in_a_partly_sorted_list(tmp_path: Path) -> None:
    root = release("4.31.0", tmp_path)
    path = root / DOCTESTS
    lines = path.read_text(encoding="utf-8").splitlines()
    entry = f"{PKG}/models/electra/modeling_tf_electra.py"
    assert entry in lines
    lines.remove(entry)
    tail = ["src/transformers/models/zz_unsorted/a.py", "docs/source/en/unsorted_tail.md"]
    path.write_text("\n".join(lines + tail) + "\n", encoding="utf-8")
    before = count_entries(root)
    fix(root, f"{PKG}/models/electra/modeling_tf_electra.py")
    assert_nothing_lost(before, root)
    fixed = path.read_text(encoding="utf-8").splitlines()
    at = fixed.index(entry)
    assert fixed[at - 1] < entry < fixed[at + 1]
    assert fixed[-2:] == tail


def test_baseline_after_fix_counts_what_still_occurs(tmp_path: Path) -> None:
    root = release("4.31.0", tmp_path)
    count, _ = api.write_baseline(api.Options(root=root))
    assert count > 90
    result, _ = api.run(api.Options(root=root, fix=True, cwd=root))
    assert result.baseline_gone == ()
    assert result.baselined == count
