"""The built-in connectors, one package each, registered through the ``federation.connectors``
entry-point group exactly as third-party plugins are (see pyproject.toml).

``_embedded`` holds what the file-backed engines (SQLite, DuckDB) share: a bounded pool of worker
threads with statement timeouts, parameter adaptation, file paths and include/exclude filtering.
"""
