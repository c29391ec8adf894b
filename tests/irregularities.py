"""Premises of the whole-model reasons: each one re-reads the release's own text and says whether the
irregularity a reason names is really there (tests/test_release_whole_model.py asserts it for every model
it names).

Written from scratch with ``ast`` and regexes, not with tfintegrity's readers, so that a reason cannot hold
only because the tool misreads the file. A premise says what the release does against what the rest of the
tree offers the fix as evidence (the model's other backends, the page's other sections, the file's other
statements); where that evidence is absent or points the other way, no rule derived from the tree can
write the release's bytes.
"""

from __future__ import annotations

import ast
import os
import re
from functools import lru_cache
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

LINE_LENGTH = 119
TF, TORCH, FLAX = "is_tf_available", "is_torch_available", "is_flax_available"


# --------------------------------------------------------------------------- lazy inits


class Statement(NamedTuple):
    key: str  # _import_structure key, or the imported module (dots for the level included)
    names: Tuple[str, ...]
    line: int
    end_line: int
    exploded: bool  # one name per line
    joinable: bool  # black, without a magic trailing comma, would not put one name per line


class Block(NamedTuple):
    guard: str  # the one ``is_*_available`` it tests ("" for several)
    type_checking: bool
    line: int
    end_line: int
    legacy: bool  # ``if is_x_available():`` rather than try/except/else
    statements: Tuple[Statement, ...]


def _guard_of(test: ast.expr) -> Optional[str]:
    calls = [n.func.id for n in ast.walk(test) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    calls = [c for c in calls if c.startswith("is_") and c.endswith("_available")]
    return (calls[0] if len(calls) == 1 else "") if calls else None


def _fits(indent: int, text: str) -> bool:
    return indent + len(text) <= LINE_LENGTH


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _statement(node: ast.stmt) -> Optional[Statement]:
    indent = node.col_offset
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.List) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
            key = str(target.slice.value)
            names = tuple(str(e.value) for e in node.value.elts if isinstance(e, ast.Constant))
            one = f'_import_structure["{key}"] = [{_quoted(names)}]'
            return Statement(key, names, node.lineno, node.end_lineno or node.lineno,
                             node.value.lineno != node.value.end_lineno, _fits(indent, one))
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and func.attr in ("extend", "append"):
            owner = func.value
            if isinstance(owner, ast.Subscript) and isinstance(owner.slice, ast.Constant):
                key = str(owner.slice.value)
                arg = node.value.args[0] if node.value.args else None
                if isinstance(arg, ast.List):
                    names = tuple(str(e.value) for e in arg.elts if isinstance(e, ast.Constant))
                    # black's middle form keeps the list on one line inside the call
                    joinable = _fits(indent + 4, f"[{_quoted(names)}]")
                    return Statement(key, names, node.lineno, node.end_lineno or node.lineno,
                                     arg.lineno != arg.end_lineno, joinable)
                if isinstance(arg, ast.Constant):
                    return Statement(key, (str(arg.value),), node.lineno, node.end_lineno or node.lineno, False, True)
    if isinstance(node, ast.ImportFrom):
        names = tuple(a.name for a in node.names)
        key = "." * node.level + (node.module or "")
        one = f"from {key} import {', '.join(names)}"
        return Statement(key, names, node.lineno, node.end_lineno or node.lineno,
                         node.lineno != node.end_lineno, _fits(indent, one))
    return None


def _type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _guarded(node: ast.stmt) -> Optional[Tuple[str, bool, Sequence[ast.stmt]]]:
    """(guard, legacy, the block's statements) of a guarded block: ``try: if not is_x_available(): raise ...
    else:`` or the legacy ``if is_x_available():``; None for any other statement."""
    if isinstance(node, ast.Try) and node.body and isinstance(node.body[0], ast.If):
        guard = _guard_of(node.body[0].test)
        return (guard, False, node.orelse) if guard is not None else None
    if isinstance(node, ast.If) and not isinstance(node.test, ast.UnaryOp):
        guard = _guard_of(node.test)
        return (guard, True, node.body) if guard else None
    return None


def _collect(body: Sequence[ast.stmt], type_checking: bool, out: List[Block]) -> None:
    for node in body:
        if _type_checking(node):
            _collect(node.body, True, out)  # type: ignore[attr-defined]
            continue
        found = _guarded(node)
        if found is not None:
            guard, legacy, statements = found
            parsed = tuple(s for s in map(_statement, statements) if s is not None)
            out.append(Block(guard, type_checking, node.lineno, node.end_lineno or node.lineno, legacy, parsed))


@lru_cache(maxsize=64)
def blocks(text: str) -> Tuple[Block, ...]:
    """The guarded blocks of a lazy init, both halves, in file order."""
    out: List[Block] = []
    _collect(ast.parse(text).body, False, out)
    return tuple(out)


