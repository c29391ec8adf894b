"""Fix planner for doc pages: ``## X`` / ``[[autodoc]] X`` / ``    - call`` sections among the page's TF sections."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence

from tfintegrity.context import Context
from tfintegrity.facts import AutodocEntry
from tfintegrity.findings import Finding
from tfintegrity.index.catalog import Model
from tfintegrity.index.doc_readers import read_doc_page
from tfintegrity.ruleset import Rule

if TYPE_CHECKING:
    from tfintegrity.checks.doc_page import Autodoc


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def section(name: str, members: Sequence[str]) -> List[str]:
    return [f"## {name}", "", f"[[autodoc]] {name}", *(f"    - {m}" for m in members)]


def mirrored_members(
    name: str, entries: Sequence[AutodocEntry], prefix: str, member: str, twin_member: str, methods: Sequence[str]
) -> List[str]:
    """The member list of the counterpart's section (``forward`` read as ``call``) as far as the class
    defines those methods, else just ``member``: ``TFCLIPModel`` gets ``call``, ``get_text_features``,
    ``get_image_features`` as ``CLIPModel`` has; ``TFWav2Vec2ForCTC`` has no ``load_adapter``."""
    twin = next((e for e in entries if name.startswith(prefix) and e.name == name[len(prefix) :]), None)
    if twin is None or twin_member not in twin.members:
        return [member]
    return [member if m == twin_member else m for m in twin.members if m == twin_member or m in methods]


def plan_doc_page(ctx: Context, rule: Rule, findings: Sequence[Finding], check: "Autodoc") -> Dict[str, str]:
    out: Dict[str, str] = {}
    member = ctx.backend.doc_member
    by_page: Dict[str, List[Finding]] = {}
    for item in findings:
        by_page.setdefault(item.path, []).append(item)
    models = {m.folder: m for m in ctx.models()}
    for page, mine in by_page.items():
        text = ctx.index.text(page)
        facts = ctx.index.doc_page(page)
        if text is None or facts is None:
            continue
        newline = _newline(text)
        lines = text.split(newline)
        entries = {e.name: e for e in facts.entries}
        # Member lists first (they do not move lines of other sections).
        for item in sorted((f for f in mine if "." in f.symbol and f.kind == "missing"), key=lambda f: -f.line):
            entry = entries.get(item.symbol.split(".")[0])
            if entry is None:
                continue
            lines.insert(entry.end_line, f"    - {member}")
        stale = {f.symbol for f in mine if f.kind == "stale"}
        for entry in sorted((e for e in facts.entries if e.name in stale), key=lambda e: -e.line):
            start, end = entry.line - 1, entry.end_line
            while end < len(lines) and not lines[end].strip():
                end += 1
            del lines[start:end]
        missing = [f for f in mine if f.kind == "missing" and "." not in f.symbol]
        if missing:
            model = models.get(mine[0].model)
            on_page = [e.name for e in read_doc_page(page, newline.join(lines)).entries]
            documented = {c.name for c in check.documented(rule, model)} if model else set()
            classes = [c.name for c in model.classes if c.name in documented or c.name in on_page] if model else []
            order = choose_order(classes, on_page, ctx.backend.class_prefix)
            stems = [c[: -len("Config")] for _, c in model.model_types if c.endswith("Config")] if model else []
            for item in missing:
                lines = insert_section(
                    lines,
                    read_doc_page(page, newline.join(lines)).entries,  # positions after the previous insertion
                    item.symbol,
                    order,
                    member,
                    ctx.backend.class_prefix,
                    rule.params["before_pattern"],
                    rule.params["counterpart_member"],
                    class_methods(ctx, model, item.symbol) if model else (),
                    stems,
                )
        new = newline.join(lines)
        if new != text:
            out[page] = new
    return out


def class_methods(ctx: Context, model: Model, name: str) -> Sequence[str]:
    for cls in model.classes:
        if cls.name == name:
            facts = ctx.index.module(cls.path)
            fact = facts.classes.get(name) if facts else None
            return fact.methods if fact else ()
    return ()


def section_gap(entries: Sequence[AutodocEntry]) -> int:
    """Blank lines the page keeps between sections (the most common gap; 1 when there is none)."""
    gaps = [b.line - a.end_line - 1 for a, b in zip(entries, entries[1:]) if b.line > a.end_line]
    gaps = [g for g in gaps if g in (1, 2)]
    return max(set(gaps), key=gaps.count) if gaps else 1


def section_order(classes: Sequence[str], page: Sequence[str], prefix: str) -> List[str]:
    """The order the page keeps a backend's sections in: that of their counterparts' sections on the
    page (TF mirrors PyTorch); a class without a counterpart section follows the class before it in
    the model file."""
    positions = {name: i for i, name in enumerate(page)}
    keyed = []
    last = -1.0
    for index, name in enumerate(classes):
        twin = name[len(prefix) :] if name.startswith(prefix) else None
        last = float(positions[twin]) if twin in positions else last + 0.001
        keyed.append((last, index, name))
    return [name for _, _, name in sorted(keyed)]


def _end_of_twin_run(
    entries: Sequence[AutodocEntry],
    order: Sequence[str],
    prefix: str,
    later: "re.Pattern[str]",
    stems: Sequence[str] = (),
) -> Optional[AutodocEntry]:
    """The last section of the counterparts' run (TF follows PyTorch): the last counterpart section and
    the same model's sections right after it (the PyTorch heads without a TF twin)."""
    twins = [name[len(prefix) :] for name in order if name.startswith(prefix)]
    indexes = [i for i, e in enumerate(entries) if e.name in twins]
    if not indexes:
        return None
    stem = min(stems, key=len) if stems else os.path.commonprefix(twins)
    last = indexes[-1]
    while (
        last + 1 < len(entries)
        and stem
        and entries[last + 1].name.startswith(stem)
        and not entries[last + 1].name.startswith(prefix)
        and not later.search(entries[last + 1].name)
        and "." not in entries[last + 1].written
    ):
        last += 1
    return entries[last]


