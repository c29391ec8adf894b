"""Real Transformers release trees, assembled at run time and cached between runs.

Python sources always come from the release's source distribution on the package index; docs and
utils come from ``../shared/corpus/transformers-<version>`` (see its SOURCE.md), except:

- 4.16.0 and 4.18.0, whose source distributions carry ``utils/`` (the consistency scripts and the
  doctest list) themselves: those two are built from the sdist alone, so they work without
  ``../shared``. Their sdists' ``docs/`` hold almost no model doc pages (4.16.0: one, 4.18.0: none),
  so when the corpus folder is present its ``docs/`` is laid over the sdist's (the marker records it).
- 4.48.0: sdist alone (``src/``, and ``docs/``/``utils/`` only if the sdist had them; it has neither).

Nothing of Transformers is committed to this project. The cache folder is ``$TFI_CACHE``, or
``$XDG_CACHE_HOME/tfintegrity-tests`` (default ``~/.cache/tfintegrity-tests``); ``$TFI_SHARED``, when
set, replaces ``../shared`` (the folder holding ``corpus/``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

RELEASES: Tuple[str, ...] = (
    "4.2.0", "4.10.0", "4.16.0", "4.18.0", "4.20.0", "4.24.0", "4.28.0", "4.31.0", "4.32.0", "4.48.0",
)
VERSION = "4.31.0"  # the default release of ``assemble()`` and of the conftest fixtures
PROJECT = Path(__file__).resolve().parent.parent

# Releases whose sdist carries utils/ (and a docs/ folder, nearly empty) itself.
SDIST_CARRIES_UTILS: Tuple[str, ...] = ("4.16.0", "4.18.0")
# Releases with no corpus folder at all: the sdist is everything.
SDIST_ONLY: Tuple[str, ...] = ("4.48.0",)

MARKER = ".complete"
PIP_TIMEOUT = 600


def shared_dir() -> Path:
    """``$TFI_SHARED`` if set, else ``../shared`` beside the project."""
    explicit = os.environ.get("TFI_SHARED")
    if explicit:
        return Path(explicit)
    return PROJECT.parent / "shared"


def corpus_dir(version: str = VERSION) -> Path:
    return shared_dir() / "corpus" / f"transformers-{version}"


CORPUS = corpus_dir(VERSION)  # kept for existing callers; ``assemble`` re-reads the environment


def cache_dir() -> Path:
    explicit = os.environ.get("TFI_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tfintegrity-tests"


def needs_shared(version: str) -> bool:
    """Whether assembling ``version`` needs ``../shared/corpus/transformers-<version>``."""
    _known(version)
    return version not in SDIST_CARRIES_UTILS and version not in SDIST_ONLY


def _known(version: str) -> None:
    if version not in RELEASES:
        raise ValueError(f"unknown release {version!r}; known: {', '.join(RELEASES)}")


def _shown_corpus(version: str) -> str:
    if os.environ.get("TFI_SHARED"):
        return f"{corpus_dir(version)} (TFI_SHARED={os.environ['TFI_SHARED']})"
    return f"../shared/corpus/transformers-{version}"


def _absent(version: str) -> str:
    where = "" if os.environ.get("TFI_SHARED") else " beside the project"
    return f"needs {_shown_corpus(version)} (not present{where})"


# --- the source distribution -------------------------------------------------------------------


# Older setuptools for the isolated build environment, in case a new one cannot run an old setup.py.
OLD_SETUPTOOLS = "setuptools<70\n"


def _pip_download(version: str, target: Path, extra: Tuple[str, ...], env: Dict[str, str]) -> Tuple[int, str]:
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
        "--no-binary", ":all:", *extra, f"transformers=={version}", "-d", str(target),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return -1, str(exc)
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()] or ["no output"]
    errors = [line for line in lines if line.lower().startswith("error")]
    return done.returncode, (errors or lines)[-1]


def _readable(archive: Path) -> bool:
    try:
        with tarfile.open(archive) as handle:
            handle.getmembers()
    except (OSError, tarfile.TarError, EOFError):
        return False
    return True


def _sdist(cache: Path, version: str) -> Tuple[Optional[Path], str]:
    """The cached sdist of ``version``, downloaded first if needed (only from the package index, by pip).

    ``pip download`` of an sdist first prepares its metadata (runs its setup.py in an isolated build
    environment with the newest setuptools) and keeps the file only if that works. If it does not,
    two more tries: the isolated environment with an older setuptools (a ``PIP_CONSTRAINT`` file), then
    ``--no-build-isolation`` (the running environment's setuptools and wheel, if it has them); both
    also ignore Requires-Python. The download goes to a private folder and is moved into the cache only
    once it reads as a whole archive, so a killed or failed run leaves nothing behind.
    """
    name = f"transformers-{version}.tar.gz"
    cached = cache / name
    if cached.is_file():
        if _readable(cached):
            return cached, ""
        cached.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    failures = []
    with tempfile.TemporaryDirectory(prefix=f".download-{version}-", dir=cache) as scratch:
        constraints = Path(scratch) / "constraints.txt"
        constraints.write_text(OLD_SETUPTOOLS)
        attempts = (
            ("", (), {}),
            (" (older setuptools)", ("--ignore-requires-python",), {"PIP_CONSTRAINT": str(constraints)}),
            (" (no build isolation)", ("--no-build-isolation", "--ignore-requires-python"), {}),
        )
        for label, extra, env in attempts:
            folder = Path(scratch) / f"try{len(failures)}"
            returncode, last = _pip_download(version, folder, extra, dict(os.environ, **env))
            got = folder / name
            if got.is_file() and _readable(got):
                os.replace(got, cached)
                return cached, ""
            failures.append((last, label))
            if returncode == -1:  # pip could not even run, or timed out: another try would not help
                break
    if len({last for last, _ in failures}) == 1:
        told = f"{failures[0][0]} ({len(failures)} tries)" if len(failures) > 1 else failures[0][0]
    else:
        told = "; ".join(f"{last}{label}" for last, label in failures)
    return None, f"pip download of transformers=={version} failed (no network and no cached copy?): {told}"


def _extract(sdist: Path, version: str, folders: List[str], into: Path) -> List[str]:
    """Extract ``transformers-<version>/<folder>/`` for each folder present; return those found."""
    prefix = f"transformers-{version}/"
    with tarfile.open(sdist) as archive:
        members = []
        found = set()
        for member in archive.getmembers():
            if not member.name.startswith(prefix):
                continue
            top = member.name[len(prefix):].split("/", 1)[0]
            if top in folders and (member.isfile() or member.isdir()):
                members.append(member)
                found.add(top)
        if hasattr(tarfile, "data_filter"):
            archive.extractall(into, members=members, filter="data")
        else:  # Python without extraction filters: only plain files and folders, no escaping names
            for member in members:
                if member.name.startswith("/") or ".." in member.name.split("/"):
                    raise ValueError(f"unsafe member {member.name!r} in {sdist}")
            archive.extractall(into, members=members)
    for top in found:
        shutil.move(str(into / prefix / top), str(into / top))
    shutil.rmtree(into / prefix.rstrip("/"), ignore_errors=True)
    return sorted(found)


# --- the tree ----------------------------------------------------------------------------------


def origins(tree: Path) -> Dict[str, str]:
    """Where each part of an assembled tree came from, as its marker records it.

    Keys ``version``, ``src``, ``docs``, ``utils``; values ``sdist``, ``corpus``, ``sdist+corpus`` or
    ``none``. A marker written before origins were recorded yields ``{"version": ...}`` only.
    """
    result: Dict[str, str] = {}
    for line in (tree / MARKER).read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            result[key.strip()] = value.strip()
        elif line.strip():
            result["version"] = line.strip()
    return result


def _reusable(tree: Path, version: str) -> bool:
    if not (tree / MARKER).is_file():
        return False
    if version in SDIST_CARRIES_UTILS and corpus_dir(version).is_dir():
        # Built without the corpus earlier; the corpus is here now: rebuild with its full docs.
        return "corpus" in origins(tree).get("docs", "corpus")
    return True


def assemble(version: str = VERSION) -> Tuple[Optional[Path], str]:
    """The pristine assembled tree of ``version`` (read-only by convention), or ``None`` and the reason."""
    _known(version)
    corpus = corpus_dir(version)
    if needs_shared(version):
        if not corpus.is_dir():
            return None, _absent(version)
        missing = [part for part in ("docs", "utils") if not (corpus / part).is_dir()]
        if missing:
            return None, f"{_shown_corpus(version)} has no {' or '.join(p + '/' for p in missing)}"
    cache = cache_dir()
    tree = cache / f"tree-{version}"
    if _reusable(tree, version):
        return tree, ""
    sdist, reason = _sdist(cache, version)
    if sdist is None:
        return None, reason
    _clear_stale(cache, version)
    staging = Path(tempfile.mkdtemp(prefix=f"tree-{version}.partial.", dir=cache))
    staging.chmod(0o755)
    try:
        origin = _build(staging, sdist, version, corpus)
        (staging / MARKER).write_text("".join(f"{k}={v}\n" for k, v in origin.items()))
        _install(staging, tree, version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return tree, ""


def tree_or_skip(version: str = VERSION) -> Path:
    """The pristine tree of ``version``; where it cannot be assembled, the test is skipped with the reason,
    which is printed too (``pytest -s`` and CI logs show why)."""
    import pytest

    tree, reason = assemble(version)
    if tree is None:
        print(f"SKIP Transformers {version} tree: {reason}")
        pytest.skip(f"real Transformers {version} tree unavailable: {reason}")
    return tree


def _install(staging: Path, tree: Path, version: str) -> None:
    """Rename the finished staging folder to ``tree`` (a rename never replaces a full folder)."""
    for _ in range(3):
        try:
            staging.rename(tree)
            return
        except OSError:
            if _reusable(tree, version):  # another run finished the same tree meanwhile
                shutil.rmtree(staging)
                return
            shutil.rmtree(tree, ignore_errors=True)  # incomplete, or to be rebuilt with the corpus' docs
    staging.rename(tree)


def _clear_stale(cache: Path, version: str, age: float = 3600.0) -> None:
    """Remove staging and download folders an interrupted run left (older than ``age`` seconds)."""
    now = time.time()
    for pattern in (f"tree-{version}.partial*", f".download-{version}-*"):
        for path in cache.glob(pattern):
            try:
                if now - path.stat().st_mtime > age:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass


def _build(staging: Path, sdist: Path, version: str, corpus: Path) -> Dict[str, str]:
    origin = {"version": version, "src": "sdist", "docs": "none", "utils": "none"}
    if needs_shared(version):
        _extract(sdist, version, ["src"], staging)
        shutil.copytree(corpus / "docs", staging / "docs")
        shutil.copytree(corpus / "utils", staging / "utils")
        origin.update(docs="corpus", utils="corpus")
    else:
        found = _extract(sdist, version, ["src", "docs", "utils"], staging)
        for part in ("docs", "utils"):
            if part in found:
                origin[part] = "sdist"
        if version in SDIST_CARRIES_UTILS and (corpus / "docs").is_dir():
            shutil.copytree(corpus / "docs", staging / "docs", dirs_exist_ok=True)
            origin["docs"] = "sdist+corpus" if "docs" in found else "corpus"
    if not (staging / "src" / "transformers" / "__init__.py").is_file():
        raise RuntimeError(f"{sdist} has no src/transformers/__init__.py")
    _owner_writable(staging)  # the corpus is read-only; copies of the tree must be writable
    return origin


def _owner_writable(root: Path) -> None:
    for folder, _, files in os.walk(root):
        for path in [folder, *(os.path.join(folder, name) for name in files)]:
            mode = os.stat(path).st_mode
            if not mode & 0o200:
                os.chmod(path, mode | 0o200)


def copy_tree(source: Path, target: Path) -> Path:
    """A writable copy of the tree (src, docs, utils)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(MARKER, "__pycache__"))
    _owner_writable(target)  # trees cached before files were made writable hold read-only copies
    return target
