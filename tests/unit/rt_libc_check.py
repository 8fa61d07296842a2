#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check what the user runtime links from musl's libc.a.

The libl4 runtime (libl4/rt/) takes formatting and string functions from
Debian's musl, whose other code would enter the kernel with Linux syscall
numbers. For each linked user program this checks, and reports as TAP:

- the only musl functions containing a `syscall` instruction are the lock
  functions that vsnprintf never calls (its FILE has lock -1);
- none of musl's start-up, thread, TLS, stack-protector or malloc code is
  linked: the runtime's own errno, __stack_chk_fail and malloc took their
  place.

Functions the runtime defines itself (--runtime, its archive) are not
musl's, even where musl has the same name.

Usage: rt_libc_check.py --libc libc.a --runtime libl4rt.a [--nm NM]
                        [--objdump OBJDUMP] ELF...
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

# musl functions with `syscall` that the runtime links but never runs.
ALLOWED_SYSCALLS = {"__lock", "__unlock", "__lockfile", "__unlockfile"}

# Symbols of musl objects that must not be linked.
FORBIDDEN = {
    "__init_ssp": "musl's stack protector (the runtime defines __stack_chk_fail)",
    "__init_tls": "musl's TLS set-up",
    "__set_thread_area": "musl's thread pointer (arch_prctl)",
    "__libc_start_main": "musl's start-up",
    "__libc_malloc": "musl's malloc (the runtime defines malloc)",
    "__libc_malloc_impl": "musl's malloc (the runtime defines malloc)",
    "__expand_heap": "musl's heap (brk/mmap)",
    "__syscall_cp": "musl's cancellable syscalls",
}

FUNC_RE = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")


def libc_functions(nm, libc):
    out = subprocess.run([nm, "--defined-only", libc], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWw":
            names.add(parts[2])
    return names


def functions_with_syscall(objdump, elf):
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf],
                         check=True, capture_output=True, text=True).stdout
    found, current = set(), None
    for line in out.splitlines():
        m = FUNC_RE.match(line)
        if m:
            current = m.group(1)
        elif current and re.search(r"\ssyscall\b", line):
            found.add(current)
    return found


def defined_symbols(nm, elf):
    out = subprocess.run([nm, "--defined-only", elf], check=True,
                         capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.split()}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--libc", required=True)
    p.add_argument("--runtime", required=True)
    p.add_argument("--nm", default="nm")
    p.add_argument("--objdump", default="objdump")
    p.add_argument("elf", nargs="+")
    a = p.parse_args()

    musl = libc_functions(a.nm, a.libc) - libc_functions(a.nm, a.runtime)
    print("TAP version 13")
    print(f"1..{2 * len(a.elf)}")
    n, failed = 0, 0
    for elf in a.elf:
        name = Path(elf).name
        bad = sorted((functions_with_syscall(a.objdump, elf) & musl)
                     - ALLOWED_SYSCALLS)
        n += 1
        if bad:
            failed += 1
            print(f"not ok {n} - {name}: musl code that enters the kernel")
            print(f"# linked musl functions with syscall: {', '.join(bad)}")
        else:
            print(f"ok {n} - {name}: no musl code that enters the kernel")
        linked = sorted(set(FORBIDDEN) & defined_symbols(a.nm, elf))
        n += 1
        if linked:
            failed += 1
            print(f"not ok {n} - {name}: musl run-time code linked")
            for s in linked:
                print(f"# {s}: {FORBIDDEN[s]}")
        else:
            print(f"ok {n} - {name}: no musl start-up, thread, TLS or malloc code")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
