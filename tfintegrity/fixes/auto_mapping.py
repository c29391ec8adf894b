"""Fix planner for auto mappings: entries added at their sorted place, stale ones dropped, written through libcst."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Sequence, Tuple

from tfintegrity.context import Context
from tfintegrity.findings import Finding
from tfintegrity.fixes import mapping_edit, pysource
from tfintegrity.ruleset import Rule

if TYPE_CHECKING:
    from tfintegrity.checks.auto_mapping import AutoMapping

Entry = Tuple[str, Tuple[str, ...]]


def insert_entry(entries: List[Entry], new: Entry) -> None:
    """Insert before the first entry whose key sorts after the new one (the sorted place in a sorted list)."""
    key = pysource.auto_mapping_key(new[0])
    for position, (other, _) in enumerate(entries):
        if pysource.auto_mapping_key(other) > key:
            entries.insert(position, new)
            return
    entries.append(new)


def plan_auto_mapping(ctx: Context, rule: Rule, findings: Sequence[Finding], check: "AutoMapping") -> Dict[str, str]:
    path = ctx.path(rule.target)
    auto = ctx.index.auto(path)
    text = ctx.index.text(path)
    if auto is None or text is None:
        return {}
    defined = ctx.catalog.defined_anywhere()
    prefix = f"{path}:{rule.slug}:"
    wanted = {(f.place[len(prefix) :], f.symbol, f.kind) for f in findings if f.place.startswith(prefix)}
    expected, _ = check.expected(ctx, rule)
    new_text = text
    for mapping_name, mapping in auto.mappings.items():
        entries: List[Entry] = [(e.key, tuple(e.values)) for e in mapping.entries]
        original = list(entries)
        stale = {s for m, s, k in wanted if m == mapping_name and k == "stale"}
        if stale:
            entries = [(k, tuple(v for v in vals if v not in stale)) for k, vals in entries]
            entries = [(k, vals) for k, vals in entries if vals]
        for exp in expected:
            if exp.mapping != mapping_name or (mapping_name, exp.name, "missing") not in wanted:
                continue
            if any(k == exp.key and exp.name in vals for k, vals in entries):
                continue
            values = tuple(v for v in exp.values if v in defined or v == exp.name) or (exp.name,)
            same_key = [i for i, (k, _) in enumerate(entries) if k == exp.key]
            if same_key:
                index = same_key[0]
                merged = list(entries[index][1])
                for v in values:
                    if v not in merged:
                        merged.insert(min(values.index(v), len(merged)), v)
                entries[index] = (exp.key, tuple(merged))
            else:
                insert_entry(entries, (exp.key, values))
        if (mapping_name, mapping_name, "order") in wanted:
            entries = sorted(entries, key=lambda e: pysource.auto_mapping_key(e[0]))
        if entries != original:
            new_text = mapping_edit.edit_mapping(new_text, mapping_name, entries)
    return {} if new_text == text else {path: new_text}
