"""TFI005 in every layout of the auto mappings, on the real release trees (issue 9).

4.2.0 maps configuration classes to model classes as objects (``TF_MODEL_MAPPING = OrderedDict([(LEDConfig,
TFLEDModel), ...])``, each name imported at the top of the file); 4.10.0 and later map ``model_type`` strings
to class-name strings (``TF_MODEL_MAPPING_NAMES``). Up to 4.18.0 the mappings keep no sorted order; from
4.20.0 on ``utils/sort_auto_mappings.py`` keeps them sorted.

(a) On every pristine release the TFI005 findings are exactly the real gaps listed in ``GAPS``, each with
    the reason read off the files (``test_reasons_are_in_the_files`` re-reads them independently of the tool).
(b) Single removals: a seeded sample of the release's own entries is removed one at a time (in 4.2.0 with
    the import at the top that only the removed entry used) from the release after one TFI005 ``--fix``; the
    fix, planned in memory, must give the file's bytes back. The entries it does not give back are named in
    ``MISSES`` with the reason, checked against the files.
(c) After the fix, ``utils/sort_auto_mappings.py --check_only`` of the release (4.20.0 on) passes.
"""

from __future__ import annotations

import ast
import random
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, NamedTuple, Sequence, Tuple

import oracles
import pytest
import realtree

from tfintegrity import api
from tfintegrity.checks.auto_mapping import layouts_of
from tfintegrity.fixes import mapping_edit
from tfintegrity.index.auto_readers import read_auto_layouts
from tfintegrity.index.repo import RepoIndex

PKG = "src/transformers"
AUTO_TF = f"{PKG}/models/auto/modeling_tf_auto.py"
AUTO_PT = f"{PKG}/models/auto/modeling_auto.py"
OBJECT_RELEASES = ("4.2.0",)  # the releases whose mappings are objects, named ``*_MAPPING``
UNSORTED_RELEASES = ("4.2.0", "4.10.0", "4.16.0", "4.18.0")  # mappings in no sorted order
SEED = 20240917
SAMPLE = 25
TARGET = 0.98  # issue 9's target for the single removals of every release

Entry = Tuple[str, Tuple[str, ...]]


def suffix(release: str) -> str:
    return "_MAPPING" if release in OBJECT_RELEASES else "_MAPPING_NAMES"


# =========================================================================== (a) the real gaps


class AutoGap(NamedTuple):
    cls: str  # the TF class
    mapping: str  # the TF mapping
    key: str  # the model_type (4.10 on) or configuration class (4.2)
    reason: str
    kind: str = "missing"


MIRROR = "{pt_mapping} of models/auto/modeling_auto.py maps {key} to {pt}, but {mapping} lacks {cls}"
DUPLICATE = (
    "{mapping} lists ({key}, {cls}) twice (the first base-model entries and again among the seq2seq models "
    "the BART refactor added); the second is redundant and a person decides which one goes"
)


def mirror(cls: str, mapping: str, key: str) -> AutoGap:
    return AutoGap(
        cls, mapping, key, MIRROR.format(pt_mapping=mapping[3:], key=key, pt=cls[2:], mapping=mapping, cls=cls)
    )


def _names(entries: Sequence[Tuple[str, str, str]]) -> List[AutoGap]:
    return [mirror(cls, mapping + "_MAPPING_NAMES", key) for cls, mapping, key in entries]


# Gaps every release from 4.10.0 on has (PyTorch maps these, TF never followed).
SINCE_4_10 = _names(
    [
        ("TFDebertaForMaskedLM", "TF_MODEL_FOR_PRETRAINING", "deberta"),
        ("TFDebertaV2ForMaskedLM", "TF_MODEL_FOR_PRETRAINING", "deberta-v2"),
        ("TFLongformerForMaskedLM", "TF_MODEL_FOR_PRETRAINING", "longformer"),
        ("TFBlenderbotSmallForConditionalGeneration", "TF_MODEL_WITH_LM_HEAD", "blenderbot-small"),
        ("TFDebertaForMaskedLM", "TF_MODEL_WITH_LM_HEAD", "deberta"),
        ("TFDebertaV2ForMaskedLM", "TF_MODEL_WITH_LM_HEAD", "deberta-v2"),
        ("TFBartForConditionalGeneration", "TF_MODEL_FOR_MASKED_LM", "bart"),
        ("TFMBartForConditionalGeneration", "TF_MODEL_FOR_MASKED_LM", "mbart"),
    ]
)
# TFEncoderDecoderModel exists from 4.16.0 on; PyTorch maps EncoderDecoderModel as an LM-head model.
SINCE_4_16 = SINCE_4_10 + _names([("TFEncoderDecoderModel", "TF_MODEL_WITH_LM_HEAD", "encoder-decoder")])
# TFLayoutLMv3ForQuestionAnswering exists from 4.24.0; PyTorch also maps it for document QA.
SINCE_4_24 = SINCE_4_16 + _names(
    [("TFLayoutLMv3ForQuestionAnswering", "TF_MODEL_FOR_DOCUMENT_QUESTION_ANSWERING", "layoutlmv3")]
)

