"""Shared fixtures: real PostgreSQL / MariaDB servers and Chinook loaded into them
(``tests/servers.py``). This folder is on ``sys.path`` (pytest's rootdir-relative import of a
conftest outside a package), so tests import helpers as ``from servers import ...``."""

pytest_plugins = ["servers"]
