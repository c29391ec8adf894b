"""Fidelity of --fix on the real Transformers 4.31.0 release (issue 3, item 3).

The reference is the release after one ``--fix`` (the release has real gaps the fix repairs; see
tests/test_real_check.py). Each mutation removes entries from that reference in memory; the fix
is planned on an index overlaying the mutated texts and must give back the reference bytes. The
cases run in two worker processes (each with its own warm index).
"""

from __future__ import annotations

import multiprocessing
import os
import random
from pathlib import Path
from typing import Dict, Tuple

import pytest

import mutations
import oracles
import realtree
from tfintegrity import api
from tfintegrity.index.catalog import Catalog
from tfintegrity.index.repo import RepoIndex

SEED = 20231126
SINGLE_COUNT = 210
WHOLE_MODEL_TARGET = 0.75  # issue 9's target for 4.31.0: NOT met (see README "Fix fidelity")
# Regression floors at the measured figures; raise them as the remaining causes are fixed.
SINGLE_FLOOR = 0.97
WHOLE_MODEL_FLOOR = 0.65
WORKERS = 2
# The suite restores a seeded sample of the models; TFI_WHOLE_FULL=1 restores all 66 (the README's figure)
# and then requires the failures to be exactly WHOLE_MODEL_EXCEPTIONS.
WHOLE_FULL = os.environ.get("TFI_WHOLE_FULL") == "1"
WHOLE_SAMPLE = 16

# Models whose whole-model restoration is not byte-identical, and why: in each, the release itself
# is not in the one form the fix writes (measured on 4.31.0; each reason read off the diff).
MAGIC_COMMA = ("the release writes the model's TF statement exploded with a magic trailing comma where black, "
               "from scratch, writes it on one line")
BLOCK_SPACING = "the release's model __init__.py has two blank lines, or none, around the TF block (one elsewhere)"
HEADER_TYPO = "a `##` header on the release's page differs from the class it documents (upstream typo)"
PAGE_ORDER = "the page's TF sections follow neither the PyTorch sections' order nor the model file's"
PAGE_SPACING = "the page separates its sections by one or two blank lines, mixed"
FILE_ORDER = ("the page keeps the model file's order; with the model's sections gone both that and the PyTorch "
              "order fit what is left, and the fix takes the PyTorch order (14 pages of 4.31.0 follow only it)")
PAGE_PLACE = "the page's TF run does not follow the PyTorch run (other sections sit between)"
SINGLE_EXTEND = "the top init writes `.extend([\"X\"])` for one name where 102 other statements write `.append(\"X\")`"
WHOLE_MODEL_EXCEPTIONS: Dict[str, str] = {
    "bert": HEADER_TYPO + " (TFBertModelLMHeadModel)",
    "camembert": HEADER_TYPO + " (TFCamembertForCasualLM); the page lists no members at all",
    "convbert": "TF_MODEL_FOR_TEXT_ENCODING_MAPPING_NAMES maps convbert although PyTorch does not (the one TF entry "
                "with no PyTorch counterpart)",
    "convnext": MAGIC_COMMA + "; " + PAGE_SPACING,
    "data2vec": "the model init uses the legacy `if is_tf_available():` form, the fix writes the try/except form",
    "deberta_v2": "the model init has the TF block before the torch block",
    "funnel": HEADER_TYPO + " (TFFunnelModelForPreTraining)",
    "hubert": MAGIC_COMMA + "; " + BLOCK_SPACING + " (two above, one below: 18 inits with the same input want one and two)",
    "longformer": PAGE_ORDER,
    "opt": PAGE_PLACE + " (the TF run sits between PyTorch sections); " + MAGIC_COMMA,
    "rag": MAGIC_COMMA,
    "rembert": FILE_ORDER,
    "resnet": PAGE_SPACING,
    "roformer": FILE_ORDER,
    "segformer": PAGE_ORDER + " (DecodeHead first)",
    "speech_to_text": "the model init has the TF block before the torch block",
    "tapas": "the model init has no blank line between the torch and TF blocks and two after (7 inits with the same input want one on each side)",
    "vision_text_dual_encoder": "the model init has the TF block after the Flax block; " + SINGLE_EXTEND + "; " + PAGE_SPACING,
    "vit": MAGIC_COMMA + " (top init and model init)",
    "vit_mae": MAGIC_COMMA + " (top init and model init)",
    "wav2vec2": PAGE_ORDER,
    "xglm": "the model init has the TF block after the Flax block (26 other inits put it after torch)",
    "xlnet": HEADER_TYPO + " (TFLNetForMultipleChoice)",
}

_STATE: Dict[str, object] = {}


def _open(root: str) -> Tuple[api.Session, RepoIndex, Catalog]:
    session = api.open_session(api.Options(root=Path(root), use_baseline=False))
    index = RepoIndex(session.root, session.config.package)
    api.collect(session, index, None)  # warm the per-file facts
    return session, index, Catalog(index, session.ruleset.backends["tf"])


def _worker_init(root: str) -> None:
    session, index, catalog = _open(root)
    _STATE.update(session=session, index=index, catalog=catalog,
                  singles=mutations.single_removals(index, catalog))


def restore(session: api.Session, index: RepoIndex, mutated: Dict[str, str]) -> Dict[str, str]:
    """Plan --fix over the mutated texts; the fixed text of each path whose result differs from the reference."""
    view = index.with_overlay(mutated)
    _, changes = api.evaluate(session, view, api.Options(root=session.root, fix=True, use_baseline=False))
    wrong = {}
    for path in sorted(set(mutated) | set(changes)):
        final = changes[path][1] if path in changes else view.text(path)
        if final != index.text(path):
            wrong[path] = final
    return wrong


