"""The real Transformers 4.31.0 tree, assembled at run time and cached between runs.

Python sources come from the package index's source distribution; docs and utils lists from
``../shared/corpus/transformers-4.31.0`` (see its SOURCE.md). Nothing of Transformers is committed
to this project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Optional, Tuple

VERSION = "4.31.0"
PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT.parent / "shared" / "corpus" / f"transformers-{VERSION}"


def cache_dir() -> Path:
    explicit = os.environ.get("TFI_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tfintegrity-tests"


def _sdist(cache: Path) -> Tuple[Optional[Path], str]:
    found = sorted(cache.glob(f"transformers-{VERSION}.tar.gz"))
    if found:
        return found[0], ""
    cache.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
        f"transformers=={VERSION}", "-d", str(cache),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"pip download failed: {exc}"
    found = sorted(cache.glob(f"transformers-{VERSION}.tar.gz"))
    if done.returncode != 0 or not found:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"pip download of transformers=={VERSION} failed (no network and no cached copy?): {last}"
    return found[0], ""


def assemble() -> Tuple[Optional[Path], str]:
    """The pristine assembled tree (read-only by convention), or ``None`` and the reason."""
    if not CORPUS.is_dir():
        return None, f"corpus folder {CORPUS} is missing"
    cache = cache_dir()
    tree = cache / f"tree-{VERSION}"
    if (tree / ".complete").is_file():
        return tree, ""
    sdist, reason = _sdist(cache)
    if sdist is None:
        return None, reason
    staging = cache / f"tree-{VERSION}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(sdist) as archive:
        members = [m for m in archive.getmembers() if m.name.startswith(f"transformers-{VERSION}/src/")]
        archive.extractall(staging / "x", members=members, filter="data")
    shutil.move(str(staging / "x" / f"transformers-{VERSION}" / "src"), str(staging / "src"))
    shutil.rmtree(staging / "x")
    shutil.copytree(CORPUS / "docs", staging / "docs")
    shutil.copytree(CORPUS / "utils", staging / "utils")
    (staging / ".complete").write_text(VERSION + "\n")
    shutil.rmtree(tree, ignore_errors=True)
    staging.rename(tree)
    return tree, ""


def copy_tree(source: Path, target: Path) -> Path:
    """A writable copy of the tree (src, docs, utils)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".complete", "__pycache__"))
    return target
