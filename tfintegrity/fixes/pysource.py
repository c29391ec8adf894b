"""Sort keys and exact source renderers for the statements the fixes write.

Pure functions, no libcst. Every renderer returns the text black (line length 119, magic trailing
comma on, double quotes) gives for the statement: each line prefixed by ``indent`` and ended by
``"\\n"``. Only the few statement shapes found in Transformers' lazy inits and auto mappings are
covered; the split rules are black's for exactly these shapes:

* ``x = [...]`` (list after ``=``): one line when it fits, else one element per line with a trailing
  comma (a lone element without magic trailing comma stays bare between ``[`` and ``]``).
* ``x.extend([...])``: one line when it fits; else the list moves to its own line inside the call
  (``.extend(`` / ``    ["A", "B"]`` / ``)``) when that fits, else the list is exploded too.
* ``from .m import A, B``: one line when it fits, else parenthesized, one name per line, trailing comma.
* an auto-mapping entry ``("key", value),``: one line when it fits, else ``(`` / ``"key",`` /
  ``value,`` / ``),`` with the value split the same way if it is still too long.

A magic trailing comma (``exploded_hint=True``) keeps a bracket exploded even when it would fit.
"""

from __future__ import annotations

import functools
import re

from typing import Iterable, List, Optional, Sequence, Tuple

LINE_LENGTH = 119
INDENT = "    "


# --------------------------------------------------------------------------- sort keys


def _object_key(name: str) -> str:
    return name.lower().replace("_", "")


def sort_objects(names: Iterable[str]) -> List[str]:
    """The order of ``utils/custom_init_isort.py``: constants, classes, functions; each ignoring case and ``_``."""
    names = list(names)
    constants = [n for n in names if n.isupper()]
    classes = [n for n in names if not n.isupper() and n[:1].isupper()]
    functions = [n for n in names if not n.isupper() and not n[:1].isupper()]
    return sorted(constants, key=_object_key) + sorted(classes, key=_object_key) + sorted(functions, key=_object_key)


def _member_type(name: str) -> int:
    """ruff isort ``order-by-type``: 0 constant, 1 class, 2 variable."""
    if len(name) > 1 and name.isupper():
        return 0
    if name[:1].isupper():
        return 1
    return 2


def _natord_compare(a: str, b: str, fold: bool) -> int:
    """A port of the ``natord`` crate's ``compare`` / ``compare_ignore_case`` (used by ruff's isort)."""
    i = j = 0
    while True:
        while i < len(a) and a[i].isspace():
            i += 1
        while j < len(b) and b[j].isspace():
            j += 1
        if i >= len(a) and j >= len(b):
            return 0
        if i >= len(a):
            return -1
        if j >= len(b):
            return 1
        ca, cb = a[i], b[j]
        if ca.isdigit() and cb.isdigit():
            # a run of digits: compare numerically (right-aligned), or left-aligned when one starts with 0
            ei = i
            while ei < len(a) and a[ei].isdigit():
                ei += 1
            ej = j
            while ej < len(b) and b[ej].isdigit():
                ej += 1
            ra, rb = a[i:ei], b[j:ej]
            if ca == "0" or cb == "0":
                if ra != rb:
                    return -1 if ra < rb else 1
            else:
                if len(ra) != len(rb):
                    return -1 if len(ra) < len(rb) else 1
                if ra != rb:
                    return -1 if ra < rb else 1
            i, j = ei, ej
            continue
        if fold:
            ca, cb = ca.lower(), cb.lower()
        if ca != cb:
            return -1 if ca < cb else 1
        i += 1
        j += 1


class _MemberKey:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _cmp(self, other: "_MemberKey") -> int:
        a, b = self.name, other.name
        ta, tb = _member_type(a), _member_type(b)
        if ta != tb:
            return -1 if ta < tb else 1
        return _natord_compare(a, b, True) or _natord_compare(a, b, False)

    def __lt__(self, other: "_MemberKey") -> bool:
        return self._cmp(other) < 0


