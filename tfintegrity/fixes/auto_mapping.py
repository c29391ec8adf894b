"""Fix planner for auto mappings: entries added where the file keeps them, stale ones dropped, and (for a
layout whose entries are objects) the names they use imported at the top; written through libcst.

Where an entry goes is decided from the file itself (pure functions below, used by the check too):

* a file whose mappings keep their entries sorted (``kept_sorted``) gets it at its sorted place, as
  ``utils/sort_auto_mappings.py`` sorts them (4.20 on);
* in a file that keeps no sorted order (4.2 to 4.18: new models went in at the top, new heads of old
  models at the end, each mapping its own history) it goes where the file's other mappings and the
  PyTorch twin mapping put the same key among the keys they share (``neighbour_place``); a key none of
  the file's mappings holds yet (a whole model) goes, in the first mapping, where the PyTorch twin and
  (weighing less) the other PyTorch mappings put it, and in each later one also where it went above.
"""

from __future__ import annotations

import ast
import bisect
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Set, Tuple

from tfintegrity.context import Context
from tfintegrity.facts import AutoFacts
from tfintegrity.findings import Finding
from tfintegrity.fixes import mapping_edit, pysource
from tfintegrity.ruleset import Rule

if TYPE_CHECKING:
    from tfintegrity.checks.auto_mapping import AutoMapping, Expected

Entry = Tuple[str, Tuple[str, ...]]

# A reference mapping whose pred- and successor disagree about the place splits its vote between the two.
SPLIT_VOTE = 0.5

# --------------------------------------------------------------------------- where an entry goes


def kept_sorted(key_lists: Sequence[Sequence[str]], share: float) -> bool:
    """Whether mappings keep their entries sorted by key: the longest sorted run (in file order, not
    necessarily adjacent) of each mapping, summed, holds at least ``share`` of all entries. One entry out
    of place in a sorted file keeps it sorted (and is reported); 4.2 to 4.18 hold about a third."""
    total = run = 0
    for keys in key_lists:
        tails: List[str] = []
        for key in keys:
            at = bisect.bisect_right(tails, pysource.auto_mapping_key(key))
            if at == len(tails):
                tails.append(pysource.auto_mapping_key(key))
            else:
                tails[at] = pysource.auto_mapping_key(key)
        total += len(keys)
        run += len(tails)
    return total == 0 or run >= share * total


def sorted_place(keys: Sequence[str], key: str) -> int:
    """Before the first key that sorts after ``key`` (its sorted place in a sorted list)."""
    new = pysource.auto_mapping_key(key)
    return next((i for i, other in enumerate(keys) if pysource.auto_mapping_key(other) > new), len(keys))


def _agreement(keys: Sequence[str], reference: Sequence[str]) -> float:
    """The share of pairs of shared keys that ``reference`` orders as ``keys`` does (0.5 for fewer than two)."""
    rank = {k: i for i, k in enumerate(reference)}
    common = [rank[k] for k in keys if k in rank]
    agree = pairs = 0
    for i, a in enumerate(common):
        for b in common[i + 1 :]:
            pairs += 1
            agree += a < b
    return agree / pairs if pairs else 0.5


def neighbour_place(keys: Sequence[str], key: str, references: Sequence[Tuple[Sequence[str], float]]) -> int:
    """Where ``key`` goes among ``keys`` in a mapping that keeps no sorted order.

    Each reference mapping holding ``key`` (with its weight, times how far it orders the shared keys as
    ``keys`` does) votes for the place after the nearest key before ``key`` in it that ``keys`` holds, and
    before the nearest such key after it; when these are one place the vote is whole, else split. The place
    with most votes wins (the later of a tie: entries of 4.2 to 4.18 were added at the ends more than
    between); with no reference, the end.
    """
    present = set(keys)
    votes: Dict[int, float] = {}
    for reference, weight in references:
        if key not in reference:
            continue
        at = list(reference).index(key)
        after = next((p for p in reversed(reference[:at]) if p in present), None)
        before = next((s for s in reference[at + 1 :] if s in present), None)
        low = 0 if after is None else len(keys) - list(reversed(keys)).index(after)
        high = len(keys) if before is None else list(keys).index(before)
        share = weight * _agreement(keys, reference)
        if low == high:
            votes[low] = votes.get(low, 0.0) + share
        else:
            votes[low] = votes.get(low, 0.0) + share * SPLIT_VOTE
            votes[high] = votes.get(high, 0.0) + share * SPLIT_VOTE
    if not votes:
        return len(keys)
    return max(votes.items(), key=lambda item: (round(item[1], 9), item[0]))[0]


# --------------------------------------------------------------------------- plan


