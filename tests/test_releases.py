"""tfintegrity on ten real Transformers releases: every pristine finding is a real gap, with its reason.

For each release, the findings of the rules TFI001, TFI002, TFI003, TFI004, TFI006, TFI007, TFI009 and
TFI010 on the pristine tree must be exactly the gap families of ``release_gaps.py`` (each family: code,
kind, exact symbols or files, place, reason). 4.31.0 is explained by ``tests/test_real_check.py``; its
``EXPECTED`` list is reused here, not repeated. The ``test_reason_*`` tests re-read the release's files
for each reason's premises, independently of the engine. Findings that are the engine's misreadings
(``release_gaps.MISREADINGS``, with their evidence) are in no family: the release's
``test_pristine_findings_are_explained`` is then a strict expected failure, which turns into a failure
("XPASS(strict)") once the engine stops reporting them, so that the list gets updated.

Each release tree is assembled (or taken from the cache) and checked once per session.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Sequence, Set, Tuple

import pytest

import realtree
import release_gaps as data
from release_gaps import DOCTESTS, DUMMIES, PKG, TOP
from tfintegrity import api

BASE = "TFPreTrainedModel"
TF_MODELING = f"{PKG}/models/*/modeling_tf_*.py"
ARCHIVE = re.compile(r"^TF_\w+_PRETRAINED_MODEL_ARCHIVE_LIST$")


# =========================================================================== trees and findings


class Release(NamedTuple):
    version: str
    root: Path


@lru_cache(maxsize=None)
def _assembled(version: str) -> Tuple[Optional[Path], str]:
    return realtree.assemble(version)


@pytest.fixture(scope="module")
def release(request) -> Release:
    """The pristine tree of ``request.param`` (never written to); skips with the reason when unavailable."""
    version = request.param
    tree, reason = _assembled(version)
    if tree is None:
        print(f"SKIP Transformers {version} tree: {reason}")
        pytest.skip(f"real Transformers {version} tree unavailable: {reason}")
    return Release(version, Path(tree))


@lru_cache(maxsize=None)
def _findings(version: str, root: Path) -> tuple:
    result, _ = api.run(api.Options(root=root, use_baseline=False, select=data.SELECT))
    return tuple(result.findings)


def _key(f) -> Tuple[str, str, str, str]:
    return (f.code, f.kind, f.symbol, f.path)


def _versions(*versions: str):
    return [pytest.param(v, id=v) for v in versions]


def _story_params(*kinds: str):
    return [pytest.param(v, s, id=f"{v}-{s.key}") for v in data.STORIES for s in data.STORIES[v] if s.kind in kinds]


# =========================================================================== reading the files


@lru_cache(maxsize=None)
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _parse(path: Path) -> ast.Module:
    """Parsed afresh each time: callers keep only what they distil (a cache of whole syntax trees of every
    modeling file of ten releases would make the garbage collector, and so everything, slow)."""
    return ast.parse(_text(path))


def _const_names(node: ast.AST) -> List[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _slice_key(node: ast.Subscript) -> Optional[str]:
    inner = node.slice.value if type(node.slice).__name__ == "Index" else node.slice  # Python 3.8 wraps it
    return inner.value if isinstance(inner, ast.Constant) and isinstance(inner.value, str) else None


def _is_structure(node: ast.AST) -> bool:
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
        node.value.id == "_import_structure"


class Entry(NamedTuple):
    """One list of names of an init: ``half`` is ``structure`` (key of ``_import_structure``) or ``imports``
    (the module of a ``TYPE_CHECKING`` ``from . import``, dots kept); ``backends`` guard it."""

    half: str
    key: str
    names: Tuple[str, ...]
    backends: FrozenSet[str]
    line: int


def _availability(test: ast.AST) -> Set[str]:
    found = set()
    for node in ast.walk(test):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            match = re.fullmatch(r"is_(\w+?)_available", name)
            if match:
                found.add(match.group(1))
    return found


def _walk(stmts: Sequence[ast.stmt], backends: FrozenSet[str], checking: bool, out: List[Entry]) -> None:
    for s in stmts:
        if isinstance(s, ast.If):
            if isinstance(s.test, ast.Name) and s.test.id == "TYPE_CHECKING":
                _walk(s.body, backends, True, out)
                _walk(s.orelse, backends, checking, out)
                continue
            found = frozenset(_availability(s.test))
            negated = isinstance(s.test, ast.UnaryOp) and isinstance(s.test.op, ast.Not)
            _walk(s.body, backends | found if found and not negated else backends, checking, out)
            _walk(s.orelse, backends | found if found and negated else backends, checking, out)
        elif isinstance(s, ast.Try):  # try: if not is_x_available(): raise ... except ...: pass else: <x block>
            found = frozenset().union(*(_availability(n.test) for n in s.body if isinstance(n, ast.If)))
            _walk(s.body, backends, checking, out)
            for handler in s.handlers:
                _walk(handler.body, backends, checking, out)
            _walk(s.orelse, backends | found, checking, out)
            _walk(s.finalbody, backends, checking, out)
        elif isinstance(s, ast.ImportFrom) and s.level and checking:
            key = "." * s.level + (s.module or "")
            out.append(Entry("imports", key, tuple(a.name for a in s.names), backends, s.lineno))
        elif isinstance(s, ast.Assign) and _is_structure(s.targets[0]):
            out.append(Entry("structure", _slice_key(s.targets[0]), tuple(_const_names(s.value)), backends, s.lineno))
        elif isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name) and \
                s.targets[0].id == "_import_structure" and isinstance(s.value, ast.Dict):
            for k, v in zip(s.value.keys, s.value.values):
                if isinstance(k, ast.Constant):
                    out.append(Entry("structure", k.value, tuple(_const_names(v)), backends, k.lineno))
        elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) \
                and s.value.func.attr in ("extend", "append") and _is_structure(s.value.func.value):
            names = tuple(n for arg in s.value.args for n in _const_names(arg))
            out.append(Entry("structure", _slice_key(s.value.func.value), names, backends, s.lineno))


@lru_cache(maxsize=None)
def _entries(path: Path) -> Tuple[Entry, ...]:
    out: List[Entry] = []
    _walk(_parse(path).body, frozenset(), False, out)
    return tuple(out)


def _lists(path: Path, half: str, backend: str = "tf") -> Dict[str, List[str]]:
    """key -> names of the ``backend``-guarded lists of one half of an init."""
    out: Dict[str, List[str]] = {}
    for e in _entries(path):
        if e.half == half and backend in e.backends:
            out.setdefault(e.key, []).extend(e.names)
    return out


def _all_names(path: Path, backend: str = "tf") -> Set[str]:
    return {n for e in _entries(path) if backend in e.backends for n in e.names}


class Binding(NamedTuple):
    """A top-level name of a module: a class (with its base names), an assignment (with the string names
    of a list value), or a relative import (level, module, imported name)."""

    kind: str  # "class", "assign" or "import"
    bases: Tuple[str, ...] = ()
    values: Tuple[str, ...] = ()
    source: Tuple[int, str, str] = (0, "", "")


def _base_name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


@lru_cache(maxsize=None)
def _bindings(path: Path) -> Dict[str, Binding]:
    out: Dict[str, Binding] = {}
    for node in _parse(path).body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = Binding("class", tuple(_base_name(b) for b in node.bases))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    out[target.id] = Binding("assign", values=tuple(_const_names(node.value)) if node.value else ())
        elif isinstance(node, ast.ImportFrom) and node.level:
            for alias in node.names:
                out.setdefault(alias.asname or alias.name,
                               Binding("import", source=(node.level, node.module or "", alias.name)))
    return out


def _defined(path: Path) -> Dict[str, Binding]:
    """Top-level classes and assigned names of a module."""
    return {n: b for n, b in _bindings(path).items() if b.kind != "import"}


def _module_all(path: Path) -> Optional[List[str]]:
    node = _defined(path).get("__all__")
    return None if node is None else list(node.values)


def _base_names(binding: Binding) -> List[str]:
    return list(binding.bases)


def _leads_to_base(path: Path, name: str, seen: frozenset = frozenset()) -> bool:
    """Independent of the engine: does ``name`` in ``path`` inherit (through relative imports) TFPreTrainedModel?"""
    if name == BASE:
        return True
    if (path, name) in seen or not path.is_file():
        return False
    seen = seen | {(path, name)}
    binding = _bindings(path).get(name)
    if binding is None:
        return False
    if binding.kind == "class":
        return any(b and _leads_to_base(path, b, seen) for b in binding.bases)
    if binding.kind == "import":
        level, module, original = binding.source
        if original == BASE:
            return True
        target = path.parent
        for _ in range(level - 1):
            target = target.parent
        target = target.joinpath(*module.split(".")).with_suffix(".py")
        return _leads_to_base(target, original, seen)
    return False


def _public_classes(path: Path) -> List[str]:
    return [n for n, node in _defined(path).items()
            if node.kind == "class" and not n.startswith("_") and _leads_to_base(path, n)]


def _dummies(root: Path) -> Set[str]:
    return set(_defined(root / DUMMIES))


def _folder_of(rel: str) -> str:
    return rel.split("/")[3]


def _computed_init(path: Path) -> bool:
    return "define_import_structure(" in _text(path)


# =========================================================================== the data itself


class MisreadingsRemain(AssertionError):
    """The only difference from the families is the engine's known misreadings (an expected failure)."""


