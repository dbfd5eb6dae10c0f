"""The gateway served over HTTP for one conformance folder at a time.

Each folder gets its own database, config, overlay and uvicorn server; switching folder stops
the previous server, so at most one pool of connections is open.
"""

from __future__ import annotations

from pathlib import Path

from federation.config import Config, SourceConfig

from .hasura_cases import SOURCE_NAME, Folder, include_list, overlay_sdl
from .live_server import LiveServer
from .pg_setup import ensure_database


class FolderServers:
    def __init__(self, admin_dsn: str, work_dir: Path) -> None:
        self._admin_dsn = admin_dsn
        self._work_dir = work_dir
        self._current: tuple[str, LiveServer] | None = None
        self._failures: dict[str, str] = {}

    def url(self, folder: Folder) -> str:
        """The base URL of the server for ``folder``; raises RuntimeError when it cannot start."""
        if folder.name in self._failures:
            raise RuntimeError(f"{self._failures[folder.name]} (details: first case of the folder)")
        if self._current and self._current[0] == folder.name:
            return self._current[1].url
        self.close()
        try:
            server = self._start(folder)
        except Exception as exc:
            self._failures[folder.name] = f"the gateway did not start for {folder.name}"
            raise RuntimeError(f"{self._failures[folder.name]}: {exc}") from None
        self._current = (folder.name, server)
        return server.url

    def close(self) -> None:
        if self._current:
            self._current[1].stop()
            self._current = None

    def _start(self, folder: Folder) -> LiveServer:
        # Imported here: a missing or broken server module fails the cases, not collection.
        from federation.server.app import create_app

        dsn = ensure_database(self._admin_dsn, folder.database, folder.setup_sql)
        server = LiveServer(create_app(gateway_config(folder, dsn, self._work_dir)))
        server.start()
        return server


def gateway_config(folder: Folder, dsn: str, work_dir: Path) -> Config:
    """The gateway config for ``folder``: one postgres source limited to the tracked tables,
    and a schema folder whose overlay names every relationship as Hasura does."""
    base = work_dir / folder.database
    schema_dir = base / "schema"
    schema_dir.mkdir(parents=True, exist_ok=True)
    sdl = overlay_sdl(folder)
    overlay = schema_dir / "hasura_relationships.graphql"
    if sdl:
        overlay.write_text(sdl, encoding="utf-8")
    source = SourceConfig(
        name=SOURCE_NAME,
        kind="postgres",
        dsn=dsn,
        pool_size=4,
        schemas=("public",),
        include=include_list(folder),
    )
    return Config(sources=(source,), schema_dir=schema_dir, base_dir=base)
