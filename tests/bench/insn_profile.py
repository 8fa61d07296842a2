#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Count the instructions of one timed operation of the IPC benchmark, by function.

Boots the benchmark root task under -icount shift=0 with QEMU's gdb stub,
lets gdb stop at the measured instruction of bench_timed_syscall (or, with
--insn touch, of bench_timed_touch) in tests/bench/timing.S the K+1-th time
it is reached with RAX = NR, then single-steps until that thread is at the
next instruction, and attributes every instruction executed on the way (in
the kernel, and in the partner thread for IPC) to the function that holds
it, using the symbols of the kernel and of the benchmark ELF. Prints the
functions in the order first reached with their instruction counts, and
the total, which equals the benchmark's icount figure (for a page fault
it is one more: the load that faults is listed, but QEMU's instruction
counter, like the CPU, counts only the load that completes).

Which operation (the root task runs with iterations=8, so each benchmark
makes 1 warm-up and 8 timed iterations): NR 1 (Call) reaches call_0_same
first, then call_4_same, call_0_cross, call_4_cross (--skip 4, 13, 22,
31 give the fifth of each); NR 63 is null_syscall, NR 7 yield_alone, NR 39
a foreign syscall of foreign_null; --insn touch --nr 0 the page fault of
pagefault_pager.

Usage: insn_profile.py [--builddir DIR] [--insn syscall|touch] [--nr NR]
                       [--skip K] [--append WORD]...
       (e.g. --append fastpath=off)
"""

import argparse
import bisect
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from tessera_lib import TesseraError, bench, qemu  # noqa: E402

ITERATIONS = 8
# Labels inside functions, not functions (timing.S, remote.S).
LABEL_SUFFIXES = ("_insn", "_remote_start", "_remote_end")
STEP_LIMIT = 200000

GDB_SCRIPT = """\
import gdb
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set architecture i386:x86-64")
gdb.execute("target remote localhost:{port}")
gdb.execute("hbreak *{insn:#x}")
hits = 0
while True:
    gdb.execute("continue", to_string=True)
    if int(gdb.parse_and_eval("$rax")) & 0xffffffff == {nr}:
        hits += 1
        if hits > {skip}:
            break
gdb.execute("delete")
pcs = []
while len(pcs) < {limit}:
    gdb.execute("stepi", to_string=True)
    pc = int(gdb.parse_and_eval("$pc")) & 0xffffffffffffffff
    if pc == {ret:#x}:
        break
    pcs.append(pc)
with open({out!r}, "w") as f:
    f.write("\\n".join("%x" % p for p in pcs) + "\\n")
gdb.execute("kill")
"""


def symbols(elf, tag="", labels=False):
    """Sorted (address, name) of the text symbols of elf; the labels inside
    functions only with *labels*."""
    out = subprocess.run(["nm", "-n", "--defined-only", str(elf)], check=True,
                         capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "Tt" and \
                (labels or not parts[2].endswith(LABEL_SUFFIXES)):
            syms.append((int(parts[0], 16), f"{tag}{parts[2]}"))
    return syms


def next_instruction(elf, addr):
    """Address of the instruction after the one at addr in elf."""
    out = subprocess.run(["objdump", "-d", f"--start-address={addr:#x}",
                          f"--stop-address={addr + 16:#x}", str(elf)],
                         check=True, capture_output=True, text=True).stdout
    found = [int(m.group(1), 16)
             for m in re.finditer(r"^\s*([0-9a-f]+):", out, re.M)]
    if len(found) < 2 or found[0] != addr:
        raise TesseraError(f"cannot decode the instruction at {addr:#x}")
    return found[1]


def free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--builddir", type=Path,
                    default=Path(__file__).resolve().parents[2] / "build")
    ap.add_argument("--insn", choices=("syscall", "touch"),
                    default="syscall")
    ap.add_argument("--nr", type=int, default=1)
    ap.add_argument("--skip", type=int, default=4)
    ap.add_argument("--append", action="append", default=[])
    a = ap.parse_args()

    spec = qemu.load_boot_spec(bench.bench_spec_path(a.builddir))
    bench_elf = spec.modules[0].path
    syms = sorted(symbols(spec.elf, "") + symbols(bench_elf, "user:"))
    addrs = [s[0] for s in syms]
    label = f"bench_timed_{a.insn}_insn"
    insn = next(addr for addr, name in symbols(bench_elf, labels=True)
                if name == label)
    ret = next_instruction(bench_elf, insn)

    port = free_port()
    cmd = qemu.qemu_command(
        spec, interactive=False, gdb_port=port, halt=True,
        append=[f"iterations={ITERATIONS}"] + a.append,
        extra_args=list(bench.ICOUNT_ARGS))
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "profile.py"
        out = Path(tmp) / "pcs.txt"
        script.write_text(GDB_SCRIPT.format(
            port=port, insn=insn, ret=ret, nr=a.nr, skip=a.skip,
            limit=STEP_LIMIT, out=str(out)))
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            subprocess.run(["gdb", "-batch", "-nx", "-x", str(script)],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=600, check=False)
        finally:
            proc.kill()
            proc.wait()
        if not out.exists():
            raise TesseraError("gdb recorded nothing (is gdb installed?)")
        pcs = [int(x, 16) for x in out.read_text().split()]

    # pcs holds every instruction executed after the syscall instruction
    counts = {f"user:{label}": 1}
    for pc in pcs:
        i = bisect.bisect_right(addrs, pc) - 1
        name = syms[i][1] if i >= 0 else f"?{pc:#x}"
        counts[name] = counts.get(name, 0) + 1
    width = max([len(n) for n in counts] + [8])
    for name, n in counts.items():
        print(f"{name:<{width}} {n:6d}")
    print(f"{'total':<{width}} {sum(counts.values()):6d}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except TesseraError as e:
        print(f"insn_profile: {e}", file=sys.stderr)
        sys.exit(1)
