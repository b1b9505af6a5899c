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


@functools.cache
def _embedded(font: str) -> bool:
    """Is ``font`` a TrueType font (text written per subset of the document)?"""
    from reportlab.pdfbase.pdfmetrics import getFont

    return bool(getFont(font)._dynamicFont)


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
        if not _embedded(font):  # a standard PDF font (an empty grid cell's default): the canvas itself
            if align == "CENTER" or align == "CENTRE":
                canv.drawCentredString(x, y, text)
            elif align == "RIGHT":
                canv.drawRightString(x, y, text)
            else:
                canv.drawString(x, y, text)
            return
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
def table_class(skip_empty: bool = False) -> Any:
    """A reportlab Table that draws a one-line text cell and its rules through :func:`ink` (the same
    operators as the table's own ``drawString`` and ``line``, each string's encoding and each
    coordinate's formatting worked out once per document); ``skip_empty``: nothing drawn for an
    empty text cell (reportlab draws an empty text object). Row heights and every other cell are
    the Table's own."""
    from reportlab.platypus import Table

    paragraphs = (memo_paragraph_class(), _stable_paragraph_class())  # drawn from their recordings

    class FastTable(Table):
        def _use_style(self, cellstyle: Any) -> None:
            """As Table._drawCell: the fill colour and font, when they change."""
            cur: Any = getattr(self, "_curcellstyle", None)
            if cur is not cellstyle:
                canv = self.canv
                if cur is None or cellstyle.color != cur.color:
                    canv.setFillColor(cellstyle.color)
                if (
                    cur is None
                    or cellstyle.leading != cur.leading
                    or cellstyle.fontname != cur.fontname
                    or cellstyle.fontsize != cur.fontsize
                ):
                    canv.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
                self._curcellstyle = cellstyle

        def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:
            if cellstyle.href or cellstyle.destination:
                super()._drawCell(cellval, cellstyle, pos, size)
            elif cellval.__class__ is str:
                if "\n" in cellval:
                    super()._drawCell(cellval, cellstyle, pos, size)
                elif cellval or not skip_empty:
                    self._draw_text(cellval, cellstyle, pos, size)
            elif isinstance(cellval, (tuple, list)) and len(cellval) == 1 and cellval[0].__class__ in paragraphs:
                self._draw_memo(cellval[0], cellstyle, pos, size)
            else:
                super()._drawCell(cellval, cellstyle, pos, size)

        def _draw_memo(self, v: Any, cellstyle: Any, pos: Any, size: Any) -> None:
            """Table._drawCell of a cell holding one MemoParagraph or StableParagraph (same sums, same
            order)."""
            just, valign = cellstyle.alignment, cellstyle.valign
            if just not in ("LEFT", "RIGHT", "CENTRE", "CENTER"):
                super()._drawCell((v,), cellstyle, pos, size)
                return
            self._use_style(cellstyle)
            canv = self.canv
            colpos, rowpos = pos
            colwidth, rowheight = size
            aw = colwidth - cellstyle.leftPadding - cellstyle.rightPadding
            ah = rowheight - cellstyle.topPadding - cellstyle.bottomPadding
            vw, vh = v.wrapOn(canv, aw, ah)
            sb, sa = v.getSpaceBefore(), v.getSpaceAfter()
            t = 0
            t += vh + sa + sb
            h = t - sb - sa
            if valign == "TOP":
                y = rowpos + rowheight - cellstyle.topPadding
            elif valign == "BOTTOM":
                y = rowpos + cellstyle.bottomPadding + h
            else:
                y = rowpos + (rowheight + cellstyle.bottomPadding - cellstyle.topPadding + h) / 2.0
            y += sb
            if just == "LEFT":
                x = colpos + cellstyle.leftPadding
            elif just == "RIGHT":
                x = colpos + colwidth - cellstyle.rightPadding - vw
            else:
                x = colpos + (colwidth + cellstyle.leftPadding - cellstyle.rightPadding - vw) / 2.0
            y -= sb
            y -= vh
            v.drawOn(canv, x, y)

        def _draw_text(self, cellval: str, cellstyle: Any, pos: Any, size: Any) -> None:
            """Table._drawCell of a one-line text cell, the text written through :func:`ink`."""
            self._use_style(cellstyle)
            canv = self.canv
            colpos, rowpos = pos
            colwidth, rowheight = size
            just, valign = cellstyle.alignment, cellstyle.valign
            if just == "LEFT":
                x = colpos + cellstyle.leftPadding
            elif just in ("CENTRE", "CENTER"):
                x = colpos + (colwidth + cellstyle.leftPadding - cellstyle.rightPadding) * 0.5
            elif just == "RIGHT":
                x = colpos + colwidth - cellstyle.rightPadding
            else:
                super()._drawCell(cellval, cellstyle, pos, size)
                return
            leading, fontsize = cellstyle.leading, cellstyle.fontsize
            if valign == "BOTTOM":
                y = rowpos + cellstyle.bottomPadding + leading - fontsize
            elif valign == "TOP":
                y = rowpos + rowheight - cellstyle.topPadding - fontsize
            elif valign == "MIDDLE":
                y = rowpos + (cellstyle.bottomPadding + rowheight - cellstyle.topPadding + leading) / 2.0 - fontsize
            else:
                super()._drawCell(cellval, cellstyle, pos, size)
                return
            ink(canv).draw(x, y, cellval, just)

        def _drawLines(self) -> None:
            """The table's rules, each ``canvas.line`` written with the coordinates formatted once."""
            canv = self.canv
            canv.line = ink(canv).line
            try:
                super()._drawLines()
            finally:
                del canv.line

    return FastTable