GAPS: Dict[str, List[AutoGap]] = {
    "4.2.0": [
        mirror("TFLongformerForMaskedLM", "TF_MODEL_FOR_PRETRAINING_MAPPING", "LongformerConfig"),
        mirror("TFBlenderbotSmallForConditionalGeneration", "TF_MODEL_WITH_LM_HEAD_MAPPING", "BlenderbotSmallConfig"),
        mirror("TFBartForConditionalGeneration", "TF_MODEL_FOR_MASKED_LM_MAPPING", "BartConfig"),
        AutoGap(
            "TFBartModel",
            "TF_MODEL_MAPPING",
            "BartConfig",
            DUPLICATE.format(mapping="TF_MODEL_MAPPING", key="BartConfig", cls="TFBartModel"),
            "duplicate",
        ),
    ],
    "4.10.0": SINCE_4_10,
    "4.16.0": SINCE_4_16,
    "4.18.0": SINCE_4_16,
    "4.20.0": SINCE_4_16,
    "4.24.0": SINCE_4_24,
    "4.28.0": SINCE_4_24,
    "4.31.0": SINCE_4_24,
    "4.32.0": SINCE_4_24,
    # 4.48.0: PyTorch now maps the CLIP text and vision towers on their own; TF does not. The layoutlmv3
    # document-QA gap is closed (TF maps it).
    "4.48.0": [g for g in SINCE_4_24 if g.cls != "TFLayoutLMv3ForQuestionAnswering"]
    + _names(
        [
            ("TFCLIPTextModel", "TF_MODEL", "clip_text_model"),
            ("TFCLIPVisionModel", "TF_MODEL", "clip_vision_model"),
            ("TFCLIPTextModel", "TF_MODEL_FOR_TEXT_ENCODING", "clip_text_model"),
        ]
    ),
}
# What the tool reported before issue 9, and why it was wrong: 4.2.0 nothing (its object layout was not
# read); 4.10.0-4.18.0 also an "order" finding per mapping (10, 10, 11), though those releases keep no
# sorted order (no sort_auto_mappings.py yet) and new entries went in at the top.


def tree(release: str) -> Path:
    return realtree.tree_or_skip(release)


@lru_cache(maxsize=None)
def _session(release: str) -> Tuple[api.Session, RepoIndex]:
    root = tree(release)
    session = api.open_session(api.Options(root=root, use_baseline=False, select=("TFI005",)))
    return session, RepoIndex(session.root, session.config.package)


def _options(release: str, fix: bool) -> api.Options:
    return api.Options(root=tree(release), fix=fix, use_baseline=False, select=("TFI005",))


@pytest.mark.parametrize("release", realtree.RELEASES)
def test_pristine_findings_are_exactly_the_real_gaps(release: str) -> None:
    session, index = _session(release)
    result, _ = api.evaluate(session, index, _options(release, fix=False))
    actual = sorted((f.kind, f.symbol, f.place.rsplit(":", 1)[1]) for f in result.findings)
    expected = sorted((g.kind, g.cls, g.mapping) for g in GAPS[release])
    assert actual == expected
    for f, gap in zip(
        sorted(result.findings, key=lambda f: (f.kind, f.symbol, f.place)),
        sorted(GAPS[release], key=lambda g: (g.kind, g.cls, g.mapping)),
    ):
        assert gap.key in f.message, (f.message, gap.key)


# --- reading the files independently of the tool ------------------------------------------------------


