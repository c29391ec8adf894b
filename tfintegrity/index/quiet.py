"""The cyclic garbage collector, paused while many acyclic objects are made at once."""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the collector: a syntax tree or a set of unpickled facts has no cycles, and the collector's
    passes over a growing heap of fresh objects would otherwise cost as much as making them."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
