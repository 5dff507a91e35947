"""The commands that use the store run on both engines: ``target`` from :mod:`tests.stores`."""

from tests.stores import target

__all__ = ["target"]
