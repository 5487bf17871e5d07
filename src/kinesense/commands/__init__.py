"""Sub-commands of the ``kinesense`` command line, one module per job.

Each public module here defines ``register(app: typer.Typer) -> None``, which adds its commands
(or a sub-application) to the main application; :func:`register_all` calls them in name order.
Modules whose names start with ``_`` are shared helpers and are not registered. Keep
the science and the workflow out of these modules: they parse options, call one service of
:mod:`kinesense.services` and print (``tests/test_architecture.py`` checks their imports).
"""

import importlib
import pkgutil

import typer


def register_all(app: typer.Typer) -> None:
    """Register the commands of every module in this package."""
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        register = getattr(module, "register", None)
        if register is None:
            raise RuntimeError(f"command module {module.__name__} has no register(app)")
        register(app)