def test_gap_data_is_well_formed():
    kinds = {"unexported", "unprefixed", "top_missing", "wrong_source", "typo", "esm", "order", "doctest"}
    assert set(data.STORIES) | set(data.EXPLAINED_ELSEWHERE) == set(data.RELEASES) == set(realtree.RELEASES)
    assert not set(data.STORIES) & set(data.EXPLAINED_ELSEWHERE)
    for version, stories in data.STORIES.items():
        assert len({s.key for s in stories}) == len(stories), version
        assert all(s.kind in kinds and s.reason.strip() for s in stories), version
        families = data.GAPS[version]
        assert all(f.code in data.SELECT and f.symbols and f.reason.strip() for f in families), version
        keys = data.expected_keys(version)
        assert len(keys) == len(set(keys)), (version, [k for k, n in Counter(keys).items() if n > 1])
        misread = {(m.code, m.kind, m.symbol, m.path) for m in data.MISREADINGS.get(version, [])}
        assert not misread & set(keys), version
        assert all(m.evidence.strip() for m in data.MISREADINGS.get(version, []))
    assert set(data.MISREADINGS) <= set(data.STORIES)


def _misreading_marks(version: str):
    found = data.MISREADINGS.get(version)
    if not found:
        return []
    listed = "; ".join(f"{m.code} {m.kind} {m.symbol} in {m.path}" for m in found)
    return [pytest.mark.xfail(reason=f"misreadings: {listed}", raises=MisreadingsRemain, strict=True)]


