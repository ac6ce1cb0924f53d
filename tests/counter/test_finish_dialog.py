"""The counter's finish dialog: outcomes, typed and scanned dossier numbers, messages."""

from __future__ import annotations

from typing import Any

from motcua.core.dossier import DossierRules
from motcua.counter.finish_dialog import FinishDialog
from motcua.counter.scanner import KeyboardScannerTwin

GOOD = "000.00.21.H56-251124-0001"


def make(qtbot: Any) -> FinishDialog:
    d = FinishDialog(None, DossierRules(), "A001")
    qtbot.addWidget(d)
    d.show()
    return d


def test_scanner_types_numbers_into_the_list(qtbot: Any) -> None:
    d = make(qtbot)
    d.choose("received")
    scanner = KeyboardScannerTwin()
    scanner.scan(GOOD, d.number)
    scanner.scan("000.00.21.H56-251124-0002", d.number)
    assert d.dossier_numbers() == [GOOD, "000.00.21.H56-251124-0002"]
    assert d.number.text() == "" and not d.error.isVisible()
    assert d.result() != FinishDialog.DialogCode.Accepted  # the scanner's Enter only adds
    d.try_accept()
    assert d.result() == FinishDialog.DialogCode.Accepted
    assert d.record() == {"outcome": "received",
                          "dossiers": [GOOD, "000.00.21.H56-251124-0002"]}


def test_bad_number_gets_its_message_in_words(qtbot: Any) -> None:
    d = make(qtbot)
    d.choose("returned")
    KeyboardScannerTwin().scan("H56-25112-01", d.number)
    assert d.dossier_numbers() == []
    assert "không đúng mẫu" in d.error.text() and "wrong shape" in d.error.text()
    d.number.setText("H56-251399-0001")
    d.try_accept()  # a half-typed bad number blocks the finish, it is not dropped
    assert d.result() != FinishDialog.DialogCode.Accepted
    assert "không có thật" in d.error.text()
    d.number.clear()
    d.try_accept()
    assert "cần ít nhất một mã số hồ sơ" in d.error.text()


def test_outcome_without_numbers_and_refusal_reason(qtbot: Any) -> None:
    d = make(qtbot)
    d.choose("guidance")
    assert not d.number.isEnabled()
    d.choose("refused")
    assert d.reason.isVisibleTo(d)
    d.try_accept()
    assert "cần ghi lý do" in d.error.text()
    d.reason.setText("<b>Không thuộc thẩm quyền</b>")
    d.try_accept()
    assert d.record() == {"outcome": "refused", "dossiers": [],
                          "reason": "<b>Không thuộc thẩm quyền</b>"}