def _model_statements(block: Block, key: Optional[str]) -> List[Statement]:
    if key is None:
        return list(block.statements)
    return [s for s in block.statements if s.key in (key, f".{key}")]


def magic_comma(text: str, key: Optional[str] = None) -> bool:
    """A TF statement of the model (of ``key`` in the top-level init; every one in a model init) is written one
    name per line although black would join it, and the model's torch and Flax statements of the same half
    that black would join too do not say so (the first such one is joined, or there is none), or it is joined
    where that first one is exploded."""
    found = blocks(text)
    for tf_block in (b for b in found if b.guard == TF):
        # The model's torch statements first, then its Flax ones, each in file order.
        siblings = sorted(
            ((b.guard != TORCH, s.line, s.exploded) for b in found for s in _model_statements(b, key)
             if b.type_checking == tf_block.type_checking and b.guard in (TORCH, FLAX) and s.joinable)
        )
        sign = siblings[0][2] if siblings else None
        for own in _model_statements(tf_block, key):
            if own.joinable and own.exploded != bool(sign):
                return True
    return False


def block_order(text: str) -> bool:
    """In a half of the model init, the TF block comes before a torch block or after a Flax block, another
    block sits between its TF blocks, or the block right in front of it is not the torch one."""
    found = blocks(text)
    for half in (False, True):
        order = [b.guard for b in found if b.type_checking == half]
        tf = [i for i, g in enumerate(order) if g == TF]
        if not tf:
            continue
        if any(g == TORCH for g in order[tf[0]:]) or any(g == FLAX for g in order[: tf[-1]]):
            return True
        if any(g != TF for g in order[tf[0]: tf[-1] + 1]):
            return True
        if TORCH in order and order[tf[0] - 1] != TORCH:
            return True
    return False


@lru_cache(maxsize=64)
def _gaps(text: str) -> Tuple[Tuple[str, str, int], ...]:
    """(guard above, guard below, blank lines between) for consecutive statements of each half's body; a
    statement that is no guarded block has guard ``-``."""
    lines = text.split("\n")
    tree = ast.parse(text)
    out: List[Tuple[str, str, int]] = []

    def label(node: ast.stmt) -> str:
        found = _guarded(node)
        return (found[0] or "-") if found is not None else "-"

    def walk(body: Sequence[ast.stmt]) -> None:
        for above, below in zip(body, body[1:]):
            between = lines[(above.end_lineno or above.lineno): below.lineno - 1]
            out.append((label(above), label(below), sum(1 for ln in between if not ln.strip())))
        for node in body:
            if _type_checking(node):
                walk(node.body)  # type: ignore[attr-defined]

    walk(tree.body)
    return tuple(out)


def block_spacing(text: str) -> bool:
    """A gap next to a TF block differs from the gap the init keeps between its other guarded blocks."""
    gaps = _gaps(text)
    others = [g for a, b, g in gaps if "-" not in (a, b) and TF not in (a, b)]
    usual = max(set(others), key=others.count) if others else 1
    return any(g != usual for a, b, g in gaps if TF in (a, b) and "-" not in (a, b))


def legacy_if(text: str) -> bool:
    """The init guards TF with ``if is_tf_available():`` while another backend uses try/except/else."""
    found = blocks(text)
    return any(b.guard == TF and b.legacy for b in found) and any(not b.legacy for b in found)


def lone_blank(text: str, key: str) -> bool:
    """Inside the top-level init's TF block, the model's statement is followed by a blank line, which most of
    the block's other statements are not."""
    lines = text.split("\n")
    for block in (b for b in blocks(text) if b.guard == TF):
        def blank_next_to(s: Statement) -> bool:
            after = lines[s.end_line] if s.end_line < len(lines) else "x"
            return not after.strip() and s.end_line < block.end_line

        own = _model_statements(block, key)
        rest = [s for s in block.statements if s not in own]
        if any(blank_next_to(s) for s in own) and 2 * sum(map(blank_next_to, rest)) < len(rest):
            return True
    return False


# --------------------------------------------------------------------------- auto mappings


@lru_cache(maxsize=64)
def mappings(text: str) -> Dict[str, List[str]]:
    """``NAME = OrderedDict([("key", ...), ...])``: name -> keys in file order."""
    out: Dict[str, List[str]] = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Call) and value.args and isinstance(value.args[0], ast.List):
                keys = [e.elts[0].value for e in value.args[0].elts
                        if isinstance(e, ast.Tuple) and e.elts and isinstance(e.elts[0], ast.Constant)]
                out[node.targets[0].id] = [str(k) for k in keys]
    return out


def _twin(name: str) -> str:
    return name[len("TF_"):] if name.startswith("TF_") else name


