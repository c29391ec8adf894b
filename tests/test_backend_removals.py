"""Single removals of PyTorch and Flax entries on the real 4.31.0 release (issue 10, item 2, on 4.31.0).

As tests/test_real_fix.py does for TF: the reference is the release after one ``--fix`` with the backend
on; each case removes one of the backend's entries from one place of that reference (in memory), and one
fix with the backend on must give back the reference's bytes. The cases are a seeded sample covering
every place. Where a fix is not the reference's bytes, the release's own scripts must still pass.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Dict, List, Tuple

import mutations
import oracles
import pytest
import realtree
from irregularities import CHOICE, MEMBERS, ORDER, SPACING

from tfintegrity import api
from tfintegrity.index.catalog import Catalog
from tfintegrity.index.repo import RepoIndex

SEED = 20261201
COUNT = {"pt": 64, "flax": 48}
TARGET = 0.98  # issue 10's target per backend and release: NOT met on 4.31.0 for PyTorch (see README)
WORKERS = 2
# Every case of the sample that does not come back byte-identical, and why (each read off its diff).
# Every case of the sample that does not come back byte-identical, and why (each read off its diff).
LAST_GAP = (
    "the page's last section goes back after as many blank lines as the section above it has before it "
    "(two); the page had one before its last"
)
EXCEPTIONS: Dict[str, Dict[str, str]] = {
    "pt": {
        "doc-page:videomae:VideoMAEForVideoClassification": (
            "the page writes `[[autodoc]] transformers.VideoMAEForVideoClassification`, the one section of the "
            "page with the package prefix"
        ),
        "doc-page:data2vec:Data2VecAudioForCTC": (
            "the page documents Data2VecAudioForAudioFrameClassification before Data2VecAudioForCTC, against "
            "the modeling file's order, and the page has no TF or Flax twin of the audio sections to follow"
        ),
        "doc-page:instructblip:InstructBlipForConditionalGeneration": (
            "the page lists `generate` too, which no other PyTorch section of the model lists"
        ),
        "doc-page:ernie_m:ErnieMForInformationExtraction": LAST_GAP,
        "doc-page:deprecated/mctct:MCTCTForCTC": LAST_GAP,
    },
    "flax": {},
}
# TFI_BACKENDS_FULL=1: a larger sample (the README's figures), whose misses must be exactly FULL_EXCEPTIONS.
FULL = os.environ.get("TFI_BACKENDS_FULL") == "1"
FULL_EXCEPTIONS: Dict[str, Dict[str, str]] = {
    "pt": {
        "auto-mapping:qdqbert:QDQBertForMaskedLM": CHOICE,
        "auto-mapping:longformer:LongformerModel": CHOICE,
        "auto-mapping:tapas:TapasForQuestionAnswering": CHOICE,
        "auto-mapping:wav2vec2_conformer:Wav2Vec2ConformerForSequenceClassification": CHOICE,
        "doc-page:sam:SamModel": SPACING,
        "doc-page:clap:ClapAudioModelWithProjection": ORDER,
        "doc-page:prophetnet:ProphetNetEncoder": ORDER,
        "doc-page:xlm_prophetnet:XLMProphetNetForConditionalGeneration": ORDER,
        "doc-page:groupvit:GroupViTModel": MEMBERS,
        "doc-page:owlvit:OwlViTForObjectDetection": ORDER + "; and " + MEMBERS,
        "doc-page:pix2struct:Pix2StructForConditionalGeneration": ORDER,
        "doc-page:tapas:TapasForSequenceClassification": SPACING,
        "doc-page:instructblip:InstructBlipForConditionalGeneration": MEMBERS,
    },
    "flax": {
        "auto-mapping:longt5:FlaxLongT5ForConditionalGeneration": CHOICE,
        "doc-page:resnet:FlaxResNetForImageClassification": SPACING,
    },
}
if FULL:
    COUNT = {"pt": 240, "flax": 160}
    EXCEPTIONS = FULL_EXCEPTIONS


_STATE: Dict[str, object] = {}


def _open(root: str, backend: str) -> Tuple[api.Session, RepoIndex, Catalog]:
    session = api.open_session(api.Options(root=Path(root), use_baseline=False, backends=(backend,)))
    index = RepoIndex(session.root, session.config.package)
    api.collect(session, index, None)
    return session, index, Catalog(index, session.ruleset.backends[backend])


def _worker_init(root: str, backend: str) -> None:
    session, index, catalog = _open(root, backend)
    singles = mutations.single_removals(index, catalog, places=mutations.PLACES[backend])
    _STATE.update(session=session, index=index, backend=backend, singles=singles)


def _run_single(position: int) -> Tuple[str, str, str, Dict[str, str]]:
    mutation = _STATE["singles"][position]  # type: ignore[index]
    index: RepoIndex = _STATE["index"]  # type: ignore[assignment]
    session: api.Session = _STATE["session"]  # type: ignore[assignment]
    mutated = mutation.apply(index)
    if not mutated:
        return mutation.place, mutation.model, mutation.describe(), {"(mutation changed nothing)": ""}
    view = index.with_overlay(mutated)
    options = api.Options(root=session.root, fix=True, use_baseline=False, backends=(str(_STATE["backend"]),))
    _, changes = api.evaluate(session, view, options)
    wrong = {}
    for path in sorted(set(mutated) | set(changes)):
        final = changes[path][1] if path in changes else view.text(path)
        if final != index.text(path):
            wrong[path] = final
    return mutation.place, mutation.model, mutation.describe(), wrong


@pytest.fixture(scope="module", params=["pt", "flax"])
def backend_reference(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Tuple[str, Path]:
    tree = realtree.tree_or_skip("4.31.0")
    backend = request.param
    root = realtree.copy_tree(tree, tmp_path_factory.mktemp(f"ref-{backend}") / "transformers")
    api.run(api.Options(root=root, fix=True, use_baseline=False, backends=(backend,)))
    return backend, root


def test_single_removals_of_each_backend_are_restored(backend_reference: Tuple[str, Path], tmp_path: Path) -> None:
    backend, reference = backend_reference
    assert not oracles.failed(oracles.run_oracles(reference, scoped=True)), "the fixed release fails its scripts"
    _, index, catalog = _open(str(reference), backend)
    every = mutations.single_removals(index, catalog, places=mutations.PLACES[backend])
    chosen = mutations.sample(every, COUNT[backend], SEED)
    positions = [every.index(m) for m in chosen]
    context = multiprocessing.get_context("fork")
    with context.Pool(WORKERS, initializer=_worker_init, initargs=(str(reference), backend)) as pool:
        results = pool.map(_run_single, positions, chunksize=4)
    failures: List[str] = [f"{described} -> {', '.join(wrong)}" for _, _, described, wrong in results if wrong]
    assert results and all("(mutation changed nothing)" not in wrong for _, _, _, wrong in results)
    places: Dict[str, int] = {}
    for place, _, _, _ in results:
        places[place] = places.get(place, 0) + 1
    identical = len(results) - len(failures)
    share = identical / len(results)
    print(f"\n{backend} single removals on 4.31.0: {identical}/{len(results)} byte-identical ({100 * share:.1f}%), "
          f"per place {dict(sorted(places.items()))}")
    for described, wrong in ((d, w) for _, _, d, w in results if w):
        why = EXCEPTIONS[backend].get(described, "UNEXPLAINED")
        print(f"  not identical: {described} -> {', '.join(wrong)} -- {why}")
    print(f"  issue target {TARGET:.0%}: {'met' if share >= TARGET else 'NOT met'}")
    assert len(places) >= 6, places
    missed = sorted(described for _, _, described, wrong in results if wrong)
    assert missed == sorted(EXCEPTIONS[backend]), f"a case fails or passes unexpectedly: {failures}"
    # Where the fix is not the reference's bytes, the release's own scripts still pass on what it wrote.
    work = realtree.copy_tree(reference, tmp_path / "oracle-work")
    assert oracles.failures_of_variants(work, {d: wrong for _, _, d, wrong in results if wrong}) == {}
