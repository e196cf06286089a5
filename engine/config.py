"""Settings from KENTEI_* environment variables, read once in one place."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from engine.errors import ConfigError


@dataclass(frozen=True)
class Settings:
    """Everything the engine and the web app read from the environment."""

    database_url: str = "sqlite:///var/kentei.db"
    workflows_dir: Path = Path("workflows")
    timezone: str = "Asia/Tokyo"
    job_max_retries: int = 3
    job_backoff_seconds: float = 10.0
    job_lease_seconds: float = 300.0
    message_ttl_seconds: float = 3600.0
    sqlite_synchronous: str = "NORMAL"
    keyring_path: Path = Path("var/keyring.json")
    jukinet_url: str = "http://127.0.0.1:8701"
    national_url: str = "http://127.0.0.1:8702"
    egov_url: str = ""  # e-Gov 電子申請; empty: this installation takes no e-Gov applications
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    mail_from: str = "kentei@example.jp"
    tenants: tuple[str, ...] = ()  # prefectures served; empty: those with active staff accounts
    poll_seconds: float = 1.0  # how often the scheduler looks for due timers and jobs
    reminder_period_seconds: float = 86400.0  # an overdue task is reminded once per period
    staff_mail: str = ""  # e.g. kentei-{tenant}@pref.example.jp: where staff reminders are mailed
    incident_auto_retries: int = 3  # automatic retries of a failed job's incident, with backoff
    incident_retry_seconds: float = 900.0  # the first automatic retry's delay, doubling
    scheduler: str = "auto"  # embedded scheduler in `kentei serve`: auto (one per database) | always | off
    https: bool = False  # served over TLS (behind a proxy): Secure cookies and HSTS
    proxies: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto/-Host are trusted
    portal_demo_signin: bool = False  # the portal's demo sign-in (type a pseudonymous ID): `make run` only
    portal_oidc_issuer: str = ""  # the OpenID Connect provider of the portal's sign-in (its discovery URL's base)
    portal_oidc_client_id: str = ""
    portal_oidc_client_secret: str = field(default="", repr=False)
    portal_pseudonym_key: str = field(default="", repr=False)  # empty: a random key in a 0600 file by the keyring
    external_topics: tuple[str, ...] = ()  # glob patterns of topics outside workers serve (fetchAndLock)
    document_font_dir: str = ""  # the PDF documents' IPAex fonts (empty: the system's font folders)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """Build settings from KENTEI_* variables; unset ones keep their defaults."""
        env = os.environ if environ is None else environ
        d = cls()
        _check_oidc(env)
        return cls(
            database_url=env.get("KENTEI_DATABASE_URL", d.database_url),
            workflows_dir=Path(env.get("KENTEI_WORKFLOWS_DIR", str(d.workflows_dir))),
            timezone=env.get("KENTEI_TIMEZONE", d.timezone),
            job_max_retries=_number(env, "KENTEI_JOB_MAX_RETRIES", d.job_max_retries, int),
            job_backoff_seconds=_number(env, "KENTEI_JOB_BACKOFF_SECONDS", d.job_backoff_seconds, float),
            job_lease_seconds=_number(env, "KENTEI_JOB_LEASE_SECONDS", d.job_lease_seconds, float),
            message_ttl_seconds=_number(env, "KENTEI_MESSAGE_TTL_SECONDS", d.message_ttl_seconds, float),
            sqlite_synchronous=env.get("KENTEI_SQLITE_SYNCHRONOUS", d.sqlite_synchronous).upper(),
            keyring_path=Path(env.get("KENTEI_KEYRING", str(d.keyring_path))),
            jukinet_url=env.get("KENTEI_JUKINET_URL", d.jukinet_url),
            national_url=env.get("KENTEI_NATIONAL_URL", d.national_url),
            egov_url=env.get("KENTEI_EGOV_URL", d.egov_url),
            smtp_host=env.get("KENTEI_SMTP_HOST", d.smtp_host),
            smtp_port=_number(env, "KENTEI_SMTP_PORT", d.smtp_port, int),
            mail_from=env.get("KENTEI_MAIL_FROM", d.mail_from),
            tenants=_tenants(env.get("KENTEI_TENANTS", "")),
            poll_seconds=_number(env, "KENTEI_POLL_SECONDS", d.poll_seconds, float),
            reminder_period_seconds=_number(env, "KENTEI_REMINDER_PERIOD_SECONDS", d.reminder_period_seconds, float),
            staff_mail=env.get("KENTEI_STAFF_MAIL", d.staff_mail),
            incident_auto_retries=_number(env, "KENTEI_INCIDENT_AUTO_RETRIES", d.incident_auto_retries, int,
                                          allow_zero=True),
            incident_retry_seconds=_number(env, "KENTEI_INCIDENT_RETRY_SECONDS", d.incident_retry_seconds, float),
            scheduler=_choice(env, "KENTEI_SCHEDULER", d.scheduler, ("auto", "always", "off")),
            https=_choice(env, "KENTEI_HTTPS", "0", ("0", "1", "false", "true", "no", "yes")) in ("1", "true", "yes"),
            proxies=_number(env, "KENTEI_PROXIES", d.proxies, int, allow_zero=True),
            portal_demo_signin=_flag(env, "KENTEI_PORTAL_DEMO_SIGNIN"),
            portal_oidc_issuer=env.get("KENTEI_PORTAL_OIDC_ISSUER", d.portal_oidc_issuer).strip(),
            portal_oidc_client_id=env.get("KENTEI_PORTAL_OIDC_CLIENT_ID", d.portal_oidc_client_id).strip(),
            portal_oidc_client_secret=env.get("KENTEI_PORTAL_OIDC_CLIENT_SECRET", d.portal_oidc_client_secret),
            portal_pseudonym_key=env.get("KENTEI_PORTAL_PSEUDONYM_KEY", d.portal_pseudonym_key),
            external_topics=_patterns(env.get("KENTEI_EXTERNAL_TOPICS", "")),
            document_font_dir=env.get("KENTEI_DOCUMENT_FONT_DIR", d.document_font_dir).strip(),
        )


def _patterns(raw: str) -> tuple[str, ...]:
    """KENTEI_EXTERNAL_TOPICS: comma-separated glob patterns (ext.*, pref13.*) of topics outside workers serve."""
    found = tuple(p.strip() for p in raw.split(",") if p.strip())
    for p in found:
        if any(c.isspace() for c in p) or len(p) > 255:
            raise ConfigError(f"KENTEI_EXTERNAL_TOPICS: {p!r} is not a topic pattern (no spaces, at most 255 characters)")
    return found


def _tenants(raw: str) -> tuple[str, ...]:
    """KENTEI_TENANTS=13,27: prefecture codes 01–47."""
    codes = tuple(c.strip() for c in raw.split(",") if c.strip())
    bad = [c for c in codes if not (len(c) == 2 and c.isdigit() and 1 <= int(c) <= 47)]
    if bad:
        raise ConfigError(f"KENTEI_TENANTS must list prefecture codes 01–47, not {', '.join(bad)}")
    return codes


def _check_oidc(env: Mapping[str, str]) -> None:
    """The portal's OpenID Connect provider: an https issuer (http only on this machine) and a client id."""
    from urllib.parse import urlsplit
    issuer = env.get("KENTEI_PORTAL_OIDC_ISSUER", "").strip()
    if not issuer:
        return
    parts = urlsplit(issuer)
    if not (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1"))) \
            or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"KENTEI_PORTAL_OIDC_ISSUER must be an https URL (the provider's issuer), not {issuer!r}")
    if not env.get("KENTEI_PORTAL_OIDC_CLIENT_ID", "").strip():
        raise ConfigError("KENTEI_PORTAL_OIDC_ISSUER is set: KENTEI_PORTAL_OIDC_CLIENT_ID must be set too")


def _flag(env: Mapping[str, str], name: str) -> bool:
    """An on/off setting: 1, true, yes (on) or 0, false, no (off, the default)."""
    return _choice(env, name, "0", ("0", "1", "false", "true", "no", "yes")) in ("1", "true", "yes")


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, default).strip().lower()
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _number(env: Mapping[str, str], name: str, default: float, kind: type, allow_zero: bool = False) -> Any:
    """A positive number from the environment, or a clear error naming the variable."""
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a {'whole ' if kind is int else ''}number, not {raw!r}") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise ConfigError(f"{name} must be greater than {'or equal to ' if allow_zero else ''}0, not {raw!r}")
    return value
