"""Printing a paper (posting list, minutes, decision, certificate, requests, assistance form): the PDF is
made in the background from ``services.forms`` values by ``export.forms``, then shown in the print
preview. Used by the Báo cáo tab's "In giấy tờ" box and by the Rà soát tab's print button."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from ui.dialogs.print_preview import preview_pdf
from ui.workspace import Workspace

WHOLE_VILLAGE = "village"  # household choice meaning "every household of the village"
_TMP = Path(tempfile.mkdtemp(prefix="giamngheo-giay-to-"))


def paper_task(
    kind: str, *, round_id: int | None, village_id: int | None, household: int | str | None
) -> tuple[Callable[[Any], Path], Path]:
    """The background work making the PDF of one paper (or a whole village's), and its path."""
    path = _TMP / f"giay-to-{kind}-{round_id or 0}-{village_id or 0}-{household or 0}.pdf"

    def work(ctx: Any) -> Path:
        from giamngheo_desktop.export import forms
        from giamngheo_desktop.services import forms as papers

        if kind == "batch":
            assert round_id is not None and village_id is not None
            village, certificates, households = papers.village_papers(ctx.db, round_id, village_id)
            return forms.write_village_batch(
                village, certificates, households, path, progress=ctx.progress, cancelled=ctx.cancelled
            )[0]
        if household == WHOLE_VILLAGE:
            assert village_id is not None
            many = papers.village_form_papers(ctx.db, kind, village_id=village_id, round_id=round_id)
            return forms.write_forms(kind, many, path)
        paper = papers.form_paper(
            ctx.db,
            kind,
            round_id=round_id,
            village_id=village_id,
            household_id=int(household) if household is not None else None,
        )
        return forms.write_form(kind, paper, path)

    return work, path


def print_paper(
    workspace: Workspace,
    parent: QWidget,
    kind: str,
    *,
    round_id: int | None = None,
    village_id: int | None = None,
    household: int | str | None = None,
) -> None:
    """Make the paper in the background, then show "Xem trước khi in"."""
    work, _path = paper_task(kind, round_id=round_id, village_id=village_id, household=household)

    def show(path: Path) -> None:
        preview_pdf(path, parent)

    workspace.run_task(work, title="Đang chuẩn bị giấy tờ…", on_done=show, writes=False, parent=parent)
