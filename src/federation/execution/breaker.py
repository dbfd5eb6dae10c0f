"""A circuit breaker per source: stop sending requests to a source that keeps failing.

    closed     calls go through; ``failures`` consecutive timeouts or unavailable answers open it
    open       calls fail at once with SOURCE_UNAVAILABLE (no socket, no pool slot, no waiting
               for a timeout) until ``cooldown`` seconds have passed
    half-open  the next call is let through as a probe; the others still fail fast. The probe's
               success closes the breaker, its failure opens it for another ``cooldown``

Only failures of the source count (:class:`SourceTimeout`, :class:`SourceUnavailable`): an error
the request caused (a constraint violation, a remote GraphQL error) means the source answered,
so it counts as a success. The clock is injectable so tests control time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum

from federation.config import CircuitBreakerConfig
from federation.errors import SourceError, SourceTimeout, SourceUnavailable


class State(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitOpen(SourceUnavailable):
    """Refused without asking the source: its breaker is open (code SOURCE_UNAVAILABLE)."""


def trips(error: BaseException) -> bool:
    """Whether ``error`` says the source itself is failing (rather than the request)."""
    return isinstance(error, SourceTimeout | SourceUnavailable) and not isinstance(
        error, CircuitOpen
    )


class CircuitBreaker:
    def __init__(
        self,
        source: str,
        config: CircuitBreakerConfig,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.failures = config.failures
        self.cooldown = config.cooldown
        self.clock = clock
        self.state = State.CLOSED
        self.consecutive = 0
        """Failures in a row since the last success."""
        self.opened_at = 0.0
        self.last_error = ""
        self.probing = False
        """A half-open probe is in flight."""

    def admit(self) -> bool:
        """Let a call through, or raise :class:`CircuitOpen`. True when the call is the
        half-open probe (pass it back to :meth:`abandoned` if it ends without an outcome)."""
        if self.state is State.CLOSED:
            return False
        if self.state is State.OPEN and self.clock() - self.opened_at >= self.cooldown:
            self.state = State.HALF_OPEN
        if self.state is State.HALF_OPEN and not self.probing:
            self.probing = True
            return True
        raise CircuitOpen(self.source, self.refusal())

    def succeeded(self) -> None:
        self.state = State.CLOSED
        self.consecutive = 0
        self.probing = False

    def failed(self, error: SourceError) -> None:
        """Record an error; only those that :func:`trips` count."""
        if isinstance(error, CircuitOpen):  # another breaker's refusal: says nothing here
            return
        if not trips(error):
            self.succeeded()
            return
        self.consecutive += 1
        self.last_error = str(error).split(": ", 1)[-1]  # without the "source 'x'" prefix
        if self.state is State.HALF_OPEN or (
            self.state is State.CLOSED and self.consecutive >= self.failures
        ):
            self.state = State.OPEN
            self.opened_at = self.clock()
            self.probing = False

    def abandoned(self, probe: bool) -> None:
        """A call ended with no verdict on the source (cancelled, or a bug): free the probe."""
        if probe:
            self.probing = False

    def retry_in(self) -> float:
        """Seconds until the next probe may go out (0 when one may go now)."""
        return max(0.0, self.opened_at + self.cooldown - self.clock())

    def refusal(self) -> str:
        """Why a call is refused: the state, the last failure and when the source is probed."""
        last = f" (last: {self.last_error})" if self.last_error else ""
        if self.state is State.HALF_OPEN:
            return (
                f"circuit breaker half-open after {self.consecutive} consecutive failures{last}; "
                "a probe request is checking the source, failing fast until it answers"
            )
        return (
            f"circuit breaker open after {self.consecutive} consecutive failures{last}; "
            f"failing fast, next probe in {self.retry_in():.1f} s"
        )

    def status(self) -> str | None:
        """None while closed; otherwise the refusal message (for ``/readyz``)."""
        return None if self.state is State.CLOSED else self.refusal()
