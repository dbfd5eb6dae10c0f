"""``federation cache purge --tag T | --type TypeName | --all``.

The command talks to Redis, which every server process listens to: it needs ``cache.redis_url``.
Without Redis each server holds its own cache; purge those with ``POST /admin/cache/purge``.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, TypeAlias

from federation.cache.purge import purge
from federation.cache.store import store_from_settings
from federation.config import load_config
from federation.errors import ConfigError

if TYPE_CHECKING:
    _Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


def add_cache_command(commands: _Subparsers, config: argparse.ArgumentParser) -> None:
    cache = commands.add_parser(
        "cache",
        help="manage the response and fetch caches",
        description="Manage the caches shared through Redis (cache.redis_url).",
    )
    actions = cache.add_subparsers(title="actions", required=True, metavar="ACTION")
    sub = actions.add_parser(
        "purge",
        parents=[config],
        help="remove cached entries by tag, by type, or all of them",
        description="Remove cached entries in Redis and, through pub/sub, in the memory of every "
        "server process. Tags are '<source>.<table>' (the tables a mutation writes) or "
        "'type:<TypeName>'.",
    )
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--tag", action="append", metavar="TAG", help="a tag (repeatable)")
    which.add_argument("--type", action="append", metavar="TYPE", help="a GraphQL type name")
    which.add_argument("--all", action="store_true", help="every entry under cache.key_prefix")
    sub.set_defaults(command=purge_command)


def purge_command(args: argparse.Namespace) -> int:
    settings = load_config(args.config).cache
    if settings.redis_url is None:
        raise ConfigError(
            [
                "cache.redis_url: not set, so each server process keeps its own cache and this "
                "command cannot reach it: set cache.redis_url, or call POST /admin/cache/purge "
                "on each server"
            ]
        )

    async def run() -> tuple[int, bool]:
        store = store_from_settings(settings)
        try:
            removed = await purge(
                store, tags=args.tag or (), types=args.type or (), everything=args.all
            )
            return removed, store.redis_up
        finally:
            await store.close()

    removed, reached = asyncio.run(run())
    if not reached:
        print(f"error: Redis at {settings.redis_url} cannot be reached; nothing was purged")
        return 1
    print(
        f"purged {removed} entr{'y' if removed == 1 else 'ies'} from Redis; every server was told"
    )
    return 0
