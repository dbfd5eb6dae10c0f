"""The one error the security layer raises: a request it refuses, with its HTTP answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from federation.security.limits import LimitExceeded


class Refusal(Exception):
    """A refused request. ``status`` None means a GraphQL request error: the endpoint answers
    400 (``application/graphql-response+json``) or 200 (legacy ``application/json``), as it
    does for validation errors; otherwise ``status`` whatever the media type."""

    def __init__(
        self,
        message: str,
        code: str,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.status = status
        self.headers = dict(headers or {})
        self.extensions = {**(extensions or {}), "code": code}
        super().__init__(message)

    @classmethod
    def from_limit(cls, error: LimitExceeded, status: int | None = None) -> Refusal:
        return cls(str(error), error.code, status=status, extensions=error.extensions)

    def body(self) -> bytes:
        """The GraphQL response: one error, no ``data``."""
        return orjson.dumps({"errors": [{"message": str(self), "extensions": self.extensions}]})
