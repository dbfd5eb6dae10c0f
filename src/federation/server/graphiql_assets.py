"""GraphiQL's JavaScript and CSS, vendored so the page works without internet access.

strawberry's GraphiQL template loads React, GraphiQL and the explorer plugin from unpkg.com. The
same files, byte for byte (so the template's SRI `integrity` hashes still hold), live in
`static/graphiql/<package>-<version>/` and are served at `/graphiql-assets/`. A version is part of
every path, so a file never changes under its URL and browsers may cache it for a year.
Packages, versions and licences: `static/THIRD_PARTY.md`.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.responses import FileResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ASSETS_PATH = "/graphiql-assets"
ASSETS_DIR = Path(__file__).parent / "static" / "graphiql"

# strawberry's unpkg URL -> our file under ASSETS_DIR. A strawberry upgrade that changes these
# URLs makes `localize` fail loudly rather than silently reach for the internet again.
UNPKG_FILES = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": (
        "react-18.2.0/react.production.min.js"
    ),
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom-18.2.0/react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js-cookie-3.0.5/js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql-3.8.3/graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql-3.8.3/graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": (
        "graphiql-plugin-explorer-1.0.2/style.css"
    ),
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "graphiql-plugin-explorer-1.0.2/index.umd.js"
    ),
}

CACHE_CONTROL = "public, max-age=31536000, immutable"
_CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def localize(html: str) -> str:
    """`html` with every unpkg URL pointing at our copy instead.

    The URLs are relative (`graphiql-assets/...`), so they resolve next to `/graphql` even when
    a proxy serves the gateway under a path prefix."""
    for remote, local in UNPKG_FILES.items():
        if remote not in html:
            raise RuntimeError(
                f"strawberry's GraphiQL template no longer loads {remote}; the vendored assets in "
                f"{ASSETS_DIR} must be updated to the versions it references (see THIRD_PARTY.md)"
            )
        html = html.replace(remote, f"{ASSETS_PATH.lstrip('/')}/{local}")
    if "https://" in html:
        raise RuntimeError(
            "strawberry's GraphiQL template loads an asset that is not vendored; "
            f"add it to {ASSETS_DIR} and UNPKG_FILES"
        )
    return html


class _ImmutableFiles(StaticFiles):
    """Static files with a year-long `Cache-Control` and a fixed content type per suffix
    (`mimetypes` varies with the host's `/etc/mime.types`)."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["cache-control"] = CACHE_CONTROL
        content_type = _CONTENT_TYPES.get(Path(full_path).suffix)
        if content_type is not None and isinstance(response, FileResponse):
            response.headers["content-type"] = content_type
        return response


def graphiql_assets() -> Mount:
    """The `/graphiql-assets` mount (GET and HEAD; 304 on a matching `If-None-Match`)."""
    return Mount(ASSETS_PATH, app=_ImmutableFiles(directory=ASSETS_DIR), name="graphiql-assets")
