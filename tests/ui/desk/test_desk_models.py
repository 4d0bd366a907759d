"""The desk's Qt models over plain lists, checked by qtmodeltester and for what they show."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from PySide6.QtCore import Qt

from sarah.services.catalogue import ServiceInfo
from sarah.services.desk.journal import JournalEntry
from sarah.services.desk.search import VisitorHit
from sarah.ui.table_models.desk_grid import VISITOR_ROLE, CatchupGridModel
from sarah.ui.table_models.desk_journal import JournalTableModel
from sarah.ui.table_models.desk_results import VisitorResultsModel
from sarah.ui.table_models.desk_services import KEY_ROLE, ServicesChecklistModel


def _hit(last: str, first: str, age: int | None, group: str, last_visit: date | None) -> VisitorHit:
    born = date(2000, 1, 1) if age is not None else None
    return VisitorHit(uuid.uuid4(), last, first, "F", born, age, group, last_visit)


def _service(code: str, label: str, key: str | None, position: int) -> ServiceInfo:
    return ServiceInfo(uuid.uuid4(), code, label, position, False, key)


def test_visitor_results_model(qtmodeltester) -> None:
    model = VisitorResultsModel()
    model.set_hits(
        [
            _hit("Dupont", "Léa", 19, "jeunes", date(2025, 3, 3)),
            _hit("Martin", "Jean", None, "NR", None),
        ]
    )
    qtmodeltester.check(model, force_py=True)
    row = [model.data(model.index(0, c)) for c in range(4)]
    assert row == ["DUPONT Léa", "19 ans", "jeune", "03/03/2025"]
    assert [model.data(model.index(1, c)) for c in range(1, 4)] == ["?", "âge inconnu", "jamais"]
    assert model.data(model.index(0, 2), Qt.ItemDataRole.BackgroundRole) is not None
    model.set_hits([])  # the tester stays connected and checks every change
    assert model.rowCount() == 0


def test_services_checklist_model(qtmodeltester) -> None:
    model = ServicesChecklistModel()
    a = _service("actualisation_pe", "Actualisation Pôle Emploi", "a", 1)
    c = _service("cv_lm", "CV / LM", "c", 2)
    retired = ServiceInfo(uuid.uuid4(), "old", "Ancien", 3, True, "o")
    nokey = _service("x", "Sans touche", None, 4)
    model.set_services([a, c, retired, nokey])
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3  # the retired one is not offered
    assert model.data(model.index(0)) == "A  Actualisation Pôle Emploi"
    assert model.data(model.index(2)) == "Sans touche"
    assert model.data(model.index(1), KEY_ROLE) == "C"
    assert model.row_for_key("C") == 1 and model.row_for_key("z") is None
    model.toggle(1)
    assert model.setData(
        model.index(0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert model.checked_ids() == [a.id, c.id]  # catalogue order
    model.set_services([c, a])  # a catalogue change keeps what was checked
    assert set(model.checked_ids()) == {a.id, c.id}
    model.clear_checks()
    assert model.checked_ids() == []


def test_journal_model(qtmodeltester) -> None:
    model = JournalTableModel()
    entry = JournalEntry(
        id=uuid.uuid4(),
        local_date=date(2025, 3, 3),
        local_time=time(9, 5),
        entered_at=datetime(2025, 3, 5, 17, 0),
        channel="physique",
        visitor_id=uuid.uuid4(),
        visitor_name="DUPONT Léa",
        service_ids=(uuid.uuid4(), uuid.uuid4()),
        service_labels=("Actualisation Pôle Emploi", "CV / LM"),
        agent="Nadia",
    )
    anonymous = JournalEntry(
        uuid.uuid4(),
        date(2025, 3, 3),
        time(8, 55),
        datetime(2025, 3, 3, 8, 55),
        "telephone",
        None,
        None,
        (),
        (),
        None,
    )
    model.set_entries([entry, anonymous])
    qtmodeltester.check(model, force_py=True)
    assert [model.data(model.index(0, c)) for c in range(4)] == [
        "09:05",
        "DUPONT Léa",
        "Physique",
        "Actualisation Pôle Emploi · CV / LM",
    ]
    assert [model.data(model.index(1, c)) for c in range(4)] == [
        "08:55",
        "Appel anonyme",
        "Téléphone",
        "aucun service",
    ]
    assert "saisi le 05/03/2025" in model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert model.row_of(anonymous.id) == 1


def test_catch_up_grid_model(qtmodeltester) -> None:
    model = CatchupGridModel()
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 1 and model.filled_rows() == []
    assert model.setData(model.index(0, CatchupGridModel.TIME), " 9h30 ")
    assert model.setData(model.index(0, CatchupGridModel.PERSON), "DUPONT Léa")
    who = uuid.uuid4()
    assert model.setData(model.index(0, CatchupGridModel.PERSON), who, VISITOR_ROLE)
    assert model.data(model.index(0, CatchupGridModel.PERSON), VISITOR_ROLE) == who
    assert not model.setData(model.index(0, CatchupGridModel.STATE), "x")
    model.ensure_row(2)
    assert model.rowCount() == 3
    model.setData(model.index(2, CatchupGridModel.SERVICES), "zz")
    model.set_errors({2: "Touche de service inconnue : z."})
    assert model.data(model.index(2, CatchupGridModel.STATE)) == "Touche de service inconnue : z."
    assert model.data(model.index(1, CatchupGridModel.PERSON)) == ""
    assert [i for i, _ in model.filled_rows()] == [0, 2]
    # Typing another name forgets the person chosen before.
    model.setData(model.index(0, CatchupGridModel.PERSON), "MARTIN")
    assert model.row(0).visitor_id is None
    model.remove_row(1)
    assert model.rowCount() == 2
    model.clear()
    assert model.rowCount() == 1
