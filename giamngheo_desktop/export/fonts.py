"""The fonts of printed papers for reportlab, registered once per process.

Decree 30/2020 asks for Times New Roman, which may not be shipped; the app ships Liberation Serif
(SIL OFL 1.1, ``resources/fonts/LiberationSerif-LICENSE.txt``), its metric-compatible free
substitute: same widths, so a page laid out here breaks where it would in Times New Roman.
reportlab does no mark positioning, so every string drawn with it must be NFC
(``giamngheo_desktop.text.nfc``); Liberation Serif has precomposed glyphs for every Vietnamese
letter. Call :func:`register_fonts` before building a PDF; it returns the family name to use in
styles (``FONT``, ``FONT_BOLD`` …). The windows keep Noto Sans (``ui/fonts.py``).
"""

from __future__ import annotations

import threading

from giamngheo_desktop.resources import resource_path

FONT = "LiberationSerif"
FONT_BOLD = "LiberationSerif-Bold"
FONT_ITALIC = "LiberationSerif-Italic"
FONT_BOLD_ITALIC = "LiberationSerif-BoldItalic"
EXCEL_FONT = "Times New Roman"  # named in xlsx files; LibreOffice substitutes Liberation Serif

_FILES = {
    FONT: "LiberationSerif-Regular.ttf",
    FONT_BOLD: "LiberationSerif-Bold.ttf",
    FONT_ITALIC: "LiberationSerif-Italic.ttf",
    FONT_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}
_lock = threading.Lock()
_done = False


def register_fonts() -> str:
    """Register Liberation Serif (regular, bold, italic, bold italic) with reportlab; idempotent, thread-safe."""
    global _done
    with _lock:
        if not _done:
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            for name, file_name in _FILES.items():
                pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
            pdfmetrics.registerFontFamily(
                FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
            )
            for bold, italic, name in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT_ITALIC), (1, 1, FONT_BOLD_ITALIC)):
                addMapping(FONT, bold, italic, name)
            _done = True
    return FONT
