"""Issue 11's figures in one run: cold, warm and warm-scoped checks as ratios to the floor, growth, memory.

Usage: python bench/bench_cache.py [--repeat N] [--models 500,2000] [--backends tf,pt,flax] [--no-growth]

Every measured check runs in a fresh Python process (so nothing of an earlier run stays in memory) and
is timed inside it around the one ``api.run`` call, as the floor is timed around its reading and parsing.
The cases run in rounds (floor, cold, warm, warm scoped; ``--repeat`` rounds), each figure the best of its
rounds, so that a machine whose speed drifts slows the floor as much as the checks:

- floor: read + ``ast.parse`` of every file a check of the tree reads (the same files, best of N; the
  collector paused during each parse, as the tool pauses it);
- cold: ``--no-cache``;
- warm: the cache filled by a previous run, nothing changed;
- warm, one model's files as paths (what pre-commit runs after an edit): a comment appended to
  ``modeling_tf_bert.py``, then ``check src/transformers/models/bert/modeling_tf_bert.py``;
- growth: the 4.31.0 tree grown by 500 and by 2,000 synthetic TF models (bench/synthetic.py), cold;
- memory: the peak resident size of the process that checks the 2,000-model tree (ru_maxrss, the whole
  interpreter included);
- Transformers' own consistency scripts of 4.31.0 on the same tree, where they run without the
  library installed.

``--backends`` turns those backends' rules on for every check and floor (issue 10's figure: all three,
``--no-growth``, since the synthetic models are TF only). Trees are copies under ~/.cache/tfintegrity-bench
(the test trees are never written to).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

WORK = Path(os.environ.get("TFI_BENCH_CACHE", Path.home() / ".cache" / "tfintegrity-bench"))
EDITED = "src/transformers/models/bert/modeling_tf_bert.py"
TARGETS = {"cold": 1.0, "warm": 0.1, "warm, one model's files as paths": 0.1}
GROWTH_TARGET = 4.4
MEMORY_TARGET_MB = 200
# --------------------------------------------------------------------------- inside the child process


def backends() -> tuple:
    """The backends the parent asked for (passed to each child in the environment)."""
    return tuple(os.environ.get("TFI_BENCH_BACKENDS", "tf").split(","))


def once(mode: str, root: Path) -> Dict[str, object]:
    from tfintegrity import api

    options = api.Options(root=root, use_baseline=False, use_cache=mode != "cold", backends=backends())
    if mode == "scoped-edit":
        path = root / EDITED
        path.write_text(path.read_text(encoding="utf-8") + f"# edited at {time.time_ns()}\n", encoding="utf-8")
        options = api.Options(root=root, use_baseline=False, paths=(str(path),), cwd=root, backends=backends())
    start = time.perf_counter()
    result, _ = api.run(options)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "findings": len(result.findings), "files": result.files_checked, "rss_mb": rss}


def floor_once(root: Path, repeat: int) -> Dict[str, object]:
    import gc

    from tfintegrity import api
    from tfintegrity.index.repo import RepoIndex

    session = api.open_session(api.Options(root=root, use_baseline=False, use_cache=False, backends=backends()))
    index = RepoIndex(session.root, session.config.package)
    api.collect(session, index, None)
    files = index.files_read()
    del index, session
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for rel in files:
            text = (root / rel).read_bytes().decode("utf-8")
            if rel.endswith(".py"):
                # The cheapest parse: the collector paused until the tree is gone (as the tool does), so the
                # floor neither depends on what else is in memory nor flatters the ratios.
                gc.disable()
                ast.parse(text)
                gc.enable()
        best = min(best, time.perf_counter() - start)
    return {"seconds": best, "files": len(files), "python": sum(1 for f in files if f.endswith(".py"))}


# --------------------------------------------------------------------------- the parent


def child(*args: str) -> Dict[str, object]:
    env = dict(os.environ)
    env.pop("TFINTEGRITY_NO_CACHE", None)
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"child {args} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_copy(source: Path, name: str) -> Path:
    from tfintegrity.index.cache import CACHE_DIR

    dest = WORK / name
    if dest.exists():
        shutil.rmtree(dest)
    WORK.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, dest, symlinks=True, ignore=shutil.ignore_patterns(CACHE_DIR))
    return dest


def scripts(root: Path) -> List[str]:
    """A row per consistency script of the release (run as tests/oracles.py runs them), with its time."""
    import oracles

    rows = []
    for script, command in oracles.ORACLES:
        if script not in oracles.available(root):
            rows.append(f"| {script} | not in this tree | |")
            continue
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, *command],
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        seconds = time.perf_counter() - start
        state = "passes" if out.returncode == 0 else f"exit {out.returncode}"
        label = " ".join(a for a in command if a.startswith("--")) or (
            "(check_all_inits)" if command[0] == "-c" else ""
        )
        rows.append(f"| {' '.join((script, label)).strip()} | {seconds:.2f} s (whole process) | {state} |")
    return rows


def main(argv: Sequence[str]) -> None:
    if argv[:1] == ["--child"]:
        mode, root = argv[1], Path(argv[2])
        if mode == "floor":
            print(json.dumps(floor_once(root, int(argv[3]))))
        else:
            print(json.dumps(once(mode, root)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--models", default="500,2000", help="synthetic model counts for the growth figure")
    parser.add_argument("--backends", default="tf", help="the backends whose rules run (comma-separated)")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth and memory figures")
    args = parser.parse_args(argv)
    os.environ["TFI_BENCH_BACKENDS"] = args.backends
    import realtree
    import synthetic

    source, reason = realtree.assemble("4.31.0")
    if source is None:
        sys.exit(f"no 4.31.0 tree: {reason}")
    root = fresh_copy(source, "tree-4.31.0")
    # Rounds of floor, cold, warm and scoped-edit, so that every case sees the machine as the floor does
    # (on a shared machine its speed drifts over minutes); each figure is the best of its rounds.
    rounds: Dict[str, List[Dict[str, object]]] = {"floor": [], "cold": [], "warm": [], "scoped-edit": []}
    for _ in range(args.repeat):
        rounds["floor"].append(child("floor", str(root), "2"))
        rounds["cold"].append(child("cold", str(root)))
        child("warm", str(root))  # fill the cache for the tree as it is now
        rounds["warm"].append(child("warm", str(root)))
        rounds["scoped-edit"].append(child("scoped-edit", str(root)))

    def fastest(mode: str) -> Dict[str, object]:
        return min(rounds[mode], key=lambda r: r["seconds"])  # type: ignore[arg-type,return-value]

    floor = fastest("floor")
    print(
        f"tree: 4.31.0, backends {args.backends}, {floor['files']} files read ({floor['python']} Python); "
        f"floor (read + ast.parse, "
        f"best of {args.repeat} rounds): {floor['seconds']:.3f} s\n",
        flush=True,
    )
    print("| case | check s | ratio to floor | target | |")
    print("|---|---|---|---|---|")
    figures = {
        "cold": fastest("cold"),
        "warm": fastest("warm"),
        "warm, one model's files as paths": fastest("scoped-edit"),
    }
    ok = True
    for label, row in figures.items():
        ratio = float(row["seconds"]) / float(floor["seconds"])  # type: ignore[arg-type]
        met = ratio <= TARGETS[label]
        ok = ok and met
        print(
            f"| {label} | {row['seconds']:.3f} | {ratio:.3f} | <= {TARGETS[label]} | {'met' if met else 'NOT met'} |",
            flush=True,
        )
    counts = [] if args.no_growth else [int(c) for c in args.models.split(",")]
    trees = {count: synthetic.grown_tree(root, count, WORK) for count in counts}
    runs: Dict[int, List[Dict[str, object]]] = {count: [] for count in counts}
    for _ in range(args.repeat):  # in rounds too, the sizes alternating
        for count in counts:
            runs[count].append(child("cold", str(trees[count])))
    grown = {count: min(runs[count], key=lambda r: r["seconds"]) for count in counts}  # type: ignore
    if counts:
        print("\n| extra synthetic TF models | files read | cold check s | peak RSS MB |")
        print("|---|---|---|---|")
    for count, row in grown.items():
        print(f"| {count} | {row['files']} | {row['seconds']:.3f} | {row['rss_mb']:.0f} |")
    if len(counts) == 2:
        growth = float(grown[counts[1]]["seconds"]) / float(grown[counts[0]]["seconds"])  # type: ignore[arg-type]
        memory = float(grown[counts[1]]["rss_mb"])  # type: ignore[arg-type]
        print(
            f"\ngrowth {counts[1]}/{counts[0]}: {growth:.2f}x (target <= {GROWTH_TARGET}x: "
            f"{'met' if growth <= GROWTH_TARGET else 'NOT met'}); peak RSS of the {counts[1]}-model check: "
            f"{memory:.0f} MB (target <= {MEMORY_TARGET_MB} MB: {'met' if memory <= MEMORY_TARGET_MB else 'NOT met'})"
        )
        ok = ok and growth <= GROWTH_TARGET and memory <= MEMORY_TARGET_MB
    print(
        "\nTransformers' own scripts on the same 4.31.0 tree (check_repo.py needs the frameworks installed: not run)"
    )
    print("| script | time | result |")
    print("|---|---|---|")
    for row in scripts(root):
        print(row)
    print(f"\nall targets {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main(sys.argv[1:])
