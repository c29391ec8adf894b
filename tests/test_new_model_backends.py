"""A new model, end to end, with every backend on (issue 10, item 3).

The test writes a complete new model into the real 4.31.0 tree: ``fastnet``, regnet's configuration and
its PyTorch, TF and Flax modeling files with every name renamed (``RegNet`` -> ``FastNet``), the model's
init with only its configuration (what a contributor writes with the configuration), and a doc page with
only its overview. One ``check --fix`` with all three backends must then integrate it everywhere, and the
measure is regnet itself: whatever regnet has in each place (init halves, top-level init halves, auto
mappings, dummies, doctest list, doc page), fastnet must have, renamed, read here with ``ast`` and plain
text rather than with tfintegrity's readers. The release's own scripts judge the order.

The same for a model added with PyTorch only, fixed the way pre-commit runs it (on the model's files).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

import oracles
import realtree
from tfintegrity import api

VERSION = "4.31.0"
PKG = "src/transformers"
SOURCE, NEW = "regnet", "fastnet"
ALL_BACKENDS = ("tf", "pt", "flax")
# backend -> (modeling file prefix, guard, auto mapping file, dummy file)
PLACES = {
    "pt": ("modeling_", "is_torch_available", "modeling_auto.py", "dummy_pt_objects.py"),
    "tf": ("modeling_tf_", "is_tf_available", "modeling_tf_auto.py", "dummy_tf_objects.py"),
    "flax": ("modeling_flax_", "is_flax_available", "modeling_flax_auto.py", "dummy_flax_objects.py"),
}

CONFIG_ONLY_INIT = '''from typing import TYPE_CHECKING

from ...utils import _LazyModule


_import_structure = {"configuration_fastnet": ["FASTNET_PRETRAINED_CONFIG_ARCHIVE_MAP", "FastNetConfig"]}


if TYPE_CHECKING:
    from .configuration_fastnet import FASTNET_PRETRAINED_CONFIG_ARCHIVE_MAP, FastNetConfig


else:
    import sys

    sys.modules[__name__] = _LazyModule(__name__, globals()["__file__"], _import_structure)
'''


def rename(text: str) -> str:
    return text.replace("RegNet", "FastNet").replace("regnet", "fastnet").replace("REGNET", "FASTNET")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return realtree.copy_tree(realtree.tree_or_skip(VERSION), tmp_path / f"transformers-{VERSION}")


def write_new_model(root: Path, backends: Tuple[str, ...]) -> None:
    """fastnet's configuration, modeling files of ``backends``, configuration-only init and overview page."""
    models = root / PKG / "models"
    folder = models / NEW
    folder.mkdir()
    files = ["configuration_"] + [PLACES[b][0] for b in backends]
    for prefix in files:
        text = (models / SOURCE / f"{prefix}{SOURCE}.py").read_text(encoding="utf-8")
        (folder / f"{prefix}{NEW}.py").write_text(rename(text), encoding="utf-8")
    licence = (models / SOURCE / "__init__.py").read_text(encoding="utf-8").split("from typing")[0]
    (folder / "__init__.py").write_text(licence + CONFIG_ONLY_INIT, encoding="utf-8")
    page = (root / "docs/source/en/model_doc" / f"{SOURCE}.md").read_text(encoding="utf-8")
    overview = page[: page.index("\n## RegNetConfig")] + "\n"
    (root / "docs/source/en/model_doc" / f"{NEW}.md").write_text(rename(overview), encoding="utf-8")


# ----------------------------------------------------------------------------- what regnet has, read here


def _guard_of(node: ast.If) -> str:
    """``is_x_available`` of ``try: if not is_x_available(): raise ...`` (the 4.20+ guard)."""
    test = node.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.operand, ast.Call):
        func = test.operand.func
        if isinstance(func, ast.Name):
            return func.id
    return ""


