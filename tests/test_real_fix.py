"""Fidelity of --fix on the real Transformers 4.31.0 release (issue 3, item 3).

The reference is the release after one ``--fix`` (the release has real gaps the fix repairs; see
tests/test_real_check.py). Each mutation removes entries from that reference in memory; the fix
is planned on an index overlaying the mutated texts and must give back the reference bytes. The
cases run in two worker processes (each with its own warm index). Whole-model restoration, 4.31.0's
with every other release's: tests/test_release_whole_model.py.
"""

from __future__ import annotations

import multiprocessing
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
# A regression floor at the measured figure; raise it as the remaining causes are fixed.
SINGLE_FLOOR = 0.97
WORKERS = 2

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

