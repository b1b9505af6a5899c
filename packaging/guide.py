"""Build the Vietnamese user guide PDF from ``docs/huong-dan-su-dung.md``.

    python packaging/guide.py [--out FILE]       (default: build/guide/huong-dan-su-dung.pdf)

Uses the app's own PDF machinery, reportlab, with the bundled Noto Sans (the windows' font, so
the guide reads like the screens; the printed papers use Liberation Serif), so every Vietnamese
letter prints. The Markdown is a
small subset, enough for a guide: ``#``/``##``/``###`` headings, paragraphs, ``-`` and
``1.`` lists, ``**bold**``, ``*italic*``, `` `code` ``, ``> note`` blocks, pipe tables and
``![caption](images/x.png)`` pictures (screenshots made by ``scripts/guide_screenshots.py``).
Text is normalised to NFC before it reaches reportlab.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCE = ROOT / "docs" / "huong-dan-su-dung.md"
DEFAULT_OUT = ROOT / "build" / "guide" / "huong-dan-su-dung.pdf"

_IMAGE = re.compile(r"^!\[(?P<caption>[^\]]*)\]\((?P<path>[^)]+)\)\s*$")
_ORDERED = re.compile(r"^\d+[.)]\s+")


# The guide is read on screen like the windows: the windows' Noto Sans (resources/fonts), registered
# here under names of its own, whatever font the printed papers use (export/fonts.py).
FONT = "GuideNotoSans"
FONT_BOLD = "GuideNotoSans-Bold"
FONT_ITALIC = "GuideNotoSans-Italic"
FONT_BOLD_ITALIC = "GuideNotoSans-BoldItalic"
CODE_FONT = FONT_BOLD
_FILES = {
    FONT: "NotoSans-Regular.ttf",
    FONT_BOLD: "NotoSans-Bold.ttf",
    FONT_ITALIC: "NotoSans-Italic.ttf",
    FONT_BOLD_ITALIC: "NotoSans-BoldItalic.ttf",
}


def register_fonts() -> str:
    """Register the guide's Noto Sans family with reportlab (idempotent)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from giamngheo_desktop.resources import resource_path

    if FONT not in pdfmetrics.getRegisteredFontNames():
        for name, file_name in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        for bold, italic, name in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT_ITALIC), (1, 1, FONT_BOLD_ITALIC)):
            addMapping(FONT, bold, italic, name)
    return FONT


def inline(text: str) -> str:
    """Markdown inline marks → reportlab paragraph markup (escaped)."""
    text = html.escape(unicodedata.normalize("NFC", text), quote=False)
    text = re.sub(r"`([^`]+)`", rf'<font face="{CODE_FONT}" color="#1F3A93">\1</font>', text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"(?<![*\w])\*([^*]+)\*(?!\*)", r"<i>\1</i>", text)
    return text


def _styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=5)
    return {
        "body": base,
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=20, leading=25, spaceAfter=10),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=19,
            spaceBefore=12,
            spaceAfter=6,
            textColor=colors.HexColor("#1F3A93"),
        ),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=8),
        "item": ParagraphStyle("item", parent=base, leftIndent=16, bulletIndent=4, spaceAfter=2),
        "note": ParagraphStyle(
            "note",
            parent=base,
            leftIndent=10,
            borderPadding=6,
            backColor=colors.HexColor("#FFF6D5"),
            spaceBefore=4,
            spaceAfter=8,
        ),
        "caption": ParagraphStyle("caption", parent=base, fontSize=9, textColor=colors.grey, alignment=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12, spaceAfter=0),
    }


