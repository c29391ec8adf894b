"""The one entry point the CLI (and tests, and the pre-commit hook) call.

config -> index -> checks -> findings -> report, or -> fix plan -> verified atomic writes.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from tfintegrity import config as config_mod
from tfintegrity.config import Config
from tfintegrity.context import Context
from tfintegrity.errors import TfiError
from tfintegrity.findings import CheckResult, Finding, Unfixed
from tfintegrity.index import cache as cache_mod
from tfintegrity.index.catalog import Catalog
from tfintegrity.index.quiet import gc_paused
from tfintegrity.index.repo import RepoIndex
from tfintegrity.primitives import PRIMITIVES
from tfintegrity.ruleset import Rule, RuleSet, load_ruleset


@dataclass(frozen=True)
class Options:
    root: Optional[Path] = None  # None: found upwards from the current directory
    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    backends: Tuple[str, ...] = ()  # empty: the configuration's (default: tf)
    rules_dirs: Tuple[Path, ...] = ()
    fix: bool = False
    diff: bool = False
    paths: Optional[Tuple[str, ...]] = None  # restrict to the models these files belong to
    base: Optional[str] = None  # restrict to models changed since the merge-base with this ref
    use_baseline: bool = True
    cwd: Path = field(default_factory=Path.cwd)
    use_cache: bool = True  # the per-file fact cache in .tfintegrity_cache/ (--no-cache: off)


@dataclass(frozen=True)
class Session:
    """Configuration and rules resolved for one run."""

    root: Path
    config: Config
    ruleset: RuleSet
    rules: Tuple[Rule, ...]  # the selected ones
    parsed_rules: Optional[cache_mod.ParsedRules] = None  # the rule files' TOML, kept with the fact cache


def root_of(options: Options) -> Path:
    """The root the options name, else the one found upwards from their working directory."""
    return options.root.resolve() if options.root is not None else config_mod.find_root(options.cwd)


def open_session(options: Options) -> Session:
    root = root_of(options)
    if not root.exists():
        raise TfiError("root does not exist", str(options.root))
    config = config_mod.load_config(root)
    config_mod.check_root(root, config.package)
    parsed = cache_mod.ParsedRules.at(root) if cache_wanted(options) else None
    dirs = [*config.extend_rules, *options.rules_dirs]
    ruleset = load_ruleset(dirs, PRIMITIVES, parsed.store if parsed else None)
    config_mod.validate_codes(config, ruleset.codes, options.select, options.ignore)
    ruleset = with_params(ruleset, config)
    backends = active_backends(options, config, ruleset)
    select = options.select or config.select
    ignore = tuple(options.ignore) + tuple(config.ignore)
    rules = tuple(
        r for r in ruleset.rules if r.backend in backends and config_mod.selected(r.code, select, ignore)
    )
    return Session(root, config, ruleset, rules, parsed)


def active_backends(options: Options, config: Config, ruleset: RuleSet) -> Tuple[str, ...]:
    """The backends whose rules run: ``--backends``, else ``backends`` in ``[tool.tfintegrity]`` (default tf)."""
    chosen = options.backends or config.backends
    for name in chosen:
        if name not in ruleset.backends:
            source = config.source or "the configuration"
            where = "--backends" if options.backends else f"[tool.tfintegrity] backends of {source}"
            raise TfiError(f"unknown backend {name!r} in {where} (known: {', '.join(sorted(ruleset.backends))})")
    return tuple(chosen)


def with_params(ruleset: RuleSet, config: Config) -> RuleSet:
    """The rules with ``[tool.tfintegrity.rule-params]`` laid over their own parameters, validated as the
    rule files are (a layout the tree's own files do not make clear is forced this way)."""
    if not config.rule_params:
        return ruleset
    rules = []
    for rule in ruleset.rules:
        override = config.rule_params.get(rule.code)
        if override:
            params = {**rule.params, **override}
            problem = PRIMITIVES[rule.primitive].validate_params(params)
            if problem:
                raise TfiError(
                    f"[tool.tfintegrity.rule-params.{rule.code}]: {problem}", config.source or "pyproject.toml"
                )
            rule = replace(rule, params=params)
        rules.append(rule)
    return replace(ruleset, rules=tuple(rules))


# --------------------------------------------------------------------------- checking


NO_CACHE_ENV = "TFINTEGRITY_NO_CACHE"


def open_index(session: Session, options: Options) -> RepoIndex:
    """The index of the session's root, with the fact cache unless the options (or the environment's
    ``TFINTEGRITY_NO_CACHE``) turn it off."""
    found = cache_mod.FactCache.at(session.root, session_key(session)) if cache_wanted(options) else None
    return RepoIndex(session.root, session.config.package, cache=found)


def cache_wanted(options: Options) -> bool:
    """The options (and the environment's ``TFINTEGRITY_NO_CACHE``) let the run use the cache."""
    return options.use_cache and os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def session_key(session: Session) -> str:
    """What the facts and results of a run depend on besides the files: the rules (with their parameters,
    so the layouts) and the configuration."""
    return cache_mod.fingerprint(repr(session.ruleset), repr(session.config))


def save_cache(index: RepoIndex, session: Optional[Session] = None) -> None:
    """Write the index's cache (if it changed), pruned of the entries of files that no longer exist, and
    the session's parsed rule files (if it parsed new ones)."""
    read = set(index.files_read())
    index.cache.save(lambda rel: rel in read or index.root.joinpath(rel).is_file())
    if session is not None and session.parsed_rules is not None and index.cache.enabled:
        session.parsed_rules.save()


def collect(
    session: Session, index: RepoIndex, only_models: Optional[Set[str]], notes: Optional[List[str]] = None
) -> List[Finding]:
    """Every finding of the session's rules (of ``only_models`` when given); ``notes`` gets what a rule had
    nothing to check in. With a cache, a run whose inputs are unchanged returns the recorded result."""
    key = None
    if index.cache.enabled and not index.overlay:
        key = cache_mod.fingerprint(
            "result", *(r.code for r in session.rules), repr(sorted(only_models) if only_models is not None else None)
        )
        record = index.cache.result(key)
        if record is not None and index.replay(record["inputs"]):
            try:
                findings, said = cache_mod.decode(record["value"])
                result = list(findings)
                if notes is not None:
                    notes.extend(n for n in said if n not in notes)
                return result
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                pass  # a damaged record: check afresh
    before = list(notes) if notes is not None else []
    result = _collect(session, index, only_models, notes)
    index.validate_read()
    if key is not None:
        said = tuple(n for n in notes if n not in before) if notes is not None else ()
        index.cache.put_result(key, index.inputs(), (tuple(result), said))
    return result


def _collect(
    session: Session, index: RepoIndex, only_models: Optional[Set[str]], notes: Optional[List[str]] = None
) -> List[Finding]:
    found: List[Finding] = []
    catalogs: Dict[str, Catalog] = {}
    for rule in session.rules:
        backend = session.ruleset.backends[rule.backend]
        if backend.name not in catalogs:
            catalogs[backend.name] = Catalog(index, backend)
            if not index.overlay:  # what every rule reads first: the models, and the rules' shared files
                shared = [
                    (kind, rule_.target.format(package=session.config.package))
                    for rule_ in session.rules
                    if rule_.backend == backend.name
                    and "{" not in rule_.target.replace("{package}", "")
                    and (kind := getattr(PRIMITIVES[rule_.primitive], "reads", None))
                ]
                index.prefetch([*catalogs[backend.name].planned_reads(), *dict.fromkeys(shared)])
        catalog = catalogs[backend.name]
        ctx = Context(index, backend, catalog, only_models, notes)
        for item in PRIMITIVES[rule.primitive].check(ctx, rule):
            if not in_scope(item, only_models):
                continue
            if not config_mod.ignored_for_symbol(session.config, item.code, item.symbol):
                found.append(item)
    unique = {f.key + (f.line,): f for f in found}
    return sorted(unique.values(), key=Finding.sort_key)


def in_scope(item: Finding, only_models: Optional[Set[str]]) -> bool:
    """A scoped run reports (and so fixes) only entries of its models; of the findings about no model, only
    those that say why a place cannot be checked (they are not fixable: nothing of another model moves)."""
    if only_models is None:
        return True
    return item.model in only_models if item.model else not item.fixable


def scope_models(session: Session, index: RepoIndex, options: Options) -> Optional[Set[str]]:
    """Model folders to report on, or ``None`` for all (a shared file changed, or no scope given)."""
    paths: Optional[List[str]] = None
    if options.paths is not None:
        paths = [_relative(session.root, options.cwd, p) for p in options.paths]
    if options.base is not None:
        from tfintegrity.gitscope import changed_paths

        changed = changed_paths(session.root, options.base)
        paths = changed if paths is None else [p for p in paths if p in set(changed)]
    if paths is None:
        return None
    catalogs = [Catalog(index, backend) for backend in session.ruleset.backends.values()]
    wanted: Set[str] = set()
    shared = {session.config.package + "/__init__.py"}
    for rule in session.rules:
        target = rule.target.replace("{package}", session.config.package)
        if "{" not in target:
            shared.add(target)
        for key in ("counterpart", "source"):
            value = rule.params.get(key)
            if isinstance(value, str):
                shared.add(value.format(package=session.config.package))
        for layout in rule.params.get("lists", ()):
            if isinstance(layout, dict) and isinstance(layout.get("path"), str):
                shared.add(layout["path"].format(package=session.config.package))
    if any(path in shared for path in paths):
        return None
    wanted = catalogs[0].models_for_paths(paths) if catalogs else set()
    for path in paths:
        if path.startswith("docs/") and path.endswith((".md", ".mdx", ".rst")):
            stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            for catalog in catalogs:
                for model in catalog.models().values():
                    names = {t for t, _ in model.model_types} | {model.folder, model.folder.replace("_", "-")}
                    if stem in names or stem.replace("-", "_") in names:
                        wanted.add(model.folder)
    return wanted


def _relative(root: Path, cwd: Path, path: str) -> str:
    absolute = (cwd / path).resolve() if not Path(path).is_absolute() else Path(path).resolve()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def run(options: Options) -> Tuple[CheckResult, Session]:
    """Check (and with ``fix`` write, with ``diff`` plan) as the options say."""
    session = open_session(options)
    if not options.fix:
        # Facts and syntax trees have no cycles, and the index (all that is in memory) is gone by the end:
        # the collector's passes over them would only cost time.
        with gc_paused():
            result = _check_only(session, options)
        return result, session
    from tfintegrity.writer import repo_lock

    # Read, plan and write under one lock, so parallel hooks fix one after the other.
    with repo_lock(session.root):
        index = open_index(session, options)
        result, changes = evaluate(session, index, options)
        if changes:
            write_changes(session.root, index, changes)
        save_cache(index, session)
    return result, session


def _check_only(session: Session, options: Options) -> CheckResult:
    index = open_index(session, options)
    result = evaluate(session, index, options)[0]
    save_cache(index, session)
    return result


def evaluate(
    session: Session, index: RepoIndex, options: Options
) -> Tuple[CheckResult, Dict[str, Tuple[Optional[str], str]]]:
    """The findings, and with ``fix``/``diff`` the planned changes (path -> (old text, new text)).

    Writes nothing: ``run`` hands the changes to the writer.
    """
    only = scope_models(session, index, options)
    notes: List[str] = []
    initial = collect(session, index, only, notes)
    baseline = load_baseline(session) if options.use_baseline else None
    if not (options.fix or options.diff):
        result = CheckResult(findings=tuple(initial), files_checked=len(index.files_read()), notes=tuple(notes))
        return apply_baseline(result, baseline), {}
    from tfintegrity.fixes.loop import fix_loop

    hidden = {f.key for f in initial if baseline is not None and f.key in baseline}
    to_fix = [f for f in initial if f.key not in hidden]
    outcome = fix_loop(session, index, initial, only, collect, hidden)
    remaining = outcome.remaining
    changes = outcome.changes
    remaining_keys = {f.key for f in remaining}
    fixed = tuple(f for f in to_fix if f.key not in remaining_keys)
    unfixed = tuple(
        Unfixed(f, outcome.reasons.get(f.key, "no automatic fix for this finding"))
        for f in remaining
        if f.key not in hidden and (not f.fixable or f.key in outcome.reasons)
    )
    result = CheckResult(
        findings=tuple(remaining),
        fixed=fixed,
        changed_files=tuple(sorted(changes)),
        unfixed=unfixed,
        diff=render_diff(changes) if changes else "",
        converged=outcome.converged,
        files_checked=len(index.files_read()),
        notes=tuple(notes),
    )
    return apply_baseline(result, baseline), changes


# --------------------------------------------------------------------------- writing


def render_diff(changes: Dict[str, Tuple[Optional[str], str]]) -> str:
    out: List[str] = []
    for path in sorted(changes):
        old, new = changes[path]
        out.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"a/{path}" if old is not None else "/dev/null",
                tofile=f"b/{path}",
            )
        )
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)
    return text