@pytest.mark.parametrize(
    "release", [pytest.param(v, id=v, marks=_misreading_marks(v)) for v in data.RELEASES], indirect=True
)
def test_pristine_findings_are_explained(release):
    findings = _findings(release.version, release.root)
    actual = Counter(_key(f) for f in findings)
    assert [k for k, n in actual.items() if n > 1] == []
    if release.version in data.EXPLAINED_ELSEWHERE:
        import test_real_check  # its EXPECTED list explains 4.31.0 (with TFI005 and TFI008, left out here)

        expected = {(g.code, g.kind, g.symbol, g.path) for g in test_real_check.EXPECTED if g.code in data.SELECT}
        reasons = {}
    else:
        expected = set(data.expected_keys(release.version))
        reasons = {(f.code, f.kind, s, f.path): f.reason for f in data.GAPS[release.version] for s in f.symbols}
    unexplained = sorted(set(actual) - expected)
    stale = sorted(expected - set(actual))
    print(f"{release.version}: {len(findings)} findings, {dict(sorted(Counter(k[0] for k in actual).items()))}")
    misread = sorted((m.code, m.kind, m.symbol, m.path) for m in data.MISREADINGS.get(release.version, []))
    if misread and unexplained == misread and not stale:
        raise MisreadingsRemain(f"{len(misread)} misreading(s) still reported: {misread}")
    assert not unexplained and not stale, {
        "reported, in no family": unexplained,
        "family not reported (stale)": [(k, reasons.get(k, "")[:80]) for k in stale],
        "known misreadings of this release": misread,
    }


# =========================================================================== the reasons, re-read


