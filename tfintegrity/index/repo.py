"""The repository index: reads each file at most once, on first need, and keeps its facts.

An optional overlay of in-memory texts stands in front of the disk, so that the fix loop can
re-check planned edits before anything is written. Behind it, an optional ``FactCache`` keeps each
file's facts under the hash of its bytes across runs, and the index records every input it gave
(file hashes, listings, existence tests) so that a run's result can be reused while they all hold.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import functools
import os
import pickle
import re
import stat
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, TypeVar

from tfintegrity.errors import TfiError
from tfintegrity.facts import (
    AutoFacts,
    ConfigFacts,
    DocPageFacts,
    DummyFacts,
    InitFacts,
    ModuleFacts,
    TextListFacts,
)
from tfintegrity.index import auto_readers, doc_readers, readers
from tfintegrity.index.cache import FactCache, digest
from tfintegrity.index.quiet import gc_paused

T = TypeVar("T")

# Below this many characters left to parse, a second process costs more than it saves.
PARALLEL_OVER = 1 << 20
JOBS_ENV = "TFINTEGRITY_JOBS"


def _workers() -> int:
    """Processes the prefetch may use: the CPUs this process may run on (``TFINTEGRITY_JOBS`` caps it), and
    1 where there is no ``fork``."""
    if not hasattr(os, "fork"):
        return 1
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    wanted = os.environ.get(JOBS_ENV, "")
    return min(count, int(wanted)) if wanted.isdigit() and int(wanted) > 0 else count


# Kinds of facts after which the file's text is dropped (modeling, configuration and init files, doc pages:
# the bulk of the bytes). A check or fix that needs the text reads it again, and the bytes must be the same.
DROP_TEXT_AFTER = frozenset({"module", "config", "init", "doc_page"})

BOM = "\ufeff"


@functools.lru_cache(maxsize=None)
def _pattern(pattern: str) -> Callable[[str], Optional[re.Match]]:
    """``fnmatch.fnmatchcase`` for one pattern, compiled once."""
    return re.compile(fnmatch.translate(pattern)).match


def decode(path: str, data: bytes) -> str:
    """UTF-8 text of a file (a byte-order mark is dropped), or a one-line error with the bad line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TfiError(f"not UTF-8 (byte 0x{data[exc.start]:02x})", path, line) from None
    return text[1:] if text.startswith(BOM) else text


