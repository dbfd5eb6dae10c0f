"""Which document a request runs: its own text, a manifest's operation (by `documentId`,
`doc_id` or an APQ hash), or an APQ-registered document; and whether the caller may run it.

A ``persisted_only`` client runs only its manifests' operations. It is refused, each with its
own code and status:

- an id nobody registered: 404 ``PERSISTED_QUERY_NOT_IN_LIST``;
- a free-form document (``query`` text): 400 ``PERSISTED_QUERY_ID_REQUIRED``;
- an id that is known (another manifest, or registered through APQ) but not in its safelist:
  403 ``QUERY_NOT_IN_SAFELIST``.

A ``log_only`` client is not refused for those: each is logged as what would be refused, and
the request goes on as for any other client.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from federation.security.apq import APQ, mismatch, not_found, not_supported, requested_hash
from federation.security.clients import Caller
from federation.security.manifests import Manifests, sha256_hex
from federation.security.refusal import Refusal

log = logging.getLogger("federation.security")


@dataclass(frozen=True, slots=True)
class Resolved:
    query: str
    register: str | None = None
    """An APQ hash to remember once the document proved valid."""


@dataclass(frozen=True, slots=True)
class Request:
    query: str | None
    document_id: str | None
    extensions: dict[str, object] | None
    operation_name: str | None = None


class DocumentResolver:
    def __init__(self, manifests: Manifests, apq: APQ | None) -> None:
        self.manifests = manifests
        self.apq = apq

    async def resolve(self, caller: Caller, request: Request) -> Resolved:
        digest = requested_hash(request.extensions)
        if request.document_id is not None:
            if request.query is not None:
                raise Refusal(
                    "send either `documentId` or `query`, not both",
                    "BAD_REQUEST",
                    status=400,
                )
            return Resolved(await self.by_id(caller, request.document_id, apq=False))
        if digest is not None:
            return await self.by_hash(caller, digest, request.query)
        assert request.query is not None  # GraphQLParams requires one of the three
        self.check_free_form(caller, request)
        return Resolved(request.query)

    async def by_id(self, caller: Caller, document_id: str, *, apq: bool) -> str:
        """A manifest operation's document (or an APQ document when ``apq``)."""
        client = caller.client
        own = self.manifests.listed(caller.name, document_id)
        if own is not None:
            return own.body
        if client is not None and client.persisted_only:
            known = self.manifests.anywhere(document_id) is not None or (
                apq and self.apq is not None and await self.apq.get(document_id) is not None
            )
            self.violation(caller, _unlisted(document_id) if known else _unknown(document_id))
        shared = self.manifests.shared_operation(document_id)
        if shared is not None:
            return shared.body
        if apq and self.apq is not None:
            found = await self.apq.get(document_id)
            if found is not None:
                return found
            raise not_found()
        if apq:
            raise not_supported()
        raise _unknown(document_id)

    async def by_hash(self, caller: Caller, digest: str, query: str | None) -> Resolved:
        if query is None:
            return Resolved(await self.by_id(caller, digest, apq=True))
        if sha256_hex(query) != digest:
            raise mismatch()
        listed = self.manifests.listed(caller.name, digest) is not None
        if not listed:
            self.check_free_form(caller, None)
        if self.apq is None:
            if listed or self.manifests.shared_operation(digest) is not None:
                return Resolved(query)
            raise not_supported()
        return Resolved(query, register=digest)

    def check_free_form(self, caller: Caller, request: Request | None) -> None:
        client = caller.client
        if client is not None and client.persisted_only:
            self.violation(
                caller,
                Refusal(
                    f"client {client.name!r} may only run its persisted operations: send the "
                    "operation's id as `documentId` (or as APQ's "
                    "extensions.persistedQuery.sha256Hash) instead of the query text",
                    "PERSISTED_QUERY_ID_REQUIRED",
                    status=400,
                ),
            )

    def violation(self, caller: Caller, refusal: Refusal) -> None:
        """Refuse, or for a log-only client, report what would be refused and go on."""
        client = caller.client
        if client is not None and client.log_only:
            log.warning(
                "log-only: client %r would be refused (%s): %s",
                client.name,
                refusal.code,
                refusal,
                extra={"client": client.name, "code": refusal.code},
            )
            return
        raise refusal


def _unknown(document_id: str) -> Refusal:
    return Refusal(
        f"no persisted operation has the id {document_id!r}: register it in a manifest "
        "(`federation persist`) or check the id the client sends",
        "PERSISTED_QUERY_NOT_IN_LIST",
        status=404,
    )


def _unlisted(document_id: str) -> Refusal:
    return Refusal(
        f"the operation {document_id!r} is not in this client's safelist: add it to the "
        "client's manifest",
        "QUERY_NOT_IN_SAFELIST",
        status=403,
    )