@pytest.mark.parametrize("release, story", _story_params("unexported", "unprefixed"), indirect=["release"])
def test_reason_unexported_names(release, story):
    """The names are public TF classes (or archive constants) of their TF modeling file, yet no TF block of
    either init lists them and dummy_tf_objects.py has no dummy."""
    p = story.premise
    root, file = release.root, release.root / p["file"]
    defined = _defined(file)
    model_init, top = root / data.init(p["folder"]), root / TOP
    stem = Path(p["file"]).stem
    for name in p["names"]:
        assert name in defined, (name, p["file"])
        if ARCHIVE.match(name):
            assert defined[name].kind == "assign"
        else:
            assert defined[name].kind == "class" and _leads_to_base(file, name), name
            if p.get("direct_base"):
                assert _base_names(defined[name]) == [BASE], (name, _base_names(defined[name]))
        if p["computed_init"]:
            assert _computed_init(model_init) and f"from .{stem} import *" in _text(model_init)
            assert name not in (_module_all(file) or []), name
        else:
            assert stem in _lists(model_init, "structure") and _lists(model_init, "imports")  # both TF halves
            assert name not in _all_names(model_init), (name, "model init, TF blocks")
        assert f"models.{p['folder']}" in _lists(top, "structure")
        assert name not in _all_names(top), (name, "top-level init, TF blocks")
        if story.kind == "unexported":  # nor any other block
            assert not any(name in e.names for path in (model_init, top) for e in _entries(path)), name
        assert name not in _dummies(root), (name, "dummies")
    if p.get("split_bases"):  # 4.2.0: the other models' TF bases are exported
        bases = {}
        for path in sorted(root.glob(TF_MODELING)):
            for n, node in _defined(path).items():
                if node.kind == "class" and n.endswith("PreTrainedModel") and _base_names(node)[:1] == [BASE]:
                    bases[n] = path
        exported = set(bases) & _all_names(top)
        assert len(exported) == 16, sorted(exported)
        assert set(p["names"]) <= set(bases) - exported
        later = _later_tree(p["fixed_in"])
        if later is not None:  # upstream exported it next
            assert set(p["names"]) <= _all_names(later / TOP) & _all_names(later / data.init(p["folder"]))
    if story.kind == "unprefixed":
        (name,) = p["names"]
        assert not name.startswith("TF") and _base_names(defined[name]) == [p["base"]]
        pt_file = root / f"{PKG}/models/{p['folder']}/modeling_{p['folder']}.py"
        assert _defined(pt_file)[name].kind == "class", "the PyTorch class of the same name"
        assert name in _lists(model_init, "structure", "torch")[f"modeling_{p['folder']}"]
        assert name in _lists(model_init, "imports", "torch")[f".modeling_{p['folder']}"]
        assert name in _lists(top, "structure", "torch")[f"models.{p['folder']}"]
        later = _later_tree(p["fixed_in"])
        if later is not None:  # upstream renamed it
            assert p["renamed"] in _defined(later / p["file"]) and name not in _defined(later / p["file"])


@pytest.mark.parametrize("release, story", _story_params("top_missing"), indirect=["release"])
def test_reason_model_init_exports_what_the_top_level_init_lacks(release, story):
    p = story.premise
    root = release.root
    model_init, stem = root / data.init(p["folder"]), Path(p["file"]).stem
    for name in p["names"]:
        assert name in _defined(root / p["file"]), name
        assert name in _lists(model_init, "structure")[stem]
        assert name in _lists(model_init, "imports")[f".{stem}"]
        assert name not in _all_names(root / TOP)
        assert name not in _dummies(root)


def _later_tree(version: str) -> Optional[Path]:
    """A later release's tree, for a reason's "upstream fixed it in <version>" (that part is left out when
    the tree is unavailable)."""
    tree, reason = _assembled(version)
    if tree is None:
        print(f"(not checking the fix in {version}: {reason})")
    return tree


def _resolve(init_path: Path, module: str) -> Path:
    """The file or package ``from .<module>`` names, relative to an init."""
    return init_path.parent.joinpath(*module.split("."))


@pytest.mark.parametrize("release, story", _story_params("wrong_source"), indirect=["release"])
def test_reason_names_taken_from_the_wrong_module(release, story):
    """The TF TYPE_CHECKING import takes the names from a module that does not exist or does not define /
    export them; the right import lacks them, while the _import_structure half keys them rightly."""
    p = story.premise
    root = release.root
    init_path = root / p["init"]
    imports = _lists(init_path, "imports")
    assert set(p["wrong"]) <= set(imports[f".{p['module']}"]), imports.get(f".{p['module']}")
    target = _resolve(init_path, p["module"])
    if target.with_suffix(".py").is_file():
        assert not set(p["wrong"]) & set(_defined(target.with_suffix(".py"))), "the module defines them"
    elif (target / "__init__.py").is_file():
        assert not set(p["wrong"]) & _all_names(target / "__init__.py"), "the package exports them"
    else:
        assert not target.exists(), target
    defined_in = _defined(root / p["defined_in"])
    homes = set(p["wrong"]) if p["wrong"] == p["missing"] else set(p["missing"])
    assert homes <= set(defined_in), sorted(homes - set(defined_in))
    if p.get("wrong_home"):  # blenderbot_small: the names it takes belong to blenderbot's file
        assert set(p["wrong"]) <= set(_defined(root / p["wrong_home"]))
    assert not set(p["missing"]) & set(imports.get(f".{p['right_module']}", []))
    assert set(p["missing"]) <= set(_lists(init_path, "structure")[p["right_module"]])


