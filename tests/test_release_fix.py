"""Single removals on every release (issue 9, item 3): each kind of entry of the init, dummy and doctest
places, removed one at a time from the release as fixed (a seeded sample), is reported with the right code,
symbol and path, and one --fix gives the bytes back. The auto-mapping, doc-page and ``__all__`` places have
their own per-release tests (test_auto_layouts.py, test_doc_layouts.py, test_release_448.py); 4.31.0 has
the full fidelity test (test_real_fix.py).

Everything is planned in memory: the reference is the pristine tree overlaid with one --fix's texts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import mutations
import oracles
import realtree
from tfintegrity import api
from tfintegrity.index.catalog import Catalog
from tfintegrity.index.repo import RepoIndex

SEED = 20261201
# The suite's sample per release; TFI_RELEASE_FIX_FULL=1 takes 24 (the README's figure).
PER_RELEASE = 24 if os.environ.get("TFI_RELEASE_FIX_FULL") == "1" else 12
PLACES = ("model-init-structure", "model-init-imports", "top-init-structure", "top-init-imports", "dummies", "doctests")
CODES = {"model-init-structure": "TFI001", "model-init-imports": "TFI002", "top-init-structure": "TFI003",
         "top-init-imports": "TFI004", "dummies": "TFI006", "doctests": "TFI007"}
TARGET = 0.98
RELEASES = [v for v in realtree.RELEASES if v != "4.31.0"]


def reference(version: str) -> Tuple[api.Session, RepoIndex, Path]:
    tree = realtree.tree_or_skip(version)
    session = api.open_session(api.Options(root=tree, use_baseline=False))
    pristine = RepoIndex(session.root, session.config.package)
    _, changes = api.evaluate(session, pristine, api.Options(root=tree, fix=True, use_baseline=False))
    return session, pristine.with_overlay({p: new for p, (_, new) in changes.items()}), tree


def _findings(session: api.Session, view: RepoIndex) -> List[api.Finding]:
    return api.collect(session, view, None)


@pytest.mark.parametrize("version", RELEASES)
def test_single_removals_are_reported_and_restored(version: str, tmp_path: Path) -> None:
    session, ref, tree = reference(version)
    catalog = Catalog(ref, session.ruleset.backends["tf"])
    every = [m for m in mutations.single_removals(ref, catalog) if m.place in PLACES]
    if "excluded" in _doctest_layout(session, ref):
        every = [m for m in every if m.place != "doctests"]  # 4.32: a file is doctested unless listed
    chosen = mutations.sample(every, PER_RELEASE, SEED)
    assert len({m.place for m in chosen}) >= 4, "too few kinds of entry in the sample"
    misses: Dict[str, Dict[str, str]] = {}
    unreported = []
    for mutation in chosen:
        mutated = mutation.apply(ref)
        assert mutated, mutation.describe()
        view = ref.with_overlay(mutated)
        found = [f for f in _findings(session, view) if f.code == CODES[mutation.place]]
        if not any(f.symbol == mutation.symbol and f.kind == "missing" for f in found):
            unreported.append(mutation.describe())
        _, changes = api.evaluate(session, view, api.Options(root=tree, fix=True, use_baseline=False))
        wrong = {}
        for path in sorted(set(mutated) | set(changes)):
            final = changes[path][1] if path in changes else view.text(path)
            if final != ref.text(path):
                wrong[path] = final
        if wrong:
            misses[mutation.describe()] = wrong
    identical = len(chosen) - len(misses)
    print(f"\n{version}: {identical}/{len(chosen)} single removals restored byte-identical; "
          f"places {sorted({m.place for m in chosen})}; not identical: {sorted(misses)}")
    assert unreported == []
    assert identical / len(chosen) >= TARGET, sorted(misses)
    # The release's own scripts pass on the fixed release (where they pass on the pristine one).
    fixed = realtree.copy_tree(tree, tmp_path / "fixed")
    for path in ref.overlay:
        (fixed / path).write_text(ref.overlay[path], encoding="utf-8")
    pristine_ok = {r.script for r in oracles.run_oracles(tree, scoped=True) if r.ok}
    broken = [r for r in oracles.run_oracles(fixed, scoped=True) if r.script in pristine_ok and not r.ok]
    assert broken == [], oracles.describe(broken)


def _doctest_layout(session: api.Session, index: RepoIndex) -> str:
    rule = session.ruleset.by_code("TFI007")
    assert rule is not None
    primitive = api.PRIMITIVES[rule.primitive]
    return primitive.describe_layout(api.Context(index, session.ruleset.backends["tf"], Catalog(index, session.ruleset.backends["tf"])), rule)