def verify_python(path: str, data: bytes) -> None:
    if not path.endswith(".py"):
        return
    try:
        ast.parse(data.decode("utf-8-sig"), filename=path)
    except SyntaxError as exc:
        raise TfiError(f"a planned fix would not parse ({exc.msg}); nothing was written", path, exc.lineno) from None


def write_changes(root: Path, index: RepoIndex, changes: Dict[str, Tuple[Optional[str], str]]) -> List[str]:
    from tfintegrity.writer import PlannedWrite, write_all

    writes = []
    for path, (_old_text, new_text) in sorted(changes.items()):
        old_bytes = index.raw(path)
        prefix = b"\xef\xbb\xbf" if old_bytes is not None and old_bytes.startswith(b"\xef\xbb\xbf") else b""
        writes.append(PlannedWrite(path, old_bytes, prefix + new_text.encode("utf-8")))
    return write_all(root, writes, verify=verify_python)


# --------------------------------------------------------------------------- baseline


def load_baseline(session: Session) -> Optional[Set[Tuple[str, str, str, str]]]:
    path = session.root / session.config.baseline
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["findings"]
        return {(e["code"], e["symbol"], e["place"], e["kind"]) for e in entries}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise TfiError(f"not a tfintegrity baseline ({type(exc).__name__}: {exc})", session.config.baseline) from None


