"""The ``tessera`` command: parse, dispatch to a command group, report errors.

Structure: each command group is a module in :mod:`core.commands` with a ``register``
function (see that package's docstring); :data:`COMMAND_GROUPS` lists them in help order.
Adding ``tessera vault …`` means writing ``core/commands/vault.py`` and adding its
``register`` here, nothing else.

Exit codes and error lines (the public contract):

- 0 success; ``--help`` and ``--version`` also exit 0;
- 1 a :class:`core.errors.TesseraError`: ``tessera: error [CODE]: message`` on stderr;
- 2 a usage error: ``tessera: error [usage]: message`` on stderr (or a more specific
  code such as ``passphrase_required``: see :class:`core.commands.UsageError`);
- 70 anything unexpected: ``tessera: error [internal]: …`` on stderr, never a traceback;
- 130 interrupted (Ctrl-C).

With ``--json`` (before or after the subcommand) results are JSON on stdout and the
error line is JSON on stderr: ``{"error": CODE, "message": …}``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from typing import NoReturn, TextIO

from core.commands import Context, Register, UsageError
from core.commands import backup as backup_commands
from core.commands import consent as consent_commands
from core.commands import credential as credential_commands
from core.commands import did as did_commands
from core.commands import init as init_commands
from core.commands import issuer as issuer_commands
from core.commands import log as log_commands
from core.commands import passphrase as passphrase_commands
from core.commands import present as present_commands
from core.commands import receive as receive_commands
from core.commands import respond as respond_commands
from core.commands import verifier as verifier_commands
from core.commands import verify as verify_commands
from core.commands.session import add_vault_option
from core.errors import TesseraError

DISTRIBUTION = "tessera-wallet"
FALLBACK_VERSION = "0.1.0.dev"
EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130

#: Command groups, in the order ``--help`` lists them.
COMMAND_GROUPS: tuple[Register, ...] = (
    init_commands.register,
    did_commands.register,
    credential_commands.register,
    present_commands.register,
    receive_commands.register,
    respond_commands.register,
    consent_commands.register,
    verify_commands.register,
    log_commands.register,
    backup_commands.register,
    issuer_commands.register,
    verifier_commands.register,
    passphrase_commands.register,
)

__all__ = ["COMMAND_GROUPS", "UsageError", "build_parser", "main", "version"]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises UsageError instead of printing and exiting 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def version() -> str:
    """The installed distribution's version, or a development fallback."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return FALLBACK_VERSION


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every command group registered."""
    parser: argparse.ArgumentParser = _Parser(
        prog="tessera", description="Tessera, a self-sovereign identity wallet."
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    add_vault_option(parser, default=None)
    # Subcommands accept the global options too; SUPPRESS keeps them from resetting them.
    common = _Parser(add_help=False)
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output"
    )
    add_vault_option(common, default=argparse.SUPPRESS)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in COMMAND_GROUPS:
        register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = sys.stdout, sys.stderr
    as_json = "--json" in args_list  # a guess, used until parsing says otherwise
    try:
        args = build_parser().parse_args(args_list)
        as_json = bool(args.json)
        if args.version:
            stdout.write(f"tessera {version()}\n")
            return EXIT_OK
        handler = getattr(args, "handler", None)
        if handler is None:
            raise UsageError("a command is required (try 'tessera --help')")
        code: int = handler(args, Context(stdout, stderr, json=as_json, stdin=sys.stdin))
        return code
    except UsageError as exc:
        _report(stderr, exc.code, exc.message, as_json)
        return EXIT_USAGE
    except SystemExit as exc:  # argparse's --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK if exc.code is None else 1
    except TesseraError as exc:
        _report(stderr, exc.code, exc.message, as_json)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        _report(stderr, "cancelled", "interrupted", as_json)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``tessera … | head``): not an error worth a line. Point
        # stdout at /dev/null so the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        _report(stderr, "internal", f"unexpected {type(exc).__name__}: {exc}", as_json)
        return EXIT_INTERNAL


def _report(stream: TextIO, code: str, message: str, as_json: bool) -> None:
    """Write one error line; whitespace and control characters are flattened."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in message).split())
    if as_json:
        stream.write(json.dumps({"error": code, "message": flat}) + "\n")
    else:
        stream.write(f"tessera: error [{code}]: {flat}\n")
    stream.flush()


if __name__ == "__main__":
    sys.exit(main())