def draw_recorded(canv: Any, key: Hashable, x: float, y: float) -> bool:
    """``Flowable.drawOn(canv, x, y)`` of a drawing recorded under ``key`` (saved state, origin
    moved to x, y, the drawing, state restored), written at once; False when none is recorded yet."""
    found = ink(canv)
    code = found.replays.get(key)
    if code is None:
        return False
    out = canv._code
    out.append("q")
    out.append(f"1 0 0 1 {found.num(x)} {found.num(y)} cm")
    out.extend(code)
    out.append("Q")
    return True


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

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            steady = self._steady
            key = ("p", self, steady[0] if steady else None)
            if getattr(self, "_showBoundary", None) or not draw_recorded(canvas, key, self._hAlignAdjust(x, _sW), y):
                super().drawOn(canvas, x, y, _sW)

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

        def __init__(self, key: Hashable, make: Callable[[], Any], space: tuple[float, float]) -> None:
            super().__init__()
            self.key, self.make, self.space = key, make, space
            self._inner: Any = None
            self._avail = 0.0

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            cache = ink(self.canv).replays
            made = cache.get(("memo", self.key))
            if made is None:
                sized: dict[float, tuple[float, float]] = {}
                made = cache[("memo", self.key)] = (self.make(), sized)
                if (made[0].getSpaceBefore(), made[0].getSpaceAfter()) != self.space:
                    raise ValueError(f"{self.key!r}: space before/after is not {self.space}")
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

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            key = ("memo-draw", self.key, self._avail)
            if getattr(self, "_showBoundary", None) or not draw_recorded(canvas, key, self._hAlignAdjust(x, _sW), y):
                super().drawOn(canvas, x, y, _sW)

        def draw(self) -> None:
            inner, canv = self._inner, self.canv
            # the inner flowable's own drawing, in this origin (what its drawOn would run after moving there)
            replay_draw(canv, ("memo-draw", self.key, self._avail), lambda: inner._drawOn(canv))

        def printed(self) -> Any:
            """The flowable itself (a fresh one: for reading what it prints)."""
            return self.make()

    return Memo


@functools.cache
def memo_paragraph_class() -> Any:
    from reportlab.platypus import Flowable, Paragraph

    class MemoParagraph(Flowable):
        """A Paragraph of ``text`` in ``style``, not made until needed: made, wrapped (per width) and
        drawn once per document for every MemoParagraph of the same text and style (the support
        kinds and funding sources of a thousand forms' grids, their headings), written again after."""

        def __init__(self, text: str, style: Any) -> None:
            super().__init__()
            self.text, self.style = text, style
            self._entry: Any = None
            self._entry_canv: Any = None
            self._avail = 0.0

        def _shared(self) -> Any:
            """[the document's Paragraph of this text and style, {width: size}, width last wrapped at]."""
            canv = getattr(self, "canv", None)
            if self._entry is not None and self._entry_canv is canv:
                return self._entry
            entry: Any = None
            if canv is not None:
                cache = ink(canv).replays
                key = ("para", self.text, self.style)
                entry = cache.get(key)
                if entry is None:
                    entry = cache[key] = [Paragraph(self.text, self.style), {}, None]
            else:  # measured outside a document: a Paragraph of its own
                entry = [Paragraph(self.text, self.style), {}, None]
            self._entry, self._entry_canv = entry, canv
            return entry

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            entry = self._shared()
            size: tuple[float, float] | None = entry[1].get(avail_width)
            if size is None:
                w, h = entry[0].wrapOn(getattr(self, "canv", None), avail_width, avail_height)
                size = entry[1][avail_width] = (float(w), float(h))
                entry[2] = avail_width
            self._avail = avail_width
            self.width, self.height = size
            return size

        def draw(self) -> None:
            entry, canv, avail = self._entry, self.canv, self._avail

            def first() -> None:
                para = entry[0]
                if entry[2] != avail:  # last wrapped at another width: its lines for this one
                    para.wrapOn(canv, avail, 1e6)
                    entry[2] = avail
                para._drawOn(canv)

            replay_draw(canv, ("para-draw", self.text, self.style, avail), first)

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            key = ("para-draw", self.text, self.style, self._avail)
            if getattr(self, "_showBoundary", None) or not draw_recorded(canvas, key, self._hAlignAdjust(x, _sW), y):
                super().drawOn(canvas, x, y, _sW)

        def split(self, avail_width: float, avail_height: float) -> list[Any]:
            para = Paragraph(self.text, self.style)
            para.wrapOn(getattr(self, "canv", None), avail_width, avail_height)
            return list(para.split(avail_width, avail_height))

        def getPlainText(self, identify: Any = None) -> str:
            return str(Paragraph(self.text, self.style).getPlainText())

    return MemoParagraph


def paragraph(text: str, style: Any) -> Any:
    """A :class:`MemoParagraph`: drawn as ``Paragraph(text, style)``, worked out once per document."""
    return memo_paragraph_class()(text, style)


def memo(key: Hashable, make: Callable[[], Any], space: tuple[float, float] = (0.0, 0.0)) -> Any:
    """A :class:`Memo` of ``make()`` under ``key`` (``space``: its space before and after)."""
    return _memo_class()(key, make, space)