def apply_baseline(result: CheckResult, baseline: Optional[Set[Tuple[str, str, str, str]]]) -> CheckResult:
    if baseline is None:
        return result
    kept = tuple(f for f in result.findings if f.key not in baseline)
    present = {f.key for f in result.findings} | {f.key for f in result.fixed}
    gone = tuple(sorted(k for k in baseline if k not in present))
    return replace(result, findings=kept, baselined=len(result.findings) - len(kept), baseline_gone=gone)


def write_baseline(options: Options) -> Tuple[int, Path]:
    session = open_session(options)
    index = RepoIndex(session.root, session.config.package)
    findings = collect(session, index, None)
    # One entry per key (code, symbol, place, kind): never a line number.
    by_key = {f.key: f for f in sorted(findings, key=lambda f: (f.code, f.place, f.symbol, f.kind))}
    unique = [
        {"code": f.code, "symbol": f.symbol, "place": f.place, "kind": f.kind, "message": f.message}
        for f in by_key.values()
    ]
    path = session.root / session.config.baseline
    text = json.dumps({"version": 1, "findings": unique}, indent=2) + "\n"
    from tfintegrity.writer import PlannedWrite, write_all

    old = path.read_bytes() if path.is_file() else None
    write_all(session.root, [PlannedWrite(session.config.baseline, old, text.encode("utf-8"))])
    return len(unique), path


