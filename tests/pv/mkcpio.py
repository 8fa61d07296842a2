#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a small cpio archive (newc) for the test manifests.

  mkcpio.py OUT                 the PV test guest's archive: one file,
                                'hello', holding 'hello from the
                                initramfs\\n' and 8 KiB of a pattern (so that
                                it spans pages), then the trailer
  mkcpio.py OUT HOST=GUEST ...  those files (mode 0755), parent directories
                                made, then the trailer

The initramfs of the Linux personality proper is built by
tools/tessera_lib/initramfs.py; this stays minimal for the platform tests.
"""
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
    out, specs = sys.argv[1], sys.argv[2:]
    blob = b""
    if not specs:
        data = b"hello from the initramfs\n" + bytes(i % 251 for i in range(8192))
        blob = entry("hello", data, 0o100644, 1)
    ino = 1
    dirs = set()
    for spec in specs:
        host, sep, guest = spec.partition("=")
        if not sep or not guest.startswith("/"):
            sys.exit(f"mkcpio: bad spec {spec!r}: want HOST=/GUEST")
        parts = guest.strip("/").split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.add(d)
                ino += 1
                blob += entry(d, b"", 0o040755, ino)
        ino += 1
        with open(host, "rb") as f:
            blob += entry("/".join(parts), f.read(), 0o100755, ino)
    blob += entry("TRAILER!!!", b"", 0, 0)
    with open(out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
