"""Unit tests for handlers.vault: check digit, keyring, sealing, and the logged, purpose-limited vault."""
from __future__ import annotations

import json
import os
import random
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.orm import Session

from handlers.vault import (
    ALLOWED_PURPOSES, AccessLogEntry, DecryptionFailed, InvalidMyNumber, Keyring, KeyringError, MyNumberRecord,
    NotFound, PurposeNotAllowed, Vault, VaultBase, VaultError, access_log_entries, blind_index, check_digit,
    decrypt, encrypt, make_my_number, mask, validate_my_number,
)

EXAMPLE = "123456789018"  # DOMAIN.md: 12345678901 → 123456789018
T1, T2 = "13", "27"


class Clock:
    """A test clock that ticks one second per reading."""

    def __init__(self) -> None:
        self.now = datetime(2026, 4, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def numbers(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [make_my_number("".join(rng.choice("0123456789") for _ in range(11))) for _ in range(count)]


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.load_or_create(tmp_path / "keys" / "vault-keyring.json")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'vault.db'}")
    VaultBase.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def vault(keyring: Keyring) -> Vault:
    return Vault(keyring, clock=Clock())


def log(engine: Engine, tenant: str) -> list[AccessLogEntry]:
    with Session(engine) as session:
        return access_log_entries(session, tenant)


# --- check digit -------------------------------------------------------------------------------

def test_domain_example() -> None:
    assert check_digit("12345678901") == 8
    assert make_my_number("12345678901") == EXAMPLE
    assert validate_my_number(EXAMPLE) == EXAMPLE


def _remainder(first11: str) -> int:
    return sum(int(p) * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(reversed(first11), 1)) % 11


def test_remainders_zero_and_one_give_check_digit_zero() -> None:
    candidates = [f"{i:011d}" for i in range(200)]
    by_remainder = {r: next(c for c in candidates if _remainder(c) == r) for r in range(11)}
    assert check_digit(by_remainder[0]) == 0 and check_digit(by_remainder[1]) == 0
    assert [check_digit(by_remainder[r]) for r in range(2, 11)] == [11 - r for r in range(2, 11)]


def test_random_valid_numbers_validate() -> None:
    for number in numbers(200):
        assert validate_my_number(number) == number


def corruptions(number: str) -> Iterator[str]:
    for i in range(12):
        for d in "0123456789":
            if d != number[i]:
                yield number[:i] + d + number[i + 1:]


def test_every_single_digit_corruption_is_refused() -> None:
    with_nonzero_check_digit = [n for n in [EXAMPLE, *numbers(60, seed=11)] if n[-1] != "0"]
    assert len(with_nonzero_check_digit) > 40
    for number in with_nonzero_check_digit:
        for corrupted in corruptions(number):
            with pytest.raises(InvalidMyNumber, match="check digit"):
                validate_my_number(corrupted)


def test_the_only_undetected_corruptions_are_the_rules_own_blind_spot() -> None:
    # DOMAIN.md maps remainders 0 and 1 both to check digit 0, so when the check digit is 0 a data-digit
    # change that moves the remainder between 0 and 1 passes; the rule allows no other miss.
    checked = 0
    for number in numbers(300, seed=13):
        for corrupted in corruptions(number):
            try:
                validate_my_number(corrupted)
            except InvalidMyNumber:
                continue
            assert number[-1] == corrupted[-1] == "0"
            assert {_remainder(number[:11]), _remainder(corrupted[:11])} == {0, 1}
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("text, reason", [
    (EXAMPLE[:11], "12 digits, but 11"),
    (EXAMPLE + "0", "12 digits, but 13"),
    ("", "required"),
    ("12345678901A", "only digits"),
    ("１２３４５６７８９０１Ｘ", "only digits"),
    ("١٢٣٤٥٦٧٨٩٠١٨", "only digits"),  # Arabic-Indic digits are digits to Python, not to us
])
def test_malformed_input_is_refused_with_a_sentence(text: str, reason: str) -> None:
    with pytest.raises(InvalidMyNumber, match=reason) as info:
        validate_my_number(text)
    assert isinstance(info.value, ValueError)
    assert EXAMPLE[:8] not in str(info.value)


def test_non_text_is_refused() -> None:
    with pytest.raises(InvalidMyNumber, match="as text"):
        validate_my_number(123456789018)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["１２３４５６７８９０１８", "1234 5678 9018", "1234-5678-9018",
                                  "１２３４－５６７８－９０１８", "１２３４\u3000５６７８\u3000９０１８"])
