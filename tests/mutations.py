"""Removals a contributor might leave behind, applied to a tree's texts in memory.

Each mutation returns ``{path: new_text}`` for the files it changes. The fix is then planned on an
index that overlays these texts, and its result is compared byte for byte with the unmutated tree.
"""

from __future__ import annotations

import ast
import random
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from tfintegrity.fixes import cstedit, mapping_edit, pysource
from tfintegrity.index.catalog import Catalog, Model
from tfintegrity.index.repo import RepoIndex

TOP = "src/transformers/__init__.py"
AUTO = "src/transformers/models/auto/modeling_tf_auto.py"
DUMMIES = "src/transformers/utils/dummy_tf_objects.py"
DOCTESTS = "utils/documentation_tests.txt"
GUARD = "is_tf_available"
DUMMY_IMPORT = "from ..utils import DummyObject, requires_backends\n"


@dataclass(frozen=True)
class Places:
    """The shared files and the guard of one backend (TF unless said otherwise)."""

    auto: str = AUTO
    dummies: str = DUMMIES
    guard: str = GUARD


TF = Places()
PLACES = {
    "tf": TF,
    "pt": Places("src/transformers/models/auto/modeling_auto.py", "src/transformers/utils/dummy_pt_objects.py",
                 "is_torch_available"),
    "flax": Places("src/transformers/models/auto/modeling_flax_auto.py",
                   "src/transformers/utils/dummy_flax_objects.py", "is_flax_available"),
}


@dataclass(frozen=True)
class Mutation:
    place: str  # which of the places
    model: str
    symbol: str
    apply: Callable[[RepoIndex], Dict[str, str]]

    def describe(self) -> str:
        return f"{self.place}:{self.model}:{self.symbol}"


# --------------------------------------------------------------------------- single places


def _structure_without(
    index: RepoIndex, path: str, names: Sequence[str], keys: Optional[Sequence[str]] = None, places: Places = TF
) -> Dict[str, str]:
    init = index.init(path)
    text = index.text(path)
    assert init is not None and text is not None
    drop = set(names)
    edits: List[cstedit.InitEdit] = []
    for statement in init.guarded_structure(places.guard):
        if keys is not None and statement.key not in keys:
            continue
        written = [n.name for n in statement.names]
        if drop & set(written):
            kept = tuple(n for n in written if n not in drop)
            form = pysource.structure_form_for(statement.form, len(kept)) if kept else statement.form
            edits.append(cstedit.SetStructure(cstedit.Block(False, places.guard), statement.key, kept, form))
    for block in init.guarded_imports(places.guard):
        if keys is not None and block.module not in keys:
            continue
        written = [n.name for n in block.names]
        if drop & set(written):
            kept = tuple(n for n in written if n not in drop)
            edits.append(cstedit.SetImport(cstedit.Block(True, places.guard), block.module, block.level, kept))
    return {path: cstedit.edit_init(text, edits)} if edits else {}


def _half(
    changes: Dict[str, str], index: RepoIndex, path: str, name: str, type_checking: bool, places: Places = TF
) -> Dict[str, str]:
    init = index.init(path)
    text = index.text(path)
    assert init is not None and text is not None
    edits: List[cstedit.InitEdit] = []
    if type_checking:
        for block in init.guarded_imports(places.guard):
            written = [n.name for n in block.names]
            if name in written:
                kept = tuple(n for n in written if n != name)
                edits.append(cstedit.SetImport(cstedit.Block(True, places.guard), block.module, block.level, kept))
    else:
        for statement in init.guarded_structure(places.guard):
            written = [n.name for n in statement.names]
            if name in written:
                kept = tuple(n for n in written if n != name)
                form = pysource.structure_form_for(statement.form, len(kept)) if kept else statement.form
                edits.append(cstedit.SetStructure(cstedit.Block(False, places.guard), statement.key, kept, form))
    if edits:
        changes[path] = cstedit.edit_init(text, edits)
    return changes


def remove_from_auto(index: RepoIndex, names: Sequence[str], places: Places = TF) -> Dict[str, str]:
    auto = index.auto(places.auto)
    text = index.text(places.auto)
    assert auto is not None and text is not None
    drop = set(names)
    new = text
    for name, mapping in auto.mappings.items():
        entries = [(e.key, tuple(e.values)) for e in mapping.entries]
        kept = [(k, tuple(v for v in vals if v not in drop)) for k, vals in entries]
        kept = [(k, vals) for k, vals in kept if vals]
        if kept != entries:
            new = mapping_edit.edit_mapping(new, name, kept)
    return {places.auto: new} if new != text else {}


