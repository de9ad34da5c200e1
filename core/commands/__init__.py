"""Command groups of the ``tessera`` command, one small module each.

A group module exposes ``register(subparsers, common)``: it adds its parser(s) to
``subparsers``, passes ``parents=[common]`` to every parser it creates (that is what
lets ``--json`` follow the subcommand), and sets ``handler=`` on each leaf parser. A
handler takes the parsed arguments and a :class:`Context` and returns the exit code;
it raises :class:`core.errors.TesseraError` to refuse (exit 1) or :class:`UsageError`
when the invocation itself cannot work (exit 2), and never prints errors itself.
:mod:`core.cli` lists the groups, parses, dispatches and turns errors into one line.

Groups that need the vault share :mod:`core.commands.session` (where the vault is, how
passphrases and phrases are read, an unlocked wallet).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeAlias

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class UsageError(Exception):
    """The command cannot run as invoked (exit 2); ``code`` is stable, ``usage`` by default.

    Codes besides ``usage``: ``passphrase_required`` (no TESSERA_PASSPHRASE and no terminal
    to ask on), ``confirmation_required`` (a destructive command without ``--yes`` and no
    terminal to ask on), ``phrase_required`` (``init --recover`` found no phrase).
    """

    def __init__(self, message: str, *, code: str = "usage") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Context:
    """What a handler may touch: its streams, the environment and the global options.

    Prompts go to ``stderr`` (or the terminal), results to ``stdout``.
    """

    stdout: TextIO
    stderr: TextIO
    json: bool = False
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)

    def line(self, text: str = "") -> None:
        """Print one line of human output on stdout."""
        self.stdout.write(text + "\n")

    def emit_json(self, value: Any) -> None:
        """Print a JSON value on stdout (indented, UTF-8 as is)."""
        self.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


Handler: TypeAlias = Callable[[argparse.Namespace, Context], int]
Register: TypeAlias = Callable[["SubParsers", argparse.ArgumentParser], None]


def add_group(
    subparsers: SubParsers,
    common: argparse.ArgumentParser,
    name: str,
    *,
    help: str,
    description: str,
) -> SubParsers:
    """Add the group ``tessera NAME COMMAND`` and return the subparsers its commands go in
    (the chosen command lands in ``NAME_command``)."""
    group = subparsers.add_parser(name, parents=[common], help=help, description=description)
    return group.add_subparsers(dest=f"{name}_command", metavar="COMMAND", required=True)
