"""``supports`` and ``plan`` on the command line print JSON a script can read."""

from __future__ import annotations

import json

from giamngheo_desktop.cli import main
from giamngheo_desktop.services import support
from giamngheo_desktop.services.support import LoanInput, SupportInput
from giamngheo_desktop.storage.database import open_database
from tests.support_builders import small_register


def test_supports_and_plan_json(db_path, capsys):
    with open_database(db_path) as db:
        reg = small_register(db)
        support.record_support(
            db,
            data=SupportInput(
                household_id=reg["A"], type_code="tet_emergency", support_date="2025-01-20", amount=500_000
            ),
        )
        support.record_loan(
            db,
            data=LoanInput(
                household_id=reg["B"],
                programme_code="near_poor",
                amount=30_000_000,
                term_months=24,
                disbursement_date="2025-04-01",
            ),
        )
    assert main(["supports", "--db", str(db_path), "--year", "2025", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"]["amount"] == 30_500_000
    assert {r["code"]: r["amount"] for r in out["by_type"]} == {"loan": 30_000_000, "tet_emergency": 500_000}
    assert {r["name"] for r in out["by_programme"]} >= {"Tín dụng chính sách (Ngân hàng Chính sách xã hội)"}

    # no plan yet: a Vietnamese sentence and status 2
    assert main(["plan", "--db", str(db_path), "--year", "2025", "--json"]) == 2
    assert "Chưa có kế hoạch giảm nghèo năm 2025" in capsys.readouterr().err

    assert main(["plan", "--db", str(db_path), "--year", "2025", "--create-from-template", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    targets = {t["code"]: t for t in out["targets"]}
    assert len(targets) == 14
    # a count is the commune's to set; the template's (a district's) value is the hint
    assert targets["models"]["target"] is None and targets["models"]["template_value"] == 10
    assert targets["models"]["value"] == 0 and not targets["models"]["lagging"]
    assert targets["hygienic_latrine"]["target"] == 85
    assert out["baseline"] == {
        "date": out["baseline"]["date"],
        "round_id": None,
        "households": 4,
        "poor": 2,
        "near_poor": 1,
    }
