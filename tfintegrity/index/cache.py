"""The per-file fact cache: what the readers found in a file, kept under the hash of its bytes.

It lives in ``.tfintegrity_cache/`` at the repository root (with a ``.gitignore`` of its own, as ruff's
cache does), one JSON file per *fingerprint*: the tool's version and code, the Python version, the rule
set with its parameters (the layouts) and the configuration. A file's entry is used only while the file
has the same bytes; an entry of a file that no longer exists is pruned when the cache is written.

Besides the facts, the cache keeps the findings of the last few runs with the *inputs* each run read
(every file's hash, every listing, every existence test it made). When every input is still the same
the findings are the same, so a run over an unchanged tree replays its inputs and returns them without
reading a single fact.

A file is hashed once per change, as git's index does it: the cache remembers each file's status (size,
modification and change times in nanoseconds, inode, device) with the hash of the bytes read, and a file
whose status is still exactly that is not read again. A file changed less than ``RACY_NS`` before it
was read is not remembered this way (a second change within the same clock tick could keep its status);
replacing a file's bytes always moves its change time, which no program can set back.

Writes are atomic (a temporary file renamed over the old one), so two runs at once never see half a
cache; the later one wins. A damaged, foreign or unreadable cache is ignored and rewritten, never an
error. Facts are pickled, and read back by an unpickler that resolves only the tool's own fact classes (a
cache file planted in a repository cannot name anything callable); results are JSON.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from tfintegrity.index.quiet import gc_paused

CACHE_DIR = ".tfintegrity_cache"
FORMAT = 1
RESULTS_KEPT = 8  # findings of this many distinct runs (selections, scopes) per fingerprint
STALE_SECONDS = 30 * 24 * 3600  # cache files of other fingerprints untouched this long are removed
# The slot of an entry's file hash holds this for a value derived from several files, with their inputs.
DERIVED = "derived"
# A file changed less than this before it was read may change again with the same status (file systems
# keep times in ticks, up to 2 s on FAT): its hash is not remembered by status.
RACY_NS = 2_000_000_000
GITIGNORE = "# Created by tfintegrity automatically.\n*\n"
MODULE_PREFIX = "tfintegrity."


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@functools.lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """A hash of the tool's own Python sources, so facts read by another version of a reader never count."""
    package = Path(__file__).resolve().parent.parent
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        hasher.update(path.relative_to(package).as_posix().encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def fingerprint(*parts: str) -> str:
    from tfintegrity import __version__

    hasher = hashlib.blake2b(digest_size=12)
    for part in (str(FORMAT), __version__, sys.version.split()[0], code_fingerprint(), *parts):
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.hexdigest()


# --------------------------------------------------------------------------- values


class Uncacheable(TypeError):
    """A value the cache has no JSON form for (the entry is then simply not cached)."""


def encode(value: Any) -> Any:
    """A JSON form of facts: frozen dataclasses, tuples, lists, (frozen)sets, dicts and scalars.

    A JSON list is always a tagged container (``["t", ...]`` a tuple, ``["c", "module:Class", ...]`` a
    dataclass with its fields in order), so decoding needs no schema.
    """
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    kind = type(value)
    if kind is tuple:
        return ["t", *map(encode, value)]
    if kind is list:
        return ["l", *map(encode, value)]
    if kind is frozenset:
        return ["f", *map(encode, value)]
    if kind is set:
        return ["s", *map(encode, value)]
    if kind is dict:
        out: List[Any] = ["d"]
        for key, item in value.items():
            out.append(encode(key))
            out.append(encode(item))
        return out
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and kind.__module__.startswith(MODULE_PREFIX):
        names = _field_names(kind)
        return ["c", f"{kind.__module__}:{kind.__qualname__}", *(encode(getattr(value, n)) for n in names)]
    raise Uncacheable(f"no cache form for {kind.__name__}")


_FIELDS: Dict[type, Tuple[str, ...]] = {}
_CLASSES: Dict[str, type] = {}


def _field_names(kind: type) -> Tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def _fact_class(module_name: str, qualname: str) -> Optional[type]:
    """A frozen fact dataclass of the tool itself, only from a module already imported (reading a cache
    imports nothing), whose instances are rebuilt by setting their fields (no ``__post_init__``,
    ``__setstate__`` or slots); ``None`` for anything else."""
    found: Any = sys.modules.get(module_name) if module_name.startswith(MODULE_PREFIX) else None
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if not (isinstance(found, type) and dataclasses.is_dataclass(found)):
        return None
    if (
        hasattr(found, "__post_init__")
        or hasattr(found, "__setstate__")
        or getattr(found, "__slots__", None) is not None
    ):
        return None
    return found


def _class(name: str) -> type:
    kind = _CLASSES.get(name)
    if kind is None:
        module_name, _, qualname = name.partition(":")
        found = _fact_class(module_name, qualname)
        if found is None:
            raise ValueError(f"not a fact class: {name}")
        kind = _CLASSES[name] = found
    return kind


def decode(value: Any) -> Any:
    """The value ``encode`` gave this JSON form of (``ValueError`` on anything it cannot have given)."""
    if type(value) is not list:
        return value
    tag = value[0]
    if tag == "t":
        return tuple([decode(v) if type(v) is list else v for v in value[1:]])
    if tag == "c":
        kind = _class(value[1])
        names = _field_names(kind)
        if len(names) != len(value) - 2:
            raise ValueError(f"{value[1]}: {len(value) - 2} fields, expected {len(names)}")
        # Frozen dataclasses without __post_init__: their fields are set as their __init__ would.
        made = object.__new__(kind)
        made.__dict__.update(zip(names, [decode(v) if type(v) is list else v for v in value[2:]]))
        return made
    if tag == "d":
        items = [decode(v) if type(v) is list else v for v in value[1:]]
        return dict(zip(items[::2], items[1::2]))
    if tag == "f":
        return frozenset([decode(v) if type(v) is list else v for v in value[1:]])
    if tag == "l":
        return [decode(v) if type(v) is list else v for v in value[1:]]
    if tag == "s":
        return {decode(v) if type(v) is list else v for v in value[1:]}
    raise ValueError(f"unknown tag {tag!r}")


# --------------------------------------------------------------------------- facts: restricted pickles


class _FactUnpickler(pickle.Unpickler):
    """Unpickles plain data and the tool's own frozen fact dataclasses, nothing else: every global a
    pickle names goes through ``find_class``, so a planted cache file cannot name a callable (the pattern
    of the ``pickle`` documentation's "Restricting Globals")."""

    def find_class(self, module: str, name: str) -> Any:
        found = _fact_class(module, name)
        if found is None:
            raise pickle.UnpicklingError(f"not a fact class: {module}.{name}")
        return found


def restricted_loads(data: bytes) -> Any:
    with gc_paused():
        return _FactUnpickler(io.BytesIO(data)).load()


# --------------------------------------------------------------------------- the cache


class FactCache:
    """The cache of one repository root and fingerprint; ``FactCache.off()`` caches nothing.

    Facts and results are two files, each read on first need: a run over an unchanged tree reads only
    the (small) results file.
    """

    def __init__(self, folder: Optional[Path], key: str) -> None:
        self.folder = folder
        self.key = key
        self._facts: Optional[Dict[str, List[Any]]] = None  # "kind\0path" -> [digest, encoded facts]
        self._results: Optional[Dict[str, Dict[str, Any]]] = None  # run key -> {"inputs", "value", "used"}
        self._stats: Optional[Dict[str, List[Any]]] = None  # path -> [size, mtime_ns, ctime_ns, ino, dev, digest]
        self._dirty = {"facts": False, "results": False, "stats": False}

    @classmethod
    def off(cls) -> "FactCache":
        return cls(None, "")

    @classmethod
    def at(cls, root: Path, key: str) -> "FactCache":
        return cls(root / CACHE_DIR, key)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def file(self, part: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{part}-{self.key}.{'pickle' if part == 'facts' else 'json'}"

    def _load(self, part: str) -> Dict[str, Any]:
        """The entries of one part; empty when there are none yet, or the file is unreadable, damaged or
        of another format or fingerprint (it is rewritten on save)."""
        if self.folder is None:
            return {}
        try:
            raw = self.file(part).read_bytes()
            data = restricted_loads(raw) if part == "facts" else json.loads(raw)
        except Exception:  # noqa: BLE001 - whatever is wrong with a cache file, it is only a cache
            return {}
        if not (isinstance(data, dict) and data.get("format") == FORMAT and data.get("key") == self.key):
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    @property
    def facts(self) -> Dict[str, List[Any]]:
        if self._facts is None:
            self._facts = self._load("facts")
        return self._facts

    @property
    def results(self) -> Dict[str, Dict[str, Any]]:
        if self._results is None:
            self._results = self._load("results")
        return self._results

    @property
    def stats(self) -> Dict[str, List[Any]]:
        if self._stats is None:
            self._stats = self._load("stats")
        return self._stats

    # ------------------------------------------------------------------ file status

    def stat_digest(self, rel: str, info: os.stat_result) -> Optional[str]:
        """The hash recorded for the file when its status is exactly the recorded one, else ``None``."""
        if self.folder is None:
            return None
        entry = self.stats.get(rel)
        if type(entry) is list and len(entry) == 6 and entry[:5] == _status(info) and type(entry[5]) is str:
            return entry[5]
        return None

    def record_stat(self, rel: str, info: os.stat_result, file_digest: str) -> None:
        """Remember the hash of bytes read with this status, unless the file changed too recently: a change
        made in the same tick of the file system's clock could leave the status as it was."""
        if self.folder is None:
            return
        if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) < RACY_NS:
            if rel in self.stats:
                del self.stats[rel]
                self._dirty["stats"] = True
            return
        entry = [*_status(info), file_digest]
        if self.stats.get(rel) != entry:
            self.stats[rel] = entry
            self._dirty["stats"] = True

    # ------------------------------------------------------------------ facts

    def get(self, kind: str, rel: str, file_digest: str) -> Tuple[bool, Any]:
        """(True, facts) when the cache holds facts of these bytes, else (False, None)."""
        if self.folder is None:
            return False, None
        entry = self.facts.get(kind + "\0" + rel)
        if not (type(entry) is tuple and len(entry) == 2 and entry[0] == file_digest and type(entry[1]) is bytes):
            return False, None
        try:
            return True, restricted_loads(entry[1])
        except Exception:  # noqa: BLE001 - damaged or foreign: read the file again
            del self.facts[kind + "\0" + rel]
            self._dirty["facts"] = True
            return False, None

    def holds(self, kind: str, rel: str, file_digest: str) -> bool:
        """Whether the cache has facts of these bytes (without reading them)."""
        if self.folder is None:
            return False
        entry = self.facts.get(kind + "\0" + rel)
        return type(entry) is tuple and len(entry) == 2 and entry[0] == file_digest

    def get_derived(self, kind: str, rel: str) -> Optional[Tuple[Dict[str, Any], Any]]:
        """(inputs, value) of a value derived from several files (``RepoIndex.derived_value``), else ``None``."""
        if self.folder is None:
            return None
        entry = self.facts.get(kind + "\0" + rel)
        if not (type(entry) is tuple and len(entry) == 2 and entry[0] == DERIVED and type(entry[1]) is bytes):
            return None
        try:
            inputs, value = restricted_loads(entry[1])
            if not isinstance(inputs, dict):
                raise TypeError("inputs")
        except Exception:  # noqa: BLE001 - damaged or foreign: derive it again
            del self.facts[kind + "\0" + rel]
            self._dirty["facts"] = True
            return None
        return inputs, value

    def put_derived(self, kind: str, rel: str, inputs: Dict[str, Any], value: Any) -> None:
        if self.folder is None:
            return
        try:
            encoded = pickle.dumps((inputs, value), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a value without a pickled form is simply not cached
            return
        self.facts[kind + "\0" + rel] = (DERIVED, encoded)
        self._dirty["facts"] = True

    def put(self, kind: str, rel: str, file_digest: str, value: Any) -> None:
        if self.folder is None:
            return
        try:
            encoded = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)  # now: before any memo is kept
        except Exception:  # noqa: BLE001 - a value without a pickled form is simply not cached
            return
        self.facts[kind + "\0" + rel] = (file_digest, encoded)
        self._dirty["facts"] = True

    # ------------------------------------------------------------------ results

    def result(self, key: str) -> Optional[Dict[str, Any]]:
        if self.folder is None:
            return None
        found = self.results.get(key)
        return found if isinstance(found, dict) and isinstance(found.get("inputs"), dict) else None

    def put_result(self, key: str, inputs: Dict[str, Any], value: Any) -> None:
        if self.folder is None:
            return
        try:
            encoded = encode(value)
        except (Uncacheable, RecursionError):
            return
        results = self.results
        results[key] = {"inputs": inputs, "value": encoded, "used": time.time()}
        if len(results) > RESULTS_KEPT:

            def used(k: str) -> float:
                item = results[k]
                return float(item.get("used", 0)) if isinstance(item, dict) else 0.0

            for old in sorted(results, key=used)[: len(results) - RESULTS_KEPT]:
                del results[old]
        self._dirty["results"] = True

    # ------------------------------------------------------------------ writing

    def save(self, exists: Callable[[str], bool]) -> None:
        """Write what changed, without the facts of files for which ``exists`` is false.

        Never raises: a cache that cannot be written (a read-only checkout, a full disk) is skipped.
        """
        if self.folder is None or not any(self._dirty.values()):
            return
        if self._dirty["facts"]:
            for gone in [k for k in self.facts if not exists(k.split("\0", 1)[1])]:
                del self.facts[gone]
        if self._dirty["stats"]:
            for gone in [k for k in self.stats if not exists(k)]:
                del self.stats[gone]
        try:
            _make_folder(self.folder)
            for part, entries in (("facts", self._facts), ("results", self._results), ("stats", self._stats)):
                if self._dirty[part]:
                    payload = {"format": FORMAT, "key": self.key, "entries": entries}
                    if part == "facts":
                        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
                    else:
                        data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode(
                            "utf-8", "surrogatepass"
                        )
                    _atomic_write(self.file(part), data)
                    self._dirty[part] = False
            self._prune_others()
        except OSError:
            return

    def _prune_others(self) -> None:
        """Remove cache files of other fingerprints (other versions, rule sets) not used for a month."""
        now = time.time()
        mine = {self.file(part) for part in self._dirty}
        folder = self.folder
        assert folder is not None
        others = [*folder.glob("facts-*.pickle"), *folder.glob("facts-*.json"), *folder.glob("results-*.json"),
                  *folder.glob("stats-*.json")]
        for other in others:
            if other not in mine:
                try:
                    if now - other.stat().st_mtime > STALE_SECONDS:
                        other.unlink()
                except OSError:
                    pass


class ParsedRules:
    """The TOML of rule and backend files parsed in earlier runs, by the SHA-1 of each file's bytes
    (``rules.json``): a file's bytes are all its parse depends on, so no entry goes stale. Parsing the
    rule files is most of what a warm run costs besides the cache itself."""

    LIMIT = 512  # entries kept (rule files of every version a checkout has seen)

    def __init__(self, folder: Path, store: Dict[str, Any]) -> None:
        self.folder = folder
        self.store = store
        self._known = set(store)

    @classmethod
    def at(cls, root: Path) -> "ParsedRules":
        folder = root / CACHE_DIR
        store: Dict[str, Any] = {}
        try:
            payload = json.loads((folder / "rules.json").read_bytes())
            if payload.get("format") == FORMAT and payload.get("python") == sys.version.split()[0]:
                store = {k: v for k, v in payload["entries"].items() if isinstance(v, dict)}
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            store = {}
        return cls(folder, store)

    def save(self) -> None:
        """Write the store if this run parsed a file it did not hold. Never raises."""
        if set(self.store) <= self._known:
            return
        entries = dict(list(self.store.items())[-self.LIMIT :])
        payload = {"format": FORMAT, "python": sys.version.split()[0], "entries": entries}
        try:
            _make_folder(self.folder)
            _atomic_write(self.folder / "rules.json", json.dumps(payload, separators=(",", ":")).encode("utf-8"))
            self._known = set(self.store)
        except OSError:
            return


def _make_folder(folder: Path) -> None:
    """The cache folder, with the ``.gitignore`` that keeps it out of the repository (OSError if it cannot be)."""
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        _atomic_write(ignore, GITIGNORE.encode())


def _status(info: os.stat_result) -> List[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _atomic_write(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)  # as an ordinary file would be (mkstemp makes it private)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def clean(root: Path) -> List[Path]:
    """Remove the cache folder of ``root``; the paths removed."""
    folder = root / CACHE_DIR
    removed: List[Path] = []
    if not folder.is_dir() or folder.is_symlink():
        return removed
    for path in sorted(folder.iterdir()):
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(path)
    try:
        folder.rmdir()
    except OSError:
        pass  # something else is in there (a folder of the user's): leave it
    return removed
