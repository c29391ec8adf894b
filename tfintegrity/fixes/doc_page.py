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
    trailing: str = ""  # after a member line (a page of 4.24.0 writes `    - call `)
    member_gap: int = 0  # Markdown: blank lines between the directive and its first member (4.32.0's imagegpt: 1)


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


def derive_style(
    shape: str, lines: Sequence[str], reference: Sequence[AutodocEntry], twin: Optional[AutodocEntry] = None
) -> SectionStyle:
    """How ``reference`` (the page's sections this one should look like) write themselves; the name is
    prefixed as the counterpart's section prefixes it (``transformers.TFSwinForImageClassification``
    beside ``transformers.SwinForImageClassification``)."""
    title = 2 if shape == doc_readers.RST else 1  # lines of a header (title and underline)
    headed = [e for e in reference if e.header is not None]
    # Blank lines between header and directive, where nothing else is (no ``See BartModel ...`` prose).
    gaps = [
        e.autodoc_line - e.line - title
        for e in headed
        if not any(line.strip() for line in lines[e.line - 1 + title : e.autodoc_line - 1])
    ]
    prefixes = [_qualifier(e) for e in ([twin] if twin is not None else reference)]
    # The first member line of each section that has members, and the blank lines in front of it.
    firsts: List[str] = []
    member_gaps: List[int] = []
    for entry in reference:
        members = _member_lines(lines, entry)
        at = next((i for i, m in enumerate(members) if m.strip()), None)
        if at is not None:
            firsts.append(members[at])
            member_gaps.append(at)
    indent = _mode([m[: len(m) - len(m.lstrip())] for m in firsts], "    ")
    trailing = _mode([m[len(m.rstrip()) :] for m in firsts], "")
    header_gap, prefix = _mode(gaps, 1), _mode(prefixes, "")
    if shape == doc_readers.RST:
        # (underline, title width) of each header; the page's underlines are as wide as their titles, or fixed.
        underlines = [(lines[e.line].rstrip(), len(lines[e.line - 1])) for e in headed if e.line < len(lines)]
        char = _mode([u[:1] for u, _ in underlines], "~")
        fitted = sum(1 for u, width in underlines if len(u) == width)
        fixed = _mode([len(u) for u, _ in underlines], 0)
        underline = 0 if fitted * 2 > len(underlines) else fixed
        return SectionStyle(shape, char, underline, header_gap, prefix, indent, trailing)
    marks = _mode([lines[e.line - 1].split(" ", 1)[0] for e in headed], "##")
    return SectionStyle(shape, marks, 0, header_gap, prefix, indent, trailing, _mode(member_gaps, 0))


def _markdown_section(style: SectionStyle, name: str, members: Members) -> List[str]:
    return [
        f"{style.header} {name}",
        *[""] * style.header_gap,
        f"[[autodoc]] {style.prefix}{name}",
        *_markdown_members(style, members),
    ]


def _markdown_members(style: SectionStyle, members: Members) -> List[str]:
    written = [f"{style.indent}- {m}{style.trailing}" for m in members.names]
    return [*[""] * style.member_gap, *written] if written else []


def _markdown_add_first(style: SectionStyle, written: Sequence[str], member: str) -> List[str]:
    return [f"{style.indent}- {member}{style.trailing}", *written]


def _rst_section(style: SectionStyle, name: str, members: Members) -> List[str]:
    underline = style.header * max(style.underline, len(name))
    return [
        name,
        underline,
        *[""] * style.header_gap,
        f".. autoclass:: {style.prefix}{name}",
        *_rst_members(style, members),
    ]


def _rst_members(style: SectionStyle, members: Members) -> List[str]:
    if members.every:
        return [f"{style.indent}:members:{style.trailing}"]
    return [f"{style.indent}:members: {', '.join(members.names)}{style.trailing}"] if members.names else []


_RST_MEMBERS = re.compile(r"(\s+:members:)[ \t]*")