def choose_order(classes: Sequence[str], page: Sequence[str], prefix: str) -> List[str]:
    """The counterpart order or the model-file order, whichever agrees with the sections already there."""
    present = [name for name in page if name in classes]
    if not present:
        return section_order(classes, page, prefix)
    for candidate in (list(classes), section_order(classes, page, prefix)):
        if [name for name in candidate if name in present] == present:
            return candidate
    return section_order(classes, page, prefix)


def insert_section(
    lines: List[str],
    entries: Sequence[AutodocEntry],
    name: str,
    order: Sequence[str],
    member: str,
    prefix: str,
    before_pattern: str,
    twin_member: str,
    methods: Sequence[str] = (),
    stems: Sequence[str] = (),
) -> List[str]:
    """Insert ``name``'s section after the documented class that precedes it in ``order``, else before
    the one that follows it, else after the page's last TF section, else at the end."""
    by_name = {e.name: e for e in entries}
    position = order.index(name) if name in order else len(order)
    before: Optional[AutodocEntry] = next((by_name[n] for n in reversed(order[:position]) if n in by_name), None)
    after: Optional[AutodocEntry] = next((by_name[n] for n in order[position + 1 :] if n in by_name), None)
    block = section(name, mirrored_members(name, entries, prefix, member, twin_member, methods))
    gap = [""] * section_gap(entries)
    if before is not None:
        at = before.end_line  # index just after the previous section's last line
        return lines[:at] + gap + block + lines[at:]
    if after is not None:
        at = after.line - 1
        return lines[:at] + block + gap + lines[at:]
    tf_entries = [e for e in entries if e.name in order]  # the model's own documented classes
    if tf_entries:
        at = tf_entries[-1].end_line
        return lines[:at] + gap + block + lines[at:]
    later = re.compile(before_pattern)
    after_twins = _end_of_twin_run(entries, order, prefix, later, stems)
    if after_twins is not None:
        at = after_twins.end_line
        return lines[:at] + gap + block + lines[at:]
    first_later = next((e for e in entries if later.search(e.name)), None)
    if first_later is not None:
        at = first_later.line - 1
        return lines[:at] + block + gap + lines[at:]
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    return lines[:end] + ["", *block] + lines[end:]
