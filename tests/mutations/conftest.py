"""Fixtures of the mutation tests: ``backend`` (one per SQL connector) and ``db`` (seeded)."""

from mutation_backends import backend, db

__all__ = ["backend", "db"]