def _rst_add_first(style: SectionStyle, written: Sequence[str], member: str) -> List[str]:
    out = list(written)
    for index, line in enumerate(out):
        match = _RST_MEMBERS.match(line)
        if match is not None:
            out[index] = f"{match.group(1)} {member}, {line[match.end() :]}"
            return out
    return out + _rst_members(style, Members((member,)))


@dataclass(frozen=True)
class Renderer:
    section: Callable[[SectionStyle, str, Members], List[str]]  # a whole section
    members: Callable[[SectionStyle, Members], List[str]]  # a member list for a section that has none
    add_first: Callable[[SectionStyle, Sequence[str], str], List[str]]  # a member put first into the lines of a list


RENDERERS: Dict[str, Renderer] = {
    doc_readers.MARKDOWN: Renderer(_markdown_section, _markdown_members, _markdown_add_first),
    doc_readers.RST: Renderer(_rst_section, _rst_members, _rst_add_first),
}


# --------------------------------------------------------------------------- what a section holds


def twin_of(name: str, entries: Sequence[AutodocEntry], prefix: str) -> Optional[AutodocEntry]:
    """The counterpart's section (``BertModel`` for ``TFBertModel``)."""
    if not name.startswith(prefix):
        return None
    return next((e for e in entries if e.name == name[len(prefix) :]), None)


def mirrored_members(
    name: str,
    entries: Sequence[AutodocEntry],
    prefix: str,
    member: str,
    twin_member: str,
    methods: Sequence[str],
    siblings: Sequence[AutodocEntry] = (),
) -> Members:
    """The member list of the counterpart's section (``forward`` read as ``call``) as far as the class
    defines those methods, else just ``member``: ``TFCLIPModel`` gets ``call``, ``get_text_features``,
    ``get_image_features`` as ``CLIPModel`` has; ``TFWav2Vec2ForCTC`` has no ``load_adapter``. A counterpart
    documenting every member (a bare ``:members:``) gets the same, unless most of the class's ``siblings``
    (the model's other sections of its backend) name their members."""
    twin = twin_of(name, entries, prefix)
    if twin is not None and twin.all_members:
        if 2 * sum(1 for e in siblings if e.all_members) >= len(siblings):
            return Members((), every=True)
        return Members((member,))
    if twin is None or twin_member not in twin.members:
        names: Tuple[str, ...] = (member,)
    else:
        names = tuple(member if m == twin_member else m for m in twin.members if m == twin_member or m in methods)
    return Members(names + shared_members(names, methods, siblings))


def shared_members(names: Sequence[str], methods: Sequence[str], siblings: Sequence[AutodocEntry]) -> Tuple[str, ...]:
    """Members most of the model's other sections of the backend list (two at least, or the one other section),
    which the class has too and its list lacks: Flax's bart sections all list ``encode`` and ``decode``, which
    PyTorch's do not; so does Flax's blenderbot's one other section."""
    counts: Dict[str, int] = {}
    for entry in siblings:
        for name in entry.members:
            counts[name] = counts.get(name, 0) + 1
    return tuple(
        name
        for name, count in counts.items()
        if name not in names and name in methods and count >= min(2, len(siblings)) and 2 * count > len(siblings)
    )


# --------------------------------------------------------------------------- the plan