def init_halves(text: str, dotted_prefix: str, model: str) -> Dict[Tuple[str, str], Set[str]]:
    """(half, guard) -> names, for ``_import_structure["<prefix><model>..."]`` statements and
    ``from .<prefix><model>... import`` lines of an init (``prefix`` "models." at the top level, "" in the
    model's own init, where the keys are its modules)."""
    out: Dict[Tuple[str, str], Set[str]] = {}
    tree = ast.parse(text)

    def names_of(value: ast.AST) -> Set[str]:
        return {e.value for e in getattr(value, "elts", []) if isinstance(e, ast.Constant)}

    def belongs(key: str) -> bool:
        return key == f"{dotted_prefix}{model}" if dotted_prefix else model in key

    def visit(body: List[ast.stmt], guard: str, type_checking: bool) -> None:
        for node in body:
            if isinstance(node, ast.Try):
                inner = next((n for n in node.body if isinstance(n, ast.If)), None)
                visit(node.orelse, _guard_of(inner) if inner else guard, type_checking)
            elif isinstance(node, ast.If):
                if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                    visit(node.body, "", True)
            elif type_checking and isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                if belongs(node.module):
                    out.setdefault(("type_checking", guard), set()).update(a.name for a in node.names)
            elif not type_checking and guard:
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Subscript) and isinstance(sub.slice, ast.Constant):
                        key = sub.slice.value
                        if isinstance(key, str) and belongs(key):
                            parent = node.value if isinstance(node, (ast.Assign, ast.Expr)) else None
                            call = parent if isinstance(parent, ast.Call) else None
                            value = call.args[0] if call is not None and call.args else parent
                            found = names_of(value) | (
                                {value.value} if isinstance(value, ast.Constant) else set()
                            )
                            out.setdefault(("structure", guard), set()).update(found)

    visit(tree.body, "", False)
    return out


def mapping_entries(text: str, model: str) -> Set[Tuple[str, str]]:
    """(mapping name, entry text) of every ``("<model>", ...)`` entry of an auto-mapping file."""
    out: Set[Tuple[str, str]] = set()
    current = ""
    for line in text.splitlines():
        start = re.match(r"^(\w+_MAPPING_NAMES) = OrderedDict", line)
        if start:
            current = start.group(1)
        entry = re.match(rf'^\s+\("{model}", (.*)\),$', line)
        if entry and current:
            out.add((current, entry.group(1)))
    return out


def dummy_blocks(text: str, names: Set[str]) -> Dict[str, str]:
    """name -> its dummy's text (``class X(metaclass=DummyObject): ...`` or ``def x(...)``)."""
    out: Dict[str, str] = {}
    for block in re.split(r"\n\n\n", text):
        match = re.match(r"(?:class|def) (\w+)", block.strip("\n"))
        if match and match.group(1) in names:
            out[match.group(1)] = block.strip("\n")
    return out


def doc_sections(text: str) -> Dict[str, str]:
    """autodoc name -> its section (``## X`` to the next heading)."""
    out: Dict[str, str] = {}
    for section in re.split(r"\n(?=## )", text):
        match = re.search(r"^\[\[autodoc\]\] (\w+)", section, re.M)
        if match:
            out[match.group(1)] = section.strip("\n")
    return out


def model_names(root: Path, backend: str) -> Set[str]:
    """The names regnet's own init exports for ``backend``, renamed: what fastnet must export."""
    text = (root / PKG / "models" / SOURCE / "__init__.py").read_text(encoding="utf-8")
    halves = init_halves(text, "", SOURCE)
    return {rename(n) for n in halves.get(("structure", PLACES[backend][1]), set())}


