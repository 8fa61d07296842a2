# SPDX-License-Identifier: MIT
"""Configure and build the Tessera tree with meson and ninja.

ensure_built() configures the build directory with the freestanding cross
file the first time (when it has no build.ninja yet) and otherwise just
runs ninja, which re-runs meson by itself when a meson.build file changed.
Builds are therefore incremental.  Build output goes to stderr so that
stdout stays free for the guest's serial console.
"""

import subprocess
import sys
from pathlib import Path

from . import REPO_ROOT, TesseraError

CROSS_FILE = REPO_ROOT / "tools" / "cross" / "x86_64-freestanding.ini"


def _run(cmd):
    try:
        return subprocess.run(cmd, cwd=REPO_ROOT, stdout=sys.stderr,
                              check=False).returncode
    except OSError as e:
        raise TesseraError(f"cannot run {cmd[0]}: {e.strerror}") from e


def meson_log(builddir):
    return Path(builddir) / "meson-logs" / "meson-log.txt"


def ensure_built(builddir):
    """Configure *builddir* if needed, then build it; raise on failure."""
    builddir = Path(builddir).absolute()
    log = meson_log(builddir)
    if not (builddir / "build.ninja").exists():
        if not CROSS_FILE.is_file():
            raise TesseraError(f"cross file {CROSS_FILE} not found")
        cmd = ["meson", "setup"]
        # A directory whose earlier configuration failed half-way already
        # holds meson's state; a plain "meson setup" would refuse it.
        if (builddir / "meson-private" / "coredata.dat").exists():
            cmd.append("--reconfigure")
        cmd += [str(builddir), str(REPO_ROOT), "--cross-file", str(CROSS_FILE)]
        rc = _run(cmd)
        if rc != 0:
            raise TesseraError(
                f"meson setup failed (exit {rc}); see the output above "
                f"and {log}")
    rc = _run(["ninja", "-C", str(builddir)])
    if rc != 0:
        raise TesseraError(
            f"build failed (ninja exit {rc}); see the compiler output above "
            f"and {log}")
