"""federation: one GraphQL endpoint over SQL databases, REST and GraphQL APIs."""

from federation.config import Config, ServerConfig, SourceConfig, load_config
from federation.gateway import Gateway, GraphQLResponse

__all__ = ["Config", "Gateway", "GraphQLResponse", "ServerConfig", "SourceConfig", "load_config"]
__version__ = "0.1.0"
