"""Make spyne 2.14 importable on Python 3.12+; import this before spyne.

spyne bundles six 1.14 (`spyne.util.six`), whose meta path importer for `spyne.util.six.moves.*`
only has the PEP 302 `find_module`/`load_module` pair. Python 3.12 dropped that fallback, so
`import spyne` fails with `ModuleNotFoundError: spyne.util.six.moves`. We load the bundled six
module by hand (without running `spyne/__init__`), register it in `sys.modules`, and give its
importer class the PEP 451 methods (`find_spec`, `create_module`, `exec_module`) that six 1.16
added. Python 3.13 also removed `cgi`, which spyne's WSGI server imports: the `legacy-cgi`
distribution (setup.cfg, python_version >= 3.13) provides it.

Idempotent, and a no-op before Python 3.12 or when spyne already imported.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

SIX_NAME = "spyne.util.six"


def _find_spec(self: Any, fullname: str, path: Any = None, target: Any = None) -> Any:
    if fullname in self.known_modules:
        return importlib.util.spec_from_loader(fullname, self)
    return None


def _create_module(self: Any, spec: Any) -> Any:
    return self.load_module(spec.name)


def _exec_module(self: Any, module: Any) -> None:
    return None


def _patch_importer(six_module: Any) -> None:
    importer_class = six_module._SixMetaPathImporter
    if not hasattr(importer_class, "find_spec"):
        importer_class.find_spec = _find_spec
        importer_class.create_module = _create_module
        importer_class.exec_module = _exec_module


def install() -> None:
    """Patch spyne's bundled six so `import spyne` works on this Python."""
    if sys.version_info < (3, 12):
        return
    loaded = sys.modules.get(SIX_NAME)
    if loaded is not None:
        _patch_importer(loaded)
        return
    spyne_spec = importlib.util.find_spec("spyne")  # locates the package without importing it
    if spyne_spec is None or not spyne_spec.submodule_search_locations:
        return
    path = Path(next(iter(spyne_spec.submodule_search_locations))) / "util" / "six.py"
    spec = importlib.util.spec_from_file_location(SIX_NAME, path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[SIX_NAME] = module
    spec.loader.exec_module(module)
    _patch_importer(module)


install()
