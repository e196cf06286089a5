"""The vault's exceptions; none of their messages ever contains a number or a key."""
from __future__ import annotations


class VaultError(Exception):
    """Base class of every error the 個人番号 vault raises."""


class InvalidMyNumber(ValueError):
    """The text is not a valid 個人番号 (length, characters or check digit)."""


class NotFound(VaultError):
    """No live record with that reference in this tenant (also for other tenants' records)."""


class Erased(NotFound):
    """The record was there and has been erased (its reference is kept, its number is gone)."""


class PurposeNotAllowed(VaultError):
    """The stated purpose is not one the purpose limit allows."""


class DecryptionFailed(VaultError):
    """A ciphertext did not authenticate: tampered, moved to another record, or a wrong key."""


class KeyringError(VaultError):
    """The keyring file is missing, malformed, unknown-key or unsafely readable."""
