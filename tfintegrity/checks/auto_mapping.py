"""Auto mappings: every public class sits in each mapping it belongs in, under its key.

Which mappings: those that hold the class's counterpart in the counterpart module (TF mirrors
PyTorch: ``TF_<NAME>`` holds ``TFX`` where ``<NAME>`` holds ``X``); when there is no counterpart
entry, the rule's suffix table decides. How a file writes its mappings (names, entries, keys) is one of
the rule's ``layouts``, recognised from the file (``index.auto_readers``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from tfintegrity.context import Context, finding, require_params
from tfintegrity.facts import AutoFacts, MappingEntry
from tfintegrity.findings import Finding
from tfintegrity.fixes import pysource
from tfintegrity.fixes.auto_mapping import kept_sorted, neighbour_place, plan_auto_mapping, sorted_place
from tfintegrity.index.auto_readers import ENTRY_FORMS, KEY_KINDS, STRINGS, AutoLayout, read_auto_layouts
from tfintegrity.index.catalog import Model, PublicClass
from tfintegrity.ruleset import Rule

# The PyTorch twin mapping weighs as much as this many of the file's own other mappings when placing an entry.
TWIN_WEIGHT = 2.0
# Where none of the file's other mappings holds the key (a whole model added at once), the counterpart
# file's other mappings vote too, each as much as this many of the file's own.
FALLBACK_WEIGHT = 0.25
LAYOUT_KEYS = ("name", "mapping_suffix", "entries", "key")


class Placement:
    """Where a new entry goes in a mapping (``place(mapping, keys, key)`` -> index into ``keys``).

    ``record`` tells it the keys a mapping has once the fix has added to it, so that a model added to
    several mappings goes into each where it went in those before (in a file that keeps no order)."""

    def __init__(self, place: Callable[[str, Sequence[str], str], int], own: Optional[Dict[str, List[str]]] = None):
        self._place = place
        self._own = own

    def __call__(self, mapping: str, keys: Sequence[str], key: str) -> int:
        return self._place(mapping, keys, key)

    def record(self, mapping: str, keys: Sequence[str]) -> None:
        if self._own is not None and mapping in self._own:
            self._own[mapping] = list(keys)


@dataclass(frozen=True)
class Expected:
    mapping: str
    key: str  # model_type or configuration class, as the layout keys entries
    name: str  # the class
    position: int  # index within a tuple value (0 for plain values)
    values: Tuple[str, ...]  # the full value the entry should hold, when known from the counterpart
    model: Model
    cls: PublicClass
    comment: Optional[str] = None  # the comment after the counterpart's entry, which the new entry carries too


def swap_prefix(name: str, old: str, new: str) -> str:
    """``name`` with its ``old`` prefix (if it has it) replaced by ``new``: ``MODEL_MAPPING_NAMES`` ->
    ``TF_MODEL_MAPPING_NAMES``, ``BertModel`` -> ``TFBertModel``."""
    return new + (name[len(old) :] if name.startswith(old) else name)


def layouts_of(params: Mapping[str, Any]) -> Tuple[AutoLayout, ...]:
    given = params.get("layouts")
    if not given:
        return (STRINGS,)
    return tuple(AutoLayout(item["name"], item["mapping_suffix"], item["entries"], item["key"]) for item in given)


def effective(entries: Sequence[MappingEntry]) -> List[MappingEntry]:
    """The entries an ``OrderedDict`` keeps: a later entry with the same key replaces an earlier one's value
    (4.2's ``MODEL_MAPPING`` maps ``MarianConfig`` twice; the second holds)."""
    last = {e.key: e for e in entries}
    return [e for e in entries if last[e.key] is e]


def config_for(model: Model, class_name: str, prefix: str) -> Optional[str]:
    """The configuration class whose name (minus ``Config``) best prefixes the class name."""
    best: Optional[Tuple[int, str]] = None
    for _, config in model.model_types:
        stem = config[: -len("Config")] if config.endswith("Config") else config
        if class_name.startswith(prefix + stem) and (best is None or len(stem) > best[0]):
            best = (len(stem), config)
    if best is not None:
        return best[1]
    configs = {c for _, c in model.model_types}
    return next(iter(configs)) if len(configs) == 1 else None


class AutoMapping:
    name = "auto_mapping"

    def validate_params(self, params: Mapping[str, Any]) -> Optional[str]:
        problem = require_params(
            params,
            {
                "counterpart": str,
                "counterpart_prefix": str,
                "counterpart_guard": str,
                "counterpart_module_prefix": str,
                "mapping_prefix": str,
                "suffixes": dict,
                "layouts": list,
                "sorted_share": float,
                "derive_suffixes": bool,
            },
            ("layouts", "sorted_share", "derive_suffixes"),
        )
        if problem:
            return problem
        for suffix, names in params["suffixes"].items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                return f"suffixes.{suffix} must be a list of mapping names"
        for item in params.get("layouts", []):
            if not (isinstance(item, dict) and set(item) == set(LAYOUT_KEYS)):
                return f"each of layouts must have exactly {', '.join(LAYOUT_KEYS)}"
            if not all(isinstance(item[k], str) for k in LAYOUT_KEYS):
                return f"layout {item.get('name')!r}: {', '.join(LAYOUT_KEYS)} must be strings"
            if item["entries"] not in ENTRY_FORMS:
                return f"layout {item['name']!r}: entries must be one of {', '.join(ENTRY_FORMS)}"
            if item["key"] not in KEY_KINDS:
                return f"layout {item['name']!r}: key must be one of {', '.join(KEY_KINDS)}"
        return None

    # ------------------------------------------------------------------ reading

    def read(self, ctx: Context, rule: Rule, path: str) -> Optional[AutoFacts]:
        """The auto module at ``path`` read in the first of the rule's layouts it is written in (facts of
        the index; ``None`` when the file does not exist)."""
        layouts = layouts_of(rule.params)
        kind = "auto_layouts:" + repr(layouts)
        return ctx.index.derived(kind, path, lambda rel, text: read_auto_layouts(rel, text, layouts))

    @staticmethod
    def layout_of(rule: Rule, auto: AutoFacts) -> AutoLayout:
        return next(layout for layout in layouts_of(rule.params) if layout.name == auto.layout)

    def _keeps_sorted(self, ctx: Context, rule: Rule, auto: AutoFacts) -> bool:
        share = float(rule.params.get("sorted_share", 0.6))
        return kept_sorted([[e.key for e in m.entries] for m in auto.mappings.values()], share)

    def placement(self, ctx: Context, rule: Rule, auto: AutoFacts) -> Placement:
        """Where a new entry goes in a mapping: its sorted place in a file that keeps them sorted, else where
        the file's other mappings and the counterpart twin put that key (``neighbour_place``); a key none of
        the file's other mappings holds gets the counterpart file's other mappings' votes too (weighing
        ``FALLBACK_WEIGHT``), and what ``Placement.record`` is told a mapping holds after the fix's own
        additions is what the next mapping sees of it."""
        if self._keeps_sorted(ctx, rule, auto):
            return Placement(lambda mapping, keys, key: sorted_place(keys, key))
        params = rule.params
        counterpart = self.read(ctx, rule, ctx.path(params["counterpart"])) if params["counterpart"] else None
        twins: Dict[str, List[str]] = {}
        if counterpart is not None and counterpart.layout == auto.layout:
            for mapping in counterpart.mappings.values():
                target = swap_prefix(mapping.name, params["counterpart_prefix"], params["mapping_prefix"])
                twins[target] = [e.key for e in mapping.entries]
        own = {name: [e.key for e in m.entries] for name, m in auto.mappings.items()}

        def place(mapping: str, keys: Sequence[str], key: str) -> int:
            references = [(other, 1.0) for name, other in own.items() if name != mapping]
            if mapping in twins:
                references.append((twins[mapping], TWIN_WEIGHT))
            if not any(key in other for name, other in own.items() if name != mapping):
                references += [(other, FALLBACK_WEIGHT) for name, other in twins.items() if name != mapping]
            return neighbour_place(keys, key, references)

        return Placement(place, own)

    # ------------------------------------------------------------------ expectations

    def expected(self, ctx: Context, rule: Rule) -> Tuple[List[Expected], List[Tuple[Model, PublicClass, str]]]:
        """Expected entries, and classes whose mapping or key cannot be decided (with why)."""
        params = rule.params
        auto = self.read(ctx, rule, ctx.path(rule.target))
        if auto is None or not auto.layout:
            return [], []
        layout = self.layout_of(rule, auto)
        counterpart = self.read(ctx, rule, ctx.path(params["counterpart"])) if params["counterpart"] else None
        by_value: Dict[str, List[Tuple[str, str, int, Tuple[str, ...], Optional[str]]]] = {}
        if counterpart is not None and counterpart.layout == auto.layout:
            for mapping in counterpart.mappings.values():
                for entry in effective(mapping.entries):
                    for position, value in enumerate(entry.values):
                        by_value.setdefault(value, []).append(
                            (mapping.name, entry.key, position, entry.values, entry.comment)
                        )
        prefix = ctx.backend.class_prefix
        suffixes: Mapping[str, List[str]] = params["suffixes"]
        # With the file's own suffix table, which mappings a suffix's classes join as a second value of
        # their model's entry (deit's DeiTForImageClassificationWithTeacher); elsewhere a key the model
        # already maps holds the model's own choice.
        joins: Optional[Mapping[str, Set[str]]] = None
        if params.get("derive_suffixes"):
            derived, joins = self._suffixes_of(ctx, auto, layout, prefix)
            suffixes = {**suffixes, **derived}
        has_counterpart = bool(params["counterpart"])
        mapped_keys = {entry.key for mapping in auto.mappings.values() for entry in effective(mapping.entries)}
        holding: Dict[str, Set[str]] = {}  # class name -> the mappings whose entries hold it
        if joins is not None:
            for mapping in auto.mappings.values():
                for entry in effective(mapping.entries):
                    for value in entry.values:
                        holding.setdefault(value, set()).add(mapping.name)
        out: List[Expected] = []
        undecided: List[Tuple[Model, PublicClass, str]] = []
        for model in ctx.models():
            for cls in model.classes:
                twin = (
                    params["counterpart_prefix"] + cls.name[len(prefix) :]
                    if has_counterpart and cls.name.startswith(prefix)
                    else None
                )
                mirrored = by_value.get(twin, []) if twin else []
                if mirrored:
                    for mapping_name, key, position, values, comment in mirrored:
                        target = swap_prefix(mapping_name, params["counterpart_prefix"], params["mapping_prefix"])
                        if target not in auto.mappings:
                            continue
                        mirrored_values = tuple(swap_prefix(v, params["counterpart_prefix"], prefix) for v in values)
                        out.append(Expected(target, key, cls.name, position, mirrored_values, model, cls, comment))
                    continue
                if twin and (
                    self._twin_exported(ctx, model, twin, params["counterpart_guard"])
                    or self._twin_defined(ctx, cls, twin, params["counterpart_module_prefix"])
                ):
                    continue  # the counterpart exists and is deliberately in no mapping: so is this class
                suffix, stems = self._by_suffix(model, cls, suffixes, prefix)
                targets = [stem + layout.mapping_suffix for stem in stems]
                if not targets:
                    continue
                key = self._key_of(model, cls, layout, prefix)
                if key is None:
                    what = "model_type" if layout.key == "model_type" else "configuration class"
                    undecided.append((model, cls, f"no {what} found in the model's configuration files"))
                    continue
                if joins is not None:
                    if holding.get(cls.name, set()) - set(targets):
                        # The class is in a mapping its suffix's classes mostly are not in (an audio model's
                        # ForSequenceClassification in the audio classification mapping, a vision-to-text
                        # ForConditionalGeneration): its mappings are the model's own choice.
                        continue
                    if key not in mapped_keys and any(k in mapped_keys for k in self._keys_of(model, layout)):
                        # The model is mapped under another key, never under this one (a part's
                        # configuration, CLIPTextConfig's clip_text_model): the file maps the model, not its parts.
                        continue
                    # A mapping whose key the model already maps (albert's AlbertForPreTraining where most
                    # ForMaskedLM classes are) has the model's choice, unless such classes join entries there.
                    joined = joins.get(suffix, set())
                    targets = [
                        t for t in targets
                        if t in auto.mappings and (not auto.mappings[t].entries_for(key) or t in joined)
                        # A mapping that holds the class under another spelling of its key (vit_hybrid for
                        # the configuration's vit-hybrid) has it.
                        and t not in holding.get(cls.name, set())
                    ]
                for target in targets:
                    if target not in auto.mappings:
                        continue
                    taken = auto.mappings[target].entries_for(key) if joins is not None else []
                    if taken and cls.name not in taken[0].values:
                        values = (*taken[0].values, cls.name)  # joins the entry, after what it holds
                        out.append(Expected(target, key, cls.name, len(values) - 1, values, model, cls))
                    else:
                        out.append(Expected(target, key, cls.name, 0, (cls.name,), model, cls))
        return out, undecided

    @staticmethod
    def _suffixes_of(
        ctx: Context, auto: AutoFacts, layout: AutoLayout, prefix: str
    ) -> Tuple[Dict[str, List[str]], Dict[str, Set[str]]]:
        """The file's own suffix table: for each class-name suffix (the class minus its model's configuration
        stem), the set of mappings most of the classes with that suffix are in (ties: the set met first); and
        for each suffix, the mappings (full names) where most of its classes are a second or later value of
        their entry."""
        side = 0 if layout.key == "model_type" else 1
        stems: Dict[str, str] = {}
        for model in ctx.catalog.models().values():
            for pair in model.model_types:
                config = pair[1]
                stems.setdefault(pair[side], config[: -len("Config")] if config.endswith("Config") else config)
        sets: Dict[Tuple[str, str], List[str]] = {}  # (suffix, class) -> mappings holding it
        later: Dict[Tuple[str, str], List[int]] = {}  # (suffix, mapping) -> [first values, later values]
        for mapping in auto.mappings.values():
            stem_of_mapping = mapping.name[: -len(layout.mapping_suffix)] if layout.mapping_suffix else mapping.name
            for entry in effective(mapping.entries):
                stem = stems.get(entry.key)
                for position, value in enumerate(entry.values):
                    if stem and value.startswith(prefix + stem) and len(value) > len(prefix + stem):
                        suffix = value[len(prefix + stem) :]
                        held = sets.setdefault((suffix, value), [])
                        if stem_of_mapping not in held:
                            held.append(stem_of_mapping)
                        later.setdefault((suffix, mapping.name), [0, 0])[position > 0] += 1
        votes: Dict[str, Dict[Tuple[str, ...], int]] = {}
        for (suffix, _), held in sets.items():
            tally = votes.setdefault(suffix, {})
            key = tuple(sorted(held))
            tally[key] = tally.get(key, 0) + 1
        joins: Dict[str, Set[str]] = {}
        for (suffix, mapping_name), (first, then) in later.items():
            if then > first:
                joins.setdefault(suffix, set()).add(mapping_name)
        return {suffix: list(max(tally, key=lambda k: tally[k])) for suffix, tally in votes.items()}, joins

    @staticmethod
    def _keys_of(model: Model, layout: AutoLayout) -> List[str]:
        side = 0 if layout.key == "model_type" else 1
        return [pair[side] for pair in model.model_types]

    @staticmethod
    def _key_of(model: Model, cls: PublicClass, layout: AutoLayout, prefix: str) -> Optional[str]:
        if layout.key == "config_class":
            return config_for(model, cls.name, prefix)
        return model.model_type_for(cls.name, prefix)

    @staticmethod
    def _twin_exported(ctx: Context, model: Model, twin: str, guard: str) -> bool:
        init = ctx.catalog.init_of(model.folder)
        return init is not None and any(twin == n.name for s in init.guarded_structure(guard) for n in s.names)

    @staticmethod
    def _twin_defined(ctx: Context, cls: PublicClass, twin: str, module_prefix: str) -> bool:
        """The counterpart module of the class's file (modeling_tf_x.py -> modeling_x.py) defines the twin."""
        if not cls.module.startswith(ctx.backend.modeling_prefix):
            return False
        folder = cls.path.rsplit("/", 1)[0]
        facts, _ = ctx.index.resolve(f"{folder}/{module_prefix}{cls.module[len(ctx.backend.modeling_prefix) :]}")
        return facts is not None and twin in facts.classes

    @staticmethod
    def _by_suffix(
        model: Model, cls: PublicClass, suffixes: Mapping[str, List[str]], prefix: str
    ) -> Tuple[str, List[str]]:
        """The longest suffix of the table the class has (after its model's stem), and its mappings."""
        best = ""
        for suffix in suffixes:
            if cls.name.endswith(suffix) and len(suffix) > len(best):
                stem = cls.name[len(prefix) : -len(suffix)]
                if (
                    any(config.startswith(stem) or config[: -len("Config")] == stem for _, config in model.model_types)
                    and stem
                ):
                    best = suffix
        return best, (list(suffixes.get(best, [])) if best else [])

    # ------------------------------------------------------------------ check

    def describe_layout(self, ctx: Context, rule: Rule) -> str:
        path = ctx.path(rule.target)
        auto = self.read(ctx, rule, path)
        if auto is None:
            return f"{path}: missing"
        layout = next((item for item in layouts_of(rule.params) if item.name == auto.layout), None)
        if layout is None:
            return f"{path}: {auto.layout or 'no known layout'}"
        return f"{path}: {layout.name} (*{layout.mapping_suffix}, {layout.entries} keyed by {layout.key})"

    def check(self, ctx: Context, rule: Rule) -> List[Finding]:
        path = ctx.path(rule.target)
        auto = self.read(ctx, rule, path)
        out: List[Finding] = []
        if auto is None:
            for model in ctx.models():
                for cls in model.classes[:1]:
                    out.append(
                        finding(
                            rule,
                            "missing",
                            cls.name,
                            model.folder,
                            cls.path,
                            cls.line,
                            cls.col,
                            f"{path} does not exist, so {model.folder} has no auto mapping entries",
                            fixable=False,
                            place=f"{path}:{rule.slug}",
                        )
                    )
            return out
        if not auto.layout:
            forms = " or ".join(f"*{layout.mapping_suffix} = OrderedDict([...])" for layout in layouts_of(rule.params))
            return [
                finding(
                    rule,
                    "missing",
                    path,
                    "",
                    path,
                    1,
                    1,
                    f"{path} has no mapping in a layout the rule knows ({forms}); nothing in it is checked or changed",
                    fixable=False,
                    place=f"{path}:{rule.slug}",
                )
            ]
        layout = self.layout_of(rule, auto)
        expected, undecided = self.expected(ctx, rule)
        placement = self.placement(ctx, rule, auto)
        for exp in expected:
            mapping = auto.mappings[exp.mapping]
            keyed = mapping.entries_for(exp.key)
            entry = next((e for e in keyed if exp.name in e.values), None)
            if entry is None:
                taken = keyed[0] if keyed else None
                message = f"{self._shown(layout, exp.key, exp.name)} is missing from {exp.mapping}"
                if taken is not None and layout.entries == "objects":
                    # An object entry holds one class: which of the two the key maps to is a person's call.
                    line, fixable = taken.line, False
                    message += f", which maps {exp.key} to {', '.join(taken.values)}"
                else:
                    keys = [e.key for e in mapping.entries]
                    position = placement(exp.mapping, keys, exp.key)
                    line, fixable = self._insert_line(mapping.entries, mapping.end_line, mapping.line, position), True
                out.append(
                    finding(
                        rule,
                        "missing",
                        exp.name,
                        exp.model.folder,
                        path,
                        line,
                        9,
                        message,
                        fixable=fixable,
                        place=f"{path}:{rule.slug}:{exp.mapping}",
                    )
                )
        for model, cls, why in undecided:
            out.append(
                finding(
                    rule,
                    "missing",
                    cls.name,
                    model.folder,
                    cls.path,
                    cls.line,
                    cls.col,
                    f"cannot decide the auto mapping entry of {cls.name}: {why}",
                    fixable=False,
                    place=f"{path}:{rule.slug}",
                )
            )
        defined = ctx.catalog.defined_anywhere()
        owners = self._owners(ctx.catalog.models(), layout)
        for mapping in auto.mappings.values():
            for entry in mapping.entries:
                for value in entry.values:
                    owner = owners.get(entry.key, "")
                    if value not in defined and ctx.catalog.is_stale(value, owner or None):
                        out.append(
                            finding(
                                rule,
                                "stale",
                                value,
                                owner,
                                path,
                                entry.line,
                                entry.col,
                                f"{mapping.name} maps {self._shown_key(layout, entry.key)} to {value}, which no "
                                f"{ctx.backend.name} modeling file defines",
                                place=f"{path}:{rule.slug}:{mapping.name}",
                            )
                        )
            pairs = set()
            for entry in mapping.entries:
                for value in entry.values:
                    if (entry.key, value) in pairs:
                        out.append(
                            finding(
                                rule,
                                "duplicate",
                                value,
                                owners.get(entry.key, ""),
                                path,
                                entry.line,
                                entry.col,
                                f"{mapping.name} maps {self._shown_key(layout, entry.key)} to {value} twice",
                                fixable=False,
                                place=f"{path}:{rule.slug}:{mapping.name}",
                            )
                        )
                    pairs.add((entry.key, value))
        if self._keeps_sorted(ctx, rule, auto) and ctx.only_models is None:
            for mapping in auto.mappings.values():
                keys = [e.key for e in mapping.entries]
                if keys != sorted(keys, key=pysource.auto_mapping_key):
                    out.append(
                        finding(
                            rule,
                            "order",
                            mapping.name,
                            "",
                            path,
                            mapping.line,
                            1,
                            f"entries of {mapping.name} are not sorted by {layout.key.replace('_', ' ')}",
                            place=f"{path}:{rule.slug}:{mapping.name}",
                        )
                    )
        return out

    @staticmethod
    def _shown_key(layout: AutoLayout, key: str) -> str:
        return f'"{key}"' if layout.entries == "strings" else key

    @classmethod
    def _shown(cls, layout: AutoLayout, key: str, name: str) -> str:
        value = f'"{name}"' if layout.entries == "strings" else name
        return f"({cls._shown_key(layout, key)}, {value})"

    @staticmethod
    def _owners(models: Mapping[str, Model], layout: AutoLayout) -> Dict[str, str]:
        """Key (model_type or configuration class) -> the model folder that defines it (the first, by folder)."""
        side = 0 if layout.key == "model_type" else 1
        owners: Dict[str, str] = {}
        for folder in sorted(models):
            for pair in models[folder].model_types:
                owners.setdefault(pair[side], folder)
        return owners

    @staticmethod
    def _insert_line(entries: Sequence[MappingEntry], end_line: int, line: int, position: int) -> int:
        """The line a new entry at ``position`` goes to (that of the entry it goes before, else the closing line)."""
        if position < len(entries):
            return entries[position].line
        return end_line - 1 if entries else line

    def plan(self, ctx: Context, rule: Rule, findings: Sequence[Finding]) -> Dict[str, str]:
        return plan_auto_mapping(ctx, rule, findings, self)
