"""federation.yaml: the dataclasses the gateway reads (:mod:`.model`) and :func:`load_config`,
which builds them from a file (:mod:`.loading`: ``${ENV}`` substitution, validation by key path).
"""

from federation.config.loading import (
    CONFIG_ENV_VAR,
    DEFAULT_CONFIG_FILE,
    EMBEDDED_KINDS,
    load_config,
    resolve_config_path,
)
from federation.config.model import CircuitBreakerConfig, Config, ServerConfig, SourceConfig

__all__ = [
    "CONFIG_ENV_VAR",
    "DEFAULT_CONFIG_FILE",
    "EMBEDDED_KINDS",
    "CircuitBreakerConfig",
    "Config",
    "ServerConfig",
    "SourceConfig",
    "load_config",
    "resolve_config_path",
]