_RUN = re.compile(r"[0-9]+|[^0-9]")


def _natord_key(name: str, fold: bool) -> Tuple[Tuple[object, ...], ...]:
    """A sort key equal in order to ``_natord_compare`` for ASCII text: a run of digits sorts among other
    characters as a digit does (they are contiguous in ASCII), against another run by value (by the text
    when either starts with 0); white space is skipped."""
    key: List[Tuple[object, ...]] = []
    for token in _RUN.findall(name):
        if token[0] in "0123456789":
            key.append((0x30, 0, token) if token[0] == "0" else (0x30, 1, len(token), token))
        elif not token.isspace():
            key.append((ord(token.lower() if fold else token),))
    return tuple(key)


def _member_key(name: str) -> Tuple[object, ...]:
    return (_member_type(name), _natord_key(name, True), _natord_key(name, False))


def isort_names(names: Iterable[str]) -> List[str]:
    """The order ruff's isort gives the names of a ``from x import ...`` (order-by-type, case-insensitive, natural)."""
    return list(_isorted(tuple(names)))


@functools.lru_cache(maxsize=1 << 16)  # a few lists per model: room for many thousands of models
def _isorted(names: Tuple[str, ...]) -> Tuple[str, ...]:
    # Every check of an init sorts the same lists again: the lists are few.
    if all(name.isascii() for name in names):
        return tuple(sorted(names, key=_member_key))
    return tuple(sorted(names, key=_MemberKey))


def auto_mapping_key(model_type: str) -> str:
    """Sort key of an auto-mapping entry (``utils/sort_auto_mappings.py``: plain string order of the model type)."""
    return model_type


# --------------------------------------------------------------------------- renderers


def _fits(line: str) -> bool:
    return len(line) <= LINE_LENGTH


def _quote(name: str) -> str:
    return '"' + name + '"'


def _bracketed(items: Sequence[str], indent: str, head: str, tail: str, exploded: bool) -> List[str]:
    """``head`` + items + ``tail`` as black splits a collection whose opening bracket ends ``head``.

    ``head`` ends with the opening bracket, ``tail`` starts with the closing one. Returns lines without
    newlines, each with its indent.
    """
    one = f"{indent}{head}{', '.join(items)}{tail}"
    if not exploded and _fits(one):
        return [one]
    inner = indent + INDENT
    if len(items) == 1 and not exploded:
        return [f"{indent}{head}", f"{inner}{items[0]}", f"{indent}{tail}"]
    return [f"{indent}{head}"] + [f"{inner}{item}," for item in items] + [f"{indent}{tail}"]


def _join(lines: Sequence[str]) -> str:
    return "".join(line + "\n" for line in lines)


def render_structure(
    key: str, names: Sequence[str], form: str, indent: str = "", exploded_hint: Optional[bool] = None
) -> str:
    """``_import_structure["key"] = [...]`` / ``.extend([...])`` / ``.append("X")`` as black writes it."""
    target = f"_import_structure[{_quote(key)}]"
    items = [_quote(n) for n in names]
    exploded = bool(exploded_hint)
    if form == "assign":
        return _join(_bracketed(items, indent, f"{target} = [", "]", exploded))
    if form == "append":
        if len(items) != 1:
            raise ValueError(f"append takes exactly one name, got {len(items)}")
        return _join(_bracketed(items, indent, f"{target}.append(", ")", exploded))
    if form == "extend":
        one = f"{indent}{target}.extend([{', '.join(items)}])"
        if not exploded and _fits(one):
            return one + "\n"
        inner = indent + INDENT
        body = _bracketed(items, inner, "[", "]", exploded)
        return _join([f"{indent}{target}.extend("] + body + [f"{indent})"])
    raise ValueError(f"unknown structure form {form!r}")


