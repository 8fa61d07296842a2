#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Smoke test of `tools/tessera bench linux`'s program (suite
linux-bench-smoke): runs linux-bench natively on the host with a few
iterations per mode and checks that the tool's own parser reads every
result (tools/tessera_lib/bench_linux.py), that the figures add up, that
the boot line and the error line have their format and that the init
script names every benchmark. No QEMU, no network; a few seconds.
Output is TAP.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools"))

from tessera_lib import bench_linux  # noqa: E402

#: mode -> (batches, per batch): small, so that the test stays quick
SMALL = {"calib": (3, 1000), "getpid": (3, 50), "read": (3, 50),
         "fault": (3, 256), "pipe": (3, 20), "fork": (3, 2), "exec": (3, 2),
         "clock": (3, 50)}

results = []


def check(ok, what, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {what}")
    if not ok and detail:
        for line in detail.splitlines():
            print(f"# {line}")


def run(argv, cwd, executable=None):
    r = subprocess.run(argv, cwd=cwd, executable=executable, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                       timeout=30, env={"PATH": "/bin:/usr/bin"})
    return r.returncode, r.stdout.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prog", required=True, type=Path)
    ap.add_argument("--workload", required=True, type=Path)
    args = ap.parse_args()
    prog = str(args.prog.absolute())
    with tempfile.TemporaryDirectory() as tmp:
        for mode, (b, n) in SMALL.items():
            rc, out = run([prog, mode, str(b), str(n)], tmp)
            boot = bench_linux.parse_lines(out.splitlines())
            med = boot.results.get(mode)
            check(rc == 0 and med is not None and med > 0 and not boot.errors,
                  f"{mode}: one result line", out)
        rc, out = run([prog, "run", "workload", "1", "/bin/busybox", "sh",
                       str(args.workload.absolute())], tmp)
        boot = bench_linux.parse_lines(out.splitlines())
        check(rc == 0 and boot.results.get("workload", 0) > 0,
              "workload: runs and passes its own checks natively", out)
        rc, out = run([prog, "boot"], tmp)
        boot = bench_linux.parse_lines(out.splitlines())
        check(rc == 0 and boot.boot_tsc and boot.boot_tsc > 0,
              "boot: the counter line", out)
        rc, out = run([prog, "run", "false", "1", "/bin/false"], tmp)
        boot = bench_linux.parse_lines(out.splitlines())
        check(rc == 1 and "false" in boot.errors,
              "a failing mode: an LBENCH-ERROR line and status 1", out)
        rc, out = run(["relative", "exec", "1", "1"], tmp, executable=prog)
        check(rc == 1 and "LBENCH-ERROR exec:" in out,
              "exec refuses a relative argv[0]", out)
    lines = ["LBENCH-BEGIN fork", "LBENCH fork median=10.5 min=9.0 max=12.0 "
             "batches=3 per_batch=2", "LBENCH-STATUS fork 0",
             "LBENCH-BEGIN exec", "LBENCH-STATUS exec 139",
             "LBENCH-BEGIN pipe"]
    boot = bench_linux.parse_lines(lines)
    check(boot.results == {"fork": 10.5} and
          boot.errors["exec"].startswith("exit status 139") and
          boot.errors["pipe"].startswith("no result"),
          "parser: result, a crash, a hang")
    script = bench_linux.init_script(["getpid", "workload"])
    check(script.splitlines()[1] == f"{bench_linux.PROG} boot" and
          "LBENCH-BEGIN workload" in script and "poweroff -f" in script,
          "init script: boot line first, every benchmark, power-off", script)
    failed = results.count(False)
    print(f"1..{len(results)}")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("LC_ALL", "C")
    sys.exit(main())