def _predecessor(order: Sequence[str], key: str, among: Sequence[str]) -> Optional[str]:
    """The nearest key before ``key`` in ``order`` that ``among`` holds."""
    at = list(order).index(key)
    return next((k for k in reversed(order[:at]) if k in among), None)


def mapping_history(tf_text: str, pt_text: str, keys: Sequence[str]) -> bool:
    """In some TF mapping, the PyTorch mappings do not tell the model's place: its twin mapping puts the key
    after another key than the TF mapping does, or the PyTorch mappings holding the key put it after
    different keys (counted over the TF mapping's other keys)."""
    tf, pt = mappings(tf_text), mappings(pt_text)
    for name, order in tf.items():
        twin = pt.get(_twin(name))
        for key in (k for k in keys if k in order and twin is not None and k in twin):
            rest = [k for k in order if k != key]
            truth = _predecessor(order, key, rest)
            told = {_predecessor(other, key, rest) for other in pt.values() if key in other}
            if _predecessor(twin, key, rest) != truth or len(told) > 1:
                return True
    return False


def tf_only_mapping(tf_text: str, pt_text: str, keys: Sequence[str]) -> bool:
    """A TF mapping holds the model's key where its PyTorch twin mapping does not."""
    tf, pt = mappings(tf_text), mappings(pt_text)
    return any(k in order and k not in pt.get(_twin(name), [k]) for name, order in tf.items() for k in keys)


# --------------------------------------------------------------------------- doc pages


class Section(NamedTuple):
    header: str
    cls: str
    line: int  # the header's line (1-based)
    end_line: int  # its last non-blank line
    members: Tuple[str, ...]  # member lines as written (md: ``    - call``; rst: ``    :members: call``)


_MD_AUTODOC = re.compile(r"^\[\[autodoc\]\]\s+(?:transformers\.)?([\w.]+)\s*$")
_RST_AUTOCLASS = re.compile(r"^\.\. autoclass::\s+(?:transformers\.)?([\w.]+)\s*$")
_RST_UNDERLINE = re.compile(r"^([~^=\-\"'`#*+])\1{2,}\s*$")


@lru_cache(maxsize=64)
def sections(text: str) -> Tuple[Section, ...]:
    """The page's class sections: a header, then one autodoc directive with its member lines."""
    lines = text.split("\n")
    found: List[Section] = []
    for i, line in enumerate(lines):
        match = _MD_AUTODOC.match(line) or _RST_AUTOCLASS.match(line)
        if not match:
            continue
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and _RST_UNDERLINE.match(lines[j]):
            header_line, header = j - 1, lines[j - 1].strip()
        elif j >= 0 and lines[j].startswith("#"):
            header_line, header = j, lines[j].lstrip("#").strip()
        else:
            continue
        end = i
        while end + 1 < len(lines) and lines[end + 1].startswith(" ") and lines[end + 1].strip():
            end += 1
        found.append(Section(header, match.group(1).split(".")[-1], header_line + 1, end + 1,
                             tuple(lines[i + 1: end + 1])))
    return tuple(found)


def header_typo(text: str, classes: Sequence[str]) -> bool:
    """A section of one of ``classes`` has a header that is not the class's name."""
    return any(s.cls in classes and s.header != s.cls for s in sections(text))


def mixed_spacing(text: str, tf_classes: Sequence[str], prefix: str = "TF") -> bool:
    """The blank lines in front of the model's TF sections and after the last of them are not one number, or
    not the number between their PyTorch twins' sections (what a new TF run is spaced by)."""
    page = sections(text)
    names = [s.cls for s in page]
    gaps = [b.line - a.end_line - 1 for a, b in zip(page, page[1:])]  # gaps[i]: between sections i and i+1
    own = [i for i, n in enumerate(names) if n in tf_classes]
    if not own:
        return False
    around = [gaps[i - 1] for i in own if i > 0] + ([gaps[own[-1]]] if own[-1] < len(gaps) else [])
    twins = sorted(names.index(n[len(prefix):]) for n in names if n in tf_classes and n[len(prefix):] in names)
    between_twins = [gaps[i] for i, j in zip(twins, twins[1:]) if j == i + 1]
    return len(set(around)) > 1 or bool(between_twins) and set(around) != set(between_twins)


def trailing_space(text: str, classes: Sequence[str]) -> bool:
    return any(m != m.rstrip() for s in sections(text) if s.cls in classes for m in s.members)


def _orders(text: str, tf_classes: Sequence[str], tf_file_order: Sequence[str], prefix: str = "TF"):
    """The page's TF sections that have a twin there, in page order; sorted as their twins are; and as the
    TF model file has them."""
    names = [s.cls for s in sections(text)]
    tf = [n for n in names if n in tf_classes and n[len(prefix):] in names]
    by_twin = sorted(tf, key=lambda n: names.index(n[len(prefix):]))
    by_file = sorted(tf, key=lambda n: list(tf_file_order).index(n) if n in tf_file_order else len(tf_file_order))
    return tf, by_twin, by_file


