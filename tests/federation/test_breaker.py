"""The circuit breaker on its own, with a clock the tests move, and its federation.yaml key."""

from __future__ import annotations

from pathlib import Path

import pytest

from federation.config import CircuitBreakerConfig, load_config
from federation.errors import ConfigError, ConstraintViolation, SourceError, SourceTimeout
from federation.errors import SourceUnavailable as Unavailable
from federation.execution.breaker import CircuitBreaker, CircuitOpen, State


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker("api", CircuitBreakerConfig(failures=3, cooldown=10), clock)


def timeout() -> SourceTimeout:
    return SourceTimeout("api", "no answer within 2 s")


def fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.admit()
        breaker.failed(timeout())


def test_opens_after_consecutive_failures_only(breaker: CircuitBreaker) -> None:
    fail(breaker, 2)
    breaker.admit()
    breaker.succeeded()  # a success in between starts the count again
    fail(breaker, 2)
    assert breaker.state is State.CLOSED
    fail(breaker, 1)
    assert breaker.state is State.OPEN


def test_open_fails_fast_naming_the_cause_and_the_probe_time(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    fail(breaker, 3)
    clock.now += 2.5
    with pytest.raises(CircuitOpen) as raised:
        breaker.admit()
    error = raised.value
    assert isinstance(error, Unavailable) and error.code == "SOURCE_UNAVAILABLE"
    assert error.source == "api"
    assert str(error) == (
        "source 'api': circuit breaker open after 3 consecutive failures "
        "(last: no answer within 2 s); failing fast, next probe in 7.5 s"
    )


def test_half_open_lets_one_probe_through_and_its_success_closes(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    fail(breaker, 3)
    clock.now += 10
    assert breaker.admit() is True  # the probe
    with pytest.raises(CircuitOpen, match=r"half-open .* a probe request is checking"):
        breaker.admit()  # a concurrent call while the probe is out
    breaker.succeeded()
    assert breaker.state is State.CLOSED and breaker.status() is None
    assert breaker.admit() is False


def test_a_failed_probe_reopens_for_a_full_cooldown(breaker: CircuitBreaker, clock: Clock) -> None:
    fail(breaker, 3)
    clock.now += 12
    assert breaker.admit() is True
    breaker.failed(Unavailable("api", "connection refused"))
    assert breaker.state is State.OPEN
    assert breaker.retry_in() == 10
    clock.now += 9.9
    with pytest.raises(CircuitOpen, match=r"\(last: connection refused\).*next probe in 0.1 s"):
        breaker.admit()


def test_an_abandoned_probe_frees_the_slot(breaker: CircuitBreaker, clock: Clock) -> None:
    fail(breaker, 3)
    clock.now += 10
    probe = breaker.admit()
    breaker.abandoned(probe)  # the caller was cancelled: no verdict
    assert breaker.admit() is True  # the next call may probe


@pytest.mark.parametrize(
    "error",
    [
        SourceError("api", "the remote API answered: bad argument"),
        ConstraintViolation("api", "duplicate key", code="UNIQUE_VIOLATION"),
    ],
)
def test_errors_a_request_caused_count_as_answers(
    breaker: CircuitBreaker, error: SourceError
) -> None:
    fail(breaker, 2)
    breaker.admit()
    breaker.failed(error)
    fail(breaker, 2)
    assert breaker.state is State.CLOSED  # the count restarted at the answered request


def test_a_circuit_open_refusal_does_not_count(breaker: CircuitBreaker, clock: Clock) -> None:
    fail(breaker, 3)
    opened = breaker.opened_at
    clock.now += 1
    breaker.failed(CircuitOpen("api", "open"))
    assert breaker.state is State.OPEN and breaker.opened_at == opened


# --- federation.yaml -------------------------------------------------------------------------


def source_with(tmp_path: Path, value: str) -> CircuitBreakerConfig | None:
    file = tmp_path / "federation.yaml"
    file.write_text(
        f"sources: [{{name: a, kind: duckdb, path: ':memory:', circuit_breaker: {value}}}]\n"
    )
    return load_config(file).sources[0].circuit_breaker


def test_config_default_is_on(tmp_path: Path) -> None:
    file = tmp_path / "federation.yaml"
    file.write_text("sources: [{name: a, kind: duckdb, path: ':memory:'}]\n")
    assert load_config(file).sources[0].circuit_breaker == CircuitBreakerConfig(5, 10.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{failures: 3, cooldown: 2.5}", CircuitBreakerConfig(3, 2.5)),
        ("{cooldown: 30}", CircuitBreakerConfig(5, 30.0)),
        ("false", None),
        ("true", CircuitBreakerConfig()),
    ],
)
def test_config_values(tmp_path: Path, value: str, expected: CircuitBreakerConfig | None) -> None:
    assert source_with(tmp_path, value) == expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("{failures: 0}", "failures: expected an integer of at least 1, got 0"),
        ("{cooldown: soon}", "cooldown: expected a number of seconds greater than 0, got 'soon'"),
        ("{failure: 3}", "unknown key 'failure' (known keys: failures, cooldown)"),
        ("7", "expected {failures: N, cooldown: SECONDS} or false, got 7"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, value: str, problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        source_with(tmp_path, value)
    assert raised.value.problems == [f"sources[0].circuit_breaker: {problem}"]