def remove_from_dummies(index: RepoIndex, names: Sequence[str], places: Places = TF) -> Dict[str, str]:
    """The dummies without the objects of ``names``, every other byte (header, spacing) kept: an object
    goes with the blank lines after it; when the file's last objects go, it ends as it did."""
    text = index.text(places.dummies)
    assert text is not None
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    starts = [node.lineno - 1 for node in tree.body] + [len(lines)]
    drop = set(names)
    kept: List[str] = ["".join(lines[: starts[0]])]
    for position, node in enumerate(tree.body):
        bound = [t.id for t in node.targets if isinstance(t, ast.Name)] if isinstance(node, ast.Assign) else []
        if getattr(node, "name", bound[0] if bound else None) not in drop:
            kept.append("".join(lines[starts[position] : starts[position + 1]]))
    out = "".join(kept)
    ending = text[len(text.rstrip()) :]
    return {places.dummies: out.rstrip() + ending}


def remove_doctest_lines(index: RepoIndex, paths: Sequence[str], doctests: str = DOCTESTS) -> Dict[str, str]:
    text = index.text(doctests)
    assert text is not None
    lines = text.split("\n")
    kept = [ln for ln in lines if ln not in set(paths)]
    return {doctests: "\n".join(kept)} if kept != lines else {}


def remove_doc_sections(index: RepoIndex, page: str, names: Sequence[str]) -> Dict[str, str]:
    facts = index.doc_page(page)
    text = index.text(page)
    if facts is None or text is None:
        return {}
    lines = text.split("\n")
    for entry in sorted((e for e in facts.entries if e.name in set(names)), key=lambda e: -e.line):
        start, end = entry.line - 1, entry.end_line
        # The section and the blank lines that follow it, as if it had never been written.
        while end < len(lines) and not lines[end].strip():
            end += 1
        if end >= len(lines):
            # Last section of the page: drop the blank lines before it instead.
            while start > 0 and not lines[start - 1].strip():
                start -= 1
            end = entry.end_line
        del lines[start:end]
    new = "\n".join(lines)
    return {page: new} if new != text else {}


def single_removals(
    index: RepoIndex, catalog: Catalog, doc_dir: str = "docs/source/en/model_doc", places: Places = TF
) -> List[Mutation]:
    """Every single removal of one of the backend's classes (or constants) from one place."""
    out: List[Mutation] = []
    top = index.init(TOP)
    top_names = set()
    if top is not None:
        top_names = {n.name for s in top.guarded_structure(places.guard) for n in s.names}
        top_names |= {n.name for b in top.guarded_imports(places.guard) for n in b.names}
    auto = index.auto(places.auto)
    auto_names = {v for m in auto.mappings.values() for e in m.entries for v in e.values} if auto else set()
    dummy = index.dummies(places.dummies)
    dummy_names = {o.name for o in dummy.objects} if dummy else set()
    doctests = set(index.text(DOCTESTS).split("\n")) if index.text(DOCTESTS) else set()
    for model in catalog.models().values():
        init = index.init(model.init_path)
        model_struct = {n.name for s in init.guarded_structure(places.guard) for n in s.names} if init else set()
        model_imports = {n.name for b in init.guarded_imports(places.guard) for n in b.names} if init else set()
        page, exists = catalog.doc_page(model, doc_dir)
        documented = {e.name for e in index.doc_page(page).entries} if exists else set()
        for name in model.required():
            if name in model_struct:
                out.append(Mutation("model-init-structure", model.folder, name,
                                    lambda ix, p=model.init_path, n=name: _half({}, ix, p, n, False, places)))
            if name in model_imports:
                out.append(Mutation("model-init-imports", model.folder, name,
                                    lambda ix, p=model.init_path, n=name: _half({}, ix, p, n, True, places)))
            if name in top_names:
                out.append(Mutation("top-init-structure", model.folder, name, lambda ix, n=name: _half({}, ix, TOP, n, False, places)))
                out.append(Mutation("top-init-imports", model.folder, name, lambda ix, n=name: _half({}, ix, TOP, n, True, places)))
            if name in auto_names:
                out.append(Mutation("auto-mapping", model.folder, name, lambda ix, n=name: remove_from_auto(ix, [n], places)))
            if name in dummy_names:
                out.append(Mutation("dummies", model.folder, name, lambda ix, n=name: remove_from_dummies(ix, [n], places)))
            if name in documented:
                out.append(Mutation("doc-page", model.folder, name,
                                    lambda ix, p=page, n=name: remove_doc_sections(ix, p, [n])))
        for stem in model.modules:
            path = model.module_path(index.package, stem)
            if path in doctests:
                out.append(Mutation("doctests", model.folder, path, lambda ix, p=path: remove_doctest_lines(ix, [p])))
    return out


