"""AES-256-GCM sealing bound to a record and tenant, and the HMAC-SHA256 blind index."""
from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import DecryptionFailed

NONCE_BYTES = 12  # 96 bits, the GCM standard nonce; random per ciphertext
_AAD_LABEL = "kentei.my_number.v1"


@dataclass(frozen=True)
class Sealed:
    """A ciphertext with the nonce and the id of the key that sealed it."""

    key_id: str
    nonce: bytes
    ciphertext: bytes

    def __repr__(self) -> str:
        return f"Sealed(key_id={self.key_id!r}, nonce=<{len(self.nonce)} bytes>, ciphertext=<{len(self.ciphertext)} bytes>)"


def associated_data(ref: str, tenant: str, key_id: str) -> bytes:
    """The AAD that binds a ciphertext to its record, tenant and key, so a copied ciphertext fails."""
    # JSON, not concatenation, so no two (ref, tenant, key_id) triples encode alike.
    return orjson.dumps([_AAD_LABEL, tenant, ref, key_id])


def encrypt(plaintext: bytes, key: bytes, key_id: str, ref: str, tenant: str) -> Sealed:
    """Seal `plaintext` for record `ref` of `tenant` with a fresh random nonce."""
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, associated_data(ref, tenant, key_id))
    return Sealed(key_id, nonce, ciphertext)


def decrypt(sealed: Sealed, key: bytes, ref: str, tenant: str) -> bytes:
    """Open `sealed` as record `ref` of `tenant`, or DecryptionFailed."""
    if len(sealed.nonce) != NONCE_BYTES:
        raise DecryptionFailed("The stored nonce has the wrong length; the record was altered.")
    try:
        return AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, associated_data(ref, tenant, sealed.key_id))
    except InvalidTag:
        raise DecryptionFailed("The ciphertext did not authenticate for this record: it was altered, "
                               "moved from another record, or sealed with another key.") from None


def blind_index(number: str, index_key: bytes) -> str:
    """HMAC-SHA256 of the normalized number as 64 hex characters, for equality lookups."""
    return hmac.new(index_key, number.encode("ascii"), hashlib.sha256).hexdigest()