@pytest.mark.parametrize("release, story", _story_params("typo"), indirect=["release"])
def test_reason_typo_in_the_top_level_import(release, story):
    p = story.premise
    root = release.root
    top, key = root / TOP, f"models.{p['folder']}"
    assert p["typo"] in _lists(top, "imports")[f".{key}"] and p["name"] not in _lists(top, "imports")[f".{key}"]
    assert p["name"] in _lists(top, "structure")[key] and p["typo"] not in _lists(top, "structure")[key]
    assert not any(p["typo"] in _defined(path) for path in root.glob(TF_MODELING))
    assert p["name"] in _defined(root / p["file"])
    model_init = root / data.init(p["folder"])
    assert p["name"] in _lists(model_init, "structure")[f"modeling_tf_{p['folder']}"]
    assert p["name"] in _lists(model_init, "imports")[f".modeling_tf_{p['folder']}"]
    assert p["typo"] in _dummies(root) and p["name"] not in _dummies(root)


@pytest.mark.parametrize("release, story", _story_params("esm"), indirect=["release"])
def test_reason_esm_top_level_lists_the_pytorch_constant(release, story):
    root = release.root
    top, esm_init = root / TOP, root / data.init("esm")
    tf, pt = "TF_ESM_PRETRAINED_MODEL_ARCHIVE_LIST", "ESM_PRETRAINED_MODEL_ARCHIVE_LIST"
    assert tf in _lists(esm_init, "structure")["modeling_tf_esm"]
    assert tf in _lists(esm_init, "imports")[".modeling_tf_esm"]
    assert tf in _defined(root / data.tf_file("esm"))
    assert pt in _lists(top, "structure")["models.esm"] and pt in _lists(top, "imports")[".models.esm"]
    assert tf not in _all_names(top) and tf not in _dummies(root)
    assert pt in _defined(root / f"{PKG}/models/esm/modeling_esm.py")
    assert not any(pt in _defined(path) for path in root.glob(TF_MODELING))


def _isort_key(name: str) -> Tuple[int, str]:
    """custom_init_isort.sort_objects: constants, then classes, then functions, by lower case without '_'."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name.lower().replace("_", ""))


def _release_script(root: Path) -> Optional[dict]:
    """The release's own utils/custom_init_isort.py, executed as a library (it only reads files)."""
    path = root / "utils" / "custom_init_isort.py"
    if not path.is_file():
        return None
    namespace = {"__name__": "release_custom_init_isort", "__file__": str(path)}
    exec(compile(_text(path), str(path), "exec"), namespace)  # noqa: S102 - the release's pure-text script
    return namespace


@pytest.mark.parametrize("release, story", _story_params("order"), indirect=["release"])
def test_reason_list_out_of_custom_init_isort_order(release, story):
    p = story.premise
    root = release.root
    names = _lists(root / p["path"], "structure")[p["key"]]
    assert names.index(p["before"]) < names.index(p["after"]) and _isort_key(p["after"]) < _isort_key(p["before"])
    assert names != sorted(names, key=_isort_key)
    script = _release_script(root)
    if p["script"] == "blind":
        assert script is not None
        assert script["sort_objects"](names) != names  # the release's own sorting disagrees with the file
        assert not script["sort_imports"](str(root / p["path"]), check_only=True)  # yet its check passes
    elif p["script"] == "none":
        assert script is None and (root / "utils").is_dir()
        later = _later_tree(p["sorted_in"])
        if later is not None:
            fixed = _lists(later / p["path"], "structure")[p["key"]]
            assert fixed == sorted(fixed, key=_isort_key) and p["after"] in fixed and p["before"] in fixed
    else:
        assert script is None and not (root / "utils").exists()


