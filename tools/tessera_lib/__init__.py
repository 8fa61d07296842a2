# SPDX-License-Identifier: MIT
"""Support library for the tessera developer command.

The modules in this package are shared by tools/tessera (the command-line
entry point) and by the Python test runners under tests/: dependency
checking (deps), meson configure and build (build), and boot specs, QEMU
command lines and exit-status decoding (qemu).  Only the Python standard
library is used.
"""

from pathlib import Path

#: Root of the source tree (this file lives in <root>/tools/tessera_lib/).
REPO_ROOT = Path(__file__).resolve().parents[2]

#: Build directory used when --builddir is not given.
DEFAULT_BUILDDIR = REPO_ROOT / "build"


class TesseraError(Exception):
    """An error reported to the user as a single 'tessera: ...' line.

    ``exit_status`` is the process exit status the command should use.
    """

    def __init__(self, message, exit_status=1):
        super().__init__(message)
        self.exit_status = exit_status


def glue_option_values(argv, options):
    """Rewrite "OPT VALUE" as "OPT=VALUE" for each OPT in *options*.

    argparse refuses a value that starts with '-' ("--qemu-arg -s"); gluing
    the value to its option lets such values through unchanged.
    """
    out = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out.extend(argv[i:])
            break
        if arg in options and i + 1 < len(argv):
            out.append(f"{arg}={argv[i + 1]}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out
