"""The card and claim models pass Qt's model tester with real credentials, and the words on
a card come out as the tables below say."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.credential_text import (
    DAY,
    Validity,
    claim_label,
    issuer_initial,
    issuer_name,
    main_claim,
    mask,
    type_label,
    validity,
)
from app.models.claims import ClaimRole, ClaimTreeModel, Sharing
from app.models.credentials import (
    CardRole,
    CredentialFilterModel,
    CredentialListModel,
    make_card,
)
from core.sdjwt.holder import HeldCredential
from core.vault.kdf import KdfParams
from core.wallet import Wallet
from tests.app.issuing import (
    BANK_CLAIMS,
    BANK_DISCLOSABLE,
    BANK_VCT,
    DEGREE_CLAIMS,
    DEGREE_DISCLOSABLE,
    DEGREE_VCT,
    TestIssuer,
    holder_key,
)


@pytest.fixture
def wallet(tmp_path: Path):  # type: ignore[no-untyped-def]
    made, _phrase = Wallet.create(tmp_path / "vault", "a passphrase for cards",
                                  kdf=KdfParams.FAST_INSECURE)
    issuer = TestIssuer.new()
    holder = holder_key(made)
    made.import_credential(issuer.issue(holder))
    made.import_credential(issuer.issue(holder, BANK_CLAIMS, BANK_DISCLOSABLE, BANK_VCT))
    made.import_credential(issuer.issue(holder, DEGREE_CLAIMS, DEGREE_DISCLOSABLE, DEGREE_VCT,
                                        expires_in=DAY))
    yield made
    made.close()


def cards(wallet: Wallet):  # type: ignore[no-untyped-def]
    now = wallet.clock.now() + 2 * DAY  # the degree has expired by then
    return [
        make_card(s.id, vct=s.vct, issuer=s.issuer, claims=s.held().claims,
                  issued_at=s.issued_at, expires_at=s.expires_at, now=now)
        for s in wallet.credentials.all()
    ]


def test_card_model(qtmodeltester, wallet: Wallet) -> None:
    model = CredentialListModel()
    model.set_cards(cards(wallet))
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.rowCount(model.index(0, 0)) == 0
    types = [model.index(row, 0).data() for row in range(3)]
    assert types == ["Identity credential", "Bank account", "University degree"]
    expired = model.index(2, 0)
    assert expired.data(CardRole.VALIDITY) is Validity.EXPIRED
    assert expired.data(CardRole.VALIDITY_TEXT) == "Expired"
    assert expired.data(Qt.ItemDataRole.AccessibleTextRole).endswith("Erika Mustermann, Expired")
    assert model.roleNames()[CardRole.MAIN_CLAIM] == b"main_claim"
    assert model.data(QModelIndex()) is None
    assert model.row_of(model.card(1).id) == 1 and model.row_of("nope") == -1

    proxy = CredentialFilterModel()
    proxy.setSourceModel(model)
    proxy.set_search("de89")  # a masked claim is still found by what the person typed
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "Bank account"
    proxy.set_search("")
    assert proxy.rowCount() == 3
    model.clear()
    qtmodeltester.check(model)
    with pytest.raises(IndexError):
        model.card(0)


@pytest.mark.parametrize("checkable", [False, True])
def test_claim_tree_model(qtmodeltester, wallet: Wallet, checkable: bool) -> None:
    held: HeldCredential = wallet.credentials.all()[0].held()
    model = ClaimTreeModel(held.claims, [i.path for i in held.items], checkable=checkable)
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    marked = {str(model.index_of(n.path).data(ClaimRole.PATH))
              for n in model.nodes() if model.index_of(n.path).data(ClaimRole.WITHHOLDABLE)}
    assert marked == set(held.disclosable_paths())
    if checkable:
        assert model.set_checked("address.locality", True)
        assert model.selected_paths() == ["address", "address.locality"]
        qtmodeltester.check(model)
        assert not model.set_checked("address.country", True)  # goes with address
        assert not model.set_checked("no.such.claim", True)


def test_claim_tree_kinds_of_sharing(wallet: Wallet) -> None:
    held = wallet.credentials.all()[0].held()
    model = ClaimTreeModel(held.claims, [i.path for i in held.items], checkable=True)
    sharing = {".".join(map(str, n.path)): n.sharing for n in model.nodes()}
    assert sharing["given_name"] is Sharing.WITHHOLDABLE
    assert sharing["address"] is Sharing.WITHHOLDABLE
    assert sharing["address.street_address"] is Sharing.WITH_PARENT
    assert sharing["nationalities"] is Sharing.GROUP
    assert sharing["nationalities.0"] is Sharing.ALWAYS
    assert "iss" not in sharing and "cnf" not in sharing  # shown above the tree
    always = model.index_of("nationalities.0")
    assert always.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert not always.flags() & Qt.ItemFlag.ItemIsEnabled
    assert model.index_of("nationalities.0").siblingAtColumn(2).data() == "Always shared"
    with_parent = model.index_of("address.country")
    assert with_parent.data(Qt.ItemDataRole.ToolTipRole) == "Shared together with Address."


@pytest.mark.parametrize(
    ("vct", "label"),
    [
        ("https://credentials.example.com/IdentityCredential", "Identity credential"),
        ("https://example.com/credentials/UniversityDegree/v2", "University degree"),
        ("urn:eu.europa.ec.eudi:pid:1", "PID"),
        ("urn:example:bank_account:1", "Bank account"),
        ("employee-badge", "Employee badge"),
        ("https://example.org/vct/EUHealthInsurance.json", "EU health insurance"),
        ("", "Credential"),
    ],
)
def test_type_label(vct: str, label: str) -> None:
    assert type_label(vct) == label


@pytest.mark.parametrize(
    ("iss", "name", "initial"),
    [
        ("https://issuer.example.com", "issuer.example.com", "I"),
        ("https://www.bank.example:8443/issuer", "www.bank.example", "B"),
        ("did:web:gov.example", "gov.example", "G"),
        ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "did:key:z6Mkha…ta2doK", "Z"),
        ("did:jwk:eyJrdHkiOiJPS1AifQeyJjcnYiOiJFZDI1NTE5In0", "did:jwk:eyJrdH…TE5In0", "E"),
    ],
)
def test_issuer_name(iss: str, name: str, initial: str) -> None:
    assert issuer_name(iss) == name
    assert issuer_initial(name) == initial


@pytest.mark.parametrize(
    ("claims", "shown"),
    [
        ({"given_name": "Erika", "family_name": "Mustermann", "name": "E. M."}, "Erika Mustermann"),
        ({"family_name": "Mustermann"}, "Mustermann"),
        ({"name": "Erika Mustermann", "id": "x"}, "Erika Mustermann"),
        ({"iban": "DE89 3704 0044 0532 0130 00"}, "•••• 3000"),
        ({"member_number": "12345678"}, "•••• 5678"),
        ({"birthdate": "1964-08-12"}, "••••-••-••"),
        ({"pin": "1234"}, "••••"),
        ({"age": 61, "email": "erika@example.com"}, "erika@example.com"),
        ({"iss": "https://x", "vct": "t"}, ""),
    ],
)
def test_main_claim(claims: dict[str, object], shown: str) -> None:
    assert main_claim(claims) == shown


def test_mask_and_labels() -> None:
    assert mask("DE89370400440532013000") == "•••• 3000"
    assert mask("12") == "••••"
    assert claim_label("given_name") == "Given name"
    assert claim_label("birthDate") == "Birth date"
    assert claim_label(0) == "1"


@pytest.mark.parametrize(
    ("expires_in_days", "status"),
    [(None, Validity.VALID), (400, Validity.VALID), (29, Validity.EXPIRING),
     (0.5, Validity.EXPIRING), (0, Validity.EXPIRED), (-3, Validity.EXPIRED)],
)
def test_validity(expires_in_days: float | None, status: Validity) -> None:
    now = 1_800_000_000.0
    expires = None if expires_in_days is None else now + expires_in_days * DAY
    assert validity(now, expires) is status
    assert validity(now, expires, not_before=now + 10) is Validity.NOT_YET_VALID