def plan_doc_page(ctx: Context, rule: Rule, findings: Sequence[Finding], check: Autodoc) -> Dict[str, str]:
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
    check: Autodoc,
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
    own = [c.name for c in check.documented(rule, model, prefix, entries)] if model else []
    # Member lists first, bottom up (they do not move the lines of the sections above).
    for item in sorted((f for f in mine if "." in f.symbol and f.kind == "missing"), key=lambda f: -f.line):
        entry = by_name.get(item.symbol.split(".")[0])
        if entry is not None:
            methods = class_methods(ctx, model, entry.name)
            lines = add_member(lines, entry, entries, own, shape, member, prefix, twin_member, methods)
    stale = {f.symbol for f in mine if f.kind == "stale"}
    after_members = read_doc_page(page, "\n".join(lines)).entries if stale else ()  # positions moved by them
    for entry in sorted((e for e in after_members if e.name in stale), key=lambda e: -e.line):
        start, end = entry.line - 1, entry.end_line
        while end < len(lines) and not lines[end].strip():
            end += 1
        del lines[start:end]
    missing = [f for f in mine if f.kind == "missing" and "." not in f.symbol]
    if not missing:
        return lines
    written = read_doc_page(page, "\n".join(lines)).entries
    on_page = [e.name for e in written]
    borrowed = {e.name for e in written if counterpart_section(e, prefix, twin_member)}
    classes = (
        [n for n in model_classes(ctx, model) if (n in own or n in on_page) and n not in borrowed] if model else []
    )
    mirrors = rule.params.get("mirror_prefixes", ())
    order = choose_order(classes, on_page, prefix, mirrors, [f.symbol for f in missing])
    stems = [c[: -len("Config")] for _, c in model.model_types if c.endswith("Config")] if model else []
    inserted: List[str] = []
    # In the order the sections will have: each new one then follows the one written before it.
    for item in sorted(missing, key=lambda f: order.index(f.symbol) if f.symbol in order else len(order)):
        current = read_doc_page(page, "\n".join(lines)).entries  # positions after the previous insertion
        methods = class_methods(ctx, model, item.symbol)
        siblings = [e for e in current if e.name in order and e.name != item.symbol]
        twin = twin_of(item.symbol, current, prefix)
        members = mirrored_members(item.symbol, current, prefix, member, twin_member, methods, siblings)
        style = derive_style(shape, lines, reference_sections(item.symbol, current, order, prefix), twin)
        block = renderer.section(style, item.symbol, members)
        lines = insert_section(
            lines, current, item.symbol, order, block, prefix, rule.params["before_pattern"], stems, inserted
        )
        inserted.append(item.symbol)
    return lines


def counterpart_section(entry: AutodocEntry, prefix: str, twin_member: str) -> bool:
    """A section of the counterpart backend that a class without the backend's prefix shares its name with
    (4.16.0-4.24.0's TF ``XLMRobertaForCausalLM`` and the PyTorch section ``- forward``)."""
    return bool(prefix) and not entry.name.startswith(prefix) and twin_member in entry.members


def model_classes(ctx: Context, model: Model) -> List[str]:
    """The model's public classes of this backend: its main modules' in file order, then those of its other
    modeling files (blip's ``TFBlipTextModel`` lives in ``modeling_tf_blip_text.py``, which the init does not key)."""
    names = [c.name for c in model.classes]
    for stem in model.modules:
        if stem not in model.main_modules:
            names.extend(c.name for c in ctx.catalog.public_classes(model.module_path(ctx.package, stem)))
    return list(dict.fromkeys(names))


def reference_sections(
    name: str, entries: Sequence[AutodocEntry], order: Sequence[str], prefix: str
) -> List[AutodocEntry]:
    """The sections a new one should look like: the model's sections of the same backend on the page, else
    its counterpart's, else every section of the page."""
    own = [e for e in entries if e.name in order and e.name != name]
    if own:
        return own
    twin = twin_of(name, entries, prefix)
    return [twin] if twin is not None and twin.header is not None else list(entries)


def add_member(
    lines: List[str],
    entry: AutodocEntry,
    entries: Sequence[AutodocEntry],
    own: Sequence[str],
    shape: str,
    member: str,
    prefix: str,
    twin_member: str,
    methods: Sequence[str],
) -> List[str]:
    """``member`` into the section's list: a section without one gets its counterpart's, mirrored, written as
    the model's other sections write theirs; a list without ``member`` gets it first (where ``forward`` is in
    the counterpart's)."""
    renderer = RENDERERS[shape]
    start, end = entry.autodoc_line, entry.end_line  # the member lines, as a slice
    if entry.members:
        style = derive_style(shape, lines, [entry])
        return lines[:start] + renderer.add_first(style, lines[start:end], member) + lines[end:]
    style = derive_style(shape, lines, reference_sections(entry.name, entries, own, prefix))
    siblings = [e for e in entries if e.name in own and e.name != entry.name]
    names = mirrored_members(entry.name, entries, prefix, member, twin_member, methods, siblings)
    return lines[:end] + renderer.members(style, names) + lines[end:]