def assert_integrated_like_regnet(root: Path, backends: Tuple[str, ...], absent: Tuple[str, ...]) -> None:
    models = root / PKG / "models"
    # The model's init: regnet's, renamed, for the backends written, and nothing for the others.
    init = (models / NEW / "__init__.py").read_text(encoding="utf-8")
    source_init = init_halves((models / SOURCE / "__init__.py").read_text(encoding="utf-8"), "", SOURCE)
    new_init = init_halves(init, "", NEW)
    for backend in backends:
        guard = PLACES[backend][1]
        for half in ("structure", "type_checking"):
            wanted = {rename(n) for n in source_init[(half, guard)]}
            assert new_init.get((half, guard)) == wanted, (backend, half)
    assert not [key for key in new_init if key[1] in {PLACES[b][1] for b in absent}], new_init
    if backends == ALL_BACKENDS:  # regnet's init, renamed, byte for byte (but for the licence year)
        expected = rename((models / SOURCE / "__init__.py").read_text(encoding="utf-8"))
        assert init.split("from typing", 1)[1] == expected.split("from typing", 1)[1]
    # The top-level init, both halves, under each backend's guard.
    top = (root / PKG / "__init__.py").read_text(encoding="utf-8")
    source_top, new_top = init_halves(top, "models.", SOURCE), init_halves(top, "models.", NEW)
    for backend in backends:
        guard = PLACES[backend][1]
        for half in ("structure", "type_checking"):
            assert new_top.get((half, guard)) == {rename(n) for n in source_top[(half, guard)]}, (backend, half)
    assert not [key for key in new_top if key[1] in {PLACES[b][1] for b in absent}], new_top
    for backend in ALL_BACKENDS:
        _, _, auto, dummies = PLACES[backend]
        auto_text = (models / "auto" / auto).read_text(encoding="utf-8")
        dummy_text = (root / PKG / "utils" / dummies).read_text(encoding="utf-8")
        new_entries = mapping_entries(auto_text, NEW)
        names = model_names(root, backend)
        new_dummies = dummy_blocks(dummy_text, names)
        if backend in absent:
            assert not new_entries and not new_dummies, backend
            continue
        # Mapped: every mapping regnet is in (as its backend's auto file has it), with the renamed class.
        wanted = {(m, rename(e)) for m, e in mapping_entries(auto_text, SOURCE)}
        assert new_entries == wanted, backend
        # Dummied: each exported name, in the form regnet's dummy has.
        source_dummies = dummy_blocks(dummy_text, {n.replace("FastNet", "RegNet").replace("FASTNET", "REGNET")
                                                   for n in names})
        assert new_dummies == {rename(n): rename(t) for n, t in source_dummies.items()}, backend
    # Listed: the modeling files of the backends the doctest list runs (it names no Flax file in 4.31).
    listed = (root / "utils/documentation_tests.txt").read_text(encoding="utf-8").splitlines()
    for backend in ("pt", "tf"):
        path = f"{PKG}/models/{NEW}/{PLACES[backend][0]}{NEW}.py"
        assert (path in listed) == (backend in backends), path
    # Documented: regnet's model sections, renamed, with their member lists.
    page = doc_sections((root / "docs/source/en/model_doc" / f"{NEW}.md").read_text(encoding="utf-8"))
    source_page = doc_sections((root / "docs/source/en/model_doc" / f"{SOURCE}.md").read_text(encoding="utf-8"))
    for backend in backends:
        documented = {n: t for n, t in source_page.items() if n in {c.replace("FastNet", "RegNet")
                                                                       for c in model_names(root, backend)}}
        assert documented, backend
        assert {rename(n): rename(t) for n, t in documented.items()} == {
            n: t for n, t in page.items() if n in {rename(m) for m in documented}
        }, backend
    assert set(page) <= {rename(n) for n in source_page}, sorted(page)


def model_findings(root: Path, backends: Tuple[str, ...], *paths: str) -> List[str]:
    options = api.Options(root=root, backends=backends, use_baseline=False, paths=paths or None, cwd=root)
    result, _ = api.run(options)
    return [f"{f.code} {f.message}" for f in result.findings if f.model == NEW or NEW in f.path]


def test_a_new_model_with_every_backend_is_integrated_by_one_fix(tree: Path) -> None:
    write_new_model(tree, ALL_BACKENDS)
    before = model_findings(tree, ALL_BACKENDS)
    # One check names every entry the model needs: 4 + 4 + 3 exports, each in both halves of both inits,
    # dummied and documented (but the archive lists), the mappings, and two doctest lines.
    assert len(before) >= 60 and {f.split()[0][:3] for f in before} == {"TFI", "PTI", "FXI"}, before
    result, _ = api.run(api.Options(root=tree, fix=True, backends=ALL_BACKENDS, use_baseline=False, cwd=tree))
    assert result.converged
    assert_integrated_like_regnet(tree, ALL_BACKENDS, absent=())
    assert model_findings(tree, ALL_BACKENDS) == []
    results = oracles.run_oracles(tree, scoped=True)
    assert not oracles.failed(results), oracles.describe(results, tree)


def test_a_new_model_with_pytorch_only_is_integrated_by_a_fix_of_its_files(tree: Path) -> None:
    write_new_model(tree, ("pt",))
    files = [str(p.relative_to(tree)) for p in sorted((tree / PKG / "models" / NEW).iterdir())]
    assert model_findings(tree, ALL_BACKENDS, *files)
    options = api.Options(root=tree, fix=True, backends=ALL_BACKENDS, use_baseline=False, paths=files, cwd=tree)
    result, _ = api.run(options)
    assert result.converged
    assert_integrated_like_regnet(tree, ("pt",), absent=("tf", "flax"))
    assert model_findings(tree, ALL_BACKENDS, *files) == []
    results = oracles.run_oracles(tree, scoped=True)
    assert not oracles.failed(results), oracles.describe(results, tree)