def sample(mutations: Sequence[Mutation], count: int, seed: int) -> List[Mutation]:
    """A seeded sample that covers every place."""
    rng = random.Random(seed)
    by_place: Dict[str, List[Mutation]] = {}
    for m in mutations:
        by_place.setdefault(m.place, []).append(m)
    chosen: List[Mutation] = []
    share = max(1, count // max(len(by_place), 1))
    for place in sorted(by_place):
        pool = by_place[place]
        chosen.extend(rng.sample(pool, min(share, len(pool))))
    rest = [m for m in mutations if m not in chosen]
    chosen.extend(rng.sample(rest, max(0, min(count - len(chosen), len(rest)))))
    return chosen


# --------------------------------------------------------------------------- whole model


def _drop_guard_blocks(text: str, line_ranges: Sequence[Tuple[int, int]]) -> str:
    """Delete whole guarded blocks (1-based inclusive line ranges) with one separating blank line each."""
    lines = text.split("\n")
    for start, end in sorted(line_ranges, reverse=True):
        first, last = start - 1, end  # slice [first, last)
        if first > 0 and not lines[first - 1].strip():
            first -= 1
        elif last < len(lines) and not lines[last].strip():
            last += 1
        del lines[first:last]
    return "\n".join(lines)


def extra_exports(model: Model) -> List[str]:
    """Names the release exports that are not public classes or constants (main layers, embeddings)."""
    required = set(model.required())
    return sorted(n for n in model.exports if n not in required)


def remove_whole_model(
    index: RepoIndex,
    catalog: Catalog,
    model: Model,
    doc_dir: str = "docs/source/en/model_doc",
    doctests: Optional[str] = DOCTESTS,
    page: Optional[str] = None,
) -> Dict[str, str]:
    """Every integration of the model's TF classes gone; only its modeling files are left.

    ``doctests`` is the doctest list a new model is written into (None: the tree has none, or lists the
    files it does not doctest, as 4.32.0's ``not_doctested.txt``; a list the tree no longer reads is left).
    ``page`` is the model's doc page where the tool finds it elsewhere than ``doc_dir`` (older layouts).

    Names the release exports by a maintainer's choice (``extra_exports``: main layers and the
    like) cannot be derived from a modeling file; for a model that has some, they stay where they
    are and everything else is removed. Otherwise the model's TF guard blocks go altogether.
    """
    changes: Dict[str, str] = {}
    names = list(model.required())
    init = index.init(model.init_path)
    text = index.text(model.init_path)
    if init is not None and text is not None:
        if extra_exports(model):
            changes.update(_structure_without(index, model.init_path, names))
        else:
            ranges = [(g.line, g.end_line) for g in init.structure_guards if g.guard == (GUARD,)]
            ranges += [(g.line, g.end_line) for g in init.type_checking_guards if g.guard == (GUARD,)]
            changes[model.init_path] = _drop_utils_name(_drop_guard_blocks(text, ranges), GUARD)
    key = f"models.{model.dotted}"
    changes.update(_structure_without(index, TOP, names, keys=[key]))
    changes.update(remove_from_auto(index, names))
    changes.update(remove_from_dummies(index, names))
    files = [model.module_path(index.package, s) for s in model.modules]
    if doctests is not None and index.exists(doctests):
        changes.update(remove_doctest_lines(index, files, doctests))
    page, exists = catalog.doc_page(model, doc_dir) if page is None else (page, index.exists(page))
    if exists:
        # A TF class named without the prefix (4.16-4.24's XLMRobertaForCausalLM) has no section of its own:
        # the section of that name is the PyTorch class's.
        changes.update(remove_doc_sections(index, page, [n for n in names if n.startswith("TF")]))
    return changes


def _drop_utils_name(text: str, name: str) -> str:
    """Remove ``name`` from the ``from ...utils import`` statement when nothing else uses it."""
    if text.count(name) != 1:
        return text
    import re

    one_line = re.compile(r"^(from \.\.\.utils import .*?), " + name + r"(,?.*)$", re.M)
    new = one_line.sub(r"\1\2", text)
    if new != text:
        return new
    return re.sub(r"\n    " + name + r",\n", "\n", text, count=1)