def describe_layouts(options: Options) -> List[Tuple[Rule, str]]:
    """How the tree writes each rule's place, as the rule's primitive reads it (``tfintegrity layout``)."""
    session = open_session(options)
    index = RepoIndex(session.root, session.config.package)
    out = []
    for rule in session.rules:
        backend = session.ruleset.backends[rule.backend]
        primitive = PRIMITIVES[rule.primitive]
        describe = getattr(primitive, "describe_layout", None)
        text = describe(Context(index, backend, Catalog(index, backend)), rule) if describe else "(not described)"
        out.append((rule, text))
    return out


def clean_cache(options: Options) -> Tuple[int, Path]:
    """Remove the root's cache folder: the number of files removed, and the folder."""
    root = root_of(options)
    if not root.is_dir():
        raise TfiError("root does not exist", str(options.root))
    return len(cache_mod.clean(root)), root / cache_mod.CACHE_DIR


def known_rules(options: Options) -> Tuple[Tuple[Rule, ...], Tuple[str, ...]]:
    """Every rule known (built-in and extra folders) and the backends a check with these options would run,
    for ``tfintegrity rules`` and ``explain``: without a tree or a configuration, the built-in rules and those
    of ``--rules-dir``, and the backends of ``--backends`` (else tf)."""
    try:
        session = open_session(options)
    except TfiError:
        fallback = tuple(options.backends) or config_mod.DEFAULT_BACKENDS
        return load_ruleset(list(options.rules_dirs), PRIMITIVES).rules, fallback
    return session.ruleset.rules, active_backends(options, session.config, session.ruleset)


def rules_by_backend(rules: Iterable[Rule], on: Sequence[str]) -> List[Tuple[str, Tuple[Rule, ...]]]:
    """The rules grouped by backend: the active backends first, in the order they are turned on, then the
    others by name; each group by code."""
    rules = list(rules)
    known = sorted({r.backend for r in rules}, key=lambda b: (b not in on, on.index(b) if b in on else 0, b))
    return [(b, tuple(sorted((r for r in rules if r.backend == b), key=lambda r: r.code))) for b in known]