def class_methods(ctx: Context, model: Optional[Model], name: str) -> Sequence[str]:
    """The methods the class defines, or inherits from classes of its own module (Flax models get
    ``get_text_features`` from their ``Flax*PreTrainedModel``)."""
    for cls in model.classes if model else ():
        if cls.name == name:
            facts = ctx.index.module(cls.path)
            if facts is None:
                return ()
            found: List[str] = []
            todo, seen = [name], set()
            while todo:
                fact = facts.classes.get(todo.pop(0))
                if fact is None or fact.name in seen:
                    continue
                seen.add(fact.name)
                found.extend(m for m in fact.methods if m not in found)
                todo.extend(b for b in fact.bases if b)
            return tuple(found)
    return ()


# --------------------------------------------------------------------------- blank lines between sections

# The blank lines between two sections, as the page writes them (tapas' hold four spaces).
Gap = List[str]


def _blank_gap(lines: Sequence[str], above: AutodocEntry, below: AutodocEntry) -> Optional[Gap]:
    """The lines between two sections, when they are blank lines only."""
    between = list(lines[above.end_line : below.line - 1])
    return None if any(line.strip() for line in between) else between


def _lead_gap(lines: Sequence[str], entries: Sequence[AutodocEntry], entry: AutodocEntry) -> Optional[Gap]:
    """The blank lines in front of ``entry`` (from the section above it)."""
    index = entries.index(entry)
    return _blank_gap(lines, entries[index - 1], entry) if index > 0 else None


def section_gap(entries: Sequence[AutodocEntry]) -> int:
    """Blank lines the sections keep between each other (the most common gap of 1 or 2; 1 when there is none)."""
    gaps = [b.line - a.end_line - 1 for a, b in zip(entries, entries[1:]) if b.line > a.end_line]
    gaps = [g for g in gaps if g in (1, 2)]
    return max(set(gaps), key=gaps.count) if gaps else 1


def _pair_gaps(entries: Sequence[AutodocEntry], run: Sequence[str]) -> List[int]:
    """The gaps (of 1 or 2 lines) between sections of ``run`` that follow each other on the page."""
    positions = [i for i, e in enumerate(entries) if e.name in run]
    pairs = [entries[i : i + 2] for i, j in zip(positions, positions[1:]) if j == i + 1]
    gaps = [b.line - a.end_line - 1 for a, b in pairs if b.line > a.end_line]
    return [g for g in gaps if g in (1, 2)]


def run_gap(entries: Sequence[AutodocEntry], run: Sequence[str]) -> int:
    """The gap between the run's sections where it has two in a row, else the page's."""
    return _mode(_pair_gaps(entries, run), 0) or section_gap(entries)


def twin_gap(
    lines: Sequence[str], entries: Sequence[AutodocEntry], first: str, second: str, prefix: str
) -> Optional[Gap]:
    """The blank lines between the counterparts of two sections, where those follow each other too (a TF run
    mirrors the PyTorch run's spacing, four-space blank lines included)."""
    above, below = twin_of(first, entries, prefix), twin_of(second, entries, prefix)
    if above is None or below is None or below.header is None:
        return None
    index = entries.index(above)
    if index + 1 >= len(entries) or entries[index + 1] is not below:
        return None
    gap = _blank_gap(lines, above, below)
    return gap if gap is not None and 1 <= len(gap) <= 3 else None


