"""Fix planners for lazy ``__init__.py`` places: desired names per statement, written through libcst."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Sequence, Set, Tuple

from tfintegrity.context import Context
from tfintegrity.findings import Finding
from tfintegrity.fixes import cstedit, pysource
from tfintegrity.ruleset import Rule

if TYPE_CHECKING:
    from tfintegrity.checks.inits import ImportSource, _InitPlace


def merge_names(current: Sequence[str], add: Sequence[str], drop: Set[str], sort, resort: bool) -> Tuple[str, ...]:
    """``current`` minus ``drop`` (and duplicates) plus ``add``, each at its sorted place.

    A list already in order stays in order; in a list that is not (and is not being re-sorted), a
    new name goes before the first name that sorts after it.
    """
    kept = [n for n in dict.fromkeys(current) if n not in drop]
    if resort or list(sort(kept)) == kept:
        return tuple(sort(list(dict.fromkeys([*kept, *add]))))
    for name in add:
        if name in kept:
            continue
        ordered = list(sort([*kept, name]))
        after = ordered[ordered.index(name) + 1 :]
        position = min((kept.index(n) for n in after), default=len(kept))
        kept.insert(position, name)
    return tuple(kept)


def plan_init_place(ctx: Context, rule: Rule, findings: Sequence[Finding], place: "_InitPlace") -> Dict[str, str]:
    from tfintegrity.checks.inits import expected_entries, guard_blocks, init_path

    form = rule.params.get("form", "assign")
    by_place: Dict[str, List[Finding]] = {}
    for item in findings:
        by_place.setdefault(item.place, []).append(item)
    edits_by_path: Dict[str, List[cstedit.InitEdit]] = {}
    for entry in expected_entries(ctx, rule, rule.params[place.template_param], place.sort):
        path = init_path(ctx, rule, entry.model)
        mine = by_place.get(f"{path}:{rule.slug}:{entry.key}", [])
        if not mine:
            continue
        init = ctx.index.init(path)
        if init is None or not init.lazy or init.computed:
            continue
        written, where = place._written(init, ctx.backend.guard, entry.key)
        add = [f.symbol for f in mine if f.kind == "missing"]
        drop = {f.symbol for f in mine if f.kind == "stale"}
        resort = any(f.kind == "order" for f in mine)
        names = merge_names([n.name for n in written], add, drop, place.sort, resort)
        edits = edits_by_path.setdefault(path, [])
        if not guard_blocks(init, ctx.backend.guard, place.type_checking):
            edits.append(cstedit.EnsureGuard(ctx.backend.guard))
        block = cstedit.Block(type_checking=place.type_checking, guard=ctx.backend.guard)
        if place.type_checking:
            edits.append(cstedit.SetImport(block, entry.key, 1, names))
        else:
            # A new or rewritten statement is written as black writes it (line length 119).
            edits.append(cstedit.SetStructure(block, entry.key, names, pysource.structure_form_for(form, len(names))))
    out: Dict[str, str] = {}
    for path, edits in edits_by_path.items():
        text = ctx.index.text(path)
        if text is None:
            continue
        new = cstedit.edit_init(text, edits)
        if new != text:
            out[path] = new
    return out


def plan_import_source(ctx: Context, rule: Rule, findings: Sequence[Finding], check: "ImportSource") -> Dict[str, str]:
    """Remove each wrongly sourced name from the statement that takes it."""
    wanted = {(f.path, f.symbol) for f in findings}
    removals: Dict[str, Dict[Tuple[str, str], Set[str]]] = {}
    for path, half, module, located in check.wrong_names(ctx, rule):
        if (path, located.name) in wanted:
            removals.setdefault(path, {}).setdefault((half, module), set()).add(located.name)
    out: Dict[str, str] = {}
    for path, by_statement in removals.items():
        init = ctx.index.init(path)
        text = ctx.index.text(path)
        if init is None or text is None:
            continue
        edits: List[cstedit.InitEdit] = []
        for (half, module), names in by_statement.items():
            if half == "structure":
                block = cstedit.Block(type_checking=False, guard=ctx.backend.guard)
                statement = [s for s in init.guarded_structure(ctx.backend.guard) if s.key == module]
                kept = tuple(n.name for s in statement for n in s.names if n.name not in names)
                form = statement[0].form if statement else "assign"
                edits.append(cstedit.SetStructure(block, module, kept, pysource.structure_form_for(form, len(kept))))
            else:
                block = cstedit.Block(type_checking=True, guard=ctx.backend.guard)
                imports = [b for b in init.guarded_imports(ctx.backend.guard) if b.level == 1 and b.module == module]
                kept = tuple(n.name for b in imports for n in b.names if n.name not in names)
                edits.append(cstedit.SetImport(block, module, 1, kept))
        new = cstedit.edit_init(text, edits)
        if new != text:
            out[path] = new
    return out
