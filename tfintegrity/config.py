"""``[tool.tfintegrity]`` in the checked repository's ``pyproject.toml``, validated once.

A key or code that is not known is an error naming the file and the key (exit 2), never ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from tfintegrity.errors import TfiError
from tfintegrity.tomlcompat import toml_error_line as _toml_line
from tfintegrity.tomlcompat import tomllib

DEFAULT_PACKAGE = "src/transformers"
DEFAULT_BASELINE = ".tfintegrity-baseline.json"
KEYS = ("package", "backends", "select", "ignore", "per-symbol-ignores", "extend-rules", "baseline", "rule-params")
DEFAULT_BACKENDS = ("tf",)


@dataclass(frozen=True)
class Config:
    root: Path
    package: str = DEFAULT_PACKAGE
    backends: Tuple[str, ...] = DEFAULT_BACKENDS  # the backends whose rules run: "tf", "pt", "flax"
    select: Tuple[str, ...] = ()  # empty: every rule
    ignore: Tuple[str, ...] = ()
    per_symbol_ignores: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    extend_rules: Tuple[Path, ...] = ()
    baseline: str = DEFAULT_BASELINE
    source: Optional[str] = None  # the pyproject.toml it came from
    # code -> parameters laid over the rule's own: how a layout is forced (``doc_dirs``, ``lists``, ...)
    rule_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def _line_of(text: str, needle: str) -> Optional[int]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(needle) or line.strip().startswith(f'"{needle}"'):
            return number
    return None


def read_pyproject(root: Path) -> Tuple[Dict[str, Any], str, str]:
    """The ``[tool.tfintegrity]`` table (empty when absent), the file's text and its display path."""
    path = root / "pyproject.toml"
    display = "pyproject.toml"
    if not path.is_file():
        return {}, "", display
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise TfiError("not UTF-8", display) from None
    except OSError as exc:
        raise TfiError(f"cannot read: {exc.strerror or exc}", display) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc).split(" (at line")[0]
        raise TfiError(f"invalid TOML: {message}", display, _toml_line(exc)) from None
    tool = data.get("tool", {})
    table = tool.get("tfintegrity", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise TfiError("[tool.tfintegrity] must be a table", display)
    return table, text, display


def _strings(value: Any, key: str, display: str, line: Optional[int]) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TfiError(f"[tool.tfintegrity] {key} must be a list of strings", display, line)
    return tuple(value)


def load_config(root: Path) -> Config:
    table, text, display = read_pyproject(root)
    for key in table:
        if key not in KEYS:
            hint = _suggest(key, KEYS)
            raise TfiError(
                f"unknown key {key!r} in [tool.tfintegrity]{hint} (known: {', '.join(KEYS)})",
                display,
                _line_of(text, key),
            )
    package = table.get("package", DEFAULT_PACKAGE)
    if not isinstance(package, str) or not package.strip("/"):
        raise TfiError(
            "[tool.tfintegrity] package must be a path such as 'src/transformers'", display, _line_of(text, "package")
        )
    ignores: Dict[str, Tuple[str, ...]] = {}
    raw_ignores = table.get("per-symbol-ignores", {})
    if not isinstance(raw_ignores, dict):
        raise TfiError(
            "[tool.tfintegrity] per-symbol-ignores must be a table", display, _line_of(text, "per-symbol-ignores")
        )
    for symbol, codes in raw_ignores.items():
        ignores[symbol] = _strings(codes, f"per-symbol-ignores.{symbol}", display, _line_of(text, symbol))
    raw_params = table.get("rule-params", {})
    if not isinstance(raw_params, dict) or not all(isinstance(v, dict) for v in raw_params.values()):
        raise TfiError(
            "[tool.tfintegrity] rule-params must be a table of tables, one per rule code",
            display,
            _line_of(text, "rule-params") or _line_of(text, "[tool.tfintegrity.rule-params"),
        )
    baseline = table.get("baseline", DEFAULT_BASELINE)
    if not isinstance(baseline, str):
        raise TfiError("[tool.tfintegrity] baseline must be a path", display, _line_of(text, "baseline"))
    return Config(
        root=root,
        package=package.strip("/"),
        backends=_strings(table.get("backends", list(DEFAULT_BACKENDS)), "backends", display, _line_of(text, "backends"))
        or DEFAULT_BACKENDS,
        select=_strings(table.get("select", []), "select", display, _line_of(text, "select")),
        ignore=_strings(table.get("ignore", []), "ignore", display, _line_of(text, "ignore")),
        per_symbol_ignores=ignores,
        extend_rules=tuple(
            root / p
            for p in _strings(table.get("extend-rules", []), "extend-rules", display, _line_of(text, "extend-rules"))
        ),
        baseline=baseline,
        source=display if table else None,
        rule_params={code: dict(params) for code, params in raw_params.items()},
    )


def validate_codes(config: Config, known: Sequence[str], cli_select: Sequence[str], cli_ignore: Sequence[str]) -> None:
    """Every code named anywhere must be a known code or a prefix of one (``TFI`` selects all)."""
    display = config.source or "pyproject.toml"
    text = ""
    path = config.root / "pyproject.toml"
    if path.is_file():
        text = path.read_text(encoding="utf-8", errors="replace")

    def known_code(code: str) -> bool:
        return any(k.startswith(code) for k in known) and code != ""

    for code in cli_select:
        if not known_code(code):
            raise TfiError(f"unknown rule code {code!r} in --select{_suggest(code, known)}")
    for code in cli_ignore:
        if not known_code(code):
            raise TfiError(f"unknown rule code {code!r} in --ignore{_suggest(code, known)}")
    for key, codes in (("select", config.select), ("ignore", config.ignore)):
        for code in codes:
            if not known_code(code):
                raise TfiError(
                    f"unknown rule code {code!r} in [tool.tfintegrity] {key}{_suggest(code, known)}",
                    display,
                    _line_of(text, key),
                )
    for code in config.rule_params:
        if code not in known:
            raise TfiError(
                f"unknown rule code {code!r} in [tool.tfintegrity.rule-params]{_suggest(code, known)}",
                display,
                _line_of(text, f"[tool.tfintegrity.rule-params.{code}]") or _line_of(text, code),
            )
    for symbol, codes in config.per_symbol_ignores.items():
        for code in codes:
            if not known_code(code):
                raise TfiError(
                    f"unknown rule code {code!r} in per-symbol-ignores for {symbol}", display, _line_of(text, symbol)
                )


def _suggest(word: str, choices: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def find_root(start: Path, package: str = DEFAULT_PACKAGE) -> Path:
    """The nearest directory upwards with ``[tool.tfintegrity]`` or a ``src/transformers/__init__.py``."""
    start = start.resolve()
    for candidate in [start, *start.parents]:
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
                data = {}
            if isinstance(data.get("tool"), dict) and "tfintegrity" in data["tool"]:
                return candidate
        if (candidate / package / "__init__.py").is_file():
            return candidate
    raise TfiError(
        f"no Transformers-shaped tree found from {start} upwards (looked for {package}/__init__.py "
        "or [tool.tfintegrity] in pyproject.toml); pass --root"
    )


def check_root(root: Path, package: str) -> None:
    if not root.is_dir():
        raise TfiError("root is not a directory", str(root))
    if not (root / package / "__init__.py").is_file():
        raise TfiError(
            f"not a Transformers-shaped tree: {package}/__init__.py not found (set [tool.tfintegrity] package)",
            str(root),
        )
    if not (root / package / "models").is_dir():
        raise TfiError(f"not a Transformers-shaped tree: {package}/models/ not found", str(root))


def selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    chosen = not select or any(code.startswith(s) for s in select)
    return chosen and not any(code.startswith(i) for i in ignore)


def ignored_for_symbol(config: Config, code: str, symbol: str) -> bool:
    """Whether ``per-symbol-ignores`` silences ``code`` for ``symbol`` (``TFX.call`` counts as ``TFX``)."""
    codes = (*config.per_symbol_ignores.get(symbol, ()), *config.per_symbol_ignores.get(symbol.split(".")[0], ()))
    return any(code.startswith(c) for c in codes)
