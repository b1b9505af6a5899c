"""The bundled Noto Sans family for reportlab, registered once per process.

reportlab does no mark positioning, so every string drawn with it must be NFC
(``giamngheo_desktop.text.nfc``); Noto Sans has precomposed glyphs for every
Vietnamese letter. Call :func:`register_fonts` before building a PDF; it returns the
family name to use in styles (``FONT``, ``FONT_BOLD`` …).
"""

from __future__ import annotations

import threading

from giamngheo_desktop.resources import resource_path

FONT = "NotoSans"
FONT_BOLD = "NotoSans-Bold"
FONT_ITALIC = "NotoSans-Italic"
FONT_BOLD_ITALIC = "NotoSans-BoldItalic"

_FILES = {
    FONT: "NotoSans-Regular.ttf",
    FONT_BOLD: "NotoSans-Bold.ttf",
    FONT_ITALIC: "NotoSans-Italic.ttf",
    FONT_BOLD_ITALIC: "NotoSans-BoldItalic.ttf",
}
_lock = threading.Lock()
_done = False


def register_fonts() -> str:
    """Register Noto Sans (regular, bold, italic, bold italic) with reportlab; idempotent, thread-safe."""
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
