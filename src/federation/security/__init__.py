"""Who may run what, and how much: API keys and clients, persisted queries (APQ and
manifests), operation limits, rate limits and the production profile (docs/security.md).

The request path through it is :class:`federation.security.guard.Security`; the HTTP edge calls
it from ``federation.server.security_edge``. Nothing is imported here, so that config.py can
import the settings without loading the rest.
"""