@pytest.mark.parametrize("release", _versions(*data.STORIES), indirect=True)
def test_reason_order_every_other_tf_list_is_sorted(release):
    """The order families are exactly the TF lists of the release that custom_init_isort's order rejects."""
    root = release.root
    unsorted = set()
    for path in [*sorted(root.glob(f"{PKG}/models/*/__init__.py")), root / TOP]:
        prefix = "models." if path == root / TOP else "modeling_tf_"
        for key, names in _lists(path, "structure").items():
            if key and key.startswith(prefix) and names != sorted(names, key=_isort_key):
                unsorted.add((path.relative_to(root).as_posix(), key))
    stories = data.stories(release.version, "order")
    assert unsorted == {(s.premise["path"], s.premise["key"]) for s in stories}


@pytest.mark.parametrize("release, story", _story_params("doctest"), indirect=["release"])
def test_reason_tf_modeling_files_missing_from_the_doctest_list(release, story):
    root = release.root
    lines = _text(root / DOCTESTS).splitlines()
    listed_tf = [line for line in lines if fnmatch.fnmatchcase(line, TF_MODELING)]
    assert len(listed_tf) == story.premise["listed_tf"], listed_tf
    assert not (root / "utils" / "not_doctested.txt").exists()  # being listed is what puts a file in the job
    (family,) = story.families()
    for rel in sorted(family.symbols):
        text = _text(root / rel)
        assert rel not in lines and _public_classes(root / rel), rel
        has_examples = ">>>" in text or "@add_code_sample_docstrings" in text
        assert has_examples == story.premise["examples"], rel


@pytest.mark.parametrize("release", _versions(*data.STORIES), indirect=True)
def test_reason_doctest_families_are_every_unlisted_tf_modeling_file(release):
    """Where TFI007 requires anything, its families are all unlisted TF modeling files with a public class;
    elsewhere, the tree has no list that puts TF modeling files in the doctest job."""
    root = release.root
    families = [f for s in data.stories(release.version, "doctest") for f in s.families()]
    doctests = root / DOCTESTS
    if not families:
        listed = _text(doctests).splitlines() if doctests.is_file() else []
        assert (root / "utils" / "not_doctested.txt").exists() or not doctests.is_file() or \
            not any(fnmatch.fnmatchcase(line, TF_MODELING) for line in listed), release.version
        return
    lines = set(_text(doctests).splitlines())
    unlisted = {path.relative_to(root).as_posix() for path in root.glob(TF_MODELING) if _public_classes(path)} - lines
    assert unlisted == set().union(*(f.symbols for f in families))


# =========================================================================== the misreadings' evidence


@pytest.mark.parametrize("release", _versions("4.18.0"), indirect=True)
def test_not_a_gap_the_doctest_list_of_4_18_keeps_no_order(release):
    assert "4.18.0" in data.NOT_GAPS
    root = release.root
    lines = _text(root / DOCTESTS).splitlines()
    docs = [line for line in lines if line.startswith("docs/")]
    src = [line for line in lines if line.startswith("src/")]
    assert lines == docs + src and src == sorted(src)
    assert docs == ["docs/source/en/quicktour.mdx", "docs/source/en/task_summary.mdx",
                    "docs/source/en/model_doc/speech_to_text.mdx"] and docs != sorted(docs)
    assert not (root / "utils" / "check_doctest_list.py").exists()
    assert "documentation_tests" not in "".join(_text(p) for p in sorted((root / "utils").glob("*.py")))


@pytest.mark.parametrize("release", _versions("4.48.0"), indirect=True)
def test_not_a_gap_blip_text_is_a_building_part_in_4_48(release):
    assert "4.48.0" in data.NOT_GAPS
    root = release.root
    blip = root / data.init("blip")
    assert _computed_init(blip)
    assert "from .modeling_tf_blip import *" in _text(blip) and "modeling_tf_blip_text" not in _text(blip)
    text_file = root / data.tf_file("blip", "blip_text")
    assert _module_all(text_file) is None
    assert {"TFBlipTextLMHeadModel", "TFBlipTextPreTrainedModel"} <= set(_public_classes(text_file))
    assert "from .modeling_tf_blip_text import" in _text(root / data.tf_file("blip"))
    assert "TFBlipTextLMHeadModel" not in (_module_all(root / data.tf_file("blip")) or [])
    top = _all_names(root / TOP, "torch")
    assert "BlipTextModel" in top and "BlipTextLMHeadModel" not in top  # PyTorch keeps its twin internal too
