"""Who is calling: the client an API key names, or an anonymous caller.

A key comes as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Keys are kept only as
SHA-256 hashes, and a presented key is hashed and looked up, so no key is ever compared in a way
whose timing depends on how much of it matched.

Two cases leave a presented credential alone, because it is meant for a source, not for us:
when no client is configured (there is nothing to check it against), and, for
``Authorization``, when a source forwards that header (``options.forward_headers``): the
gateway's key then comes only as ``X-API-Key``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from federation.security.limits import Limits
from federation.security.parsing import hash_key
from federation.security.refusal import Refusal
from federation.security.settings import ClientConfig, RateLimit, SecurityConfig

_CHALLENGE: Final = {"WWW-Authenticate": 'Bearer realm="graphql"'}


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a request comes from, and what it may do."""

    client: ClientConfig | None
    """None for an anonymous caller."""
    limits: Limits
    rate_limit: RateLimit | None
    rate_key: str
    """Whose bucket a request takes its token from."""
    where: str
    """Where the limits are configured, for error messages: ``security.limits`` or
    ``clients[<name>].limits``."""

    @property
    def name(self) -> str | None:
        return self.client.name if self.client else None


class ClientRegistry:
    def __init__(self, config: SecurityConfig, *, authorization_forwarded: bool = False) -> None:
        self.config = config
        self.by_hash = {client.key_sha256: client for client in config.clients}
        self.read_authorization = not authorization_forwarded

    def authenticate(self, headers: Mapping[str, str], address: str | None) -> Caller:
        """The caller; raises :class:`Refusal` (401) for an unknown key, or for no key when
        anonymous requests are off."""
        if not self.by_hash and self.config.anonymous:
            return self.anonymous(address)
        key = presented_key(headers, authorization=self.read_authorization)
        if key is None:
            if not self.config.anonymous:
                raise Refusal(
                    "this server requires an API key: send it as "
                    + (
                        "`Authorization: Bearer <key>` or `X-API-Key: <key>`"
                        if self.read_authorization
                        else "`X-API-Key: <key>` (Authorization is forwarded to sources)"
                    ),
                    "UNAUTHENTICATED",
                    status=401,
                    headers=_CHALLENGE,
                )
            return self.anonymous(address)
        client = self.by_hash.get(hash_key(key))
        if client is None:
            raise Refusal(
                "the API key is not valid: check the key you were given (keys are compared "
                "exactly, without surrounding spaces)",
                "UNAUTHENTICATED",
                status=401,
                headers=_CHALLENGE,
            )
        return Caller(
            client=client,
            limits=client.limits,
            rate_limit=client.rate_limit or self.config.rate_limit,
            rate_key=f"client:{client.name}",
            where=f"clients[{client.name}].limits",
        )

    def anonymous(self, address: str | None) -> Caller:
        return Caller(
            client=None,
            limits=self.config.limits,
            rate_limit=self.config.rate_limit,
            rate_key=f"address:{address or 'unknown'}",
            where="security.limits",
        )


def presented_key(headers: Mapping[str, str], *, authorization: bool = True) -> str | None:
    """The key from ``X-API-Key`` or (when ``authorization``) ``Authorization: Bearer``; None
    when neither is sent."""
    key = headers.get("x-api-key")
    if key is None and authorization:
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        key = credentials if scheme.lower() == "bearer" else None
    key = key.strip() if key is not None else None
    return key or None
