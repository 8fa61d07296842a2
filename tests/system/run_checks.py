#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/tessera run -- PROG, as a script uses it: the program's stdout
alone on stdout (the boot log hidden), its stderr on stderr, our stdin its
stdin (end of file included), its exit status ours; a program that cannot
run (dynamic, not an ELF) refused with a clear message. TAP output."""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESSERA = ROOT / "tools" / "tessera"


def run(builddir, args, stdin=b""):
    return subprocess.run([sys.executable, str(TESSERA), "run", "--builddir", str(builddir),
                           "--", *args], input=stdin, capture_output=True, timeout=240)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--builddir", type=Path, required=True)
    p.add_argument("--hello", type=Path, required=True, help="tests/shim's static musl program")
    a = p.parse_args()
    results = []

    def check(name, ok, detail):
        results.append((name, ok, detail))

    r = run(a.builddir, [str(a.hello), "first"])
    out = r.stdout.decode(errors="replace")
    check("a musl program: exactly its output, its exit status",
          r.returncode == 7 and out.startswith("hello from /usr/local/bin/hello, argc=2, "
                                               "argv[1]=first\n") and "root:" not in out
          and "tessera" not in out.lower().replace("6.1.0-tessera", ""),
          f"status {r.returncode}, stdout {out[:300]!r}")
    r = run(a.builddir, ["/bin/busybox", "sh", "-c", "cat; echo err >&2; exit 5"],
            stdin=b"typed in\nand more\n")
    check("glibc busybox: stdin to its end, stdout and stderr apart, status",
          r.returncode == 5 and r.stdout == b"typed in\nand more\n" and r.stderr == b"err\n",
          f"status {r.returncode}, stdout {r.stdout[:200]!r}, stderr {r.stderr[:200]!r}")
    r = run(a.builddir, ["/bin/busybox", "sh", "-c", "echo bye; kill -TERM $$; echo not here"])
    check("a program ended by a signal: status 128 + N, as a shell reports it",
          r.returncode == 143 and r.stdout == b"bye\n",
          f"status {r.returncode}, stdout {r.stdout[:200]!r}")
    r = run(a.builddir, ["/bin/busybox", "wc", "-l"])
    check("an empty stdin is end of file at once", r.returncode == 0 and r.stdout.strip() == b"0",
          f"status {r.returncode}, stdout {r.stdout!r}")
    with tempfile.NamedTemporaryFile(suffix=".txt") as t:
        t.write(b"not a program\n")
        t.flush()
        r = run(a.builddir, [t.name])
    check("a text file is refused with a message, not a hang",
          r.returncode != 0 and b"not an ELF executable" in r.stderr, r.stderr[-300:])
    dyn = [p for p in ("/bin/true", "/usr/bin/true") if Path(p).exists()]
    if dyn:
        r = run(a.builddir, [dyn[0]])
        check("a dynamically linked program is refused with a message",
              r.returncode != 0 and b"dynamically linked" in r.stderr, r.stderr[-300:])
    print(f"1..{len(results)}")
    failed = 0
    for i, (name, ok, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            failed += 1
            print(f"# {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