def gap_between(
    lines: Sequence[str], entries: Sequence[AutodocEntry], first: str, second: str, run: Sequence[str], prefix: str
) -> Gap:
    """Blank lines between two sections of the run: those between their counterparts' sections where those
    follow each other too, else the gap the run's sections keep, else the page's."""
    mirrored = twin_gap(lines, entries, first, second, prefix)
    return mirrored if mirrored is not None else [""] * run_gap(entries, run)


def _twins(run: Sequence[str], prefix: str) -> List[str]:
    return [name[len(prefix) :] for name in run if name.startswith(prefix)]


def end_gap(
    lines: Sequence[str],
    entries: Sequence[AutodocEntry],
    before: AutodocEntry,
    name: str,
    run: Sequence[str],
    prefix: str,
) -> Gap:
    """Blank lines in front of a section appended at the end of the page, after ``before``: the counterparts'
    gap, else the run's, else the gap in front of ``before`` (a lone section is set off as its neighbour is),
    else the page's."""
    mirrored = twin_gap(lines, entries, before.name, name, prefix)
    if mirrored is not None:
        return mirrored
    pairs = _pair_gaps(entries, run)
    if pairs:
        return [""] * _mode(pairs, 0)
    lead = _lead_gap(lines, entries, before)
    if lead is not None and 1 <= len(lead) <= 3:
        return [""] * len(lead)
    return [""] * section_gap(entries)


def boundary_gap(
    lines: Sequence[str],
    entries: Sequence[AutodocEntry],
    before: AutodocEntry,
    front: Gap,
    run: Sequence[str],
    prefix: str,
) -> Gap:
    """Blank lines between the run's last section (a new one, written after ``before`` with ``front`` in front
    of it) and the next run (Flax): the wider of the gap in front of the run and the run's own gap (a run is
    set off from its neighbours at least as far as its sections are from each other)."""
    members = [e for e in entries if e.name in run]
    if before.name in run:
        lead = _lead_gap(lines, entries, members[0]) if members else None
        internal = len(front)
    else:  # the run's first section: the gap in front is the one it was put after
        lead = front
        pairs = _pair_gaps(entries, _twins(run, prefix))
        internal = _mode(pairs, 0) or section_gap(entries)
    width = max(len(lead) if lead is not None and 1 <= len(lead) <= 3 else 0, internal)
    return front if len(front) == width else [""] * width


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


def _qualifier(entry: AutodocEntry) -> str:
    """What a section writes before the class name (``transformers.``, ``modeling_outputs.``, or nothing)."""
    return entry.written[: len(entry.written) - len(entry.name)]


