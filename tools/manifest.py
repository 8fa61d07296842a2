#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""manifest: check system.toml and pack it into the root task's boot module.

  manifest.py check FILE            check FILE, print a summary
  manifest.py pack FILE --output OUT [--memory-output TXT] [--modules-output TXT]
                                    check, then write the packed module
  manifest.py seed --output OUT [--seed TEXT]
                                    write an entropy-seed module

Errors are one line, 'FILE:LINE: where: key 'KEY': problem', exit status 1.
The build runs 'pack' for the system image (meson.build); the keys, the
rules and the packed layout are in docs/manifest.md.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tessera_lib import manifest  # noqa: E402


def summary(man):
    lines = [f"machine: memory {manifest.fmt_size(man.memory)}"]
    for s in man.servers:
        lines.append(f"server '{s.name}': priority {s.priority}, "
                     f"memory {manifest.fmt_size(s.memory)}")
    for c in man.compartments:
        lines.append(f"compartment '{c.name}': quota "
                     f"{manifest.fmt_size(c.quota)}, priority {c.priority}"
                     + (", main" if c.main else ""))
    return lines


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("check", "pack"):
        q = sub.add_parser(name)
        q.add_argument("file", type=Path)
        q.add_argument("--builddir", type=Path,
                       help="build directory for '@build/' image paths")
        if name == "pack":
            q.add_argument("--output", type=Path, required=True)
            q.add_argument("--memory-output", type=Path,
                           help="also write QEMU's -m value (e.g. 512M)")
            q.add_argument("--modules-output", type=Path,
                           help="also write the image modules, one "
                                "'PATH=NAME' line each (tools/mkbootspec.py)")
    q = sub.add_parser("seed")
    q.add_argument("--output", type=Path, required=True)
    q.add_argument("--seed", help="derive the bytes from TEXT (reproducible)")
    a = p.parse_args(argv)
    try:
        if a.command == "seed":
            manifest.write_if_changed(a.output, manifest.seed_bytes(a.seed))
            return 0
        man = manifest.load(a.file, builddir=a.builddir)
        if a.command == "check":
            print("\n".join(summary(man)))
            return 0
        manifest.write_if_changed(a.output, manifest.pack(man))
        if a.memory_output:
            manifest.write_if_changed(a.memory_output,
                                      (man.qemu_memory() + "\n").encode())
        if a.modules_output:
            lines = [f"{path}={name}\n" for path, name in
                     manifest.image_modules(man, a.builddir)]
            manifest.write_if_changed(a.modules_output,
                                      "".join(lines).encode())
        return 0
    except manifest.ManifestError as e:
        print(str(e), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