def test_full_width_and_separators_are_normalized(text: str) -> None:
    assert validate_my_number(text) == EXAMPLE


def test_mask_shows_the_last_four_only() -> None:
    assert mask(EXAMPLE) == "********9018"
    assert Vault.mask("１２３４ ５６７８ ９０１８") == "********9018"


# --- keyring -----------------------------------------------------------------------------------

def test_keyring_is_created_0600_and_reloads_the_same_keys(tmp_path: Path) -> None:
    path = tmp_path / "ring.json"
    ring = Keyring.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text())
    assert doc["version"] == 1 and doc["active"] == "k1" and set(doc["data_keys"]) == {"k1"}
    again = Keyring.load_or_create(path)
    assert again.active_key() == ring.active_key()
    assert again.index_key == ring.index_key != ring.active_key()[1]
    assert len(ring.index_key) == 32 and len(ring.active_key()[1]) == 32
    for secret in (doc["index_key"], doc["data_keys"]["k1"]):
        assert secret not in repr(ring) and secret[:8] not in repr(ring)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_keyring_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "ring.json"
    Keyring.load_or_create(path)
    os.chmod(path, mode)
    with pytest.raises(KeyringError, match="chmod 600"):
        Keyring.load_or_create(path)


@pytest.mark.parametrize("doc, reason", [
    (b"not json", "not valid JSON"),
    (b'{"version": 2}', "version 1"),
    (b'{"version": 1, "active": "k1", "data_keys": {"k1": "c2hvcnQ="}, "index_key": "c2hvcnQ="}', "256 bits"),
    (b'{"version": 1, "active": "k9", "data_keys": {"k1": "' + b"A" * 43 + b'="}, "index_key": "x"}', "active"),
])
def test_malformed_keyring_is_refused(tmp_path: Path, doc: bytes, reason: str) -> None:
    path = tmp_path / "ring.json"
    path.write_bytes(doc)
    os.chmod(path, 0o600)
    with pytest.raises(KeyringError, match=reason):
        Keyring.load(path)


def test_rotation_keeps_old_data_readable_and_writes_with_the_new_key(db: Engine, keyring: Keyring) -> None:
    vault = Vault(keyring)
    old, new = numbers(2, seed=3)
    with Session(db) as session:
        old_ref = vault.store(session, T1, old, "clerk", "registration")
        session.commit()
    assert keyring.rotate() == "k2"
    assert keyring.active == "k2"
    reloaded = Keyring.load(keyring.path)
    assert reloaded.key_ids == ["k1", "k2"] and reloaded.active == "k2"
    assert stat.S_IMODE(keyring.path.stat().st_mode) == 0o600
    vault = Vault(reloaded)
    with Session(db) as session:
        new_ref = vault.store(session, T1, new, "clerk", "registration")
        assert vault.reveal(session, old_ref, T1, "clerk", "change") == old
        assert vault.reveal(session, new_ref, T1, "clerk", "change") == new
        # the blind index key does not rotate, so the old number is still found
        assert vault.lookup(session, T1, old, "clerk", "identity_check") == old_ref
        assert session.get(MyNumberRecord, old_ref).key_id == "k1"  # type: ignore[union-attr]
        assert session.get(MyNumberRecord, new_ref).key_id == "k2"  # type: ignore[union-attr]
        session.commit()


def test_a_keyring_learns_of_a_rotation_made_by_another_process(db: Engine, keyring: Keyring) -> None:
    stale = Keyring.load(keyring.path)
    Keyring.load(keyring.path).rotate()
    with Session(db) as session:
        ref = Vault(Keyring.load(keyring.path)).store(session, T1, EXAMPLE, "clerk", "registration")
        assert Vault(stale).reveal(session, ref, T1, "clerk", "change") == EXAMPLE


# --- crypto ------------------------------------------------------------------------------------

REF_A, REF_B = "6f1c1e7a-2b7e-4b4e-9c55-0a5b3a1d2e01", "0b8a35c4-5d37-4d8e-8f3a-4e3d2c1b0a99"