def _value(node: ast.expr) -> Tuple[str, ...]:
    if isinstance(node, ast.Constant):
        return (node.value,)
    if isinstance(node, ast.Name):
        return (node.id,)
    assert isinstance(node, (ast.Tuple, ast.List))
    return tuple(v for e in node.elts for v in _value(e))


def mappings_of(text: str, ending: str) -> Dict[str, List[Entry]]:
    """Every ``NAME<ending> = OrderedDict([...])`` as (key, classes) pairs, in file order."""
    out: Dict[str, List[Entry]] = {}
    for node in ast.parse(text).body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id.endswith(ending)
            and isinstance(node.value, ast.Call)
            and node.value.args
            and isinstance(node.value.args[0], ast.List)
        ):
            out[node.targets[0].id] = [(_value(e.elts[0])[0], _value(e.elts[1])) for e in node.value.args[0].elts]
    return out


def _text(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize("release", realtree.RELEASES)
def test_reasons_are_in_the_files(release: str) -> None:
    root = tree(release)
    tf = mappings_of(_text(root, AUTO_TF), suffix(release))
    pt = mappings_of(_text(root, AUTO_PT), suffix(release))
    assert tf and pt
    for gap in GAPS[release]:
        entries = tf[gap.mapping]
        if gap.kind == "duplicate":
            assert entries.count((gap.key, (gap.cls,))) == 2, gap
            continue
        # The PyTorch twin maps the key to the counterpart (the last entry of a key is the one an
        # OrderedDict keeps) ...
        kept = dict(pt[gap.mapping[3:]])
        assert gap.cls[2:] in kept[gap.key], gap
        # ... and the TF mapping does not hold the TF class under it, though a TF modeling file defines it.
        assert all(gap.cls not in values for key, values in entries if key == gap.key), gap
        folder_files = list((root / PKG / "models").glob("*/modeling_tf_*.py"))
        assert any(f"\nclass {gap.cls}(" in p.read_text(encoding="utf-8") for p in folder_files), gap


@pytest.mark.parametrize("release", realtree.RELEASES)
def test_each_release_is_read_in_its_layout(release: str) -> None:
    """Every mapping literal of both auto modules is read, entry for entry, in the layout it is written in."""
    session, index = _session(release)
    rule = next(r for r in session.rules if r.code == "TFI005")
    layouts = layouts_of(rule.params)
    for rel in (AUTO_TF, AUTO_PT):
        facts = read_auto_layouts(rel, _text(tree(release), rel), layouts)
        assert facts.layout == ("objects" if release in OBJECT_RELEASES else "names")
        independent = mappings_of(_text(tree(release), rel), suffix(release))
        assert {name: [(e.key, e.values) for e in m.entries] for name, m in facts.mappings.items()} == independent


# =========================================================================== (b) single removals

NO_WITNESS = (
    "the release keeps no sorted order, and of the file's other mappings and the PyTorch twin that hold "
    "{key}, more put it elsewhere among the keys {mapping} holds than next to its neighbours there: the "
    "place is {mapping}'s own history (a head added later at the end, a model added at the top of some "
    "mappings only), which nothing else in the tree records"
)
NO_COUNTERPART = (
    "{twin} of modeling_auto.py has no {key} entry, so nothing asks for the TF entry the release has in "
    "{mapping}: removed, it is not reported (TF mirrors PyTorch)"
)
DUPLICATE_COPY = "{mapping} holds the entry twice; with one copy removed the other is still there"


def _miss(reason: str, mapping: str, key: str) -> str:
    return reason.format(mapping=mapping, key=key, twin=mapping[3:])


# (TF mapping, key, classes) -> why the fix does not give the bytes back; measured with SEED.
def _no_witness(mapping: str, key: str) -> str:
    return _miss(NO_WITNESS, mapping, key)


# (TF mapping, key, classes) -> why the fix does not give the bytes back; measured with SEED. Only releases
# that keep no sorted order have any, besides entries TF has and PyTorch does not.
MISSES: Dict[str, Dict[Tuple[str, str, Tuple[str, ...]], str]] = {
    "4.2.0": {
        ("TF_MODEL_FOR_MULTIPLE_CHOICE_MAPPING", "DistilBertConfig", ("TFDistilBertForMultipleChoice",)): _no_witness(
            "TF_MODEL_FOR_MULTIPLE_CHOICE_MAPPING", "DistilBertConfig"
        ),
        ("TF_MODEL_FOR_MULTIPLE_CHOICE_MAPPING", "FlaubertConfig", ("TFFlaubertForMultipleChoice",)): _no_witness(
            "TF_MODEL_FOR_MULTIPLE_CHOICE_MAPPING", "FlaubertConfig"
        ),
        ("TF_MODEL_MAPPING", "BartConfig", ("TFBartModel",)):  # both copies were sampled
        _miss(DUPLICATE_COPY, "TF_MODEL_MAPPING", "BartConfig"),
    },
    "4.10.0": {
        (
            "TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES",
            "transfo-xl",
            ("TFTransfoXLForSequenceClassification",),
        ): _no_witness("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES", "transfo-xl"),
    },
    "4.16.0": {
        (
            "TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES",
            "mpnet",
            ("TFMPNetForSequenceClassification",),
        ): _no_witness("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES", "mpnet"),
        (
            "TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES",
            "openai-gpt",
            ("TFOpenAIGPTForSequenceClassification",),
        ): _no_witness("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES", "openai-gpt"),
    },
    "4.18.0": {
        ("TF_MODEL_FOR_MULTIPLE_CHOICE_MAPPING_NAMES", "albert", ("TFAlbertForMultipleChoice",)): _no_witness(
            "TF_MODEL_FOR_MULTIPLE_CHOICE_MAPPING_NAMES", "albert"
        ),
        ("TF_MODEL_FOR_MULTIPLE_CHOICE_MAPPING_NAMES", "distilbert", ("TFDistilBertForMultipleChoice",)): _no_witness(
            "TF_MODEL_FOR_MULTIPLE_CHOICE_MAPPING_NAMES", "distilbert"
        ),
        (
            "TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES",
            "funnel",
            ("TFFunnelForSequenceClassification",),
        ): _no_witness("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES", "funnel"),
        (
            "TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES",
            "transfo-xl",
            ("TFTransfoXLForSequenceClassification",),
        ): _no_witness("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES", "transfo-xl"),
        ("TF_MODEL_MAPPING_NAMES", "led", ("TFLEDModel",)): _no_witness("TF_MODEL_MAPPING_NAMES", "led"),
        ("TF_MODEL_MAPPING_NAMES", "mobilebert", ("TFMobileBertModel",)): _no_witness(
            "TF_MODEL_MAPPING_NAMES", "mobilebert"
        ),
    },
    "4.20.0": {},
    "4.24.0": {},
    "4.28.0": {},
    "4.31.0": {},
    "4.32.0": {},
    "4.48.0": {
        ("TF_MODEL_FOR_TEXT_ENCODING_MAPPING_NAMES", "convbert", ("TFConvBertModel",)): _miss(
            NO_COUNTERPART, "TF_MODEL_FOR_TEXT_ENCODING_MAPPING_NAMES", "convbert"
        ),
    },
}


def _used_names(text: str) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def remove_entry(text: str, release: str, mapping: str, index: int) -> str:
    """``text`` without entry ``index`` of ``mapping`` and, for object entries, without the imports at the top
    of the names no other statement uses any more (as isort and black would leave the statements)."""
    form = "objects" if release in OBJECT_RELEASES else "strings"
    entries = mappings_of(text, suffix(release))[mapping]
    key, values = entries[index]
    new = mapping_edit.edit_mapping(text, mapping, entries[:index] + entries[index + 1 :], form)
    if form == "objects":
        used = _used_names(new)
        edits = []
        for node in ast.parse(new).body:
            if isinstance(node, ast.ImportFrom):
                gone = tuple(a.name for a in node.names if a.name in (key, *values) and not used.get(a.name))
                if gone:
                    edits.append(mapping_edit.ImportEdit(node.module or "", node.level, (), gone))
        if edits:
            new = mapping_edit.edit_imports(new, edits)
    return new


@lru_cache(maxsize=None)
def reference(release: str) -> str:
    """The release's TF auto module after one TFI005 --fix (its real gaps filled)."""
    session, index = _session(release)
    _, changes = api.evaluate(session, index, _options(release, fix=True))
    return changes[AUTO_TF][1] if AUTO_TF in changes else index.text(AUTO_TF)  # type: ignore[return-value]


def sample(release: str) -> List[Tuple[str, int]]:
    """(mapping, index in the reference) of a seeded sample of the entries the pristine release has."""
    _, index = _session(release)
    pristine = mappings_of(index.text(AUTO_TF), suffix(release))  # type: ignore[arg-type]
    fixed = mappings_of(reference(release), suffix(release))
    population = [(name, i) for name, entries in pristine.items() for i in range(len(entries))]
    out = []
    for name, i in random.Random(SEED).sample(population, min(SAMPLE, len(population))):
        entry = pristine[name][i]
        occurrence = pristine[name][:i].count(entry)
        out.append((name, [j for j, e in enumerate(fixed[name]) if e == entry][occurrence]))
    return out


def fix_in_memory(release: str, text: str) -> str:
    session, index = _session(release)
    view = index.with_overlay({AUTO_TF: reference(release)}).with_overlay({AUTO_TF: text})
    _, changes = api.evaluate(session, view, _options(release, fix=True))
    return changes[AUTO_TF][1] if AUTO_TF in changes else text


@lru_cache(maxsize=None)
def single_removals(release: str) -> Tuple[int, Dict[Tuple[str, str, Tuple[str, ...]], str]]:
    """How many sampled removals were restored byte for byte, and the fixed text of each entry that was not
    (both copies of an entry written twice count, under one key)."""
    ref = reference(release)
    fixed_entries = mappings_of(ref, suffix(release))
    identical, misses = 0, {}
    for mapping, index in sample(release):
        final = fix_in_memory(release, remove_entry(ref, release, mapping, index))
        if final == ref:
            identical += 1
        else:
            key, values = fixed_entries[mapping][index]
            misses[(mapping, key, values)] = final
    return identical, misses


@pytest.mark.parametrize("release", realtree.RELEASES)
def test_single_removals_restore_bytes(release: str) -> None:
    identical, misses = single_removals(release)
    total = len(sample(release))
    share = identical / total
    print(
        f"\n{release}: single removals {identical}/{total} byte-identical ({100 * share:.1f}%), "
        f"issue target {TARGET:.0%} {'met' if share >= TARGET else 'NOT met'}"
    )
    for miss in sorted(misses):
        print("  not identical:", miss, "--", MISSES[release].get(miss, "UNEXPLAINED"))
    assert total == SAMPLE
    assert sorted(misses) == sorted(MISSES[release]), "a removal fails or passes unexpectedly"
    if release not in UNSORTED_RELEASES:
        # Where the release keeps its mappings sorted, every entry the rule asks for goes back where it was;
        # what is left is TF entries PyTorch has no counterpart of (nothing asks for them once removed).
        unasked = [m for m in misses if MISSES[release][m] == _miss(NO_COUNTERPART, m[0], m[1])]
        assert len(unasked) == len(misses)
        assert identical / (total - len(unasked)) >= TARGET


def _neighbour_support(keys: List[str], at: int, references: List[List[str]]) -> Tuple[int, int]:
    """Of the references holding ``keys[at]``, how many put it right after its predecessor in ``keys`` or
    right before its successor (among the keys ``keys`` holds), and how many do neither."""
    key = keys[at]
    rest = keys[:at] + keys[at + 1 :]
    before = keys[at - 1] if at else None
    after = keys[at + 1] if at + 1 < len(keys) else None
    agree = disagree = 0
    for reference in references:
        if key not in reference:
            continue
        where = reference.index(key)
        prev = next((k for k in reversed(reference[:where]) if k in rest), None)
        nxt = next((k for k in reference[where + 1 :] if k in rest), None)
        if prev == before or nxt == after:
            agree += 1
        else:
            disagree += 1
    return agree, disagree


@pytest.mark.parametrize("release", realtree.RELEASES)
def test_reasons_of_the_misses_are_in_the_files(release: str) -> None:
    root = tree(release)
    ref = mappings_of(reference(release), suffix(release))
    pt = mappings_of(_text(root, AUTO_PT), suffix(release))
    for (mapping, key, values), reason in MISSES[release].items():
        entries = ref[mapping]
        if reason == _miss(DUPLICATE_COPY, mapping, key):
            assert entries.count((key, values)) == 2
        elif reason == _miss(NO_COUNTERPART, mapping, key):
            assert key not in dict(pt.get(mapping[3:], []))
        else:
            assert reason == _miss(NO_WITNESS, mapping, key) and release in UNSORTED_RELEASES
            keys = [k for k, _ in entries]
            at = entries.index((key, values))
            references = [[k for k, _ in e] for name, e in ref.items() if name != mapping]
            references.append([k for k, _ in pt.get(mapping[3:], [])])
            agree, disagree = _neighbour_support(keys, at, references)
            assert disagree > agree, (mapping, key, agree, disagree)


# =========================================================================== (c) the release's own script


def _auto_only_tree(root: Path, scratch: Path) -> Path:
    """What ``sort_auto_mappings.py`` reads: itself and the auto modules."""
    work = scratch / "tree"
    (work / "utils").mkdir(parents=True)
    shutil.copy(root / "utils" / "sort_auto_mappings.py", work / "utils")
    shutil.copytree(root / PKG / "models" / "auto", work / PKG / "models" / "auto")
    return work


@pytest.mark.parametrize("release", [r for r in realtree.RELEASES if r not in UNSORTED_RELEASES])
def test_sort_auto_mappings_passes_after_the_fix(release: str, tmp_path: Path) -> None:
    root = tree(release)
    if not (root / "utils" / "sort_auto_mappings.py").is_file():
        pytest.skip(f"{release} has no utils/sort_auto_mappings.py in this assembly")
    work = _auto_only_tree(root, tmp_path)
    _, misses = single_removals(release)
    for name, text in [("reference", reference(release))] + [(str(m), t) for m, t in misses.items()]:
        (work / AUTO_TF).write_text(text, encoding="utf-8")
        broken = oracles.failed(oracles.run_oracles(work, only=("sort_auto_mappings.py",), scoped=True))
        assert broken == [], (name, oracles.describe(broken))


# =========================================================================== 4.2.0: the imports at the top


def test_object_layout_fix_restores_the_imports_it_needs() -> None:
    """Every 4.2.0 entry that is the only user of its class (and DPR, the only user of its configuration
    class): removed with its imports, the fix writes the imports back byte for byte (whatever the place of
    the entry), a new ``from ..dpr.modeling_tf_dpr import`` at its isort place, DPRConfig into
    ``from .configuration_auto import (...)``."""
    release = "4.2.0"
    ref = reference(release)
    used = _used_names(ref)
    entries = mappings_of(ref, suffix(release))
    lonely = [(name, i) for name, e in entries.items() for i, (k, v) in enumerate(e) if used.get(v[0]) == 1]
    assert ("TF_MODEL_MAPPING", [k for k, _ in entries["TF_MODEL_MAPPING"]].index("DPRConfig")) in lonely
    chosen = random.Random(SEED).sample(lonely, 6)
    chosen.append(("TF_MODEL_MAPPING", [k for k, _ in entries["TF_MODEL_MAPPING"]].index("DPRConfig")))
    header = ref[: ref.index("\nlogger = ")]
    for mapping, index in chosen:
        mutated = remove_entry(ref, release, mapping, index)
        assert mutated[: mutated.index("\nlogger = ")] != header  # the removal took an import away
        final = fix_in_memory(release, mutated)
        assert final[: final.index("\nlogger = ")] == header, (mapping, index)
        assert mappings_of(final, suffix(release))[mapping].count(entries[mapping][index]) == 1


def test_object_layout_entry_gets_the_comment_of_its_pytorch_twin() -> None:
    """4.2.0's ``(XLMConfig, TFXLMWithLMHeadModel)`` of ``TF_MODEL_FOR_CAUSAL_LM_MAPPING`` carries the comment
    its PyTorch twin entry carries (``# XLM can be MLM and CLM ...``), split over lines as black splits it:
    removed, one fix writes it back with the comment."""
    release = "4.2.0"
    ref = reference(release)
    mapping = "TF_MODEL_FOR_CAUSAL_LM_MAPPING"
    index = [k for k, _ in mappings_of(ref, suffix(release))[mapping]].index("XLMConfig")
    assert "),  # XLM can be MLM and CLM" in _text(tree(release), AUTO_PT)
    assert fix_in_memory(release, remove_entry(ref, release, mapping, index)) == ref
