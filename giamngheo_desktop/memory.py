"""Pausing Python's cyclic garbage collector around work that makes hundreds of thousands of
small objects without reference cycles (an import, classifying a commune, laying out a long paper).

Its full collections walk every live object and grow with their number: they made big imports
super-linear, took a third of classifying 50,000 households and 13 % of laying out a thousand forms,
and found next to nothing. The collector is process-wide: a pause covers every thread for its
length, and whatever cycles were made meanwhile go when it is back on.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off inside the block, back as it was after it (even on an error)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