def plan_auto_mapping(ctx: Context, rule: Rule, findings: Sequence[Finding], check: "AutoMapping") -> Dict[str, str]:
    path = ctx.path(rule.target)
    auto = check.read(ctx, rule, path)
    text = ctx.index.text(path)
    if auto is None or text is None or not auto.layout:
        return {}
    layout = check.layout_of(rule, auto)
    defined = ctx.catalog.defined_anywhere()
    prefix = f"{path}:{rule.slug}:"
    wanted = {(f.place[len(prefix) :], f.symbol, f.kind) for f in findings if f.place.startswith(prefix)}
    expected, _ = check.expected(ctx, rule)
    placement = check.placement(ctx, rule, auto)
    new_text = text
    added: List[Tuple[str, "Expected"]] = []  # (name the file must bind, the entry that uses it)
    dropped: Set[str] = set()
    for mapping_name, mapping in auto.mappings.items():
        entries: List[Entry] = [(e.key, tuple(e.values)) for e in mapping.entries]
        original = list(entries)
        comments: Dict[Entry, str] = {}  # new entries -> the comment their counterpart entry carries
        stale = {s for m, s, k in wanted if m == mapping_name and k == "stale"}
        if stale:
            dropped |= {v for _, vals in entries for v in vals if v in stale}
            entries = [(k, tuple(v for v in vals if v not in stale)) for k, vals in entries]
            entries = [(k, vals) for k, vals in entries if vals]
        for exp in expected:
            if exp.mapping != mapping_name or (mapping_name, exp.name, "missing") not in wanted:
                continue
            if any(k == exp.key and exp.name in vals for k, vals in entries):
                continue
            values = tuple(v for v in exp.values if v in defined or v == exp.name) or (exp.name,)
            same_key = [i for i, (k, _) in enumerate(entries) if k == exp.key]
            if same_key and layout.entries == "strings":
                index = same_key[0]
                merged = list(entries[index][1])
                for v in values:
                    if v not in merged:
                        merged.insert(min(values.index(v), len(merged)), v)
                entries[index] = (exp.key, tuple(merged))
            elif same_key:
                continue  # one class per configuration class: the check leaves this to a person
            else:
                keys = [k for k, _ in entries]
                entries.insert(placement(mapping_name, keys, exp.key), (exp.key, values))
                if exp.comment is not None and values == exp.values:
                    comments[(exp.key, values)] = exp.comment
            added.extend((name, exp) for name in (exp.key, *values))
        if (mapping_name, mapping_name, "order") in wanted:
            entries = sorted(entries, key=lambda e: pysource.auto_mapping_key(e[0]))
        placement.record(mapping_name, [k for k, _ in entries])
        if entries != original:
            new_text = mapping_edit.edit_mapping(new_text, mapping_name, entries, layout.entries, comments)
    if layout.entries == "objects":
        new_text = _imports_for(ctx, path, auto, new_text, added, dropped)
    return {} if new_text == text else {path: new_text}


# --------------------------------------------------------------------------- imports (object entries)


def _relative_module(importer: str, target: str) -> Tuple[str, int]:
    """``target`` (a root-relative ``.py`` path) as a relative import from the file ``importer``."""
    here = importer.split("/")[:-1]
    there = target[: -len(".py")].split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return ".".join(there[common:]), len(here) - common + 1


def _bound(text: str) -> Dict[str, int]:
    """Names the module loads (outside import statements) -> how often."""
    counts: Dict[str, int] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def _imports_for(
    ctx: Context, path: str, auto: AutoFacts, text: str, added: Sequence[Tuple[str, "Expected"]], dropped: Set[str]
) -> str:
    """Import what new object entries name and the file does not bind yet; drop the imports of names that
    stale entries were the last users of."""
    imported = {n.name: block for block in auto.imports for n in block.names}
    adds: Dict[Tuple[str, int], List[str]] = {}
    for name, exp in added:
        if name in imported or any(name in names for names in adds.values()):
            continue
        source = _source_of(ctx, path, auto, name, exp)
        if source is None:
            raise ValueError(f"cannot tell which module {name} is imported from: import it by hand")
        adds.setdefault(source, []).append(name)
    used = _bound(text) if dropped else {}
    removes: Dict[Tuple[str, int], List[str]] = {}
    for name in sorted(dropped):
        block = imported.get(name)
        if block is not None and not used.get(name):
            removes.setdefault((block.module, block.level), []).append(name)
    if not adds and not removes:
        return text
    edits = [
        mapping_edit.ImportEdit(
            module, level, tuple(adds.get((module, level), ())), tuple(removes.get((module, level), ()))
        )
        for module, level in sorted(set(adds) | set(removes))
    ]
    return mapping_edit.edit_imports(text, edits)


def _source_of(ctx: Context, path: str, auto: AutoFacts, name: str, exp: "Expected") -> Optional[Tuple[str, int]]:
    """Where ``name`` is imported from: a class from the modeling file that defines it; a configuration
    class from the shared module the file imports the other configuration classes from, when that module
    binds it (``.configuration_auto`` in 4.2), else from the model's configuration file."""
    if name == exp.cls.name:
        return _relative_module(path, exp.cls.path)
    defining = ctx.catalog.defined_anywhere().get(name)
    if defining:
        return _relative_module(path, defining[0])
    keys = {e.key for m in auto.mappings.values() for e in m.entries}
    shared = [b for b in auto.imports if len({n.name for n in b.names} & keys) > 1]
    if shared:
        block = max(shared, key=lambda b: len({n.name for n in b.names} & keys))
        facts, _ = ctx.index.resolve(_absolute_module(path, block.module, block.level))
        if facts is not None and facts.exposes(name):
            return block.module, block.level
    for config_path in ctx.index.glob(f"{ctx.package}/models/{exp.model.folder}", "configuration_*.py"):
        config = ctx.index.config(config_path)
        if config is not None and any(c == name for _, c in config.model_types):
            return _relative_module(path, config_path)
    return None


def _absolute_module(importer: str, module: str, level: int) -> str:
    """The root-relative path (without ``.py``) that ``from <dots><module> import`` in ``importer`` names."""
    parts = importer.split("/")[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return "/".join(parts + [p for p in module.split(".") if p])
