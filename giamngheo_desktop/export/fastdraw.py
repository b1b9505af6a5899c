"""Drawing what reportlab draws, byte for byte, without paying for it again and again.

A long list or a thousand forms draw the same few things over and over: the same header cells on
every page, the same column texts ("Nam", "Con", a village's name), the same form header, title and
headings on every form. reportlab works each of them out again each time (text objects, number
formatting in pure Python, font subset lookups, paragraph line breaking). Here, per document
(per canvas):

- :func:`ink` — plain strings drawn with exactly the operators ``canvas.drawString`` /
  ``drawCentredString`` / ``drawRightString`` write, with a string's encoded text, its width and
  each number's formatting kept once worked out;
- :func:`replay_draw` — a flowable's drawing recorded the first time and written again for the
  next identical one (what a flowable draws after ``drawOn`` moved the origin does not depend on
  where it stands on the page);
- :class:`StableParagraph` / :class:`Memo` — a paragraph or a fixed part of a paper (the header
  block, a title) wrapped and drawn once per document and replayed after.

The PDF is the same as reportlab's own drawing, to the byte (``tests/core/test_fastdraw.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any


class Ink:
    """Per-canvas caches for drawing plain strings (one per document: a font's subset codes are the
    document's)."""

    __slots__ = ("canv", "doc", "escape", "nums", "replays", "runs", "widths")

    def __init__(self, canv: Any) -> None:
        self.canv = canv
        self.doc = canv._doc
        self.escape = canv._escape
        self.nums: dict[float, str] = {}
        self.runs: dict[tuple[str, float, float, str], str] = {}
        self.widths: dict[tuple[str, float, str], float] = {}
        self.replays: dict[Hashable, Any] = {}

    def num(self, value: float) -> str:
        """``fp_str(value)``, each value formatted once."""
        out = self.nums.get(value)
        if out is None:
            from reportlab.lib.rl_accel import fp_str

            out = self.nums[value] = fp_str(value)
        return out

    def run(self, font: str, size: float, leading: float, text: str) -> str:
        """The text-showing operators of ``text`` (``PDFTextObject._formatText``: font subset, size,
        leading, escaped string per subset), once per text."""
        key = (font, size, leading, text)
        out = self.runs.get(key)
        if out is None:
            from reportlab.lib.rl_accel import fp_str
            from reportlab.pdfbase.pdfmetrics import getFont

            face = getFont(font)
            if not face._dynamicFont:  # pragma: no cover - the papers use embedded TrueType fonts only
                raise ValueError(f"{font} is not a TrueType font")
            doc = self.doc
            tmpl = f"{fp_str(size)} Tf {fp_str(leading)} TL"
            parts: list[str] = []
            current = -1
            for subset, chunk in face.splitString(text, doc):
                if subset != current:
                    parts.append(f"{face.getSubsetInternalName(subset, doc)} {tmpl}")
                    current = subset
                parts.append(f"({self.escape(chunk)}) Tj")
            out = self.runs[key] = " ".join(parts)
        return out

    def width(self, font: str, size: float, text: str) -> float:
        key = (font, size, text)
        out = self.widths.get(key)
        if out is None:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            out = self.widths[key] = stringWidth(text, font, size)
        return out

    def draw(self, x: float, y: float, text: str, align: str = "LEFT") -> None:
        """``canvas.drawString(x, y, text)`` (``drawCentredString``, ``drawRightString`` for
        CENTER / RIGHT) in the canvas's current font, size and leading."""
        canv = self.canv
        font, size = canv._fontname, canv._fontsize
        if align == "CENTER" or align == "CENTRE":
            x = x - 0.5 * self.width(font, size, text)
        elif align == "RIGHT":
            x = x - self.width(font, size, text)
        ops = self.run(font, size, canv._leading, text)
        canv._code.append(f"BT 1 0 0 1 {self.num(x)} {self.num(y)} Tm {ops} T* ET")

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        """``canvas.line(x1, y1, x2, y2)``."""
        num = self.num
        self.canv._code.append(f"n {num(x1)} {num(y1)} m {num(x2)} {num(y2)} l S")


def ink(canv: Any) -> Ink:
    """The canvas's :class:`Ink` (made on first use)."""
    found = getattr(canv, "_giamngheo_ink", None)
    if found is None or found.canv is not canv:
        found = Ink(canv)
        canv._giamngheo_ink = found
    return found


def replay_draw(canv: Any, key: Hashable, draw: Callable[[], None]) -> None:
    """Run ``draw`` once per document for ``key`` and record what it wrote to the page; for the next
    ``key`` write the recording again. ``draw`` must leave the canvas as it found it (a flowable's
    ``draw`` inside ``drawOn``'s saved state: text objects and saveState/restoreState pairs)."""
    cache = ink(canv).replays
    code = cache.get(key)
    if code is not None:
        canv._code.extend(code)
        return
    start = len(canv._code)
    draw()
    cache[key] = canv._code[start:]


@functools.cache
def _stable_paragraph_class() -> Any:
    from reportlab.platypus import Paragraph

    class StableParagraph(Paragraph):
        """A Paragraph that keeps its lines for the width it was last wrapped at, and draws once per
        document: the same cell on every page (a list's header rows) or the same text in every form
        is written again from the first drawing."""

        _steady: tuple[float, tuple[float, float]] | None = None

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            if self._steady is not None and self._steady[0] == avail_width:
                return self._steady[1]
            width, height = super().wrap(avail_width, avail_height)
            size = (float(width), float(height))
            self._steady = (avail_width, size)
            return size

        def draw(self) -> None:
            steady = self._steady
            key = ("p", self, steady[0] if steady else None)
            replay_draw(self.canv, key, super().draw)

    return StableParagraph


def stable_paragraph(text: str, style: Any) -> Any:
    return _stable_paragraph_class()(text, style)


@functools.cache
def _memo_class() -> Any:
    from reportlab.platypus import Flowable

    class Memo(Flowable):
        """A fixed part of a paper (the header block, a title, a heading) made, wrapped and drawn once
        per document and written again wherever it comes back. ``key`` names what ``make`` returns:
        two Memos with the same key must make the same flowable, whose space before and after are
        ``space``."""

        def __init__(
            self, key: Hashable, make: Callable[[], Any], texts: tuple[str, ...], space: tuple[float, float]
        ) -> None:
            super().__init__()
            self.key, self.make, self.texts, self.space = key, make, texts, space
            self._inner: Any = None
            self._avail = 0.0

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            cache = ink(self.canv).replays
            made = cache.get(("memo", self.key))
            if made is None:
                sized: dict[float, tuple[float, float]] = {}
                made = cache[("memo", self.key)] = (self.make(), sized)
            inner, sizes = made
            size: tuple[float, float] | None = sizes.get(avail_width)
            if size is None:
                w, h = inner.wrapOn(self.canv, avail_width, avail_height)
                size = sizes[avail_width] = (float(w), float(h))
            self._inner, self._avail = inner, avail_width
            self.hAlign = getattr(inner, "hAlign", "LEFT")
            self.width, self.height = size
            return size

        def getSpaceBefore(self) -> float:
            return self.space[0]

        def getSpaceAfter(self) -> float:
            return self.space[1]

        def split(self, avail_width: float, avail_height: float) -> list[Any]:
            return list(self.make().split(avail_width, avail_height))

        def draw(self) -> None:
            inner, canv = self._inner, self.canv
            # the inner flowable's own drawing, in this origin (what its drawOn would run after moving there)
            replay_draw(canv, ("memo-draw", self.key, self._avail), lambda: inner._drawOn(canv))

        def plain_texts(self) -> tuple[str, ...]:
            return self.texts

    return Memo


def memo(
    key: Hashable, make: Callable[[], Any], texts: tuple[str, ...] = (), space: tuple[float, float] = (0.0, 0.0)
) -> Any:
    """A :class:`Memo` of ``make()`` under ``key`` (``texts``: the strings it prints, for benchmarks
    and tests reading a story; ``space``: its space before and after)."""
    return _memo_class()(key, make, texts, space)