def _end_of_twin_run(
    entries: Sequence[AutodocEntry],
    order: Sequence[str],
    prefix: str,
    later: re.Pattern[str],
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
    # A section written with another module before its name (``modeling_outputs.X``) ends the run; the
    # prefix the counterpart sections themselves carry (``transformers.`` on .rst pages) does not.
    qualifier = _qualifier(entries[last])
    while (
        last + 1 < len(entries)
        and stem
        and entries[last + 1].name.startswith(stem)
        and not entries[last + 1].name.startswith(prefix)
        and not later.search(entries[last + 1].name)
        and _qualifier(entries[last + 1]) == qualifier
    ):
        last += 1
    return entries[last]


def _common_length(first: Sequence[str], second: Sequence[str]) -> int:
    """Length of the longest common subsequence of two name lists."""
    row = [0] * (len(second) + 1)
    for a in first:
        previous = 0
        for j, b in enumerate(second):
            current = row[j + 1]
            row[j + 1] = previous + 1 if a == b else max(row[j + 1], row[j])
            previous = current
    return row[-1]


def mirror_order(classes: Sequence[str], page: Sequence[str], mirrors: Sequence[str]) -> Optional[List[str]]:
    """The classes in the order of their twins' sections of the first of ``mirrors`` (class prefixes) that
    documents every one of them on the page, else None."""
    positions = {name: i for i, name in enumerate(page)}
    for mirror in mirrors:
        if all(mirror + name in positions for name in classes):
            return sorted(classes, key=lambda name: positions[mirror + name])
    return None


def choose_order(
    classes: Sequence[str],
    page: Sequence[str],
    prefix: str,
    mirrors: Sequence[str] = (),
    placing: Sequence[str] = (),
) -> List[str]:
    """The counterpart order or the model-file order, whichever agrees with more of the sections already there
    (the counterpart order when both agree as far: 14 of the 4.31.0 pages follow only it, 2 only the model
    file; longformer's page follows neither, but more of the file's). With ``mirrors`` (PyTorch, which has no
    counterpart), the order of another backend's twin sections comes first where the page has a twin of
    every section to place and of every one there."""
    candidates = [section_order(classes, page, prefix), list(classes)]
    present = [name for name in page if name in classes]
    mirrored = mirror_order([n for n in classes if n in present or n in placing], page, mirrors)
    if mirrored is not None and placing:
        rest = [n for n in classes if n not in mirrored]
        candidates.insert(0, mirrored + rest)
    if not present:
        return candidates[0]
    agreement = [_common_length([n for n in c if n in present], present) for c in candidates]
    return candidates[agreement.index(max(agreement))]


def _after_blanks(lines: Sequence[str], at: int) -> int:
    """Past the blank lines from ``at``, unless only blank lines follow (then ``at``)."""
    end = at
    while end < len(lines) and not lines[end].strip():
        end += 1
    return end if end < len(lines) else at


def _next_entry(entries: Sequence[AutodocEntry], line: int) -> Optional[AutodocEntry]:
    return next((e for e in entries if e.line > line), None)


def insert_section(
    lines: List[str],
    entries: Sequence[AutodocEntry],
    name: str,
    order: Sequence[str],
    block: Sequence[str],
    prefix: str,
    before_pattern: str,
    stems: Sequence[str] = (),
    inserted: Sequence[str] = (),
) -> List[str]:
    """Insert ``name``'s section after the last of the model's sections (in page order) that precedes it in
    ``order``, else before the first of them, else after the counterparts' run, else before the first
    section matching ``before_pattern``, else at the end. The blank lines already there stay in front of
    it (behind it where they follow a section this plan wrote: they are the run's outer gap); what goes on
    the other side is derived (``gap_between``, ``boundary_gap``, ``end_gap``)."""
    position = order.index(name) if name in order else len(order)
    preceding = set(order[:position])
    run = [e for e in entries if e.name in order and e.name != name]

    def between(first: str, second: str) -> Gap:
        return gap_between(lines, entries, first, second, order, prefix)

    before = next((e for e in reversed(run) if e.name in preceding), None)
    if before is None and run:
        at = run[0].line - 1
        return lines[:at] + list(block) + between(name, run[0].name) + lines[at:]
    if before is None:
        later = re.compile(before_pattern)
        before = _end_of_twin_run(entries, order, prefix, later, stems)
        if before is None:
            first_later = next((e for e in entries if later.search(e.name)), None)
            if first_later is not None:
                at = first_later.line - 1
                return lines[:at] + list(block) + [""] * run_gap(entries, order) + lines[at:]
            end = len(lines)
            while end > 0 and not lines[end - 1].strip():
                end -= 1
            return lines[:end] + ["", *block] + lines[end:]
    at = _after_blanks(lines, before.end_line)
    following = _next_entry(entries, before.end_line)
    if at == before.end_line:  # the page ends here: the gap goes in front
        return lines[:at] + end_gap(lines, entries, before, name, order, prefix) + list(block) + lines[at:]
    if following is not None and following.name in order:
        return lines[:at] + list(block) + between(name, following.name) + lines[at:]
    existing = lines[before.end_line : at]
    if before.name in inserted and before.name in order and not any(line.strip() for line in existing):
        return lines[: before.end_line] + between(before.name, name) + list(block) + existing + lines[at:]
    return lines[:at] + list(block) + boundary_gap(lines, entries, before, existing, order, prefix) + lines[at:]
