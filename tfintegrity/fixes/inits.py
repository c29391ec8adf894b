"""Fix planners for lazy ``__init__.py`` places: desired names per statement, written through libcst."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Set, Tuple

from tfintegrity.context import Context
from tfintegrity.facts import InitFacts
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


@dataclass(frozen=True)
class SiblingStyle:
    """How the model's statements for the other backends are written, where that tells a form apart."""

    exploded: Optional[bool] = None  # one name per line although black would join them (a magic comma)
    single_form: Optional[str] = None  # ``extend`` or ``append`` for a statement of one name


def sibling_style(
    text: str, init: InitFacts, guards: Sequence[str], key: Optional[str], type_checking: bool
) -> SiblingStyle:
    """The style of the statements in the ``guards`` blocks of the same half (the same ``key`` when given):
    the first statement whose black form and exploded form differ decides ``exploded``."""
    lines = text.split("\n")
    exploded: Optional[bool] = None
    single: Optional[str] = None
    wanted = [
        g for g in (init.type_checking_guards if type_checking else init.structure_guards) if g.guard[0] in guards
    ]
    wanted = [g for g in wanted if len(g.guard) == 1]
    wanted.sort(key=lambda g: list(guards).index(g.guard[0]))
    for block in wanted:
        items: List[Tuple[int, int, Callable[[str, Optional[bool]], str]]] = []
        if type_checking:
            for imp in block.imports:
                if key is None or imp.module == key:
                    names = [n.name for n in imp.names]
                    items.append(
                        (
                            imp.line,
                            imp.end_line,
                            lambda ind, e, i=imp, n=names: pysource.render_import(i.module, i.level, n, ind, e),
                        )
                    )
        else:
            for st in block.structure:
                if (key is None or st.key == key) and st.form in ("assign", "extend", "append"):
                    names = [n.name for n in st.names]
                    if len(names) == 1 and st.form in ("extend", "append") and single is None:
                        single = st.form
                    items.append(
                        (
                            st.line,
                            st.end_line,
                            lambda ind, e, s=st, n=names: pysource.render_structure(s.key, n, s.form, ind, e),
                        )
                    )
        for first, last, render in items:
            actual = "\n".join(lines[first - 1 : last]) + "\n"
            indent = actual[: len(actual) - len(actual.lstrip(" "))]
            try:
                black, spread = render(indent, None), render(indent, True)
            except ValueError:
                continue
            if exploded is None and black != spread and actual in (black, spread):
                exploded = actual == spread
    return SiblingStyle(exploded, single)


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
        # A new statement is written as black writes it (line length 119), in the style of the model's
        # statements for the other backends where they tell (one name per line; `.extend` of one name).
        text = ctx.index.text(path) or ""
        same_key = entry.key if rule.params.get("scope", "model") == "package" else None
        style = sibling_style(text, init, rule.params.get("sibling_guards", ()), same_key, place.type_checking)
        if place.type_checking:
            edits.append(cstedit.SetImport(block, entry.key, 1, names, style.exploded))
        else:
            shape = pysource.structure_form_for(form, len(names))
            if len(names) == 1 and shape == "append" and style.single_form == "extend":
                shape = "extend"
            edits.append(cstedit.SetStructure(block, entry.key, names, shape, style.exploded))
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
