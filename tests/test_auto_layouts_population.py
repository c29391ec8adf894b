"""TFI005 placement over every entry of every release (issue 9, item 3): the figure the seeded byte-for-byte
sample of ``test_auto_layouts`` (25 removals per release) estimates, measured on the whole population.

For each entry of each ``TF_*`` mapping of the release (after one TFI005 ``--fix``), the entry is taken
out in thought: the check must still ask for it (the PyTorch twin holds its counterpart) and
``AutoMapping.placement`` (what ``--fix`` uses) must give back its index. Removing one entry changes
nothing else the placement reads (it reads the file's other mappings and the PyTorch twin), so this is
exactly where one ``--fix`` puts it, without a fix run per entry (a whole release costs well under a
second). The byte-for-byte rendering of what is placed is ``test_auto_layouts``'s sample.

From 4.20.0 on the mappings are sorted and every entry the check asks for goes back. Up to 4.18.0 they
keep no order; the placement is the neighbour vote of ``fixes.auto_mapping.neighbour_place`` (a grid
over its weights, the PyTorch twin's weight and other vote shapes -- order agreement, runs of shared
neighbours, windows of neighbours, pairwise order -- found none that places more of these entries).
Every entry it does not give back is named in ``MISSES`` with one of these reasons, each checked against
the files by ``test_reasons_are_in_the_files`` independently of the tool:

* ``UNWITNESSED``: no other mapping of the file and not the PyTorch twin puts the key right after the
  entry's predecessor or right before its successor (among the keys the mapping holds): the place is
  the mapping's own history and nothing else in the tree records it;
* ``OUTVOTED``: some of them do, but at least as many others put the key elsewhere (the file is not
  consistent: the fix does what most of it does);
* ``SPLIT``: most of them do, but their predecessor and successor sit apart in the mapping, so each
  splits its vote between the two places, and the rest (the PyTorch twin weighs double; for a key no
  other mapping of the file holds, the other PyTorch mappings, weighing little) tip it;
* ``DUPLICATE``: the mapping holds the entry twice (one copy left, nothing is missing);
* ``UNASKED``: the PyTorch twin does not map the key to the counterpart, so nothing asks for the entry.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, List, Tuple

import pytest
import realtree
import test_auto_layouts as auto_layouts

from tfintegrity.checks.auto_mapping import AutoMapping
from tfintegrity.context import Context
from tfintegrity.index.catalog import Catalog

AUTO_TF, AUTO_PT = auto_layouts.AUTO_TF, auto_layouts.AUTO_PT

UNWITNESSED = "unwitnessed"
OUTVOTED = "outvoted"
DUPLICATE = "duplicate"
UNASKED = "unasked"
SPLIT = "split"

Miss = Tuple[str, str]  # (TF mapping, key)


def _placed(release: str) -> Tuple[int, int, Dict[Miss, int]]:
    """How many entries one ``--fix`` gives back at their index, of how many, and (mapping, key) -> where
    it puts the others (-1: not asked for or held twice)."""
    session, index = auto_layouts._session(release)
    rule = next(r for r in session.rules if r.code == "TFI005")
    backend = session.ruleset.backends[rule.backend]
    view = index.with_overlay({AUTO_TF: auto_layouts.reference(release)})
    ctx = Context(view, backend, Catalog(view, backend))
    check = AutoMapping()
    auto = check.read(ctx, rule, AUTO_TF)
    assert auto is not None and auto.layout
    expected, _ = check.expected(ctx, rule)
    asked = {(e.mapping, e.key, e.name) for e in expected}
    placement = check.placement(ctx, rule, auto)
    right, total, wrong = 0, 0, {}
    for name, mapping in auto.mappings.items():
        total += len(mapping.entries)
        keys = [e.key for e in mapping.entries]
        for at, entry in enumerate(mapping.entries):
            if keys.count(entry.key) > 1:
                wrong[(name, entry.key)] = -1
                continue
            if not all((name, entry.key, value) in asked for value in entry.values):
                wrong[(name, entry.key)] = -1
                continue
            rest = keys[:at] + keys[at + 1 :]
            where = placement(name, rest, entry.key)
            if where == at:
                right += 1
            else:
                wrong[(name, entry.key)] = where
    return right, total, wrong


placed = lru_cache(maxsize=None)(_placed)


def _m(names: str, reason: str, mapping: str) -> Dict[Miss, str]:
    return {(mapping, key): reason for key in names.split()}


def _misses(suffix: str, table: List[Tuple[str, str, str]]) -> Dict[Miss, str]:
    out: Dict[Miss, str] = {}
    for mapping, reason, keys in table:
        out.update(_m(keys, reason, mapping + suffix))
    return out


# (TF mapping, key) -> why one --fix does not put the entry back where it was.
MISSES: Dict[str, Dict[Miss, str]] = {
    "4.2.0": _misses(
        "_MAPPING",
        [
            ("TF_MODEL", UNWITNESSED, "LxmertConfig MBartConfig MarianConfig"),
            ("TF_MODEL", DUPLICATE, "BartConfig"),
            ("TF_MODEL", OUTVOTED, "MPNetConfig PegasusConfig BlenderbotConfig BlenderbotSmallConfig"),
            ("TF_MODEL_FOR_PRETRAINING", OUTVOTED, "LxmertConfig"),
            ("TF_MODEL_WITH_LM_HEAD", OUTVOTED, "MarianConfig"),
            ("TF_MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM", OUTVOTED, "MBartConfig PegasusConfig BlenderbotSmallConfig"),
            ("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION", OUTVOTED, "GPT2Config"),
            (
                "TF_MODEL_FOR_SEQUENCE_CLASSIFICATION",
                UNWITNESSED,
                "MPNetConfig OpenAIGPTConfig TransfoXLConfig CTRLConfig",
            ),
            ("TF_MODEL_FOR_QUESTION_ANSWERING", OUTVOTED, "XLNetConfig MobileBertConfig"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", UNWITNESSED, "CamembertConfig AlbertConfig"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", OUTVOTED, "XLMConfig DistilBertConfig FlaubertConfig"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", SPLIT, "ElectraConfig"),
        ],
    ),
    "4.10.0": _misses(
        "_MAPPING_NAMES",
        [
            ("TF_MODEL", UNWITNESSED, "lxmert mbart marian"),
            ("TF_MODEL", OUTVOTED, "mpnet pegasus blenderbot-small"),
            ("TF_MODEL", SPLIT, "wav2vec2"),
            ("TF_MODEL_FOR_PRETRAINING", OUTVOTED, "lxmert"),
            ("TF_MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM", OUTVOTED, "mbart pegasus"),
            ("TF_MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM", SPLIT, "blenderbot-small"),
            ("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION", UNWITNESSED, "gpt2 mpnet openai-gpt transfo-xl ctrl"),
            ("TF_MODEL_FOR_QUESTION_ANSWERING", OUTVOTED, "xlnet mobilebert"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", OUTVOTED, "camembert xlm distilbert flaubert"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", UNWITNESSED, "albert"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", SPLIT, "electra"),
        ],
    ),
    "4.16.0": _misses(
        "_MAPPING_NAMES",
        [
            ("TF_MODEL", UNWITNESSED, "clip lxmert mbart marian"),
            ("TF_MODEL", OUTVOTED, "funnel mpnet tapas pegasus blenderbot-small"),
            ("TF_MODEL_WITH_LM_HEAD", OUTVOTED, "tapas"),
            ("TF_MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM", OUTVOTED, "mbart pegasus"),
            ("TF_MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM", SPLIT, "blenderbot-small"),
            ("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION", OUTVOTED, "funnel"),
            ("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION", UNWITNESSED, "gpt2 mpnet openai-gpt transfo-xl ctrl"),
            ("TF_MODEL_FOR_QUESTION_ANSWERING", OUTVOTED, "xlnet mobilebert"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", OUTVOTED, "camembert xlm distilbert flaubert"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", UNWITNESSED, "albert"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", SPLIT, "electra"),
        ],
    ),
    "4.18.0": _misses(
        "_MAPPING_NAMES",
        [
            ("TF_MODEL", UNWITNESSED, "speech_to_text clip convnext led lxmert mbart marian vit vit_mae"),
            ("TF_MODEL", OUTVOTED, "mobilebert funnel mpnet tapas pegasus blenderbot-small"),
            ("TF_MODEL_FOR_PRETRAINING", UNWITNESSED, "vit_mae"),
            ("TF_MODEL_WITH_LM_HEAD", OUTVOTED, "speech_to_text mobilebert tapas"),
            ("TF_MODEL_FOR_CAUSAL_LM", UNWITNESSED, "camembert"),
            ("TF_MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM", OUTVOTED, "mbart pegasus"),
            ("TF_MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM", SPLIT, "blenderbot-small"),
            ("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION", OUTVOTED, "xlnet funnel mpnet"),
            ("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION", SPLIT, "gpt2"),
            ("TF_MODEL_FOR_SEQUENCE_CLASSIFICATION", UNWITNESSED, "openai-gpt transfo-xl ctrl"),
            ("TF_MODEL_FOR_QUESTION_ANSWERING", OUTVOTED, "xlnet mobilebert gptj"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", OUTVOTED, "camembert xlm distilbert flaubert"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", UNWITNESSED, "albert"),
            ("TF_MODEL_FOR_MULTIPLE_CHOICE", SPLIT, "electra"),
        ],
    ),
    "4.20.0": _misses("_MAPPING_NAMES", []),
    "4.24.0": _misses(
        "_MAPPING_NAMES",
        [
            ("TF_MODEL_FOR_MASKED_LM", UNASKED, "esm"),
        ],
    ),
    "4.28.0": _misses("_MAPPING_NAMES", []),
    "4.31.0": _misses(
        "_MAPPING_NAMES",
        [
            ("TF_MODEL_FOR_TEXT_ENCODING", UNASKED, "convbert"),
        ],
    ),
    "4.32.0": _misses(
        "_MAPPING_NAMES",
        [
            ("TF_MODEL_FOR_TEXT_ENCODING", UNASKED, "convbert"),
        ],
    ),
    "4.48.0": _misses(
        "_MAPPING_NAMES",
        [
            ("TF_MODEL_FOR_TEXT_ENCODING", UNASKED, "convbert"),
        ],
    ),
}


@pytest.mark.parametrize("release", realtree.RELEASES)
def test_every_entry_goes_back_where_it_was(release: str) -> None:
    right, total, wrong = placed(release)
    print(f"\n{release}: {right}/{total} entries placed back at their index ({100 * right / total:.1f}%)")
    for miss in sorted(wrong):
        print("  not placed back:", miss, "--", MISSES[release].get(miss, "UNEXPLAINED"))
    assert sorted(wrong) == sorted(MISSES[release]), "an entry is placed or missed unexpectedly"
    if release not in auto_layouts.UNSORTED_RELEASES:
        assert all(MISSES[release][m] in (UNASKED, DUPLICATE) for m in wrong)


def _support(keys: List[str], at: int, references: List[List[str]]) -> Tuple[int, int]:
    """Of the references holding ``keys[at]``, how many put it right after its predecessor or right before
    its successor in ``keys`` (among the keys ``keys`` holds), and how many do neither."""
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
        if (before is not None and prev == before) or (after is not None and nxt == after):
            agree += 1
        else:
            disagree += 1
    return agree, disagree


@pytest.mark.parametrize("release", realtree.RELEASES)
def test_reasons_are_in_the_files(release: str) -> None:
    root = auto_layouts.tree(release)
    ending = auto_layouts.suffix(release)
    ref = auto_layouts.mappings_of(auto_layouts.reference(release), ending)
    pt = auto_layouts.mappings_of(auto_layouts._text(root, AUTO_PT), ending)
    for (mapping, key), reason in MISSES[release].items():
        entries = ref[mapping]
        keys = [k for k, _ in entries]
        if reason == DUPLICATE:
            assert keys.count(key) == 2, (mapping, key)
            continue
        at = keys.index(key)
        if reason == UNASKED:
            twin = dict(pt.get(mapping[3:], []))
            assert not all(v[2:] in twin.get(key, ()) for v in entries[at][1]), (mapping, key)
            continue
        assert release in auto_layouts.UNSORTED_RELEASES, (mapping, key)
        references = [[k for k, _ in e] for name, e in ref.items() if name != mapping]
        references.append([k for k, _ in pt.get(mapping[3:], [])])
        agree, disagree = _support(keys, at, references)
        if reason == UNWITNESSED:
            assert agree == 0, (mapping, key, agree, disagree)
        elif reason == OUTVOTED:
            assert 0 < agree <= disagree, (mapping, key, agree, disagree)
        else:
            assert reason == SPLIT and agree > disagree, (mapping, key, agree, disagree)
            assert _split(keys, at, references), (mapping, key)


def _split(keys: List[str], at: int, references: List[List[str]]) -> bool:
    """Whether a reference that puts ``keys[at]`` next to one of its neighbours names a predecessor and a
    successor (among the other keys) that are not next to each other in ``keys``."""
    key = keys[at]
    rest = keys[:at] + keys[at + 1 :]
    for reference in references:
        if key not in reference:
            continue
        where = reference.index(key)
        prev = next((k for k in reversed(reference[:where]) if k in rest), None)
        nxt = next((k for k in reference[where + 1 :] if k in rest), None)
        if prev is not None and nxt is not None and rest.index(nxt) != rest.index(prev) + 1:
            return True
    return False
