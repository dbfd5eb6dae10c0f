"""The security settings read from federation.yaml (`security:`, `clients:`,
`persisted_queries:`); :mod:`federation.security.parsing` builds them. The reference of every
key is docs/security.md and docs/configuration.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from federation.security.limits import DEVELOPMENT_LIMITS, Limits

Profile = Literal["development", "production"]
PROFILES: Final[tuple[Profile, ...]] = ("development", "production")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket: ``burst`` requests at once, refilled at ``requests_per_second``."""

    requests_per_second: float
    burst: int


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """A client known by its API key."""

    name: str
    key_sha256: str
    """The SHA-256 of the key, as lowercase hex: the key itself is never kept."""
    roles: tuple[str, ...] = ()
    persisted_only: bool = False
    """Only the operations of ``manifests`` may run, sent by id."""
    log_only: bool = False
    """Report what ``persisted_only`` would refuse, and run it anyway (to migrate a client)."""
    manifests: tuple[Path, ...] = ()
    """This client's safelist."""
    limits: Limits = DEVELOPMENT_LIMITS
    """The global limits with this client's overrides applied."""
    rate_limit: RateLimit | None = None


@dataclass(frozen=True, slots=True)
class SecurityConfig:
    profile: Profile = "development"
    anonymous: bool = True
    """Requests without an API key are served (with the global limits)."""
    suggestions: bool = True
    """"Did you mean ...?" in validation errors (off in production: they reveal the schema)."""
    mask_errors: bool = False
    """Unexpected errors answer with a generic message (on in production)."""
    limits: Limits = DEVELOPMENT_LIMITS
    rate_limit: RateLimit | None = None
    """The bucket of each anonymous caller (by address) and each client without its own."""
    clients: tuple[ClientConfig, ...] = ()
    apq: bool = True
    """Automatic persisted queries (Apollo's protocol)."""
    apq_ttl: float | None = 7 * 24 * 3600.0
    """Seconds a registered APQ document is kept (None: until evicted)."""
    manifests: tuple[Path, ...] = field(default=())
    """Persisted-query manifests every caller may run by id."""

    @property
    def production(self) -> bool:
        return self.profile == "production"
