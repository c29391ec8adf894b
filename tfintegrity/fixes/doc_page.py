"""Fix planner for doc pages: a documented class's section, written as the page writes its sections.

What a section looks like is derived from the page itself (``SectionStyle``): the header marks (``##``)
or the underline (``~`` repeated, its length), the blank lines between header and directive, the prefix
written before the name (``transformers.``), the members' indentation. Each page shape (by suffix, see
``index.doc_readers``) has one renderer in ``RENDERERS``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar

from tfintegrity.context import Context
from tfintegrity.facts import AutodocEntry
from tfintegrity.findings import Finding
from tfintegrity.index import doc_readers
from tfintegrity.index.catalog import Model
from tfintegrity.index.doc_readers import read_doc_page
from tfintegrity.ruleset import Rule

if TYPE_CHECKING:
    from tfintegrity.checks.doc_page import Autodoc

T = TypeVar("T")


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


# --------------------------------------------------------------------------- how the page writes a section


@dataclass(frozen=True)
class SectionStyle:
    shape: str  # doc_readers.MARKDOWN or doc_readers.RST
    header: str = "##"  # Markdown: the header marks; reStructuredText: the underline character
    underline: int = 0  # reStructuredText: the underline's fixed length; 0: as long as the title
    header_gap: int = 1  # blank lines between the header and the directive
    prefix: str = ""  # written before the name: ``transformers.`` in ``.. autoclass:: transformers.TFX``
    indent: str = "    "  # of the member lines


@dataclass(frozen=True)
class Members:
    """A section's member list: named members, or every member (reStructuredText's bare ``:members:``)."""

    names: Tuple[str, ...]
    every: bool = False


def _mode(values: Sequence[T], default: T) -> T:
    """The most common value (the first seen among equals), else ``default``."""
    if not values:
        return default
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def _member_lines(lines: Sequence[str], entry: AutodocEntry) -> Sequence[str]:
    return lines[entry.autodoc_line : entry.end_line]


def derive_style(shape: str, lines: Sequence[str], reference: Sequence[AutodocEntry]) -> SectionStyle:
    """How ``reference`` (the page's sections this one should look like) write themselves."""
    headed = [e for e in reference if e.header is not None]
    gaps = [e.autodoc_line - e.line - (2 if shape == doc_readers.RST else 1) for e in headed]
    prefixes = [e.written[: -len(e.name)] for e in reference]
    indents = [m[: len(m) - len(m.lstrip())] for e in reference for m in _member_lines(lines, e)[:1]]
    common = dict(header_gap=_mode(gaps, 1), prefix=_mode(prefixes, ""), indent=_mode(indents, "    "))
    if shape == doc_readers.RST:
        underlines = [(lines[e.line], len(lines[e.line - 1])) for e in headed if e.line < len(lines)]
        char = _mode([u[:1] for u, _ in underlines], "~")
        fitted = sum(1 for u, title in underlines if len(u.rstrip()) == title)
        fixed = _mode([len(u.rstrip()) for u, _ in underlines], 0)
        return SectionStyle(shape, header=char, underline=0 if fitted * 2 > len(underlines) else fixed, **common)
    marks = [lines[e.line - 1].split(" ", 1)[0] for e in headed]
    return SectionStyle(shape, header=_mode(marks, "##"), **common)


def _markdown_section(style: SectionStyle, name: str, members: Members) -> List[str]:
    return [f"{style.header} {name}", *[""] * style.header_gap, f"[[autodoc]] {style.prefix}{name}",
            *_markdown_members(style, members)]


def _markdown_members(style: SectionStyle, members: Members) -> List[str]:
    return [f"{style.indent}- {m}" for m in members.names]


def _rst_section(style: SectionStyle, name: str, members: Members) -> List[str]:
    underline = style.header * max(style.underline, len(name))
    return [name, underline, *[""] * style.header_gap, f".. autoclass:: {style.prefix}{name}",
            *_rst_members(style, members)]


def _rst_members(style: SectionStyle, members: Members) -> List[str]:
    if members.every:
        return [f"{style.indent}:members:"]
    return [f"{style.indent}:members: {', '.join(members.names)}"] if members.names else []


@dataclass(frozen=True)
class Renderer:
    section: Callable[[SectionStyle, str, Members], List[str]]
    members: Callable[[SectionStyle, Members], List[str]]


RENDERERS: Dict[str, Renderer] = {
    doc_readers.MARKDOWN: Renderer(_markdown_section, _markdown_members),
    doc_readers.RST: Renderer(_rst_section, _rst_members),
}


# --------------------------------------------------------------------------- what a section holds


def twin_of(name: str, entries: Sequence[AutodocEntry], prefix: str) -> Optional[AutodocEntry]:
    """The counterpart's section (``BertModel`` for ``TFBertModel``)."""
    if not name.startswith(prefix):
        return None
    return next((e for e in entries if e.name == name[len(prefix) :]), None)


def mirrored_members(
    name: str, entries: Sequence[AutodocEntry], prefix: str, member: str, twin_member: str, methods: Sequence[str]
) -> Members:
    """The member list of the counterpart's section (``forward`` read as ``call``) as far as the class
    defines those methods, else just ``member``: ``TFCLIPModel`` gets ``call``, ``get_text_features``,
    ``get_image_features`` as ``CLIPModel`` has; ``TFWav2Vec2ForCTC`` has no ``load_adapter``. A counterpart
    documenting every member gets the same."""
    twin = twin_of(name, entries, prefix)
    if twin is not None and twin.all_members:
        return Members((), every=True)
    if twin is None or twin_member not in twin.members:
        return Members((member,))
    return Members(tuple(member if m == twin_member else m for m in twin.members if m == twin_member or m in methods))


# --------------------------------------------------------------------------- the plan


def plan_doc_page(ctx: Context, rule: Rule, findings: Sequence[Finding], check: "Autodoc") -> Dict[str, str]:
    out: Dict[str, str] = {}
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
        lines = _plan_page(ctx, rule, check, page, text.split(newline), facts.entries, mine, models.get(mine[0].model))
        new = newline.join(lines)
        if new != text:
            out[page] = new
    return out


def _plan_page(
    ctx: Context,
    rule: Rule,
    check: "Autodoc",
    page: str,
    lines: List[str],
    entries: Sequence[AutodocEntry],
    mine: Sequence[Finding],
    model: Optional[Model],
) -> List[str]:
    shape = doc_readers.shape_of(page)
    renderer = RENDERERS[shape]
    member = ctx.backend.doc_member
    prefix = ctx.backend.class_prefix
    twin_member = rule.params["counterpart_member"]
    by_name = {e.name: e for e in entries}
    # Member lists first, bottom up (they do not move the lines of the sections above).
    for item in sorted((f for f in mine if "." in f.symbol and f.kind == "missing"), key=lambda f: -f.line):
        entry = by_name.get(item.symbol.split(".")[0])
        if entry is not None:
            methods = class_methods(ctx, model, entry.name) if model else ()
            lines = add_member(lines, entry, entries, renderer, shape, member, prefix, twin_member, methods)
    stale = {f.symbol for f in mine if f.kind == "stale"}
    for entry in sorted((e for e in entries if e.name in stale), key=lambda e: -e.line):
        start, end = entry.line - 1, entry.end_line
        while end < len(lines) and not lines[end].strip():
            end += 1
        del lines[start:end]
    missing = [f for f in mine if f.kind == "missing" and "." not in f.symbol]
    if not missing:
        return lines
    on_page = [e.name for e in read_doc_page(page, "\n".join(lines)).entries]
    documented = {c.name for c in check.documented(rule, model)} if model else set()
    classes = [c.name for c in model.classes if c.name in documented or c.name in on_page] if model else []
    order = choose_order(classes, on_page, prefix)
    stems = [c[: -len("Config")] for _, c in model.model_types if c.endswith("Config")] if model else []
    for item in missing:
        current = read_doc_page(page, "\n".join(lines)).entries  # positions after the previous insertion
        methods = class_methods(ctx, model, item.symbol) if model else ()
        members = mirrored_members(item.symbol, current, prefix, member, twin_member, methods)
        style = derive_style(shape, lines, reference_sections(item.symbol, current, order, prefix))
        block = renderer.section(style, item.symbol, members)
        lines = insert_section(lines, current, item.symbol, order, block, prefix, rule.params["before_pattern"], stems)
    return lines


def reference_sections(name: str, entries: Sequence[AutodocEntry], order: Sequence[str], prefix: str) -> List[AutodocEntry]:
    """The sections a new one should look like: the model's sections of the same backend on the page, else
    its counterpart's, else every section of the page."""
    own = [e for e in entries if e.name in order and e.name != name]
    if own:
        return own
    twin = twin_of(name, entries, prefix)
    return [twin] if twin is not None else list(entries)


def add_member(
    lines: List[str],
    entry: AutodocEntry,
    entries: Sequence[AutodocEntry],
    renderer: Renderer,
    shape: str,
    member: str,
    prefix: str,
    twin_member: str,
    methods: Sequence[str],
) -> List[str]:
    """``member`` into the section's list: a section without one gets its counterpart's, mirrored; a list
    without ``member`` gets it first (where the counterpart's list has ``forward``)."""
    style = derive_style(shape, lines, reference_sections(entry.name, entries, [e.name for e in entries], prefix))
    style = derive_style(shape, lines, [entry]) if entry.members else style
    if entry.members:
        names = Members((member, *entry.members))
    else:
        names = mirrored_members(entry.name, entries, prefix, member, twin_member, methods)
        if names.every:
            names = Members((member,))
    start, end = entry.autodoc_line, entry.end_line  # the member lines, as a slice
    return lines[:start] + renderer.members(style, names) + lines[end:]


def class_methods(ctx: Context, model: Optional[Model], name: str) -> Sequence[str]:
    for cls in model.classes if model else ():
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
    block: Sequence[str],
    prefix: str,
    before_pattern: str,
    stems: Sequence[str] = (),
) -> List[str]:
    """Insert ``name``'s section after the documented class that precedes it in ``order``, else before
    the one that follows it, else after the page's last TF section, else at the end."""
    by_name = {e.name: e for e in entries}
    position = order.index(name) if name in order else len(order)
    before: Optional[AutodocEntry] = next((by_name[n] for n in reversed(order[:position]) if n in by_name), None)
    after: Optional[AutodocEntry] = next((by_name[n] for n in order[position + 1 :] if n in by_name), None)
    gap = [""] * section_gap(entries)
    if before is not None:
        at = before.end_line  # index just after the previous section's last line
        return lines[:at] + gap + list(block) + lines[at:]
    if after is not None:
        at = after.line - 1
        return lines[:at] + list(block) + gap + lines[at:]
    tf_entries = [e for e in entries if e.name in order]  # the model's own documented classes
    if tf_entries:
        at = tf_entries[-1].end_line
        return lines[:at] + gap + list(block) + lines[at:]
    later = re.compile(before_pattern)
    after_twins = _end_of_twin_run(entries, order, prefix, later, stems)
    if after_twins is not None:
        at = after_twins.end_line
        return lines[:at] + gap + list(block) + lines[at:]
    first_later = next((e for e in entries if later.search(e.name)), None)
    if first_later is not None:
        at = first_later.line - 1
        return lines[:at] + list(block) + gap + lines[at:]
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    return lines[:end] + ["", *block] + lines[end:]
