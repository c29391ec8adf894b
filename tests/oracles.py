"""The release's own consistency scripts, run on a tree as an outside oracle.

Each script is the one the tree itself carries in ``utils/`` (so each release is judged by its own
rules), run with ``sys.executable`` and the tree as working directory, in check mode only (none of
these invocations writes to the tree). Scripts the release does not have are not run:

==========================  =====================================================  ==============
script                      how it is run (check mode)                             releases
==========================  =====================================================  ==============
check_dummies.py            ``python utils/check_dummies.py``                      all with utils/
check_inits.py              ``check_all_inits()`` only: its ``check_submodules``   4.10 and later
                            imports the library
custom_init_isort.py        ``python utils/custom_init_isort.py --check_only``     4.10 and later
sort_auto_mappings.py       ``python utils/sort_auto_mappings.py --check_only``    4.20 and later
check_doctest_list.py       ``python utils/check_doctest_list.py``                 4.28 and later
==========================  =====================================================  ==============

All five read the tree as text with the standard library alone (``PATH_TO_TRANSFORMERS =
"src/transformers"`` relative to the working directory; check_doctest_list reads
``utils/documentation_tests.txt`` up to 4.31 and ``utils/not_doctested.txt`` plus
``utils/slow_documentation_tests.txt`` from 4.32). Every failure is a raised exception, so a non-zero
return code. ``PYTHONDONTWRITEBYTECODE`` keeps ``import check_inits`` from leaving a ``__pycache__``
in the (pristine, cached) tree.

check_doctest_list.py does not pass on the pristine 4.28.0, 4.31.0 and 4.32.0 trees: their doctest
lists name doc pages the corpus does not carry (it carries the model doc pages; 4.31.0 also the other
English pages, not the Spanish ones) and, in 4.32.0, a non-Python file under src/ that the sdist leaves
out. The script stops at those, so it never reaches its sort check (nor, in 4.32.0, its second list).
``run_oracles(tree, scoped=True)`` runs the same script on a view of the tree whose doctest lists
leave out just the entries that are absent from the tree *and* outside what an assembly carries
(``outside_assembly``); every other check of the script, sort order included, stays as it is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

TIMEOUT = 300

CHECK_INITS = "import sys; sys.path.insert(0, 'utils'); import check_inits; check_inits.check_all_inits()"

# (script in utils/, arguments after the interpreter), in the order run
ORACLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("check_dummies.py", ("utils/check_dummies.py",)),
    ("check_inits.py", ("-c", CHECK_INITS)),
    ("custom_init_isort.py", ("utils/custom_init_isort.py", "--check_only")),
    ("sort_auto_mappings.py", ("utils/sort_auto_mappings.py", "--check_only")),
    ("check_doctest_list.py", ("utils/check_doctest_list.py",)),
)


@dataclass(frozen=True)
class OracleResult:
    script: str  # the file name in utils/, e.g. "check_dummies.py"
    command: Tuple[str, ...]
    returncode: int
    output: str  # stdout, then stderr

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def available(tree: Path) -> List[str]:
    """The oracle scripts ``tree/utils/`` holds, in the order they are run."""
    return [script for script, _ in ORACLES if (Path(tree) / "utils" / script).is_file()]


def run_oracles(tree: Path, only: Sequence[str] = (), scoped: bool = False) -> List[OracleResult]:
    """Run each oracle script the tree has (or just those named in ``only``) with ``cwd=tree``.

    With ``scoped``, check_doctest_list.py runs on a view of the tree whose doctest lists leave out
    the entries an assembled tree cannot have (see the module docstring); the output then starts
    with a line saying how many were left out.
    """
    tree = Path(tree)
    present = set(available(tree))
    results = []
    for script, arguments in ORACLES:
        if script not in present or (only and script not in only):
            continue
        if scoped and script == "check_doctest_list.py":
            with tempfile.TemporaryDirectory(prefix="tfi-oracle-view-") as scratch:
                view, note = _scoped_view(tree, Path(scratch))
                result = _run(script, arguments, view)
            results.append(OracleResult(result.script, result.command, result.returncode, note + result.output))
        else:
            results.append(_run(script, arguments, tree))
    return results


def _run(script: str, arguments: Tuple[str, ...], cwd: Path) -> OracleResult:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
    env.pop("PYTHONPATH", None)  # the scripts need only the standard library and the tree
    command = (sys.executable, *arguments)
    try:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", errors="replace",
            timeout=TIMEOUT,
        )
        returncode, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        returncode, output = -1, f"timed out after {TIMEOUT}s: {exc}"
    return OracleResult(script, command, returncode, output)


def outside_assembly(path: str) -> bool:
    """Whether a path a doctest list names is of a kind an assembled tree does not carry.

    The corpus carries model doc pages (``docs/source/[en/]model_doc/``), so any other ``docs/`` path;
    the sdist carries the Python files and folders of ``src/``, so a non-Python file there.
    """
    parts = path.strip().strip("/").split("/")
    if parts[0] == "docs":
        return "model_doc" not in parts
    if parts[0] == "src":
        return os.path.splitext(parts[-1])[1] not in ("", ".py")
    return False


def _scoped_view(tree: Path, view: Path) -> Tuple[Path, str]:
    """``view``: the tree's top-level entries linked, utils/ copied with its doctest lists scoped."""
    for entry in tree.iterdir():
        if entry.name != "utils" and not entry.name.startswith("."):
            os.symlink(entry, view / entry.name, target_is_directory=entry.is_dir())
    shutil.copytree(tree / "utils", view / "utils", ignore=shutil.ignore_patterns("__pycache__"))
    notes = []
    for listing in sorted((view / "utils").glob("*.txt")):
        lines = listing.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [
            line for line in lines
            if not (line.strip() and outside_assembly(line) and not (tree / line.strip()).exists())
        ]
        if len(kept) != len(lines):
            listing.write_text("".join(kept), encoding="utf-8")
            notes.append(f"{len(lines) - len(kept)} of utils/{listing.name}")
    note = f"(scoped: left out entries outside the assembly: {', '.join(notes)})\n" if notes else ""
    return view, note


