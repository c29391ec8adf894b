"""Validated, atomic, all-or-nothing writing of planned file changes, and a per-tree lock."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from .errors import TfiError

TEMP_PREFIX = ".tfintegrity-"
LOCK_NAME = "tfintegrity.lock"
DEFAULT_LOCK_TIMEOUT = 60.0
_LOCK_POLL = 0.05


@dataclass(frozen=True)
class PlannedWrite:
    """One file's planned content: ``old`` is what was read when planning (None = absent)."""

    path: str  # root-relative, forward slashes
    old: Optional[bytes]  # bytes read when planning (None = file did not exist)
    new: bytes


@dataclass
class _Target:
    """A validated write: where it really lands and what mode the result gets."""

    write: PlannedWrite
    real: Path
    mode: int
    temp: Optional[str] = None
    replaced: bool = False


def _umask() -> int:
    """The process umask, read without changing it when the platform allows."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _read_current(real: Path, path: str) -> Optional[bytes]:
    """The target's bytes now, or None when it does not exist."""
    try:
        return real.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise TfiError("is a directory, cannot write it", path) from None
    except OSError as exc:
        raise TfiError(f"cannot read: {exc.strerror or exc}", path) from None


def _resolve_target(root: Path, path: str) -> Path:
    """Resolve ``path`` under ``root`` (following symlinks) and refuse anything outside it."""
    if not path or "\x00" in path:
        raise TfiError("refusing to write outside the root", path)
    real = Path(os.path.realpath(root / path))
    if real == root or not real.is_relative_to(root):
        raise TfiError("refusing to write outside the root", path)
    return real


def _validate(
    root: Path, writes: Sequence[PlannedWrite], verify: Optional[Callable[[str, bytes], None]]
) -> List[_Target]:
    """Check every write (inside root, verified, unchanged on disk) before anything is touched."""
    targets: List[_Target] = []
    seen: Dict[Path, str] = {}
    new_mode = 0o644 & ~_umask()
    for w in writes:
        real = _resolve_target(root, w.path)
        if real in seen:
            raise TfiError(f"planned twice (also as {seen[real]})", w.path)
        seen[real] = w.path
        if verify is not None:
            verify(w.path, w.new)
        if _read_current(real, w.path) != w.old:
            raise TfiError("changed on disk since it was read; run again", w.path)
        mode = new_mode
        if w.old is not None:
            try:
                mode = stat.S_IMODE(os.stat(real).st_mode)
            except OSError as exc:
                raise TfiError(f"cannot read: {exc.strerror or exc}", w.path) from None
        targets.append(_Target(write=w, real=real, mode=mode))
    return targets


def _make_temp(directory: Path, data: bytes, mode: int) -> str:
    """Write ``data`` to a fresh fsynced temporary file in ``directory`` and return its name."""
    fd, name = tempfile.mkstemp(dir=str(directory), prefix=TEMP_PREFIX)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fchmod(fd, mode)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink_quietly(name)
        raise
    os.close(fd)
    return name


def _unlink_quietly(name: str) -> None:
    """Remove a file, ignoring errors (used for cleanup only)."""
    try:
        os.unlink(name)
    except OSError:
        pass


def _fsync_dir(directory: Path) -> None:
    """Make renames in ``directory`` durable, best effort."""
    try:
        fd = os.open(str(directory), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _ensure_parent(directory: Path, created: List[Path]) -> None:
    """Create missing parent directories of a new file, recording those created (outermost first)."""
    missing: List[Path] = []
    probe = directory
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for d in reversed(missing):
        os.mkdir(d)
        created.append(d)


def _rollback(targets: Sequence[_Target]) -> List[str]:
    """Restore every already-replaced target to its old bytes; return the paths that could not be."""
    failed: List[str] = []
    for t in reversed(targets):
        if not t.replaced:
            continue
        try:
            if t.write.old is None:
                os.unlink(t.real)
            else:
                restore = _make_temp(t.real.parent, t.write.old, t.mode)
                try:
                    os.replace(restore, t.real)
                except BaseException:
                    _unlink_quietly(restore)
                    raise
            t.replaced = False
        except Exception:
            failed.append(t.write.path)
    return failed


def _rollback_error(path: str, reason: str, failed: Sequence[str]) -> TfiError:
    """The error raised after a failed rename, saying whether the rollback was complete."""
    if failed:
        return TfiError(f"{reason}; could not restore {', '.join(failed)} (left with new content)", path)
    return TfiError(f"{reason}; no file was changed", path)


def write_all(
    root: Path,
    writes: Sequence[PlannedWrite],
    *,
    verify: Optional[Callable[[str, bytes], None]] = None,
    before_each: Optional[Callable[[str], None]] = None,
) -> List[str]:
    """Validate, then atomically write all planned files or none; return the written paths, sorted."""
    real_root = Path(os.path.realpath(root))
    targets = _validate(real_root, writes, verify)
    created_dirs: List[Path] = []
    try:
        for t in targets:
            try:
                _ensure_parent(t.real.parent, created_dirs)
                t.temp = _make_temp(t.real.parent, t.write.new, t.mode)
            except OSError as exc:
                raise TfiError(f"cannot write: {exc.strerror or exc}", t.write.path) from None
        for t in targets:
            try:
                if before_each is not None:
                    before_each(t.write.path)
                if _read_current(t.real, t.write.path) != t.write.old:
                    raise TfiError("changed on disk since it was read; run again", t.write.path)
                assert t.temp is not None
                os.replace(t.temp, t.real)
                t.replaced = True
                t.temp = None
            except OSError as exc:
                failed = _rollback(targets)
                raise _rollback_error(t.write.path, f"cannot write: {exc.strerror or exc}", failed) from None
            except TfiError as exc:
                failed = _rollback(targets)
                raise _rollback_error(t.write.path, exc.message, failed) from None
            except BaseException:
                _rollback(targets)
                raise
    except BaseException:
        for t in targets:
            if t.temp is not None:
                _unlink_quietly(t.temp)
                t.temp = None
        if not any(t.replaced for t in targets):
            for d in reversed(created_dirs):
                with contextlib.suppress(OSError):
                    os.rmdir(d)
        raise
    for directory in sorted({t.real.parent for t in targets}):
        _fsync_dir(directory)
    return sorted(t.write.path for t in targets)


def lock_path(root: Path) -> Path:
    """Where the lock for ``root`` lives: inside ``.git`` when it is a directory, else the temp dir."""
    real_root = Path(os.path.realpath(root))
    git = real_root / ".git"
    if git.is_dir():
        return git / LOCK_NAME
    digest = hashlib.sha256(os.fsencode(str(real_root))).hexdigest()[:24]
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"tfintegrity-{uid}-{digest}.lock"


def _open_lock(path: Path) -> int:
    """Open (creating) the lock file without following a planted symlink."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(str(path), flags, 0o600)
    except OSError as exc:
        raise TfiError(f"cannot open lock file: {exc.strerror or exc}", str(path)) from None


@contextlib.contextmanager
def repo_lock(root: Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[Path]:
    """Hold an exclusive ``flock`` for the tree at ``root``, waiting up to ``timeout`` seconds."""
    path = lock_path(root)
    fd = _open_lock(path)
    try:
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise TfiError(f"cannot lock: {exc.strerror or exc}", str(path)) from None
            if time.monotonic() >= deadline:
                raise TfiError("another tfintegrity --fix is running on this tree")
            time.sleep(_LOCK_POLL)
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


__all__: Tuple[str, ...] = ("PlannedWrite", "write_all", "repo_lock", "lock_path", "DEFAULT_LOCK_TIMEOUT")