def test_seal_round_trip(keyring: Keyring) -> None:
    key_id, key = keyring.active_key()
    sealed = encrypt(EXAMPLE.encode(), key, key_id, REF_A, T1)
    assert len(sealed.nonce) == 12 and EXAMPLE.encode() not in sealed.ciphertext
    assert decrypt(sealed, key, REF_A, T1) == EXAMPLE.encode()
    assert encrypt(EXAMPLE.encode(), key, key_id, REF_A, T1).nonce != sealed.nonce
    assert "9018" not in repr(sealed)


def test_tampered_ciphertext_or_nonce_fails(keyring: Keyring) -> None:
    key_id, key = keyring.active_key()
    sealed = encrypt(EXAMPLE.encode(), key, key_id, REF_A, T1)
    flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
    for bad in (sealed.__class__(key_id, sealed.nonce, flipped),
                sealed.__class__(key_id, bytes([sealed.nonce[0] ^ 1]) + sealed.nonce[1:], sealed.ciphertext),
                sealed.__class__(key_id, sealed.nonce[:8], sealed.ciphertext),
                sealed.__class__("k2", sealed.nonce, sealed.ciphertext)):
        with pytest.raises(DecryptionFailed):
            decrypt(bad, key, REF_A, T1)


def test_ciphertext_moved_to_another_ref_or_tenant_fails(keyring: Keyring) -> None:
    key_id, key = keyring.active_key()
    sealed = encrypt(EXAMPLE.encode(), key, key_id, REF_A, T1)
    for ref, tenant in ((REF_B, T1), (REF_A, T2), (REF_B, T2)):
        with pytest.raises(DecryptionFailed, match="moved"):
            decrypt(sealed, key, ref, tenant)


def test_blind_index_is_keyed_hmac_hex(keyring: Keyring) -> None:
    index = blind_index(EXAMPLE, keyring.index_key)
    assert len(index) == 64 and int(index, 16) >= 0
    assert index == blind_index(EXAMPLE, keyring.index_key)
    assert index != blind_index(EXAMPLE, keyring.active_key()[1])
    assert index != blind_index(make_my_number("12345678902"), keyring.index_key)


# --- vault -------------------------------------------------------------------------------------

