"""Conformance suites run against the real gateway over HTTP."""