def missing_paths(result: OracleResult) -> List[str]:
    """The paths a failed check_doctest_list.py run reports as non-existent (both output styles)."""
    _, found, rest = result.output.partition("non-existent paths:\n")
    if not found:
        return []
    paths = []
    for line in rest.splitlines():
        line = line.strip()
        if not line or line.startswith(("Traceback", "File ", "raise ", "ValueError", "^")):
            break
        paths.append(line[2:] if line.startswith("- ") else line)
    return paths


def failed(results: Iterable[OracleResult]) -> List[OracleResult]:
    return [result for result in results if result.returncode != 0]


def failures_of_variants(work: Path, variants: Mapping[str, Mapping[str, str]]) -> Dict[str, str]:
    """Run the scripts on ``work`` with each variant's texts (path -> text) written over it in turn, putting
    the files back after each: variant -> what failed, for the variants some script fails on."""
    failures = {}
    for case, texts in sorted(variants.items()):
        originals = {path: (work / path).read_bytes() for path in texts if (work / path).exists()}
        for path, text in texts.items():
            (work / path).write_text(text, encoding="utf-8")
        broken = failed(run_oracles(work, scoped=True))
        if broken:
            failures[case] = describe(broken)
        for path in texts:
            if path in originals:
                (work / path).write_bytes(originals[path])
            else:
                (work / path).unlink()
    return failures


def _shown(command: Tuple[str, ...]) -> str:
    return " ".join(["python", *(f'"{part}"' if " " in part else part for part in command[1:])])


def describe(results: Iterable[OracleResult], tree: Optional[Path] = None, max_lines: int = 40) -> str:
    """A readable account of the failed oracles: for each, its command and (up to ``max_lines`` lines
    of) its output, from the exception's message on when the output is longer."""
    bad = failed(results)
    if not bad:
        return "all oracles pass"
    where = f" on {tree}" if tree is not None else ""
    parts = [f"{len(bad)} oracle(s) failed{where}:"]
    for result in bad:
        lines = result.output.rstrip().splitlines()
        if len(lines) > max_lines:
            # keep the exception's own message (it starts at the last "SomeError: ..." line)
            starts = [i for i, line in enumerate(lines) if re.match(r"[A-Za-z_.]*(Error|Exception)\b", line)]
            first = starts[-1] if starts else len(lines) - max_lines
            left = len(lines) - first - max_lines
            lines = ([f"... ({first} lines above left off)"] if first else []) + lines[first:first + max_lines]
            if left > 0:
                lines.append(f"... ({left} more lines)")
        parts.append(f"--- {result.script}: exit {result.returncode}: {_shown(result.command)}")
        parts.extend("    " + line for line in lines)
    return "\n".join(parts)
