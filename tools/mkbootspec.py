#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a boot spec: the JSON file that names a bootable Tessera image.

The build runs this for each image (the system, the in-kernel test image).
tools/tessera and the test runners read the spec to build the QEMU command
line; the schema is documented in docs/tools.md.
"""
import argparse
import json
import os


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--output", required=True)
    p.add_argument("--kernel", required=True, help="flat multiboot image")
    p.add_argument("--elf", required=True, help="the same kernel with symbols")
    p.add_argument("--cmdline", default="")
    p.add_argument("--module", action="append", default=[],
                   help="PATH=CMDLINE, in boot order")
    p.add_argument("--modules-file", action="append", default=[],
                   help="file of more modules, a 'PATH=CMDLINE' line each "
                        "(tools/manifest.py pack --modules-output)")
    p.add_argument("--memory-file",
                   help="file holding QEMU's memory size (e.g. 512M), "
                        "written by tools/manifest.py pack")
    a = p.parse_args()
    modules = []
    extra = []
    for name in a.modules_file:
        with open(name) as f:
            extra += [line.strip() for line in f if line.strip()]
    for m in a.module + extra:
        path, _, cmd = m.partition("=")
        modules.append({"path": os.path.abspath(path), "cmdline": cmd})
    spec = {"kernel": os.path.abspath(a.kernel), "elf": os.path.abspath(a.elf),
            "cmdline": a.cmdline, "modules": modules}
    if a.memory_file:
        with open(a.memory_file) as f:
            spec["memory"] = f.read().strip()
    text = json.dumps(spec, indent=2) + "\n"
    try:
        with open(a.output) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(a.output, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
