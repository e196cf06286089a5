"""The keyring: versioned AES-256 data keys and the blind-index key, in a 0600 JSON file outside the database."""
from __future__ import annotations

import base64
import binascii
import os
import re
import stat
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import KeyringError

FORMAT_VERSION = 1
KEY_BYTES = 32
_KEY_ID = re.compile(r"k([1-9][0-9]*)")


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _key(value: Any, what: str, path: Path) -> bytes:
    """Decode one base64 key and check it is 256 bits."""
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise KeyringError(f"The keyring file {path} holds a malformed {what}: expected 256 bits in base64.")
    return raw


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable: losing the keyring loses every number."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Keyring:
    """Data keys by id (one active for new writes, older ones for reading) and the HMAC index key."""

    __slots__ = ("path", "active", "_data_keys", "_index_key")

    def __init__(self, path: Path, active: str, data_keys: dict[str, bytes], index_key: bytes) -> None:
        self.path = path
        self.active = active
        self._data_keys = dict(data_keys)
        self._index_key = index_key

    def __repr__(self) -> str:
        return f"Keyring(path={str(self.path)!r}, active={self.active!r}, key_ids={sorted(self._data_keys)!r})"

    @classmethod
    def load_or_create(cls, path: str | os.PathLike[str]) -> "Keyring":
        """Load the keyring at `path`, creating it with fresh keys (mode 0600) when absent."""
        path = Path(path)
        if not path.exists():
            fresh = cls(path, "k1", {"k1": AESGCM.generate_key(bit_length=256)}, os.urandom(KEY_BYTES))
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if fresh._write(exclusive=True):
                return fresh
            # Another process created it first: its keys are the ones that count.
        return cls.load(path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "Keyring":
        """Load an existing keyring, refusing one that group or others can access."""
        path = Path(path)
        try:
            info = path.stat()
        except FileNotFoundError:
            raise KeyringError(f"There is no keyring file at {path}.") from None
        if not stat.S_ISREG(info.st_mode):
            raise KeyringError(f"The keyring path {path} is not a regular file.")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise KeyringError(f"The keyring file {path} is accessible to group or others (mode {mode:04o}); "
                               f"restrict it with `chmod 600 {path}` before use.")
        try:
            doc = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError:
            raise KeyringError(f"The keyring file {path} is not valid JSON.") from None
        return cls._from_doc(doc, path)

    @classmethod
    def _from_doc(cls, doc: Any, path: Path) -> "Keyring":
        """Check the document's shape and decode its keys."""
        if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION:
            raise KeyringError(f"The keyring file {path} is not a version {FORMAT_VERSION} keyring.")
        raw_keys = doc.get("data_keys")
        if not isinstance(raw_keys, dict) or not raw_keys:
            raise KeyringError(f"The keyring file {path} holds no data keys.")
        if any(not isinstance(k, str) or not _KEY_ID.fullmatch(k) for k in raw_keys):
            raise KeyringError(f"The keyring file {path} has a key id not of the form k1, k2, ….")
        data_keys = {kid: _key(value, f"data key {kid}", path) for kid, value in raw_keys.items()}
        active = doc.get("active")
        if active not in data_keys:
            raise KeyringError(f"The keyring file {path} names an active key it does not hold.")
        return cls(path, active, data_keys, _key(doc.get("index_key"), "index key", path))

    @property
    def key_ids(self) -> list[str]:
        """Every data key id, oldest first."""
        return sorted(self._data_keys, key=lambda kid: int(kid[1:]))

    @property
    def index_key(self) -> bytes:
        """The HMAC key of the blind index (never a data key)."""
        return self._index_key

    def active_key(self) -> tuple[str, bytes]:
        """(key id, key) that new ciphertexts use."""
        return self.active, self._data_keys[self.active]

    def data_key(self, key_id: str) -> bytes:
        """The data key `key_id`, re-reading the file once in case another process rotated."""
        if key_id not in self._data_keys:
            fresh = Keyring.load(self.path)
            self.active, self._data_keys, self._index_key = fresh.active, fresh._data_keys, fresh._index_key
        try:
            return self._data_keys[key_id]
        except KeyError:
            raise KeyringError(f"The keyring {self.path} has no data key {key_id!r}.") from None

    def rotate(self) -> str:
        """Add a new active data key, save the file and return its id; old keys stay for decryption."""
        # Start from the file, not memory, so a rotation made elsewhere is not overwritten.
        current = Keyring.load(self.path)
        new_id = f"k{max(int(kid[1:]) for kid in current._data_keys) + 1}"
        keys = {**current._data_keys, new_id: AESGCM.generate_key(bit_length=256)}
        rotated = Keyring(self.path, new_id, keys, current._index_key)
        rotated._write(exclusive=False)
        self.active, self._data_keys, self._index_key = new_id, keys, current._index_key
        return new_id

    def _document(self) -> bytes:
        """The JSON form of the keyring."""
        return orjson.dumps({"version": FORMAT_VERSION, "active": self.active,
                             "data_keys": {kid: _b64(self._data_keys[kid]) for kid in self.key_ids},
                             "index_key": _b64(self._index_key)}, option=orjson.OPT_INDENT_2)

    def _write(self, exclusive: bool) -> bool:
        """Write via a 0600 temp file; `exclusive` never replaces an existing file (False if one exists)."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(self._document())
                out.flush()
                os.fsync(out.fileno())
            if exclusive:
                try:
                    os.link(tmp, self.path)  # atomic create-if-absent, unlike os.replace
                except FileExistsError:
                    return False
            else:
                os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
            return True
        finally:
            tmp.unlink(missing_ok=True)
