"""core is a Qt-free library: importing every module must load no Qt at all."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import core
from tests.conftest import REPO_ROOT

SCRIPT = """
import importlib, pkgutil, sys
import core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "core.")]
for name in names:
    importlib.import_module(name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"))
print(len(names))
print(",".join(qt))
"""


def test_every_core_module_imports_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    count, qt_modules = result.stdout.splitlines()
    expected = len(list(pkgutil.walk_packages(core.__path__, "core.")))
    assert int(count) == expected >= 5
    assert qt_modules == "", f"core loaded Qt modules: {qt_modules}"
