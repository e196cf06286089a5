"""The 個人番号 vault: store, look up, reveal and delete numbers, each use logged in the caller's transaction."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import access_log
from .check_digit import validate_my_number
from .crypto import Sealed, blind_index, decrypt, encrypt
from .errors import DecryptionFailed, Erased, NotFound, PurposeNotAllowed, VaultError
from .keyring import Keyring
from .masking import mask
from .models import TENANT_LENGTH, MyNumberRecord
from .purposes import ALLOWED_PURPOSES, is_allowed

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


def _is_ref(ref: object) -> bool:
    """True for the canonical text of a UUID (what `store` hands out)."""
    if not isinstance(ref, str):
        return False
    try:
        return str(uuid.UUID(ref)) == ref
    except ValueError:
        return False


class Vault:
    """The only way in or out of the `my_number` table; methods use the caller's Session and never commit.

    A denied attempt raises after adding a `denied` log row, so that row is kept only if the caller
    still commits its transaction.
    """

    mask = staticmethod(mask)

    def __init__(self, keyring: Keyring, clock: Clock = utc_now) -> None:
        self._keyring = keyring
        self._clock = clock

    def __repr__(self) -> str:
        return f"Vault(keyring={self._keyring!r})"

    def store(self, session: Session, tenant: str, number: str, actor: str, purpose: str) -> str:
        """Encrypt and keep `number` for `tenant`; the same number in the same tenant returns its existing ref."""
        self._check_caller(tenant, actor)
        digits = validate_my_number(number)
        self._check_purpose(session, None, tenant, actor, purpose)
        index = blind_index(digits, self._keyring.index_key)
        ref = self._ref_by_index(session, tenant, index)
        if ref is None:
            ref = str(uuid.uuid4())
            key_id, key = self._keyring.active_key()
            sealed = encrypt(digits.encode("ascii"), key, key_id, ref, tenant)
            row = MyNumberRecord(id=ref, tenant=tenant, blind_index=index, key_id=sealed.key_id,
                                 nonce=sealed.nonce, ciphertext=sealed.ciphertext, created_at=self._clock())
            try:
                with session.begin_nested():  # a concurrent store of the same number may commit first
                    session.add(row)
                    session.flush([row])  # a second store in this session must find it
                detail = "new"
            except IntegrityError:
                ref = self._ref_by_index(session, tenant, index)
                if ref is None:
                    raise
                detail = "existing"
        else:
            detail = "existing"
        access_log.record(session, at=self._clock(), vault_ref=ref, tenant=tenant, actor=actor,
                          purpose=purpose, action="store", detail=detail)
        return ref

    def lookup(self, session: Session, tenant: str, number: str, actor: str, purpose: str) -> str | None:
        """The ref of `number` in `tenant`, or None; logged either way."""
        self._check_caller(tenant, actor)
        digits = validate_my_number(number)
        self._check_purpose(session, None, tenant, actor, purpose)
        ref = self._ref_by_index(session, tenant, blind_index(digits, self._keyring.index_key))
        access_log.record(session, at=self._clock(), vault_ref=ref, tenant=tenant, actor=actor,
                          purpose=purpose, action="lookup", detail="hit" if ref else "miss")
        return ref

    def reveal(self, session: Session, ref: str, tenant: str, actor: str, purpose: str) -> str:
        """The number behind `ref`, for an allowed purpose only; every attempt is logged."""
        self._check_caller(tenant, actor)
        # Purpose first: for a purpose outside the limit the record is not even read.
        self._check_purpose(session, ref if _is_ref(ref) else None, tenant, actor, purpose)
        row = self._live_row(session, ref, tenant, actor, purpose)
        assert row.key_id is not None and row.nonce is not None and row.ciphertext is not None
        try:
            key = self._keyring.data_key(row.key_id)
            plain = decrypt(Sealed(row.key_id, row.nonce, row.ciphertext), key, ref, tenant)
            digits = validate_my_number(plain.decode("ascii"))
        except (VaultError, ValueError) as exc:
            self._deny(session, ref, tenant, actor, purpose, "undecryptable")
            if isinstance(exc, VaultError):
                raise
            raise DecryptionFailed("The decrypted record is not a valid My Number.") from None
        access_log.record(session, at=self._clock(), vault_ref=ref, tenant=tenant, actor=actor,
                          purpose=purpose, action="reveal")
        return digits

    def delete(self, session: Session, ref: str, tenant: str, actor: str, reason: str) -> bool:
        """Erase the number behind `ref` (ciphertext, nonce, blind index), keep the ref; False if already gone."""
        self._check_caller(tenant, actor)
        if not isinstance(reason, str) or not reason.strip():
            raise VaultError("A deletion needs a reason for the record.")
        row = self._tenant_row(session, ref, tenant, actor, reason)
        if row.deleted_at is not None:
            return False
        # Retention (whether deletion is due yet) is decided by the caller; the vault only erases.
        row.blind_index = row.nonce = row.ciphertext = None
        row.deleted_at = self._clock()
        session.flush([row])
        access_log.record(session, at=self._clock(), vault_ref=ref, tenant=tenant, actor=actor,
                          purpose=reason, action="delete")
        return True

    def deny(self, session: Session, ref: str | None, tenant: str, actor: str, purpose: str, detail: str) -> None:
        """Log an attempt the caller refused before asking the vault (a role that may not, no purpose given)."""
        self._check_caller(tenant, actor)
        self._deny(session, ref if _is_ref(ref) else None, tenant, actor, purpose, detail)

    def _check_caller(self, tenant: str, actor: str) -> None:
        """Refuse a call that does not say whose data and who asks (nothing to log it against)."""
        if not isinstance(tenant, str) or not tenant or len(tenant) > TENANT_LENGTH:
            raise VaultError(f"A tenant of 1 to {TENANT_LENGTH} characters is required.")
        if not isinstance(actor, str) or not actor.strip():
            raise VaultError("An actor (the person or service asking) is required.")

    def _check_purpose(self, session: Session, ref: str | None, tenant: str, actor: str, purpose: str) -> None:
        """Log and refuse any purpose outside the purpose limit."""
        if not is_allowed(purpose):
            self._deny(session, ref, tenant, actor, purpose if isinstance(purpose, str) else "", "purpose")
            raise PurposeNotAllowed("The My Number may be used only for these purposes: "
                                    + ", ".join(sorted(ALLOWED_PURPOSES)) + ".")

    def _live_row(self, session: Session, ref: str, tenant: str, actor: str, purpose: str) -> MyNumberRecord:
        """The tenant's live record `ref`, or a logged denial and NotFound (also for other tenants' refs)."""
        row = self._tenant_row(session, ref, tenant, actor, purpose)
        if row.deleted_at is not None:
            self._deny(session, ref, tenant, actor, purpose, "deleted")
            raise Erased("The vault record with that reference was deleted.")
        return row

    def _tenant_row(self, session: Session, ref: str, tenant: str, actor: str, purpose: str) -> MyNumberRecord:
        """The tenant's record `ref`, deleted or not, or a logged denial and NotFound."""
        if not _is_ref(ref):
            self._deny(session, None, tenant, actor, purpose, "malformed reference")
            raise NotFound("There is no vault record with that reference in this tenant.")
        row = session.scalars(select(MyNumberRecord).where(MyNumberRecord.id == ref,
                                                           MyNumberRecord.tenant == tenant)).one_or_none()
        if row is None:
            self._deny(session, ref, tenant, actor, purpose, "not found")
            raise NotFound("There is no vault record with that reference in this tenant.")
        return row

    def _ref_by_index(self, session: Session, tenant: str, index: str) -> str | None:
        """The live ref with this blind index in this tenant."""
        return session.scalars(select(MyNumberRecord.id).where(MyNumberRecord.tenant == tenant,
                                                               MyNumberRecord.blind_index == index)).one_or_none()

    def _deny(self, session: Session, ref: str | None, tenant: str, actor: str, purpose: str, detail: str) -> None:
        """Add a `denied` log row."""
        access_log.record(session, at=self._clock(), vault_ref=ref, tenant=tenant, actor=actor,
                          purpose=purpose if isinstance(purpose, str) else "", action="denied", detail=detail)
