"""Fidelity of --fix on the real Transformers 4.31.0 release (issue 3, item 3).

The reference is the release after one ``--fix`` (the release has real gaps the fix repairs; see
tests/test_real_check.py). Each mutation removes entries from that reference in memory; the fix
is planned on an index overlaying the mutated texts and must give back the reference bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import mutations
from tfintegrity import api
from tfintegrity.index.catalog import Catalog
from tfintegrity.index.repo import RepoIndex

SEED = 20231126
SINGLE_COUNT = 240
WHOLE_MODEL_TARGET = 0.90

# Models whose whole-model restoration is not byte-identical, and why (the release is not in the
# canonical form the fix writes there). Every other model must round-trip exactly.
WHOLE_MODEL_EXCEPTIONS: Dict[str, str] = {}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, real_tree_pristine: Path) -> Tuple[api.Session, RepoIndex]:
    import realtree

    root = realtree.copy_tree(real_tree_pristine, tmp_path_factory.mktemp("ref") / "transformers")
    options = api.Options(root=root, fix=True, use_baseline=False)
    api.run(options)  # the release after --fix
    session = api.open_session(api.Options(root=root, use_baseline=False))
    index = RepoIndex(session.root, session.config.package)
    api.collect(session, index, None)  # warm the per-file facts
    return session, index


def restore(session: api.Session, index: RepoIndex, mutated: Dict[str, str]) -> List[str]:
    """Plan --fix over the mutated texts; the paths whose result differs from the reference."""
    view = index.with_overlay(mutated)
    _, changes = api.evaluate(session, view, api.Options(root=session.root, fix=True, use_baseline=False))
    wrong = []
    for path in sorted(set(mutated) | set(changes)):
        final = changes[path][1] if path in changes else view.text(path)
        if final != index.text(path):
            wrong.append(path)
    return wrong


def test_reference_is_clean_after_fix(reference: Tuple[api.Session, RepoIndex]) -> None:
    session, index = reference
    remaining = [f for f in api.collect(session, index, None) if f.fixable]
    assert remaining == [], [f"{f.path}:{f.line} {f.code} {f.message}" for f in remaining]


def test_single_removals_restore_bytes(reference: Tuple[api.Session, RepoIndex]) -> None:
    session, index = reference
    backend = session.ruleset.backends["tf"]
    every = mutations.single_removals(index, Catalog(index, backend))
    chosen = mutations.sample(every, SINGLE_COUNT, SEED)
    failures = []
    places = {}
    for mutation in chosen:
        mutated = mutation.apply(index)
        assert mutated, f"mutation changed nothing: {mutation.describe()}"
        wrong = restore(session, index, mutated)
        places[mutation.place] = places.get(mutation.place, 0) + 1
        if wrong:
            failures.append(f"{mutation.describe()} -> {', '.join(wrong)}")
    models = {m.model for m in chosen}
    identical = len(chosen) - len(failures)
    print(f"\nsingle removals: {identical}/{len(chosen)} byte-identical "
          f"({100.0 * identical / len(chosen):.1f}%), {len(models)} models, per place {dict(sorted(places.items()))}")
    assert len(chosen) >= 200 and len(places) >= 6 and len(models) >= 30
    assert failures == []


def test_whole_model_removal(reference: Tuple[api.Session, RepoIndex]) -> None:
    session, index = reference
    backend = session.ruleset.backends["tf"]
    catalog = Catalog(index, backend)
    models = [m for m in catalog.models().values() if m.classes]
    identical = []
    failures = {}
    for model in models:
        mutated = mutations.remove_whole_model(index, catalog, model)
        wrong = restore(session, index, mutated)
        if wrong:
            failures[model.folder] = wrong
        else:
            identical.append(model.folder)
    share = len(identical) / len(models)
    print(f"\nwhole-model removal: {len(identical)}/{len(models)} models byte-identical ({100 * share:.1f}%)")
    for folder, wrong in sorted(failures.items()):
        print(f"  not identical: {folder}: {', '.join(wrong)} -- {WHOLE_MODEL_EXCEPTIONS.get(folder, 'UNEXPLAINED')}")
    assert share >= WHOLE_MODEL_TARGET
    assert sorted(failures) == sorted(WHOLE_MODEL_EXCEPTIONS)
