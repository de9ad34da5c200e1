"""The item models pass Qt's model tester, with real identities and real log entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QModelIndex, Qt

from app.models.activity import ActivityColumn, ActivityRole, ActivityTableModel
from app.models.identities import UNNAMED, IdentityColumn, IdentityRole, IdentityTableModel
from core.vault.kdf import KdfParams
from core.wallet import Wallet


@pytest.fixture
def wallet(tmp_path: Path):  # type: ignore[no-untyped-def]
    made, _phrase = Wallet.create(tmp_path / "vault", "a passphrase for models",
                                  kdf=KdfParams.FAST_INSECURE)
    made.create_identity("jwk", "ES256", "Bank")
    made.create_identity("key", "ES256", "")
    yield made
    made.close()


def test_identity_model(qtmodeltester, wallet: Wallet) -> None:
    model = IdentityTableModel(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    identities = wallet.identities.all()
    model.set_identities(identities)
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.columnCount() == len(IdentityColumn)
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    for row, identity in enumerate(identities):
        index = model.index(row, IdentityColumn.DID)
        assert index.data() == identity.did
        assert index.data(IdentityRole.DID) == identity.did
        assert index.data(IdentityRole.ALG) == identity.alg
        assert index.data(IdentityRole.METHOD) == identity.method
        assert index.data(IdentityRole.CREATED) == identity.created_at
        assert index.data(Qt.ItemDataRole.ToolTipRole) == identity.did
    assert model.index(1, IdentityColumn.NAME).data() == "Bank"
    assert model.index(2, IdentityColumn.NAME).data() == UNNAMED
    assert model.index(1, IdentityColumn.KIND).data() == "did:jwk · P-256"
    assert model.headerData(IdentityColumn.DID, Qt.Orientation.Horizontal) == "Identifier (DID)"
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.data(QModelIndex()) is None
    assert model.roleNames()[IdentityRole.DID] == b"did"
    model.clear()
    qtmodeltester.check(model)
    assert model.rowCount() == 0
    with pytest.raises(IndexError):
        model.identity(0)


def test_activity_model(qtmodeltester, wallet: Wallet) -> None:
    entries = wallet.ledger.entries()
    model = ActivityTableModel()
    model.set_entries(entries)
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    assert model.rowCount() == len(entries) and model.columnCount() == len(ActivityColumn)
    assert model.entry(0).seq == entries[-1].seq  # newest first
    first = model.index(model.rowCount() - 1, ActivityColumn.KIND)
    assert first.data() == "Wallet created"
    assert first.data(ActivityRole.KIND) == "wallet.created"
    assert isinstance(first.data(ActivityRole.DETAILS), dict)
    assert model.roleNames()[ActivityRole.SUMMARY] == b"summary"
    assert model.headerData(ActivityColumn.TIME, Qt.Orientation.Horizontal) == "When"
    model.clear()
    qtmodeltester.check(model)
