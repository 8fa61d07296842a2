#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a tiny cpio archive (newc) for the PV test guest's initramfs check:
one file, 'hello', holding 'hello from the initramfs\\n' and 8 KiB of a
pattern (so that the archive spans pages), then the trailer."""
import sys


def entry(name, data, mode, ino):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join(f"{v:08x}" for v in (
        ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def main():
    data = b"hello from the initramfs\n" + bytes(i % 251 for i in range(8192))
    blob = entry("hello", data, 0o100644, 1) + entry("TRAILER!!!", b"", 0, 0)
    with open(sys.argv[1], "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
