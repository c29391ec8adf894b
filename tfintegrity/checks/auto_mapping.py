"""Auto mappings: every public class sits in the ``*_MAPPING_NAMES`` it belongs in, under its model_type.

Which mappings: those that hold the class's counterpart in the counterpart module (TF mirrors
PyTorch: ``TF_<NAME>`` holds ``TFX`` where ``<NAME>`` holds ``X``); when there is no counterpart
entry, the rule's suffix table decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from tfintegrity.context import Context, finding, require_params
from tfintegrity.facts import AutoFacts
from tfintegrity.findings import Finding
from tfintegrity.fixes import pysource
from tfintegrity.index.catalog import Model, PublicClass
from tfintegrity.ruleset import Rule


@dataclass(frozen=True)
class Expected:
    mapping: str
    key: str  # model_type
    name: str  # the class
    position: int  # index within a tuple value (0 for plain values)
    values: Tuple[str, ...]  # the full value the entry should hold, when known from the counterpart
    model: Model
    cls: PublicClass


def swap_prefix(name: str, old: str, new: str) -> str:
    """``name`` with its ``old`` prefix (if it has it) replaced by ``new``: ``MODEL_MAPPING_NAMES`` ->
    ``TF_MODEL_MAPPING_NAMES``, ``BertModel`` -> ``TFBertModel``."""
    return new + (name[len(old) :] if name.startswith(old) else name)


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
            },
        )
        if problem:
            return problem
        for suffix, names in params["suffixes"].items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                return f"suffixes.{suffix} must be a list of mapping names"
        return None

    # ------------------------------------------------------------------ expectations

    def expected(self, ctx: Context, rule: Rule) -> Tuple[List[Expected], List[Tuple[Model, PublicClass, str]]]:
        """Expected entries, and classes whose mapping or key cannot be decided (with why)."""
        params = rule.params
        auto = ctx.index.auto(ctx.path(rule.target))
        counterpart = ctx.index.auto(ctx.path(params["counterpart"]))
        if auto is None:
            return [], []
        by_value: Dict[str, List[Tuple[str, str, int, Tuple[str, ...]]]] = {}
        if counterpart is not None:
            for mapping in counterpart.mappings.values():
                for entry in mapping.entries:
                    for position, value in enumerate(entry.values):
                        by_value.setdefault(value, []).append((mapping.name, entry.key, position, entry.values))
        prefix = ctx.backend.class_prefix
        out: List[Expected] = []
        undecided: List[Tuple[Model, PublicClass, str]] = []
        for model in ctx.models():
            for cls in model.classes:
                twin = params["counterpart_prefix"] + cls.name[len(prefix) :] if cls.name.startswith(prefix) else None
                mirrored = by_value.get(twin, []) if twin else []
                if mirrored:
                    for mapping_name, key, position, values in mirrored:
                        target = swap_prefix(mapping_name, params["counterpart_prefix"], params["mapping_prefix"])
                        if target not in auto.mappings:
                            continue
                        mirrored_values = tuple(swap_prefix(v, params["counterpart_prefix"], prefix) for v in values)
                        out.append(Expected(target, key, cls.name, position, mirrored_values, model, cls))
                    continue
                if twin and (
                    self._twin_exported(ctx, model, twin, params["counterpart_guard"])
                    or self._twin_defined(ctx, cls, twin, params["counterpart_module_prefix"])
                ):
                    continue  # the counterpart exists and is deliberately in no mapping: so is this class
                targets = self._by_suffix(model, cls, params["suffixes"], prefix)
                if not targets:
                    continue
                model_type = model.model_type_for(cls.name, prefix)
                if model_type is None:
                    undecided.append((model, cls, "no model_type found in the model's configuration files"))
                    continue
                for target in targets:
                    if target in auto.mappings:
                        out.append(Expected(target, model_type, cls.name, 0, (cls.name,), model, cls))
        return out, undecided

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
    def _by_suffix(model: Model, cls: PublicClass, suffixes: Mapping[str, List[str]], prefix: str) -> List[str]:
        best = ""
        for suffix in suffixes:
            if cls.name.endswith(suffix) and len(suffix) > len(best):
                stem = cls.name[len(prefix) : -len(suffix)]
                if (
                    any(config.startswith(stem) or config[: -len("Config")] == stem for _, config in model.model_types)
                    and stem
                ):
                    best = suffix
        return list(suffixes.get(best, [])) if best else []

    # ------------------------------------------------------------------ check

    def check(self, ctx: Context, rule: Rule) -> List[Finding]:
        path = ctx.path(rule.target)
        auto = ctx.index.auto(path)
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
        expected, undecided = self.expected(ctx, rule)
        for exp in expected:
            mapping = auto.mappings[exp.mapping]
            entry = next((e for e in mapping.entries if e.key == exp.key and exp.name in e.values), None)
            if entry is None:
                line = self._insert_line(auto, exp.mapping, exp.key)
                out.append(
                    finding(
                        rule,
                        "missing",
                        exp.name,
                        exp.model.folder,
                        path,
                        line,
                        9,
                        f'("{exp.key}", "{exp.name}") is missing from {exp.mapping}',
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
        models = ctx.catalog.models()
        for mapping in auto.mappings.values():
            for entry in mapping.entries:
                for value in entry.values:
                    owner = self._model_for_key(models, entry.key)
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
                                f'{mapping.name} maps "{entry.key}" to {value}, which no '
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
                                self._model_for_key(models, entry.key),
                                path,
                                entry.line,
                                entry.col,
                                f'{mapping.name} maps "{entry.key}" to {value} twice',
                                fixable=False,
                                place=f"{path}:{rule.slug}:{mapping.name}",
                            )
                        )
                    pairs.add((entry.key, value))
            keys = [e.key for e in mapping.entries]
            if keys != sorted(keys, key=pysource.auto_mapping_key) and ctx.only_models is None:
                out.append(
                    finding(
                        rule,
                        "order",
                        mapping.name,
                        "",
                        path,
                        mapping.line,
                        1,
                        f"entries of {mapping.name} are not sorted by model_type",
                        place=f"{path}:{rule.slug}:{mapping.name}",
                    )
                )
        return [f for f in out if not f.model or ctx.in_scope(f.model)]

    @staticmethod
    def _model_for_key(models: Mapping[str, Model], key: str) -> str:
        for model in models.values():
            if any(t == key for t, _ in model.model_types):
                return model.folder
        return ""

    @staticmethod
    def _insert_line(auto: AutoFacts, mapping_name: str, key: str) -> int:
        mapping = auto.mappings[mapping_name]
        for entry in mapping.entries:
            if pysource.auto_mapping_key(entry.key) > pysource.auto_mapping_key(key):
                return entry.line
        return mapping.end_line - 1 if mapping.entries else mapping.line

    def plan(self, ctx: Context, rule: Rule, findings: Sequence[Finding]) -> Dict[str, str]:
        from tfintegrity.fixes.auto_mapping import plan_auto_mapping

        return plan_auto_mapping(ctx, rule, findings, self)
