"""The built-in ``rest`` connector: JSON endpoints declared in federation.yaml."""

from .connector import RestConnector

__all__ = ["RestConnector"]
