"""Time a full `tfintegrity check` of a Transformers tree against the floor of parsing what it reads.

Usage: python bench/bench_check.py [TREE]   (default: the cached 4.31.0 tree the tests assemble)
       python bench/bench_check.py --releases  (one row per release the tests assemble, 4.2.0-4.48.0)

Prints, from one run: the check's wall time, the floor (reading and `ast.parse`-ing every file the
check read), their ratio, and the peak memory of the check (tracemalloc, Python allocations) and
of the process (ru_maxrss).
"""

from __future__ import annotations

import ast
import gc
import resource
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from tfintegrity import api  # noqa: E402
from tfintegrity.index.repo import RepoIndex  # noqa: E402


def tree_path() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    import realtree

    tree, reason = realtree.assemble()
    if tree is None:
        sys.exit(f"no tree: {reason}")
    return tree


def timed_check(root: Path) -> tuple:
    session = api.open_session(api.Options(root=root, use_baseline=False))
    index = RepoIndex(session.root, session.config.package)
    start = time.perf_counter()
    findings = api.collect(session, index, None)
    return time.perf_counter() - start, index.files_read(), len(findings)


def floor(root: Path, files: list) -> float:
    start = time.perf_counter()
    for rel in files:
        text = (root / rel).read_bytes().decode("utf-8")
        if rel.endswith(".py"):
            ast.parse(text)
    return time.perf_counter() - start


def releases() -> None:
    import realtree

    print("| release | files read (Python) | findings | check s | floor s | ratio |")
    print("|---|---|---|---|---|---|")
    for version in realtree.RELEASES:
        root, reason = realtree.assemble(version)
        if root is None:
            print(f"| {version} | unavailable: {reason} | | | | |")
            continue
        timed_check(root)
        runs = [timed_check(root) for _ in range(3)]
        check_time = min(r[0] for r in runs)
        files = runs[0][1]
        floor_time = min(floor(root, files) for _ in range(3))
        python = sum(1 for f in files if f.endswith(".py"))
        print(
            f"| {version} | {len(files)} ({python}) | {runs[0][2]} | {check_time:.3f} | {floor_time:.3f} | "
            f"{check_time / floor_time:.2f} |",
            flush=True,
        )


def main() -> None:
    if sys.argv[1:] == ["--releases"]:
        releases()
        return
    root = tree_path()
    timed_check(root)  # warm the OS file cache and imports
    runs = []
    for _ in range(5):
        gc.collect()
        runs.append(timed_check(root))
    check_time = min(r[0] for r in runs)
    files = runs[0][1]
    floor_time = min(floor(root, files) for _ in range(5))
    gc.collect()
    tracemalloc.start()
    timed_check(root)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"tree: {root}")
    print(f"files read: {len(files)} ({sum(1 for f in files if f.endswith('.py'))} Python)")
    print(f"findings: {runs[0][2]}")
    print(f"check (best of 5): {check_time:.3f} s")
    print(f"floor: read + ast.parse of those files (best of 5): {floor_time:.3f} s")
    print(f"ratio check/floor: {check_time / floor_time:.2f}")
    print(f"peak memory of one check (tracemalloc): {peak / 2**20:.1f} MB; process max RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