def run_elsewhere(text: str, tf_classes: Sequence[str], pt_classes: Sequence[str], prefix: str = "TF") -> bool:
    """The TF run does not directly follow the model's PyTorch run: a PyTorch section of the model (a class of
    its PyTorch files named like its TF classes) comes after a TF section, or the section in front of the
    first TF section is no PyTorch section."""
    names = [s.cls for s in sections(text)]
    tf = [i for i, n in enumerate(names) if n in tf_classes]
    if not tf or not any(n in pt_classes for n in names):
        return False
    stem = os.path.commonprefix([names[i][len(prefix):] for i in tf])
    if stem and any(n in pt_classes and n.startswith(stem) for n in names[tf[0]:]):
        return True
    return tf[0] == 0 or names[tf[0] - 1] not in pt_classes


def page_order(text: str, tf_classes: Sequence[str], tf_file_order: Sequence[str], pt_classes: Sequence[str]) -> bool:
    """The TF sections follow neither their PyTorch twins' order on the page nor the TF model file's, or the
    TF run sits elsewhere than after the PyTorch run."""
    tf, by_twin, by_file = _orders(text, tf_classes, tf_file_order)
    return (tf != by_twin and tf != by_file) or run_elsewhere(text, tf_classes, pt_classes)


def file_order(text: str, tf_classes: Sequence[str], tf_file_order: Sequence[str]) -> bool:
    """The TF sections follow the TF model file's order, which is not their PyTorch twins' order on the page."""
    tf, by_twin, by_file = _orders(text, tf_classes, tf_file_order)
    return tf == by_file != by_twin


def other_members(text: str, tf_classes: Sequence[str], prefix: str = "TF") -> bool:
    """A TF section lists other members than its PyTorch twin, read as TF (``forward`` as ``call``)."""
    page = {s.cls: s for s in sections(text)}
    for name in tf_classes:
        own, twin = page.get(name), page.get(name[len(prefix):])
        if own is not None and twin is not None:
            mirrored = tuple(m.replace("forward", "call") for m in twin.members)
            if tuple(m.rstrip() for m in own.members) != mirrored:
                return True
    return False


# --------------------------------------------------------------------------- doctest lists


def doctest_place(text: str, tf_file: str, pt_file: str) -> bool:
    """The TF file's line is out of the list's sorted order and does not follow its PyTorch twin."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if tf_file not in lines:
        return False
    i = lines.index(tf_file)
    before, after = (lines[i - 1] if i else ""), (lines[i + 1] if i + 1 < len(lines) else "\uffff")
    return not (before <= tf_file <= after) and before != pt_file


def class_names(text: Optional[str]) -> List[str]:
    """Top-level class names of a module, in file order."""
    if not text:
        return []
    return [n.name for n in ast.parse(text).body if isinstance(n, ast.ClassDef)]


def modeling_classes(index: Any, folder: str, tf_files: Sequence[str]) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """The classes of ``tf_files`` in file order, and those of ``folder``'s PyTorch modeling files (every
    ``modeling_*.py`` of no other backend); ``index`` gives ``text(path)`` and ``glob(folder, pattern)``."""
    pt_files = [p for p in index.glob(folder, "modeling_*.py")
                if not p.rsplit("/", 1)[-1].startswith(("modeling_tf_", "modeling_flax_"))]
    return (tuple(n for p in tf_files for n in class_names(index.text(p))),
            tuple(n for p in pt_files for n in class_names(index.text(p))))


# --------------------------------------------------------------------------- single removals of PyTorch and Flax
# Why a single removal of a PyTorch or Flax entry does not come back byte-identical (tests/test_backend_releases.py
# and tests/test_backend_removals.py name every such case of their samples with one of these, read off its diff).

PLACE = ("the release's mappings keep no order; with the entry gone, the other mappings place its key elsewhere "
         "than the release has it")
CHOICE = ("the PyTorch class's mappings are the model's own choice: with the class gone from all of them, the "
          "suffix's majority of mappings, which is all the file has left, says otherwise")
SUFFIXLESS = "its suffix is in no other entry, so nothing left says the class belongs in a mapping (not reported)"
HEADER = "the page's header differs from the class it documents (upstream typo)"
ORDER = "the page's sections of the backend follow neither the model file's order nor their twins'"
SPACING = "the page's blank lines between sections are mixed; the removed section's own gap is not derivable"
MEMBERS = ("the section lists members (`get_text_features`, `image_guided_detection`, `generate`) that no twin and "
           "none of the backend's other sections on the page list")
APPEND = "the top init writes `.append(\"X\")` for the one name where the model's other statements write `.extend`"
DOCTESTS = "the doctest list keeps no order there, and the file's PyTorch neighbours do not tell its place"