def _run_single(position: int) -> Tuple[str, str, str, Dict[str, str]]:
    mutation = _STATE["singles"][position]  # type: ignore[index]
    mutated = mutation.apply(_STATE["index"])
    if not mutated:
        return mutation.place, mutation.model, mutation.describe(), {"(mutation changed nothing)": ""}
    wrong = restore(_STATE["session"], _STATE["index"], mutated)  # type: ignore[arg-type]
    return mutation.place, mutation.model, mutation.describe(), wrong


def _run_whole(folder: str) -> Tuple[str, Dict[str, str]]:
    catalog: Catalog = _STATE["catalog"]  # type: ignore[assignment]
    mutated = mutations.remove_whole_model(_STATE["index"], catalog, catalog.models()[folder])  # type: ignore[arg-type]
    return folder, restore(_STATE["session"], _STATE["index"], mutated)  # type: ignore[arg-type]


def oracle_failures(reference: Path, scratch: Path, fixed_trees: Dict[str, Dict[str, str]]) -> Dict[str, str]:
    """Run the release's own scripts on each fixed tree that is not the reference byte for byte (the others
    are the reference, which passes them): case -> what failed."""
    return oracles.failures_of_variants(realtree.copy_tree(reference, scratch / "oracle-work"), fixed_trees)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, real_tree_pristine: Path) -> Path:
    root = realtree.copy_tree(real_tree_pristine, tmp_path_factory.mktemp("ref") / "transformers")
    api.run(api.Options(root=root, fix=True, use_baseline=False))  # the release after --fix
    return root


@pytest.fixture(scope="module")
def pool(reference: Path):
    context = multiprocessing.get_context("fork")
    with context.Pool(WORKERS, initializer=_worker_init, initargs=(str(reference),)) as workers:
        yield workers


def test_reference_is_clean_after_fix(reference: Path) -> None:
    session, index, _ = _open(str(reference))
    remaining = [f for f in api.collect(session, index, None) if f.fixable]
    assert remaining == [], [f"{f.path}:{f.line} {f.code} {f.message}" for f in remaining]


def test_the_release_scripts_pass_on_the_fixed_release(reference: Path, real_tree_pristine: Path) -> None:
    pristine = {r.script for r in oracles.run_oracles(real_tree_pristine, scoped=True) if r.ok}
    assert pristine == set(oracles.available(real_tree_pristine))
    broken = [r for r in oracles.run_oracles(reference, scoped=True) if not r.ok]
    assert broken == [], oracles.describe(broken)


def test_single_removals_restore_bytes(reference: Path, pool, tmp_path: Path) -> None:
    _, index, catalog = _open(str(reference))
    every = mutations.single_removals(index, catalog)
    chosen = mutations.sample(every, SINGLE_COUNT, SEED)
    positions = [every.index(m) for m in chosen]
    results = pool.map(_run_single, positions, chunksize=4)
    failures = [f"{describe} -> {', '.join(wrong)}" for _, _, describe, wrong in results if wrong]
    places: Dict[str, int] = {}
    for place, _, _, _ in results:
        places[place] = places.get(place, 0) + 1
    models = {model for _, model, _, _ in results}
    identical = len(results) - len(failures)
    print(f"\nsingle removals: {identical}/{len(results)} byte-identical "
          f"({100.0 * identical / len(results):.1f}%), {len(models)} models, per place {dict(sorted(places.items()))}")
    for failure in failures:
        print("  not identical:", failure)
    assert len(results) >= 200 and len(places) >= 8 and len(models) >= 30
    # Known remaining cause: a doc section goes back in class-definition order, not the page's own order.
    assert all(f.startswith("doc-page:") for f in failures), failures
    assert identical / len(results) >= SINGLE_FLOOR
    assert oracle_failures(reference, tmp_path, {describe: wrong for _, _, describe, wrong in results if wrong}) == {}


def test_whole_model_removal(reference: Path, pool, tmp_path: Path) -> None:
    _, index, catalog = _open(str(reference))
    folders = sorted(f for f, m in catalog.models().items() if m.classes)
    if not WHOLE_FULL:
        folders = sorted(random.Random(SEED).sample(folders, WHOLE_SAMPLE))
    results = pool.map(_run_whole, folders, chunksize=2)
    failures = {folder: ", ".join(wrong) for folder, wrong in results if wrong}
    identical = len(folders) - len(failures)
    share = identical / len(folders)
    print(f"\nwhole-model removal: {identical}/{len(folders)} models byte-identical ({100 * share:.1f}%)"
          + ("" if WHOLE_FULL else " (a seeded sample; TFI_WHOLE_FULL=1 runs all 66)"))
    for folder, wrong in sorted(failures.items()):
        print(f"  not identical: {folder}: {wrong} -- {WHOLE_MODEL_EXCEPTIONS.get(folder, 'UNEXPLAINED')}")
    if WHOLE_FULL:
        print(f"  issue target {WHOLE_MODEL_TARGET:.0%}: {'met' if share >= WHOLE_MODEL_TARGET else 'NOT met'}")
        assert share >= WHOLE_MODEL_FLOOR
    expected = sorted(f for f in WHOLE_MODEL_EXCEPTIONS if f in folders)
    assert sorted(failures) == expected, "a model fails or passes unexpectedly"
    # Where the fix is not the release's bytes, the release's own scripts still pass on what it wrote.
    assert oracle_failures(reference, tmp_path, {f: w for f, w in results if w}) == {}
