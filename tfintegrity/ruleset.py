"""Rule specifications: TOML files read once, validated, and turned into frozen dataclasses.

A rule file holds data only; the engine maps its ``primitive`` to code through one explicit table
(``tfintegrity.primitives.PRIMITIVES``). Backends (``rules/backends/*.toml``) hold what differs
between TensorFlow, PyTorch and Flax, so no primitive branches on a backend.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, MutableMapping, Optional, Tuple

from tfintegrity.errors import TfiError
from tfintegrity.tomlcompat import toml_error_line as _toml_line
from tfintegrity.tomlcompat import tomllib


def _builtin_rules_dir() -> Path:
    """``tfintegrity/rules`` in an installed wheel; the top-level ``rules/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "rules"
    return installed if installed.is_dir() else here.parent / "rules"


BUILTIN_RULES_DIR = _builtin_rules_dir()
CODE_PATTERN = re.compile(r"^[A-Z]{2,5}\d{3}$")


@dataclass(frozen=True)
class Backend:
    name: str
    guard: str  # availability function, e.g. "is_tf_available"
    modeling_glob: str  # e.g. "modeling_tf_*.py"
    modeling_prefix: str  # stem prefix, e.g. "modeling_tf_"
    class_prefix: str  # e.g. "TF"
    base_class: str  # e.g. "TFPreTrainedModel"
    constant_pattern: str  # regex for exported constants, e.g. ^TF_\w+_PRETRAINED_MODEL_ARCHIVE_LIST$
    dummy_backends: Tuple[str, ...]  # e.g. ("tf",)
    doc_member: str  # e.g. "call"
    extra_base_classes: Tuple[str, ...] = ()
    modeling_exclude: Tuple[str, ...] = ()  # globs the modeling glob must not take (PyTorch: the TF and Flax files)
    helper_pattern: str = ""  # regex for functions a model exports with its classes (PyTorch: load_tf_weights_in_*)
    private_pattern: str = ""  # regex for classes public only where the init lists them (PyTorch: *Encoder)
    source: str = ""


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    summary: str
    what: str
    why: str
    example: str
    fix_safety: str
    backend: str
    applies_to: str  # "required" | "exports" | "modules" | "documented"
    primitive: str
    target: str  # path template, e.g. "{package}/models/{folder}/__init__.py"
    params: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""


RULE_KEYS: Dict[str, type] = {
    "code": str,
    "slug": str,
    "summary": str,
    "what": str,
    "why": str,
    "example": str,
    "fix_safety": str,
    "backend": str,
    "applies_to": str,
    "primitive": str,
    "target": str,
    "params": dict,
}
OPTIONAL_RULE_KEYS = {"params"}
APPLIES_TO = ("required", "exports", "modules", "documented")

BACKEND_KEYS: Dict[str, type] = {
    "name": str,
    "guard": str,
    "modeling_glob": str,
    "modeling_prefix": str,
    "class_prefix": str,
    "base_class": str,
    "constant_pattern": str,
    "dummy_backends": list,
    "doc_member": str,
    "extra_base_classes": list,
    "modeling_exclude": list,
    "helper_pattern": str,
    "private_pattern": str,
}
OPTIONAL_BACKEND_KEYS = {"extra_base_classes", "modeling_exclude", "helper_pattern", "private_pattern"}


# Parsed rule and backend files by (path, bytes): a session loads the same files every run, and parsing
# the TOML is most of the cost. A file's bytes are its whole input, so an entry never goes stale.
_PARSED: Dict[Tuple[str, bytes], Any] = {}


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TfiError(f"cannot read rule file: {exc.strerror or exc}", str(path)) from None


def _memo(path: Path, build: Any, primitives: Optional[Mapping[str, Any]] = None) -> Any:
    """``build(path, data)`` once per file content; a rule only when validated against the built-in
    primitive table (another table may judge the same file otherwise)."""
    data = _read(path)
    if primitives is not None:
        from tfintegrity.primitives import PRIMITIVES

        if primitives is not PRIMITIVES:
            return build(path, data)
    key = (str(path), data)
    if key not in _PARSED:
        if len(_PARSED) > 4096:
            _PARSED.clear()
        _PARSED[key] = build(path, data)
    return _PARSED[key]


# A store of parsed TOML: by the SHA-1 of the file's bytes, kept across runs by the caller
# (``load_ruleset(parsed=...)``: the fact cache's folder), so a fresh process parses no rule file it has
# parsed before.
Store = Optional[MutableMapping[str, Any]]


def _load_toml(path: Path, data: bytes, store: Store = None) -> Dict[str, Any]:
    key = hashlib.sha1(data).hexdigest()
    if store is not None and isinstance(store.get(key), dict):
        return store[key]
    parsed = _parse_toml(path, data)
    if store is not None:
        store[key] = parsed
    return parsed


