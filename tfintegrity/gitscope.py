"""Which files changed since a git ref: the scope of ``tfintegrity check --base REF``.

``changed_paths(root, base)`` returns the paths (relative to ``root``, forward slashes, sorted) that
differ between the merge-base of ``base`` and ``HEAD`` and the working tree: committed on the branch,
staged, unstaged, and untracked (not ignored). A deleted file is listed by its old name, a renamed
file by both names. Every git problem becomes a one-line :class:`TfiError`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, List, Set

from tfintegrity.errors import TfiError

SHALLOW_HINT = "fetch more history, e.g. actions/checkout with fetch-depth: 0"


def _import_git():  # type: ignore[no-untyped-def]
    try:
        import git  # gitpython; importing it fails when no git executable is found
    except ImportError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TfiError(f"--base needs git and gitpython ({first})") from None
    return git


def _git_failure(exc: Exception) -> str:
    """The most useful single line of a failed git command."""
    stderr = getattr(exc, "stderr", "") or ""
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    for line in str(stderr).splitlines():
        line = line.strip().strip("'").strip()
        if line.startswith("stderr:"):
            line = line[len("stderr:") :].strip().strip("'").strip()
        if line:
            return line
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _split_z(output: str) -> List[str]:
    return [p for p in output.split("\0") if p]


def changed_paths(root: Path, base: str) -> List[str]:
    """Root-relative paths changed since the merge-base of ``base`` and ``HEAD`` (see the module doc)."""
    git = _import_git()
    root = Path(root)
    try:
        repo = git.Repo(str(root), search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise TfiError("not a git repository (needed by --base)", str(root)) from None
    except git.GitError as exc:  # pragma: no cover - e.g. an unreadable .git
        raise TfiError(f"cannot open the git repository ({_git_failure(exc)})", str(root)) from None
    try:
        if repo.bare or repo.working_tree_dir is None:
            raise TfiError("not a git repository (needed by --base)", str(root))
        return _changed(repo, git, root, base)
    except git.GitCommandError as exc:
        raise TfiError(f"git failed: {_git_failure(exc)}") from None
    finally:
        repo.close()


def _changed(repo, git, root: Path, base: str) -> List[str]:  # type: ignore[no-untyped-def]
    if not base or base.startswith("-") or "\0" in base:
        raise TfiError(f"unknown git ref {base!r} (--base)")
    base_sha = _resolve(repo, git, base)
    if base_sha is None:
        raise TfiError(f"unknown git ref {base!r} (--base)" + (f"; {SHALLOW_HINT}" if _shallow(repo, git) else ""))
    head_sha = _resolve(repo, git, "HEAD")
    if head_sha is None:
        raise TfiError("HEAD has no commit yet; commit once before using --base")
    try:
        merge_base = repo.git.merge_base(base_sha, head_sha).strip().splitlines()[0]
    except (git.GitCommandError, IndexError):
        hint = f"; {SHALLOW_HINT}" if _shallow(repo, git) else ""
        raise TfiError(f"no merge-base between {base!r} and HEAD (--base){hint}") from None

    names: Set[str] = set()
    # Committed on the branch, staged and unstaged: three diffs, so that a change made on the branch
    # and undone in the working tree still counts. --no-renames reports a rename as delete + add,
    # that is by both names. gitpython runs git in the work tree's top folder, so the paths are
    # relative to it.
    common = ("--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--ignore-submodules")
    names.update(_split_z(repo.git.diff(*common, merge_base, head_sha, "--")))
    names.update(_split_z(repo.git.diff(*common, "--cached", head_sha, "--")))
    names.update(_split_z(repo.git.diff(*common, "--")))
    names.update(_split_z(repo.git.ls_files("-z", "--others", "--exclude-standard", "--full-name")))
    return _relative_to_root(Path(str(repo.working_tree_dir)), root, names)


def _resolve(repo, git, ref: str):  # type: ignore[no-untyped-def]
    try:
        return repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}").strip() or None
    except git.GitCommandError:
        return None


def _shallow(repo, git) -> bool:  # type: ignore[no-untyped-def]
    try:
        return repo.git.rev_parse("--is-shallow-repository").strip() == "true"
    except git.GitCommandError:
        return False


def _relative_to_root(top: Path, root: Path, names: Iterable[str]) -> List[str]:
    """Git paths (relative to the work tree's top) made relative to ``root``; paths outside are dropped."""
    top_real = os.path.realpath(str(top))
    root_real = os.path.realpath(str(root))
    if root_real == top_real:
        return sorted(names)
    prefix = os.path.relpath(root_real, top_real).replace(os.sep, "/")
    if prefix == ".." or prefix.startswith("../"):
        return sorted(names)  # root above the work tree top cannot happen with a parent search
    prefix += "/"
    return sorted(n[len(prefix) :] for n in names if n.startswith(prefix))
