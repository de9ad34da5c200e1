"""Command groups of the ``tessera`` command, one small module each.

A group module exposes ``register(subparsers, common)``: it adds its parser(s) to
``subparsers``, passes ``parents=[common]`` to every parser it creates (that is what
lets ``--json`` follow the subcommand), and sets ``handler=`` on each leaf parser. A
handler takes the parsed arguments and a :class:`Context` and returns the exit code;
it raises :class:`core.errors.TesseraError` to refuse, and never prints errors itself.
:mod:`core.cli` lists the groups, parses, dispatches and turns errors into one line.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO, TypeAlias

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


@dataclass
class Context:
    """What a handler may touch: its output streams and the global options."""

    stdout: TextIO
    stderr: TextIO
    json: bool = False

    def line(self, text: str = "") -> None:
        """Print one line of human output on stdout."""
        self.stdout.write(text + "\n")

    def emit_json(self, value: Any) -> None:
        """Print a JSON value on stdout (indented, UTF-8 as is)."""
        self.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


Handler: TypeAlias = Callable[[argparse.Namespace, Context], int]
Register: TypeAlias = Callable[["SubParsers", argparse.ArgumentParser], None]
