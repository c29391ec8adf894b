"""Every real release of ``realtree.RELEASES``: the assembled tree has the release's shape, and the
release's own consistency scripts (``oracles``) pass on the pristine tree.

The shape figures are those of ../shared/corpus/README.md (TF modeling files under models/<m>/, the
doc page layout, which scripts each release has). check_doctest_list.py does not pass as such on
4.28.0, 4.31.0 and 4.32.0 (their doctest lists name doc pages no assembly carries); the tests check
that those are its only complaints, and that it passes once scoped (see oracles.py).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

import oracles
import realtree

# release -> TF modeling files in src/transformers/models/<m>/ (auto included), doc page glob
SHAPES = {
    "4.2.0": (31, "docs/source/model_doc/*.rst"),
    "4.10.0": (40, "docs/source/model_doc/*.rst"),
    "4.16.0": (45, "docs/source/model_doc/*.mdx"),
    "4.18.0": (49, "docs/source/en/model_doc/*.mdx"),
    "4.20.0": (52, "docs/source/en/model_doc/*.mdx"),
    "4.24.0": (63, "docs/source/en/model_doc/*.mdx"),
    "4.28.0": (67, "docs/source/en/model_doc/*.mdx"),
    "4.31.0": (69, "docs/source/en/model_doc/*.md"),
    "4.32.0": (69, "docs/source/en/model_doc/*.md"),
    "4.48.0": (70, None),
}


def _key(version: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def expected_scripts(version: str) -> List[str]:
    """check_dummies.py in all; check_inits.py and custom_init_isort.py from 4.10; sort_auto_mappings.py
    from 4.20; check_doctest_list.py from 4.28; none in 4.48.0 (its sdist has no utils/)."""
    if version in realtree.SDIST_ONLY:
        return []
    since = {
        "check_dummies.py": "4.0.0", "check_inits.py": "4.10.0", "custom_init_isort.py": "4.10.0",
        "sort_auto_mappings.py": "4.20.0", "check_doctest_list.py": "4.28.0",
    }
    return [script for script, _ in oracles.ORACLES if _key(version) >= _key(since[script])]


@functools.lru_cache(maxsize=None)
def _assembled(version: str) -> Tuple[Optional[Path], str]:
    return realtree.assemble(version)


def pristine(version: str) -> Path:
    tree, reason = _assembled(version)
    if tree is None:
        print(f"SKIP real-tree test of {version}: {reason}")
        pytest.skip(f"real Transformers {version} tree unavailable: {reason}")
    return tree


def test_releases_are_the_shapes_listed() -> None:
    assert list(SHAPES) == list(realtree.RELEASES)
    assert realtree.VERSION in realtree.RELEASES


@pytest.mark.parametrize("version", realtree.RELEASES)
def test_tree_shape(version: str) -> None:
    tree = pristine(version)
    origin = realtree.origins(tree)
    tf_files, doc_glob = SHAPES[version]
    assert (tree / "src" / "transformers" / "__init__.py").is_file()
    assert (tree / "src" / "transformers" / "utils" / "dummy_tf_objects.py").is_file()
    found = sorted(p.name for p in (tree / "src" / "transformers" / "models").glob("*/modeling_tf_*.py"))
    assert len(found) == tf_files, found
    assert sorted(oracles.available(tree)) == sorted(expected_scripts(version))
    if version in realtree.SDIST_ONLY:
        assert not (tree / "docs").exists() and not (tree / "utils").exists(), origin
        assert origin.get("docs", "none") == "none" and origin.get("utils", "none") == "none", origin
        return
    assert (tree / "docs").is_dir() and (tree / "utils").is_dir()
    if _key(version) >= _key("4.10.0"):
        assert (tree / "utils" / "documentation_tests.txt").is_file()
    if realtree.needs_shared(version) or "corpus" in origin.get("docs", "corpus"):
        assert len(list(tree.glob(doc_glob))) >= 0.9 * tf_files, doc_glob
        assert "corpus" in origin.get("docs", "corpus"), origin
    if version in realtree.SDIST_CARRIES_UTILS:
        assert origin["utils"] == "sdist", origin


@pytest.mark.parametrize("version", realtree.RELEASES)
def test_release_oracles_pass_on_pristine_tree(version: str) -> None:
    tree = pristine(version)
    results = oracles.run_oracles(tree, scoped=True)
    assert [r.script for r in results] == expected_scripts(version)
    assert not oracles.failed(results), oracles.describe(results, tree)


@pytest.mark.parametrize("version", [v for v in realtree.RELEASES if _key(v) >= _key("4.28.0")])
def test_unscoped_doctest_list_complains_only_of_paths_outside_the_assembly(version: str) -> None:
    tree = pristine(version)
    results = oracles.run_oracles(tree, only=["check_doctest_list.py"])
    if version in realtree.SDIST_ONLY:
        assert results == []
        return
    (result,) = results
    if result.ok:
        return
    missing = oracles.missing_paths(result)
    assert missing, oracles.describe(results, tree)
    inside = [path for path in missing if not oracles.outside_assembly(path)]
    assert not inside, f"{inside} are absent although an assembly should carry them\n{oracles.describe(results)}"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_oracles_catch_a_broken_copy(tmp_path: Path) -> None:
    """The oracles are not vacuous: one break per oracle in a copy of 4.31.0 fails exactly that one."""
    root = realtree.copy_tree(pristine("4.31.0"), tmp_path / "transformers")
    pkg = root / "src" / "transformers"
    # check_dummies: a dummy class the main init does not have
    _edit(pkg / "utils" / "dummy_tf_objects.py", "\n\nclass ",
          '\n\nclass TFNotAModel(metaclass=DummyObject):\n    _backends = ["tf"]\n\n\nclass ')
    # check_inits: one name left out of the _import_structure half only
    _edit(pkg / "models" / "bert" / "__init__.py", '        "TFBertEmbeddings",\n', "")
    # custom_init_isort: objects of one import structure entry out of order
    _edit(pkg / "__init__.py", '"models.albert": ["ALBERT_PRETRAINED_CONFIG_ARCHIVE_MAP", "AlbertConfig"],',
          '"models.albert": ["AlbertConfig", "ALBERT_PRETRAINED_CONFIG_ARCHIVE_MAP"],')
    # sort_auto_mappings: two TF auto mapping entries swapped
    _edit(pkg / "models" / "auto" / "modeling_tf_auto.py",
          '("albert", "TFAlbertModel"),\n        ("bart", "TFBartModel"),',
          '("bart", "TFBartModel"),\n        ("albert", "TFAlbertModel"),')
    # check_doctest_list: a model doc page that does not exist
    doctests = root / "utils" / "documentation_tests.txt"
    _edit(doctests, "docs/source/en/model_doc/byt5.md\n",
          "docs/source/en/model_doc/byt5.md\ndocs/source/en/model_doc/nota.md\n")
    results = oracles.run_oracles(root, scoped=True)
    assert [r.script for r in oracles.failed(results)] == expected_scripts("4.31.0"), oracles.describe(results)
    by_script = {r.script: r for r in results}
    assert "TFBertEmbeddings" in by_script["check_inits.py"].output
    assert "docs/source/en/model_doc/nota.md" in oracles.missing_paths(by_script["check_doctest_list.py"])

    # an unsorted list, all paths present: only the scoped run gets as far as the sort check
    lines = doctests.read_text(encoding="utf-8").replace("docs/source/en/model_doc/nota.md\n", "").splitlines(True)
    doctests.write_text("".join([lines[1], lines[0], *lines[2:]]), encoding="utf-8")
    (scoped,) = oracles.run_oracles(root, only=["check_doctest_list.py"], scoped=True)
    assert not scoped.ok and re.search("alphabetical order", scoped.output), scoped.output
    (raw,) = oracles.run_oracles(root, only=["check_doctest_list.py"])
    assert not raw.ok and "alphabetical" not in raw.output and oracles.missing_paths(raw)


def test_without_shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No ../shared: 4.16.0, 4.18.0 and 4.48.0 still assemble (from the sdist alone), the others skip
    with a reason naming the missing folder. Cached sdists are reused (linked), so this stays offline
    once the sdists are cached."""
    real_cache = realtree.cache_dir()
    cache = tmp_path / "cache"
    cache.mkdir()
    for version in realtree.RELEASES:
        sdist = real_cache / f"transformers-{version}.tar.gz"
        if sdist.is_file():
            os.symlink(sdist, cache / sdist.name)
    monkeypatch.setenv("TFI_CACHE", str(cache))
    monkeypatch.setenv("TFI_SHARED", str(tmp_path / "no-shared"))
    for version in realtree.RELEASES:
        assert realtree.needs_shared(version) == (version not in ("4.16.0", "4.18.0", "4.48.0"))
        if realtree.needs_shared(version):
            tree, reason = realtree.assemble(version)
            assert tree is None
            assert reason == (f"needs {tmp_path}/no-shared/corpus/transformers-{version} "
                              f"(TFI_SHARED={tmp_path}/no-shared) (not present)")
            continue
        tree, reason = realtree.assemble(version)
        if tree is None:
            pytest.skip(f"{version} sdist unavailable: {reason}")
        origin = realtree.origins(tree)
        assert (tree / "src" / "transformers" / "__init__.py").is_file()
        if version in realtree.SDIST_ONLY:
            assert origin == {"version": version, "src": "sdist", "docs": "none", "utils": "none"}
            continue
        assert origin == {"version": version, "src": "sdist", "docs": "sdist", "utils": "sdist"}
        # What the sdists' docs/ really hold: next to no model doc pages (4.16.0: detr only; 4.18.0:
        # docs/README.md alone), so with ../shared present the corpus' pages are laid over them.
        pages = sorted(p.name for p in (tree / "docs").glob("source/**/model_doc/*"))
        assert pages == (["detr.mdx"] if version == "4.16.0" else [])
        results = oracles.run_oracles(tree)
        assert [r.script for r in results] == expected_scripts(version)
        assert not oracles.failed(results), oracles.describe(results, tree)

    monkeypatch.delenv("TFI_SHARED")
    monkeypatch.setattr(realtree, "PROJECT", tmp_path / "project")  # so ../shared is tmp_path/shared
    assert realtree.assemble("4.24.0") == (
        None, "needs ../shared/corpus/transformers-4.24.0 (not present beside the project)")


def test_unknown_release_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown release"):
        realtree.assemble("4.99.0")
