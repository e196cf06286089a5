"""Settings from KENTEI_* environment variables, read once in one place."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Everything the engine and the web app read from the environment."""

    database_url: str = "sqlite:///var/kentei.db"
    workflows_dir: Path = Path("workflows")
    keyring_path: Path = Path("var/keyring.json")
    timezone: str = "Asia/Tokyo"
    job_max_retries: int = 3
    job_backoff_seconds: float = 10.0
    job_lease_seconds: float = 300.0
    message_ttl_seconds: float = 3600.0
    sqlite_synchronous: str = "NORMAL"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """Build settings from KENTEI_* variables; unset ones keep their defaults."""
        env = os.environ if environ is None else environ
        d = cls()
        return cls(
            database_url=env.get("KENTEI_DATABASE_URL", d.database_url),
            workflows_dir=Path(env.get("KENTEI_WORKFLOWS_DIR", str(d.workflows_dir))),
            keyring_path=Path(env.get("KENTEI_KEYRING", str(d.keyring_path))),
            timezone=env.get("KENTEI_TIMEZONE", d.timezone),
            job_max_retries=int(env.get("KENTEI_JOB_MAX_RETRIES", d.job_max_retries)),
            job_backoff_seconds=float(env.get("KENTEI_JOB_BACKOFF_SECONDS", d.job_backoff_seconds)),
            job_lease_seconds=float(env.get("KENTEI_JOB_LEASE_SECONDS", d.job_lease_seconds)),
            message_ttl_seconds=float(env.get("KENTEI_MESSAGE_TTL_SECONDS", d.message_ttl_seconds)),
            sqlite_synchronous=env.get("KENTEI_SQLITE_SYNCHRONOUS", d.sqlite_synchronous).upper(),
            extra={k: v for k, v in env.items() if k.startswith("KENTEI_")},
        )