def _read_regular(path: Path) -> Tuple[bytes, os.stat_result]:
    """The bytes of a regular file and its status as read; a FIFO, socket or device is refused instead of
    blocking on it."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks), info
    finally:
        os.close(fd)


class RepoIndex:
    """Lazy, memoized facts about one repository root."""

    def __init__(
        self,
        root: Path,
        package: str,
        overlay: Optional[Mapping[str, str]] = None,
        cache: Optional[FactCache] = None,
    ) -> None:
        self.root = root.resolve()
        self._root_text = str(self.root)
        self._real_dirs: Dict[str, str] = {}
        self.package = package.strip("/")
        self.overlay: Dict[str, str] = dict(overlay or {})
        self.cache = cache or FactCache.off()
        # Texts read, kept while they may be needed: a modeling or configuration file's text is dropped once
        # its facts are read (read again if needed), so memory does not grow with the bytes of the tree.
        self._texts: Dict[str, Optional[str]] = {}
        self._digests: Dict[str, Optional[str]] = {}  # every file read from disk -> hash (None: absent)
        self._sizes: Dict[str, int] = {}
        # Python files read from disk whose bytes no reader has parsed completely yet (see validate_read).
        self._unparsed: Dict[str, str] = {}
        self._facts: Dict[tuple, object] = {}
        # Facts of overlay texts, keyed by the text itself and shared with every derived index, so the
        # fix loop parses each planned text once however many re-checks see it.
        self._by_text: Dict[tuple, object] = {}
        # Derived results keyed by (kind, path, ...), shared with derived indexes; entries about a path
        # the overlay replaces are dropped (see with_overlay).
        self.memo: Dict[tuple, object] = {}
        self._listing: Dict[str, List[str]] = {}
        self._recording: List[Dict[str, Dict[str, object]]] = []  # open records of derived_value

    # ------------------------------------------------------------------ files

    def absolute(self, rel: str) -> Path:
        return self.root / rel

    def exists(self, rel: str) -> bool:
        if rel in self.overlay:
            return True
        key = ("exists", rel)
        if key not in self.memo:
            self.memo[key] = os.path.isfile(os.path.join(self._root_text, rel))
        if self._recording:
            self._note("exists", rel, self.memo[key])
        return self.memo[key]  # type: ignore[return-value]

    def text(self, rel: str) -> Optional[str]:
        """The file's text, ``None`` when it does not exist."""
        if rel in self.overlay:
            return self.overlay[rel]
        if rel not in self._texts:
            self._texts[rel] = self._read(rel)
        return self._texts[rel]

    def _guard_links(self, rel: str) -> str:
        """The file's plain path, refused when a symbolic link on the way loops or leads outside the root."""
        plain = os.path.join(self._root_text, rel)
        try:
            # realpath differs from the plain path only when a symbolic link is on the way (each folder's
            # is resolved once per run).
            folder, name = os.path.split(plain)
            if os.path.islink(plain):
                resolved = os.path.realpath(plain, strict=False)
            else:
                resolved = os.path.join(self._real_dir(folder), name)
            if resolved != os.path.normpath(plain):
                if os.path.islink(resolved):  # realpath stops at a link it cannot resolve: a loop
                    raise RuntimeError("loop")
                if resolved != self._root_text and not resolved.startswith(self._root_text + os.sep):
                    raise TfiError("symbolic link points outside the root; refusing to read it", rel)
        except (RuntimeError, OSError) as exc:  # a symlink loop (RuntimeError before Python 3.13)
            raise TfiError(f"cannot resolve symbolic link ({type(exc).__name__}: a loop?)", rel) from None
        return plain

    def _real_dir(self, folder: str) -> str:
        """``os.path.realpath`` of a folder, from its parent's (one ``lstat`` per folder of a run)."""
        found = self._real_dirs.get(folder)
        if found is None:
            parent, name = os.path.split(folder)
            if folder == self._root_text:
                found = folder  # resolved when the index was made
            elif name in ("", ".", "..") or parent == folder:
                found = os.path.realpath(folder, strict=False)
            else:
                joined = os.path.join(self._real_dir(parent), name)
                found = os.path.realpath(joined, strict=False) if os.path.islink(joined) else joined
            self._real_dirs[folder] = found
        return found

    def _bytes(self, rel: str) -> Optional[bytes]:
        """The file's bytes from disk (``None`` when it does not exist), their hash recorded as an input."""
        plain = self._guard_links(rel)
        info: Optional[os.stat_result] = None
        try:
            data: Optional[bytes]
            data, info = _read_regular(Path(plain))
        except FileNotFoundError:
            data = None
        except IsADirectoryError:
            raise TfiError("expected a file, found a directory", rel) from None
        except OSError as exc:
            raise TfiError(f"cannot read: {exc.strerror or exc}", rel) from None
        found = None if data is None else digest(data)
        if rel in self._digests and self._digests[rel] != found:
            raise TfiError("changed on disk while tfintegrity was reading it; run again", rel)
        self._digests[rel] = found
        self._sizes[rel] = 0 if data is None else len(data)
        if info is not None and found is not None:
            self.cache.record_stat(rel, info, found)
        return data

    def digest_of(self, rel: str) -> Optional[str]:
        """The hash of the file's bytes (``None``: it does not exist), recorded as an input. With a cache,
        a file whose size, times, inode and device are those the cache saw it with (long enough after it
        was last changed, so no later change can share them) is not read again: its hash is the one the
        cache recorded."""
        if rel in self._digests:
            return self._digests[rel]
        if self._status_digest(rel) is None:
            self._bytes(rel)
        return self._digests[rel]

    def _status_digest(self, rel: str) -> Optional[str]:
        """The hash the cache recorded for the file, when its status is the recorded one (then recorded as
        this run's input), else ``None``; the file is not read."""
        if rel in self._digests:
            return self._digests[rel]
        if not self.cache.enabled:
            return None
        try:
            info = os.stat(self._guard_links(rel))
        except OSError:
            return None  # absent or unreadable: a read records it or says why
        found = self.cache.stat_digest(rel, info)
        if found is not None:
            self._digests[rel] = found
            self._sizes[rel] = info.st_size
        return found

    def _read(self, rel: str) -> Optional[str]:
        data = self._bytes(rel)
        if data is None:
            return None
        text = decode(rel, data)
        if rel.endswith(".py") and not any((kind, rel) in self._facts for kind in READERS):
            self._unparsed[rel] = self._digests[rel]  # type: ignore[assignment]
        return text

    def raw(self, rel: str) -> Optional[bytes]:
        """The file's bytes, read again (only the hash of what was read is kept), and refused when they
        are not the bytes the run read: what a fix replaces is exactly what it was planned on."""
        if rel not in self._digests:
            self.text(rel)
        return self._bytes(rel)

    def files_read(self) -> List[str]:
        return sorted(k for k, v in self._digests.items() if v is not None)

    def listdir(self, rel_dir: str) -> List[str]:
        """Names in a directory (sorted), including overlay files; empty when it does not exist."""
        if rel_dir not in self._listing:
            try:
                names = set(os.listdir(os.path.join(self._root_text, rel_dir)))
            except (FileNotFoundError, NotADirectoryError):
                names = set()
            except OSError as exc:
                raise TfiError(f"cannot list: {exc.strerror or exc}", rel_dir) from None
            self._listing[rel_dir] = sorted(names)
        if self._recording:
            self._note("listings", rel_dir, self._listing[rel_dir])
        if not self.overlay:
            return list(self._listing[rel_dir])
        prefix = rel_dir.rstrip("/") + "/"
        extra = {k[len(prefix) :] for k in self.overlay if k.startswith(prefix) and "/" not in k[len(prefix) :]}
        return sorted(set(self._listing[rel_dir]) | extra)

    def glob(self, rel_dir: str, pattern: str) -> List[str]:
        match = _pattern(pattern)
        return [f"{rel_dir}/{n}" for n in self.listdir(rel_dir) if match(n)]

    def is_dir(self, rel: str) -> bool:
        key = ("is_dir", rel)
        if key not in self.memo:
            self.memo[key] = os.path.isdir(os.path.join(self._root_text, rel))
        if self._recording:
            self._note("dirs", rel, self.memo[key])
        return self.memo[key]  # type: ignore[return-value]

    # ------------------------------------------------------------------ facts

    def _facts_of(self, kind: str, rel: str, reader: Callable[[str, str], T], parses: bool = True) -> Optional[T]:
        """``reader``'s facts of the file (``None`` when it does not exist); ``parses`` says the reader
        parses the whole file, so that facts of these bytes prove they compile."""
        key = (kind, rel)
        if key not in self._facts:
            if rel in self.overlay:
                text = self.overlay[rel]
                shared = (kind, rel, text)
                if shared not in self._by_text:
                    with gc_paused():  # the syntax tree dies inside: no collection walks it
                        self._by_text[shared] = reader(rel, text)
                self._facts[key] = self._by_text[shared]
            else:
                self._facts[key] = self._disk_facts(kind, rel, reader, parses)
        if self._recording:
            self._note("files", rel, self._digests.get(rel))
        return self._facts[key]  # type: ignore[return-value]

    def _disk_facts(self, kind: str, rel: str, reader: Callable[[str, str], T], parses: bool) -> Optional[T]:
        """Facts of the file on disk: from the cache without reading the file when its status says it is as
        the cache saw it, else read once and looked up by the hash of what was read, else parsed."""
        file_digest = self._status_digest(rel)
        hit, value = self.cache.get(kind, rel, file_digest) if file_digest is not None else (False, None)
        if not hit:
            text = self.text(rel)
            if text is None:
                return None
            if file_digest is None:
                hit, value = self.cache.get(kind, rel, self._digests[rel])  # type: ignore[arg-type]
            if not hit:
                with gc_paused():  # the syntax tree dies inside: no collection walks it
                    value = reader(rel, text)
                self.cache.put(kind, rel, self._digests[rel], value)  # type: ignore[arg-type]
            if kind in DROP_TEXT_AFTER:
                self._texts.pop(rel, None)
        if parses:
            self._unparsed.pop(rel, None)
        return value  # type: ignore[no-any-return]

    def summary(self, kind: str, rel: str, derive: Callable[[], T]) -> T:
        """A small value derived from one file's facts by ``derive`` (``kind`` names it), kept in the cache
        under the hash of the file's bytes like facts: a later run gets it without reading those facts."""
        key = (kind, rel)
        if key not in self._facts:
            usable = self.cache.enabled and rel not in self.overlay
            file_digest = self._status_digest(rel) if usable else None
            hit, value = self.cache.get(kind, rel, file_digest) if file_digest is not None else (False, None)
            if not hit:
                value = derive()  # reads the file if its facts are not read yet, and so records its hash
                if usable and self._digests.get(rel) is not None:
                    self.cache.put(kind, rel, self._digests[rel], value)  # type: ignore[arg-type]
            self._facts[key] = value
        if self._recording:
            self._note("files", rel, self._digests.get(rel))
        return self._facts[key]  # type: ignore[return-value]

    # ------------------------------------------------------------------ values derived from many files

    def _note(self, part: str, key: str, value: object) -> None:
        for record in self._recording:
            record[part][key] = value

    @contextlib.contextmanager
    def unrecorded(self) -> Iterator[None]:
        """Read without adding to the open records (for a value whose use the caller records itself)."""
        open_records, self._recording = self._recording, []
        try:
            yield
        finally:
            self._recording = open_records

    def note_input(self, part: str, key: str, value: object) -> None:
        """Add an input of the caller's own (``part`` other than the index's) to the open records."""
        for record in self._recording:
            record.setdefault(part, {})[key] = value

    def derived_value(
        self, kind: str, rel: str, build: Callable[[], T], holds: Callable[[Mapping[str, object]], bool]
    ) -> T:
        """``build()``, or the value it had in an earlier run while every input that build read through this
        index (files, listings, existence tests, and the caller's own, which ``holds`` checks) is unchanged.
        ``kind`` names the builder and ``rel`` is the file its value is about (pruned with it)."""
        if not self.cache.enabled or self.overlay:
            return build()
        found = self.cache.get_derived(kind, rel)
        if found is not None:
            inputs, value = found
            if self.inputs_hold(inputs) and holds(inputs):
                for part in inputs:  # an enclosing record depends on these inputs too
                    for key, recorded in dict(inputs[part]).items():  # type: ignore[call-overload]
                        self.note_input(part, key, recorded)
                return value  # type: ignore[no-any-return]
        record: Dict[str, Dict[str, object]] = {"files": {}, "exists": {}, "dirs": {}, "listings": {}}
        self._recording.append(record)
        try:
            value = build()
        finally:
            self._recording.remove(record)
        self.cache.put_derived(kind, rel, record, value)
        return value

    def prefetch(self, wanted: Sequence[Tuple[str, str]]) -> None:
        """Read the facts of these (kind, path) now when many bytes of them are not in the cache: half of
        those in a forked second process (the parse is most of a cold run's cost). Each process reads its
        own files, so neither holds the other's texts. Only facts come back from the other process: a
        file it could not read is left to the lazy path, which reads it again and reports its error as a
        run without this would."""
        misses: List[Tuple[int, str, str]] = []
        for kind, rel in wanted:
            if kind not in READERS or (kind, rel) in self._facts or rel in self.overlay:
                continue
            try:
                file_digest = self._status_digest(rel)
            except TfiError:
                continue  # reported by the lazy path
            if file_digest is not None:
                if not self.cache.holds(kind, rel, file_digest):  # a hit is read when asked for (if ever)
                    misses.append((self._sizes.get(rel, 0), kind, rel))
                continue
            # Not known by its status: read below, once (if its bytes turn out to be in the cache after all,
            # as after a checkout that only touched it, the lazy path finds them there).
            try:
                size = os.stat(os.path.join(self._root_text, rel)).st_size
            except OSError:
                continue
            misses.append((size, kind, rel))
        if sum(size for size, _, _ in misses) < PARALLEL_OVER or _workers() < 2:
            return
        shares: Tuple[List[Tuple[str, str]], List[Tuple[str, str]]] = ([], [])
        weight = [0, 0]
        for size, kind, rel in sorted(misses, reverse=True):
            side = 0 if weight[0] <= weight[1] else 1
            shares[side].append((kind, rel))
            weight[side] += size
        child = self._fork_reader(shares[1])
        for kind, rel in shares[0]:
            try:
                self._facts_of(kind, rel, READERS[kind])
            except TfiError:
                pass  # reported when a check asks for these facts, as without the prefetch
        if child is None:
            return
        for kind, rel, file_digest, value in self._collect_child(*child):
            if (kind, rel) in self._facts or self._digests.get(rel, file_digest) != file_digest:
                continue
            self._digests[rel] = file_digest  # the bytes this run read of it (in the other process)
            if isinstance(value, ModuleFacts):  # share the imports as the readers do in this process
                value = replace(value, imports={k: readers.shared_import(v) for k, v in value.imports.items()})
            self.cache.put(kind, rel, file_digest, value)
            self._facts[(kind, rel)] = value

    def _fork_reader(self, items: Sequence[Tuple[str, str]]) -> Optional[Tuple[int, int]]:
        """Start a forked process reading the facts of ``items``: (pipe, pid), or ``None`` if it cannot."""
        try:
            read_fd, write_fd = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return None
        if pid == 0:  # the child: read, send, and leave without running anything of the parent's
            try:
                os.close(read_fd)
                found = []
                for kind, rel in items:
                    try:
                        value = self._facts_of(kind, rel, READERS[kind])
                        found.append((kind, rel, self._digests[rel], value))
                    except Exception:  # noqa: BLE001 - the parent reads it again and reports it
                        pass
                data = pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
                view = memoryview(data)
                while view:
                    view = view[os.write(write_fd, view) :]
            finally:
                os._exit(0)
        os.close(write_fd)
        return read_fd, pid

    def _collect_child(self, read_fd: int, pid: int) -> List[Tuple[str, str, str, object]]:
        """The child's facts, unpickled as they stream in (the data comes from this process's own fork,
        over a private pipe: nothing outside writes it); none when the child died midway."""
        try:
            with os.fdopen(read_fd, "rb", buffering=1 << 16) as stream:
                return list(pickle.load(stream))
        except Exception:  # noqa: BLE001 - the lazy path reads everything the child did not give
            return []
        finally:
            os.waitpid(pid, 0)

    def validate_read(self) -> None:
        """Parse every Python file read from disk that no reader parsed completely (once per content: the
        cache remembers bytes that compile), so a file Python cannot compile is always an error."""
        for rel in sorted(self._unparsed):
            file_digest = self._unparsed[rel]
            hit, _ = self.cache.get("parsed", rel, file_digest)
            if not hit:
                readers.parse_python(rel, self.text(rel) or "")
                self.cache.put("parsed", rel, file_digest, True)
        self._unparsed.clear()

    # ------------------------------------------------------------------ inputs of a run

    def inputs(self) -> Dict[str, Dict[str, object]]:
        """Everything this index read from disk: each file's hash (``None``: absent), each existence and
        directory test, each listing. A run whose inputs are all unchanged has the same result."""
        return {
            "files": dict(self._digests),
            "exists": {k[1]: v for k, v in self.memo.items() if k[0] == "exists"},
            "dirs": {k[1]: v for k, v in self.memo.items() if k[0] == "is_dir"},
            "listings": {rel: names for rel, names in self._listing.items()},
        }

    def replay(self, inputs: Mapping[str, object]) -> bool:
        """Read ``inputs`` again through this index; whether every one is as recorded.

        On any difference (or a file that cannot be read now) the answer is no, and the run reads afresh.
        """
        if not self.inputs_hold(inputs):
            return False
        # Every recorded file was parsed completely when the result was recorded.
        self._unparsed.clear()
        return True

    def inputs_hold(self, inputs: Mapping[str, object]) -> bool:
        """Whether every file hash, existence and directory test and listing in ``inputs`` is as recorded."""
        try:
            for rel, recorded in dict(inputs["files"]).items():  # type: ignore[call-overload]
                # The hash is all a replay needs (the text is read if a fix needs it).
                if self.digest_of(rel) != recorded:
                    return False
            for rel, recorded in dict(inputs["exists"]).items():  # type: ignore[call-overload]
                if self.exists(rel) != recorded:
                    return False
            for rel, recorded in dict(inputs["dirs"]).items():  # type: ignore[call-overload]
                if self.is_dir(rel) != recorded:
                    return False
            for rel, recorded in dict(inputs["listings"]).items():  # type: ignore[call-overload]
                self.listdir(rel)
                if self._listing[rel] != list(recorded):
                    return False
        except (TfiError, KeyError, TypeError, ValueError, AttributeError):
            return False
        return True

    def module(self, rel: str) -> Optional[ModuleFacts]:
        return self._facts_of("module", rel, readers.read_module)

    def init(self, rel: str) -> Optional[InitFacts]:
        return self._facts_of("init", rel, readers.read_init)

    def auto(self, rel: str) -> Optional[AutoFacts]:
        return self._facts_of("auto", rel, auto_readers.read_auto)

    def dummies(self, rel: str) -> Optional[DummyFacts]:
        return self._facts_of("dummies", rel, readers.read_dummies)

    def config(self, rel: str) -> Optional[ConfigFacts]:
        return self._facts_of("config", rel, readers.read_config)

    def text_list(self, rel: str) -> Optional[TextListFacts]:
        return self._facts_of("text_list", rel, readers.read_text_list, parses=False)

    def doc_page(self, rel: str) -> Optional[DocPageFacts]:
        return self._facts_of("doc_page", rel, doc_readers.read_doc_page, parses=False)

    def derived(self, kind: str, rel: str, reader: Callable[[str, str], T], parses: bool = True) -> Optional[T]:
        """Facts of the file read by ``reader``, a pure function of (path, text); ``kind`` names the reader
        and every parameter it closes over (so facts of two parameter sets never mix); ``parses``: the
        reader parses the whole file."""
        return self._facts_of(kind, rel, reader, parses)

    def resolve(self, rel: str) -> Tuple[Optional[ModuleFacts], Optional[InitFacts]]:
        """What a dotted import names, given as a path without suffix: the module ``rel.py``, else the
        package ``rel/__init__.py`` (each ``None`` when it does not exist)."""
        if self.exists(rel + ".py"):
            return self.module(rel + ".py"), None
        if self.exists(rel + "/__init__.py"):
            return None, self.init(rel + "/__init__.py")
        return None, None

    def with_overlay(self, overlay: Mapping[str, str]) -> "RepoIndex":
        """A fresh index that sees ``overlay`` in front of this one's files."""
        merged = dict(self.overlay)
        merged.update(overlay)
        fresh = RepoIndex(self.root, self.package, merged, self.cache)
        fresh._texts = {k: v for k, v in self._texts.items() if k not in merged}
        fresh._digests = {k: v for k, v in self._digests.items() if k not in merged}
        fresh._facts = {k: v for k, v in self._facts.items() if k[1] not in overlay}
        fresh._by_text = self._by_text
        fresh.memo = {k: v for k, v in self.memo.items() if k[1] not in overlay}
        fresh._listing = dict(self._listing)
        return fresh


# The readers ``prefetch`` may run for a kind of facts (each parses the whole file).
READERS: Dict[str, Callable[[str, str], object]] = {
    "module": readers.read_module,
    "init": readers.read_init,
    "config": readers.read_config,
    "dummies": readers.read_dummies,
}