def _parse_toml(path: Path, data: bytes) -> Dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise TfiError("rule file is not UTF-8", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        line = _toml_line(exc)
        message = str(exc).split(" (at line")[0]
        raise TfiError(f"invalid TOML: {message}", str(path), line) from None


def _validate(
    path: Path, data: Mapping[str, Any], keys: Mapping[str, type], optional: Iterable[str], what: str
) -> None:
    optional = set(optional)
    for key in data:
        if key not in keys:
            raise TfiError(f"unknown key {key!r} in {what} (known: {', '.join(sorted(keys))})", str(path))
    for key, kind in keys.items():
        if key not in data:
            if key in optional:
                continue
            raise TfiError(f"missing key {key!r} in {what}", str(path))
        if not isinstance(data[key], kind):
            raise TfiError(
                f"key {key!r} in {what} must be a {kind.__name__}, not {type(data[key]).__name__}", str(path)
            )


def load_backend(path: Path, store: Store = None) -> Backend:
    return _memo(path, lambda path, raw: _build_backend(path, raw, store))


def _build_backend(path: Path, raw: bytes, store: Store = None) -> Backend:
    data = _load_toml(path, raw, store)
    _validate(path, data, BACKEND_KEYS, OPTIONAL_BACKEND_KEYS, "backend file")
    for key in ("constant_pattern", "helper_pattern", "private_pattern"):
        try:
            re.compile(data.get(key, ""))
        except re.error as exc:
            raise TfiError(f"{key} is not a regular expression: {exc}", str(path)) from None
    return Backend(
        name=data["name"],
        guard=data["guard"],
        modeling_glob=data["modeling_glob"],
        modeling_prefix=data["modeling_prefix"],
        class_prefix=data["class_prefix"],
        base_class=data["base_class"],
        constant_pattern=data["constant_pattern"],
        dummy_backends=tuple(str(b) for b in data["dummy_backends"]),
        doc_member=data["doc_member"],
        extra_base_classes=tuple(str(b) for b in data.get("extra_base_classes", [])),
        modeling_exclude=tuple(str(g) for g in data.get("modeling_exclude", [])),
        helper_pattern=data.get("helper_pattern", ""),
        private_pattern=data.get("private_pattern", ""),
        source=str(path),
    )


def load_rule(path: Path, primitives: Mapping[str, Any], store: Store = None) -> Rule:
    return _memo(path, lambda path, raw: _build_rule(path, raw, primitives, store), primitives)


def _build_rule(path: Path, raw: bytes, primitives: Mapping[str, Any], store: Store = None) -> Rule:
    data = _load_toml(path, raw, store)
    _validate(path, data, RULE_KEYS, OPTIONAL_RULE_KEYS, "rule file")
    if not CODE_PATTERN.match(data["code"]):
        raise TfiError(f"code {data['code']!r} is not of the form ABC123", str(path))
    if data["applies_to"] not in APPLIES_TO:
        raise TfiError(f"applies_to must be one of {', '.join(APPLIES_TO)}, not {data['applies_to']!r}", str(path))
    primitive = primitives.get(data["primitive"])
    if primitive is None:
        raise TfiError(f"unknown primitive {data['primitive']!r} (known: {', '.join(sorted(primitives))})", str(path))
    params = dict(data.get("params", {}))
    problem = primitive.validate_params(params)
    if problem:
        raise TfiError(f"params: {problem}", str(path))
    return Rule(
        code=data["code"],
        slug=data["slug"],
        summary=data["summary"].strip(),
        what=data["what"].strip(),
        why=data["why"].strip(),
        example=data["example"].strip("\n"),
        fix_safety=data["fix_safety"].strip(),
        backend=data["backend"],
        applies_to=data["applies_to"],
        primitive=data["primitive"],
        target=data["target"],
        params=params,
        source=str(path),
    )


@dataclass(frozen=True)
class RuleSet:
    rules: Tuple[Rule, ...]
    backends: Mapping[str, Backend]

    def by_code(self, code: str) -> Optional[Rule]:
        for rule in self.rules:
            if rule.code == code:
                return rule
        return None

    @property
    def codes(self) -> Tuple[str, ...]:
        return tuple(r.code for r in self.rules)


def load_ruleset(
    extra_dirs: Iterable[Path] = (),
    primitives: Optional[Mapping[str, Any]] = None,
    parsed: Store = None,
) -> RuleSet:
    """The built-in rules plus those of ``extra_dirs`` (each a folder of ``*.toml`` with ``backends/``).
    ``parsed``: the TOML of files parsed in earlier runs, by content (read and added to)."""
    if primitives is None:
        from tfintegrity.primitives import PRIMITIVES

        primitives = PRIMITIVES
    rules: List[Rule] = []
    backends: Dict[str, Backend] = {}
    for folder in [BUILTIN_RULES_DIR, *extra_dirs]:
        if not folder.is_dir():
            raise TfiError("rules folder does not exist", str(folder))
        backend_dir = folder / "backends"
        if backend_dir.is_dir():
            for path in sorted(backend_dir.glob("*.toml")):
                backend = load_backend(path, parsed)
                backends[backend.name] = backend
        for path in sorted(folder.glob("*.toml")):
            rule = load_rule(path, primitives, parsed)
            for other in rules:
                if other.code == rule.code:
                    raise TfiError(f"code {rule.code} is already used by {other.source}", str(path))
            rules.append(rule)
    for rule in rules:
        if rule.backend not in backends:
            raise TfiError(f"unknown backend {rule.backend!r} (known: {', '.join(sorted(backends))})", rule.source)
    return RuleSet(tuple(sorted(rules, key=lambda r: r.code)), backends)
