# SPDX-License-Identifier: MIT
"""Check for, and install, the host tools Tessera needs.

Every tessera subcommand calls ensure() first.  It looks for each required
command (and for the Check unit-test library and a static busybox), maps
what is missing to Debian package names, and then either installs those
packages with apt-get (when running as root) or tells the user the exact
command to run.  When everything is present it prints nothing, so it is
cheap and safe to call on every invocation.
"""

import os
import shutil
import struct
import subprocess
import sys

from . import TesseraError

#: (command looked up on PATH, Debian package that provides it)
COMMANDS = (
    ("qemu-system-x86_64", "qemu-system-x86"),
    ("meson", "meson"),
    ("ninja", "ninja-build"),
    ("gcc", "gcc"),
    ("ld", "binutils"),
    ("objcopy", "binutils"),
    ("pkg-config", "pkg-config"),
    ("cpio", "cpio"),
    ("musl-gcc", "musl-tools"),
    ("python3", "python3"),
)

BUSYBOX_PATH = "/bin/busybox"

_PT_INTERP = 3


def is_static_elf(path):
    """Return True if *path* is an ELF executable without an interpreter.

    A dynamically linked executable carries a PT_INTERP program header
    naming its dynamic loader; a static one (including static-pie) has none.
    Returns False for anything that cannot be read or is not ELF.
    """
    try:
        with open(path, "rb") as f:
            ident = f.read(16)
            if len(ident) < 16 or ident[:4] != b"\x7fELF":
                return False
            is64 = ident[4] == 2
            endian = "<" if ident[5] == 1 else ">"
            if is64:
                hdr = f.read(48)
                if len(hdr) < 48:
                    return False
                phoff, = struct.unpack_from(endian + "Q", hdr, 16)
                phentsize, phnum = struct.unpack_from(endian + "HH", hdr, 38)
            else:
                hdr = f.read(36)
                if len(hdr) < 36:
                    return False
                phoff, = struct.unpack_from(endian + "I", hdr, 12)
                phentsize, phnum = struct.unpack_from(endian + "HH", hdr, 26)
            if phnum == 0 or phentsize < 4:
                return False
            f.seek(phoff)
            table = f.read(phentsize * phnum)
            if len(table) < phentsize * phnum:
                return False
            for i in range(phnum):
                p_type, = struct.unpack_from(endian + "I", table,
                                             i * phentsize)
                if p_type == _PT_INTERP:
                    return False
            return True
    except OSError:
        return False


def _dpkg_installed(package):
    if shutil.which("dpkg-query") is None:
        return False
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            check=False).stdout
    except OSError:
        return False
    # "${Status}" is e.g. "install ok installed" or "unknown ok not-installed".
    words = out.decode(errors="replace").split()
    return bool(words) and words[-1] == "installed"


def _have_check():
    if shutil.which("pkg-config") is None:
        return False
    try:
        return subprocess.run(
            ["pkg-config", "--exists", "check"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            check=False).returncode == 0
    except OSError:
        return False


def _have_static_busybox():
    return is_static_elf(BUSYBOX_PATH) or _dpkg_installed("busybox-static")


def missing_packages():
    """Return the Debian packages needed for what is missing, in order."""
    missing = []

    def add(pkg):
        if pkg not in missing:
            missing.append(pkg)

    for command, package in COMMANDS:
        if shutil.which(command) is None:
            add(package)
    if not _have_check():
        add("check")
        if shutil.which("pkg-config") is None:
            add("pkg-config")
    if not _have_static_busybox():
        add("busybox-static")
    return missing


def _apt(args):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # apt's output goes to stderr so that stdout stays reserved for the
    # guest's serial console (run) or a TAP stream.
    try:
        return subprocess.run(args, env=env, stdout=sys.stderr,
                              stdin=subprocess.DEVNULL, check=False).returncode
    except OSError as e:
        raise TesseraError(f"cannot run {args[0]}: {e.strerror}") from e


def ensure():
    """Make sure every host dependency is present.

    Silent when nothing is missing.  As root, installs what is missing with
    apt-get; otherwise raises TesseraError with the command to run.
    """
    missing = missing_packages()
    if not missing:
        return
    pkgs = " ".join(missing)
    if os.geteuid() != 0:
        raise TesseraError(
            f"missing packages; run: sudo apt-get install -y {pkgs}")
    print(f"tessera: installing missing packages: {pkgs}", file=sys.stderr)
    rc = _apt(["apt-get", "update"])
    if rc != 0:
        raise TesseraError(f"apt-get update failed (exit {rc})")
    rc = _apt(["apt-get", "install", "-y", "--no-install-recommends"]
              + missing)
    if rc != 0:
        raise TesseraError(
            f"apt-get install failed (exit {rc}); packages: {pkgs}")
    still = missing_packages()
    if still:
        raise TesseraError(
            "still missing after apt-get install: " + " ".join(still))
