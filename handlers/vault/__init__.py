"""The 個人番号 (My Number) vault: encrypted storage, blind-index lookup, purpose-limited logged reveal."""
from __future__ import annotations

from .access_log import entries as access_log_entries
from .check_digit import check_digit, make_my_number, normalize, validate_my_number
from .crypto import Sealed, blind_index, decrypt, encrypt
from .errors import DecryptionFailed, Erased, InvalidMyNumber, KeyringError, NotFound, PurposeNotAllowed, VaultError
from .keyring import Keyring
from .masking import mask
from .models import AccessLogEntry, MyNumberRecord, UtcDateTime, VaultBase
from .purposes import ALLOWED_PURPOSES, CHANGE, DELETION, IDENTITY_CHECK, REGISTRATION
from .vault import Vault

__all__ = [
    "ALLOWED_PURPOSES", "CHANGE", "DELETION", "IDENTITY_CHECK", "REGISTRATION",
    "AccessLogEntry", "DecryptionFailed", "Erased", "InvalidMyNumber", "Keyring", "KeyringError", "MyNumberRecord",
    "NotFound", "PurposeNotAllowed", "Sealed", "UtcDateTime", "Vault", "VaultBase", "VaultError",
    "access_log_entries", "blind_index", "check_digit", "decrypt", "encrypt", "make_my_number", "mask",
    "normalize", "validate_my_number",
]
