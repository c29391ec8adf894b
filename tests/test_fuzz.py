"""Fuzzed hostile input: random removals and random corruptions of the synthetic tree.

* ``check`` (and ``check --fix``) never crash: exit 0, 1 or 2, never a traceback, an error is one line.
* After removals only (names dropped from the inits, auto entries, doctest lines, doc sections, dummy
  classes), one ``--fix`` restores the tree byte for byte and a second ``--fix`` changes nothing.

Runs in-process (click's ``CliRunner`` and ``api.run``) to stay fast; each example writes a fresh tree.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthtree  # noqa: E402

from tfintegrity import api, cli  # noqa: E402

PKG = "src/transformers"
CLEAN: Dict[str, str] = synthtree.render_tree()
FILES: Tuple[str, ...] = tuple(sorted(CLEAN))


def _removal_candidates() -> List[Tuple[str, int, int]]:
    """(file, start, end) spans of the clean tree, pairwise disjoint, each one thing a contributor may forget.

    Only what the tool must be able to restore: TF public classes and exported constants (a main
    layer is exported by choice, not required, so it is never dropped from an init).
    """
    out: List[Tuple[str, int, int]] = []

    def spans(rel: str, pattern: str, flags: int = 0, skip: str = "") -> None:
        for m in re.finditer(pattern, CLEAN[rel], flags):
            if not (skip and skip in m.group(0)):
                out.append((rel, m.start(), m.end()))

    for rel in FILES:
        if rel.endswith("__init__.py") and (rel == f"{PKG}/__init__.py" or "/models/" in rel):
            spans(rel, r'^ +"?TF\w+"?,\n', re.M, skip="MainLayer")
    spans(f"{PKG}/models/auto/modeling_tf_auto.py", r'^ +\("[\w-]+", "TF\w+"\),\n', re.M)
    spans("utils/documentation_tests.txt", r"^.*/modeling_tf_\w+\.py\n", re.M)
    for rel in FILES:
        if rel.startswith("docs/"):
            spans(rel, r"\n## (TF\w+)\n\n\[\[autodoc\]\] \1\n(?:    - \w+\n)*")
    spans(
        f"{PKG}/utils/dummy_tf_objects.py",
        r"\n\nclass TF\w+\(metaclass=DummyObject\):\n(?:(?:    .*)?\n)*?        requires_backends\(self, \[\"tf\"\]\)\n",
    )
    ordered = sorted(out)
    for (rel_a, _, end_a), (rel_b, start_b, _) in zip(ordered, ordered[1:]):
        assert rel_a != rel_b or end_a <= start_b, "overlapping removals"
    return ordered


CANDIDATES = _removal_candidates()


def describe(indices: Sequence[int]) -> List[str]:
    return [f"{CANDIDATES[i][0]}: {CLEAN[CANDIDATES[i][0]][CANDIDATES[i][1]:CANDIDATES[i][2]]!r}" for i in sorted(indices)]


def test_candidates_cover_every_place() -> None:
    kinds = {rel.rsplit("/", 1)[-1] if not rel.startswith("docs/") else "docs" for rel, _, _ in CANDIDATES}
    assert {"__init__.py", "modeling_tf_auto.py", "documentation_tests.txt", "docs", "dummy_tf_objects.py"} <= kinds
    assert len(CANDIDATES) > 30


def apply_removals(indices: Sequence[int]) -> Dict[str, str]:
    files = dict(CLEAN)
    for i in sorted(indices, key=lambda i: -CANDIDATES[i][1]):  # from the end, so earlier offsets hold
        rel, start, end = CANDIDATES[i]
        files[rel] = files[rel][:start] + files[rel][end:]
    return files


def write(root: Path, files: Dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def snapshot(root: Path) -> Dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_cli(root: Path, *args: str) -> Tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, ["check", *args, "--root", str(root)], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}") from result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_sane(code: int, out: str, err: str) -> None:
    assert "Traceback" not in out and "Traceback" not in err, err
    assert code in (0, 1, 2), (code, out, err)
    if code == 2:
        assert len(err.strip("\n").split("\n")) == 1, err
        assert "error" in err


class Workdir:
    """A fresh directory per hypothesis example (function-scoped fixtures are not reset between examples)."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="tfi-fuzz-"))
        return self.path / "repo"

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