def test_store_dedups_within_a_tenant_only(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        ref = vault.store(session, T1, EXAMPLE, "clerk", "registration")
        assert vault.store(session, T1, "１２３４-５６７８-９０１８", "clerk2", "change") == ref
        other = vault.store(session, T2, EXAMPLE, "clerk", "registration")
        assert other != ref
        session.commit()
    with Session(db) as session:
        assert vault.store(session, T1, EXAMPLE, "clerk", "registration") == ref
        rows = session.scalars(select(MyNumberRecord)).all()
        assert {(r.id, r.tenant) for r in rows} == {(ref, T1), (other, T2)}
        assert rows[0].created_at.tzinfo is not None and rows[0].created_at.utcoffset() == timedelta(0)
    assert [(e.action, e.detail) for e in log(db, T1)] == [("store", "new"), ("store", "existing")]


def test_store_refuses_invalid_numbers_and_writes_nothing(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        with pytest.raises(InvalidMyNumber):
            vault.store(session, T1, "123456789017", "clerk", "registration")
        assert session.scalars(select(MyNumberRecord)).all() == []


def test_lookup_hit_and_miss_are_logged(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        ref = vault.store(session, T1, EXAMPLE, "clerk", "registration")
        assert vault.lookup(session, T1, "1234 5678 9018", "checker", "identity_check") == ref
        assert vault.lookup(session, T1, make_my_number("99999999999"), "checker", "identity_check") is None
        assert vault.lookup(session, T2, EXAMPLE, "checker", "identity_check") is None
        session.commit()
    assert [(e.action, e.vault_ref, e.detail) for e in log(db, T1)][1:] == [
        ("lookup", ref, "hit"), ("lookup", None, "miss")]
    assert [(e.action, e.detail) for e in log(db, T2)] == [("lookup", "miss")]


def test_reveal_is_logged_with_purpose_actor_and_time(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        ref = vault.store(session, T1, EXAMPLE, "clerk", "registration")
        session.commit()
    for purpose in sorted(ALLOWED_PURPOSES):
        with Session(db) as session:
            assert vault.reveal(session, ref, T1, "reviewer-7", purpose) == EXAMPLE
            session.commit()
    reveals = [e for e in log(db, T1) if e.action == "reveal"]
    assert [(e.vault_ref, e.actor, e.purpose) for e in reveals] == [
        (ref, "reviewer-7", p) for p in sorted(ALLOWED_PURPOSES)]
    assert all(e.at.tzinfo is not None for e in reveals)


def test_reveal_log_row_rolls_back_with_the_callers_transaction(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        ref = vault.store(session, T1, EXAMPLE, "clerk", "registration")
        session.commit()
    with Session(db) as session:
        vault.reveal(session, ref, T1, "reviewer", "change")
        session.rollback()
    assert [e.action for e in log(db, T1)] == ["store"]


@pytest.mark.parametrize("purpose", ["marketing", "", "Registration", " registration"])
def test_reveal_for_another_purpose_is_refused_and_logged_as_denied(db: Engine, vault: Vault, purpose: str) -> None:
    with Session(db) as session:
        ref = vault.store(session, T1, EXAMPLE, "clerk", "registration")
        with pytest.raises(PurposeNotAllowed, match="identity_check"):
            vault.reveal(session, ref, T1, "sales", purpose)
        session.commit()
    denied = log(db, T1)[-1]
    assert (denied.action, denied.vault_ref, denied.actor, denied.purpose, denied.detail) == (
        "denied", ref, "sales", purpose, "purpose")


def test_store_and_lookup_are_purpose_limited_too(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        with pytest.raises(PurposeNotAllowed):
            vault.store(session, T1, EXAMPLE, "clerk", "newsletter")
        with pytest.raises(PurposeNotAllowed):
            vault.lookup(session, T1, EXAMPLE, "clerk", "analytics")
        assert session.scalars(select(MyNumberRecord)).all() == []
        session.commit()
    assert [(e.action, e.purpose) for e in log(db, T1)] == [("denied", "newsletter"), ("denied", "analytics")]


def test_cross_tenant_reveal_is_refused_like_a_missing_ref(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        ref = vault.store(session, T1, EXAMPLE, "clerk", "registration")
        with pytest.raises(NotFound) as cross:
            vault.reveal(session, ref, T2, "intruder", "identity_check")
        with pytest.raises(NotFound) as missing:
            vault.reveal(session, REF_B, T2, "intruder", "identity_check")
        assert str(cross.value) == str(missing.value)
        with pytest.raises(NotFound):
            vault.delete(session, ref, T2, "intruder", "tidy up")
        session.commit()
    assert [(e.action, e.vault_ref, e.detail) for e in log(db, T2)] == [
        ("denied", ref, "not found"), ("denied", REF_B, "not found"), ("denied", ref, "not found")]
    assert [e.action for e in log(db, T1)] == ["store"]


def test_a_malformed_ref_is_not_written_to_the_log(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        with pytest.raises(NotFound):
            vault.reveal(session, EXAMPLE, T1, f"clerk {EXAMPLE}", "change")
        session.commit()
    entry = log(db, T1)[0]
    assert (entry.action, entry.vault_ref, entry.actor, entry.detail) == (
        "denied", None, "clerk [redacted]", "malformed reference")


def test_caller_must_name_tenant_and_actor(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        for tenant, actor in (("", "clerk"), ("123456789", "clerk"), (T1, ""), (T1, "  ")):
            with pytest.raises(VaultError):
                vault.store(session, tenant, EXAMPLE, actor, "registration")


def test_delete_erases_keeps_the_ref_and_later_reveals_fail(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        ref = vault.store(session, T1, EXAMPLE, "clerk", "registration")
        session.commit()
    with Session(db) as session:
        assert vault.delete(session, ref, T1, "admin", "retention period ended") is True
        assert vault.delete(session, ref, T1, "admin", "retention period ended") is False
        session.commit()
    with Session(db) as session:
        row = session.get(MyNumberRecord, ref)
        assert row is not None and row.deleted_at is not None
        assert (row.ciphertext, row.nonce, row.blind_index) == (None, None, None)
        with pytest.raises(NotFound, match="deleted"):
            vault.reveal(session, ref, T1, "reviewer", "identity_check")
        assert vault.lookup(session, T1, EXAMPLE, "reviewer", "identity_check") is None
        session.commit()
    assert [(e.action, e.actor, e.purpose, e.detail) for e in log(db, T1)] == [
        ("store", "clerk", "registration", "new"),
        ("delete", "admin", "retention period ended", None),
        ("denied", "reviewer", "identity_check", "deleted"),
        ("lookup", "reviewer", "identity_check", "miss")]
    with Session(db) as session:  # the number may be registered again, as a new record
        assert vault.store(session, T1, EXAMPLE, "clerk", "registration") != ref


def test_delete_needs_a_reason(db: Engine, vault: Vault) -> None:
    with Session(db) as session:
        ref = vault.store(session, T1, EXAMPLE, "clerk", "registration")
        with pytest.raises(VaultError, match="reason"):
            vault.delete(session, ref, T1, "admin", " ")


def test_a_ciphertext_copied_to_another_row_fails_to_decrypt(db: Engine, vault: Vault) -> None:
    a, b = numbers(2, seed=5)
    with Session(db) as session:
        ref_a = vault.store(session, T1, a, "clerk", "registration")
        ref_b = vault.store(session, T1, b, "clerk", "registration")
        ref_c = vault.store(session, T2, b, "clerk", "registration")
        source = session.get(MyNumberRecord, ref_a)
        assert source is not None
        for target in (ref_b, ref_c):
            session.execute(update(MyNumberRecord).where(MyNumberRecord.id == target)
                            .values(nonce=source.nonce, ciphertext=source.ciphertext, key_id=source.key_id))
        session.commit()
    with Session(db) as session:
        with pytest.raises(DecryptionFailed):
            vault.reveal(session, ref_b, T1, "reviewer", "change")
        with pytest.raises(DecryptionFailed):
            vault.reveal(session, ref_c, T2, "reviewer", "change")
        assert vault.reveal(session, ref_a, T1, "reviewer", "change") == a
        session.commit()
    assert [(e.action, e.detail) for e in log(db, T1)][-2:] == [("denied", "undecryptable"), ("reveal", None)]


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_the_plaintext_never_reaches_the_database_file(tmp_path: Path, keyring: Keyring, journal: str) -> None:
    path = tmp_path / "vault.db"
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _journal(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA journal_mode={journal}")  # type: ignore[attr-defined]

    VaultBase.metadata.create_all(engine)
    vault = Vault(keyring)
    stored = [EXAMPLE, *numbers(30, seed=9)]
    with Session(engine) as session:
        refs = [vault.store(session, T1, n, "clerk", "registration") for n in stored]
        session.commit()
    with Session(engine) as session:
        assert [vault.reveal(session, r, T1, "reviewer", "identity_check") for r in refs] == stored
        assert vault.lookup(session, T1, stored[1], "reviewer", "identity_check") == refs[1]
        vault.delete(session, refs[2], T1, "admin", "retention period ended")
        session.commit()
        files = [p for p in tmp_path.iterdir() if p.name.startswith("vault.db")]
        if journal == "wal":
            assert (tmp_path / "vault.db-wal").stat().st_size > 0
        raw = b"".join(p.read_bytes() for p in files)
    engine.dispose()
    raw += path.read_bytes()
    assert len(raw) > 0
    for number in stored:
        for form in (number, "".join(chr(0xFF10 + int(d)) for d in number), number[:11]):
            assert form.encode() not in raw
            assert form.encode("utf-16-le") not in raw


def test_no_repr_or_str_shows_the_number(db: Engine, keyring: Keyring) -> None:
    vault = Vault(keyring)
    with Session(db) as session:
        ref = vault.store(session, T1, EXAMPLE, "clerk", "registration")
        vault.reveal(session, ref, T1, "reviewer", "identity_check")
        with pytest.raises(PurposeNotAllowed) as denied:
            vault.reveal(session, ref, T1, "reviewer", "marketing")
        record = session.get(MyNumberRecord, ref)
        texts = [repr(vault), str(vault), repr(keyring), repr(record), str(record), str(denied.value),
                 *map(repr, session.scalars(select(AccessLogEntry)))]
    for text in texts:
        assert EXAMPLE not in text and EXAMPLE[:8] not in text
    assert ref in repr(record)