def render_import(
    module: str, level: int, names: Sequence[str], indent: str = "", exploded_hint: Optional[bool] = None
) -> str:
    """``from .module import A, B`` or its parenthesized one-name-per-line form."""
    source = "." * level + module
    head = f"from {source} import "
    one = f"{indent}{head}{', '.join(names)}"
    if not exploded_hint and _fits(one):
        return one + "\n"
    inner = indent + INDENT
    return _join([f"{indent}{head}("] + [f"{inner}{n}," for n in names] + [f"{indent})"])


def _value_text(values: Sequence[str]) -> str:
    if len(values) == 1:
        return _quote(values[0])
    return "(" + ", ".join(_quote(v) for v in values) + ")"


def render_mapping_entry(
    key: str,
    values: Sequence[str],
    indent: str = "        ",
    exploded_hint: Optional[bool] = None,
    value_exploded_hint: Optional[bool] = None,
) -> str:
    """One ``("model_type", "Class"),`` entry of an auto mapping list (a tuple value for several classes).

    ``exploded_hint``: the entry had a magic trailing comma after its value (kept split over lines);
    ``value_exploded_hint``: the tuple value had one (kept one class per line). 4.31.0 has one such
    entry, ``efficientformer`` in ``MODEL_FOR_IMAGE_CLASSIFICATION_MAPPING_NAMES``.
    """
    if not values:
        raise ValueError(f"mapping entry {key!r} has no class")
    value_exploded = bool(value_exploded_hint) and len(values) > 1
    one = f"{indent}({_quote(key)}, {_value_text(values)}),"
    if _fits(one) and not exploded_hint and not value_exploded:
        return one + "\n"
    inner = indent + INDENT
    lines = [f"{indent}(", f"{inner}{_quote(key)},"]
    value = f"{inner}{_value_text(values)},"
    if len(values) == 1 or (_fits(value) and not value_exploded):
        lines.append(value)
    else:
        lines.extend(_bracketed([_quote(v) for v in values], inner, "(", "),", True))
    lines.append(f"{indent}),")
    return _join(lines)


def render_mapping(
    name: str, entries: Sequence[Tuple[str, Sequence[str]]], indent: str = "", exploded_hint: Optional[bool] = None
) -> str:
    """A whole ``NAME = OrderedDict([...])`` statement as black writes it (entries in the given order).

    One line when it fits, else the list on its own line inside the call when that fits, else one
    entry per line. ``exploded_hint``: the list had a magic trailing comma.
    """
    inline = [f"({_quote(k)}, {_value_text(v)})" for k, v in entries]
    one = f"{indent}{name} = OrderedDict([{', '.join(inline)}])"
    if not exploded_hint and _fits(one):
        return one + "\n"
    inner = indent + INDENT
    middle = f"{inner}[{', '.join(inline)}]"
    if not exploded_hint and _fits(middle):
        return _join([f"{indent}{name} = OrderedDict(", middle, f"{indent})"])
    if len(inline) == 1 and not exploded_hint and _fits(f"{inner}{INDENT}{inline[0]}"):
        head, entry = f"{indent}{name} = OrderedDict(", f"{inner}{INDENT}{inline[0]}"
        return _join([head, f"{inner}[", entry, f"{inner}]", f"{indent})"])
    body = "".join(render_mapping_entry(k, v, inner + INDENT) for k, v in entries)
    return f"{indent}{name} = OrderedDict(\n{inner}[\n{body}{inner}]\n{indent})\n"


def structure_form_for(form: str, count: int) -> str:
    """The form a top-init ``.extend``/``.append`` statement takes for ``count`` names (assign stays assign)."""
    if form in ("extend", "append"):
        return "append" if count == 1 else "extend"
    return form


__all__ = [
    "LINE_LENGTH",
    "auto_mapping_key",
    "isort_names",
    "render_import",
    "render_mapping",
    "render_mapping_entry",
    "render_structure",
    "sort_objects",
    "structure_form_for",
]
