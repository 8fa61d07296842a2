#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check or fix the formatting of Tessera's C sources with clang-format.

`ninja -C build format-check` fails listing the files whose formatting
differs from .clang-format; `ninja -C build format` rewrites them.
"""
import argparse
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIRS = ["kernel", "libl4", "servers", "paravirt-linux-shim", "tests"]


def sources():
    for d in DIRS:
        for p in sorted((ROOT / d).rglob("*")):
            if p.suffix in (".c", ".h") and p.is_file():
                yield p


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true")
    g.add_argument("--fix", action="store_true")
    a = ap.parse_args()
    tool = shutil.which("clang-format")
    if not tool:
        print("format: clang-format not found (apt-get install clang-format)", file=sys.stderr)
        return 1
    bad = []
    for p in sources():
        if a.fix:
            subprocess.run([tool, "-i", str(p)], check=True)
            continue
        r = subprocess.run([tool, "--dry-run", "--Werror", str(p)], capture_output=True)
        if r.returncode:
            bad.append(str(p.relative_to(ROOT)))
    if bad:
        print("format: these files differ from .clang-format:\n  " + "\n  ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
