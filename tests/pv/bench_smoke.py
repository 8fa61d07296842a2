#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Smoke test of tools/tessera bench pv: one icount boot with few samples
must report every benchmark with consistent figures (parse_output checks
them) and every operation must cost instructions. Not a timed test: the
bar itself is reported by the benchmark, not checked here. TAP output."""
import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from tessera_lib import bench_pv, qemu  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--builddir", type=Path, required=True)
    a = p.parse_args()
    spec = qemu.load_boot_spec(a.builddir / "boot.json")
    print("1..2")
    with tempfile.TemporaryDirectory() as tmp:
        mods = bench_pv.modules_for(spec, ROOT, a.builddir, 20, tmp)
        try:
            res = bench_pv.run_once(spec, mods, 20, "icount")
        except Exception as e:  # noqa: BLE001 - reported as a failure
            print(f"not ok 1 - bench pv boots and reports\n# {e}")
            print("not ok 2 - every operation costs instructions")
            return 1
    print("ok 1 - bench pv boots and reports every benchmark")
    bad = [n for n in bench_pv.BENCHMARKS if res[n].net <= 0]
    print(("ok" if not bad else "not ok") +
          " 2 - every operation costs instructions" +
          (f"\n# not: {', '.join(bad)}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