DOCTEST_LINES = frozenset(i for i, (rel, _, _) in enumerate(CANDIDATES) if rel == "utils/documentation_tests.txt")


def restorable(indices: set) -> bool:
    """Whether the removal leaves the evidence a fix needs: a doctest list that names no TF modeling file at
    all is one the tree does not doctest TF files through (4.10's, 4.16's), so nothing is required of it."""
    return not DOCTEST_LINES <= indices


removals = st.sets(st.integers(0, len(CANDIDATES) - 1), min_size=1, max_size=8).filter(restorable)

corruption = st.one_of(
    st.tuples(st.just("truncate"), st.sampled_from(FILES), st.integers(0, 1000), st.just(b"")),
    st.tuples(st.just("insert"), st.sampled_from(FILES), st.integers(0, 1000), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.sampled_from(FILES), st.just(0), st.just(b"")),
)


def corrupt(files: Dict[str, bytes], how: Tuple[str, str, int, bytes]) -> None:
    kind, rel, where, data = how
    if rel not in files:
        return
    old = files[rel]
    at = len(old) * where // 1000
    if kind == "truncate":
        files[rel] = old[:at]
    elif kind == "insert":
        files[rel] = old[:at] + data + old[at:]
    else:
        del files[rel]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(removed=removals)
def test_fix_restores_removals_byte_identically(removed: set) -> None:
    expected = {rel: text.encode("utf-8") for rel, text in CLEAN.items()}
    with Workdir() as root:
        write(root, {rel: text.encode("utf-8") for rel, text in apply_removals(removed).items()})
        code, out, err = run_cli(root)
        assert_sane(code, out, err)
        assert code == 1, f"removing {describe(removed)} is not reported"
        result, _ = api.run(api.Options(root=root, fix=True))
        after = snapshot(root)
        wrong = sorted(rel for rel in set(after) | set(expected) if after.get(rel) != expected.get(rel))
        assert not wrong, (
            f"--fix did not restore {wrong} after removing {describe(removed)}; "
            f"left: {[f.code + ' ' + f.message for f in result.findings]}"
        )
        second, _ = api.run(api.Options(root=root, fix=True))
        assert not second.changed_files and snapshot(root) == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(removed=st.sets(st.integers(0, len(CANDIDATES) - 1), max_size=4), corruptions=st.lists(corruption, min_size=1, max_size=3))
def test_check_never_crashes_on_corrupted_trees(removed: set, corruptions: list) -> None:
    files = {rel: text.encode("utf-8") for rel, text in apply_removals(sorted(removed)).items()}
    for how in corruptions:
        corrupt(files, how)
    with Workdir() as root:
        root.mkdir(parents=True)
        write(root, files)
        before = snapshot(root)
        code, out, err = run_cli(root)
        assert_sane(code, out, err)
        assert snapshot(root) == before, "check wrote to the tree"
        code, out, err = run_cli(root, "--diff")
        assert_sane(code, out, err)
        assert snapshot(root) == before, "check --diff wrote to the tree"
        code, out, err = run_cli(root, "--fix")
        assert_sane(code, out, err)
        if code == 2:
            assert snapshot(root) == before, f"--fix failed ({err.strip()}) but changed the tree"


@pytest.mark.parametrize("index", range(len(CANDIDATES)))
def test_each_single_removal_is_found(tmp_path: Path, index: int) -> None:
    """Deterministic companion of the fuzz test: every candidate removal alone is reported."""
    root = tmp_path / "repo"
    write(root, {rel: text.encode("utf-8") for rel, text in apply_removals([index]).items()})
    code, out, err = run_cli(root)
    assert code == 1 and not err, (describe([index]), out, err)
