"""Grow a real Transformers tree by N synthetic TF models, as a contributor would add them, then integrate them.

Each synthetic model is a copy of one real model's folder (by default convbert, whose TF modeling file is
the release's median size) under a new name (``zsyn0001`` / ``Zsyn0001`` / ``ZSYN0001``), with its doc
page, and its configuration and PyTorch auto entries next to the template's. Everything else (both halves
of the top-level init, the TF auto mappings, the dummies, the doctest list) is written by one
``tfintegrity check --fix``, so the grown tree is integrated the way the tool integrates a new model.

Usage: python bench/synthetic.py COUNT DEST [SOURCE_TREE]
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path
from typing import Callable, Dict

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tfintegrity import api  # noqa: E402
from tfintegrity.index.cache import CACHE_DIR  # noqa: E402

PKG = "src/transformers"
AUTO_FILES = ("configuration_auto.py", "modeling_auto.py")
MARKER = ".synthetic-models"


def spellings(template: str, folder: str) -> Callable[[str], str]:
    """A renamer from the template model's spellings (snake, Camel, UPPER, kebab) to the new model's."""
    camel_new = folder[0].upper() + folder[1:]
    pairs: Dict[str, str] = {}

    def add(old: str, new: str) -> None:
        if old:
            pairs[old] = new

    add(template, folder)
    add(template.upper(), folder.upper())
    add(template.replace("_", "-"), folder)
    return lambda text: _camel(text, template, camel_new, pairs)


def _camel(text: str, template: str, camel_new: str, pairs: Dict[str, str]) -> str:
    # The Camel spelling is read off the text itself (ConvBert, not Convbert): any case-insensitive match
    # of the template's letters that starts with a capital.
    camel = re.compile(
        "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in template.replace("_", ""))
    )
    for old, new in sorted(pairs.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(old, new)
    return camel.sub(lambda m: camel_new if m.group(0)[0].isupper() else m.group(0), text)


def grow(tree: Path, count: int, template: str = "convbert") -> None:
    """Add ``count`` copies of ``template`` to ``tree`` and integrate them with one ``--fix``."""
    models = tree / PKG / "models"
    page = tree / "docs/source/en/model_doc" / f"{template}.md"
    autos = {name: (models / "auto" / name).read_text(encoding="utf-8") for name in AUTO_FILES}
    entry = re.compile(rf'^(\s*)\("{re.escape(template)}", .*\),\n', re.M)
    for number in range(1, count + 1):
        folder = f"zsyn{number:04d}"
        rename = spellings(template, folder)
        target = models / folder
        target.mkdir()
        for source in sorted((models / template).iterdir()):
            if source.is_file() and source.suffix == ".py":
                (target / rename(source.name)).write_text(rename(source.read_text(encoding="utf-8")), encoding="utf-8")
        if page.is_file():
            (page.parent / f"{folder}.md").write_text(rename(page.read_text(encoding="utf-8")), encoding="utf-8")
        for name, text in autos.items():
            autos[name] = entry.sub(lambda m: m.group(0) + rename(m.group(0)), text)
    for name, text in autos.items():
        (models / "auto" / name).write_text(text, encoding="utf-8")
    api.run(api.Options(root=tree, fix=True, use_baseline=False, use_cache=False))
    (tree / MARKER).write_text(f"{count} {template}\n")


def grown_tree(source: Path, count: int, cache: Path, template: str = "convbert") -> Path:
    """``source`` grown by ``count`` models, built once under ``cache`` and reused."""
    dest = cache / f"{source.name}-plus-{count}-{template}"
    if (dest / MARKER).is_file():
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest, symlinks=True, ignore=shutil.ignore_patterns(CACHE_DIR))
    start = time.perf_counter()
    grow(dest, count, template)
    print(f"built {dest} ({count} models, integrated by --fix in {time.perf_counter() - start:.1f} s)", flush=True)
    return dest


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    count, dest = int(sys.argv[1]), Path(sys.argv[2])
    source = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    if source is None:
        sys.path.insert(0, str(HERE.parent / "tests"))
        import realtree

        source, reason = realtree.assemble("4.31.0")
        if source is None:
            sys.exit(f"no 4.31.0 tree: {reason}")
    shutil.copytree(source, dest, symlinks=True, ignore=shutil.ignore_patterns(CACHE_DIR))
    grow(dest, count)


if __name__ == "__main__":
    main()
