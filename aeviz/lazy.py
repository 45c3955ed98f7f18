"""A module imported on first use: `torch = lazy.module("torch")` at the top of a file that
needs torch only inside its functions. Importing torch takes about 2 s here, and the
dashboard's first page (stored reconstructions, errors and metrics) needs none of it, so the
modules that page passes through (the registries, checkpoints' headers, datasets' arrays)
name torch this way. Nothing is put in sys.modules until the first attribute is read, so
`"torch" in sys.modules` stays a true answer to "was torch imported?"."""
from __future__ import annotations

import importlib
from types import ModuleType


class module:  # noqa: N801 - reads as a function at the import site
    """The named module, imported when one of its attributes is first read."""

    def __init__(self, name: str):
        self.__name = name

    def __getattr__(self, attr: str):
        return getattr(self.__load(), attr)

    def __load(self) -> ModuleType:
        return importlib.import_module(self.__name)

    def __repr__(self) -> str:
        return f"<lazy module {self.__name!r}>"