def story(markdown: str, images_root: Path, width: float) -> list[Any]:
    """Flowables for the Markdown text; raises FileNotFoundError for a missing picture."""
    from reportlab.lib import colors
    from reportlab.platypus import Image, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

    styles = _styles()
    flow: list[Any] = []
    paragraph: list[str] = []
    table: list[list[str]] = []

    block: list[Any] = []  # [style name, [lines], bullet] of the list item or note being read

    def start_block(style: str, text: str, bullet: str | None) -> None:
        flush_block()
        block.extend([style, [text], bullet])

    def flush_block() -> None:
        if block:
            style, lines, bullet = block
            flow.append(Paragraph(inline(" ".join(lines)), styles[style], bulletText=bullet))
            block.clear()

    def flush_paragraph() -> None:
        flush_block()
        if paragraph:
            flow.append(Paragraph(inline(" ".join(paragraph)), styles["body"]))
            paragraph.clear()

    def flush_table() -> None:
        if not table:
            return
        rows = [[Paragraph(inline(cell), styles["cell"]) for cell in row] for row in table]
        columns = max(len(r) for r in rows)
        grid = Table(rows, colWidths=[width / columns] * columns, repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8ECF7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        flow.extend([grid, Spacer(1, 6)])
        table.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("|"):
            flush_paragraph()
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                table.append(cells)
            continue
        flush_table()
        if not stripped:
            flush_paragraph()
            continue
        if stripped == "<!-- pagebreak -->":
            flush_paragraph()
            flow.append(PageBreak())
            continue
        if stripped.startswith("<!--"):
            continue
        image = _IMAGE.match(stripped)
        heading = re.match(r"^(#{1,3})\s+(.*)$", stripped)
        if image:
            flush_paragraph()
            path = images_root / image.group("path")
            if not path.exists():
                raise FileNotFoundError(f"picture {path} of the guide is missing: run scripts/guide_screenshots.py")
            picture = Image(str(path))
            # screen pixels at about 130 dpi, never wider than the text nor taller than 3/4 of it
            scale = min(0.55, width / picture.imageWidth, (width * 0.72) / picture.imageHeight)
            picture.drawWidth, picture.drawHeight = picture.imageWidth * scale, picture.imageHeight * scale
            flow.append(KeepTogether([picture, Paragraph(inline(image.group("caption")), styles["caption"])]))
            flow.append(Spacer(1, 6))
        elif heading:
            flush_paragraph()
            level = len(heading.group(1))
            flow.append(Paragraph(inline(heading.group(2)), styles[f"h{level}"]))
        elif stripped.startswith(("- ", "* ")):
            flush_paragraph()
            start_block("item", stripped[2:], "•")
        elif _ORDERED.match(stripped):
            flush_paragraph()
            start_block("item", _ORDERED.sub("", stripped), stripped.split(maxsplit=1)[0])
        elif stripped.startswith(">"):
            text = stripped[1:].strip()
            if block and block[0] == "note":
                block[1].append(text)  # a note that goes on over several "> " lines
            else:
                flush_paragraph()
                start_block("note", text, None)
        elif raw.startswith(("  ", "\t")) and block and block[0] == "item":
            block[1].append(stripped)  # continuation of a list item
        else:
            flush_block()
            paragraph.append(stripped)
    flush_paragraph()
    flush_table()
    return flow


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` that Noto Sans cannot print (they would come out as empty boxes)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    from giamngheo_desktop.resources import resource_path

    font = TTFontFile(str(resource_path("fonts", "NotoSans-Regular.ttf")))
    chars = set(unicodedata.normalize("NFC", text)) - {"\n", "\r", "\t"}
    return sorted(ch for ch in chars if ord(ch) not in font.charToGlyph)


def build_pdf(source: Path = SOURCE, out: Path = DEFAULT_OUT) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from giamngheo_desktop import __version__

    register_fonts()
    out.parent.mkdir(parents=True, exist_ok=True)
    margin = 18 * mm
    doc = SimpleDocTemplate(
        str(out),
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title="Hướng dẫn sử dụng Giảm nghèo Desktop",
        author="Giảm nghèo Desktop",
        subject=f"phiên bản {__version__}",
    )

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.drawString(margin, 10 * mm, f"Hướng dẫn sử dụng Giảm nghèo Desktop {__version__}")
        canvas.drawRightString(A4[0] - margin, 10 * mm, f"Trang {document.page}")
        canvas.restoreState()

    text = source.read_text(encoding="utf-8")
    missing = missing_glyphs(text)
    if missing:
        raise ValueError(f"{source.name}: Noto Sans has no glyph for {' '.join(missing)} (use › instead of →)")
    doc.build(story(text, source.parent, doc.width), onFirstPage=footer, onLaterPages=footer)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    print(build_pdf(args.source, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
