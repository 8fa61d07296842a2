#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot the real Tessera image with bad inputs and check it refuses cleanly.

Each case boots <builddir>/boot/boot.json in QEMU with one input altered (a
CPU without long mode, no modules, a corrupt or truncated root-task module,
too little memory) and checks that the kernel prints a clear message and
powers off with the boot-error status within the time limit, without a
panic or a reset.  Two more cases check a normal boot and that a chosen
power-off status comes back as QEMU's exit status, and one runs
'tools/tessera run' to check that the command returns the kernel's status.
The manifest cases boot with the 'manifest' module altered (corrupt,
truncated, or packed from a test manifest) and, as the root task never
powers off, stop QEMU once the root task's expected lines have appeared:
a bad module must give one clear 'root: manifest refused: ...' line and no
crash, a compartment that cannot be built one 'refused' line while the
others are still reported.
The output is TAP, one test line per case, in a fixed order.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from tessera_lib import TesseraError  # noqa: E402
from tessera_lib import manifest, qemu  # noqa: E402

CASE_TIMEOUT = 60.0      # seconds per QEMU boot
TESSERA_RUN_TIMEOUT = 180.0
TAIL_LINES = 15
PANIC_GRACE = 0.5

# The smallest RAM size QEMU (q35) accepts and still boots far enough to
# reach the kernel's memory check; see docs/tools.md.
TINY_MEMORY = "2M"

CORRUPT_MODULE_SIZE = 4096
TRUNCATED_MODULE_SIZE = 100


@dataclass
class Case:
    name: str
    expect_status: int
    expect_text: list
    cpu: str = qemu.DEFAULT_CPU
    memory: str = None           # None: the boot spec's (the manifest's)
    modules: str = "spec"        # 'spec', 'none', 'corrupt', 'truncated'
    append: list = field(default_factory=list)
    # The 'manifest' module: None as built; 'corrupt' (one byte changed),
    # 'random', 'truncated', or a manifest file to pack instead.
    manifest: str = None
    # expect_status None: the system stays up; pass once every expect_text
    # has appeared (then QEMU is stopped) and no reject_text has.
    reject_text: list = field(default_factory=list)


CASES = [
    Case("no-long-mode", qemu.STATUS_BOOT_ERROR, ["no long mode"],
         cpu="qemu32"),
    Case("no-modules", qemu.STATUS_BOOT_ERROR,
         ["boot error:", "no root task module"], modules="none"),
    Case("corrupt-module", qemu.STATUS_BOOT_ERROR,
         ["boot error:", "not an ELF"], modules="corrupt"),
    Case("truncated-module", qemu.STATUS_BOOT_ERROR, ["boot error:"],
         modules="truncated"),
    Case("tiny-memory", qemu.STATUS_BOOT_ERROR,
         ["boot error:", "no usable memory"], memory=TINY_MEMORY,
         modules="core"),
    Case("normal-boot", qemu.STATUS_OK, ["boot complete"],
         append=["poweroff=0"]),
    Case("poweroff-status", 5, ["boot complete"], append=["poweroff=5"]),
    Case("root-builds-system", 0,
         ["root: entropy seed: 32 bytes",
          "root: compartment 'pvtest' started (quota 16 MiB, prio 100, "
          "image pvtest-guest.elf, main, ",
          "root: server 'console' started",
          "root: server 'mem' started",
          "root: compartment 'pvtest' exited with status 0; reclaimed",
          "root: every compartment has ended; power-off with status 0 "
          "(main compartment pvtest)",
          "[linux] Linux personality: busybox in a compartment"],
         manifest=str(ROOT / "tests" / "pv" / "manifests" / "platform.toml"),
         reject_text=["refused", "not ok"]),
    Case("corrupt-manifest", None,
         ["root: manifest refused: bad checksum, at byte 12: 0x"],
         manifest="corrupt", reject_text=["root: compartment", "root: server"]),
    Case("random-manifest", None,
         ["root: manifest refused: bad magic (not a manifest), at byte 0:"],
         manifest="random", reject_text=["root: compartment"]),
    Case("truncated-manifest", None,
         ["root: manifest refused: module shorter than the header, at "
          "byte 0: 0x28"],
         manifest="truncated", reject_text=["root: compartment"]),
    Case("manifest-compartment-refused", 7,
         ["root: compartment 'big' refused: quota 1024 MiB is more than "
          "the memory left, ",
          "root: compartment 'small' started (quota 16 MiB, prio 50, "
          "image pvtest-guest.elf, main",
          "root: every compartment has ended; power-off with status 7 "
          "(main compartment small)"],
         manifest=str(ROOT / "tools" / "manifests" / "boot-refuse.toml")),
    Case("crash-restart", 0,
         ["root: compartment 'crasher' crashed: exception 14, error code "
          "0x6, address 0x10",
          "pvtest: dirtied ",
          "root: compartment 'crasher': restart 1 of 2",
          "pvtest[crasher]: ok ",
          "every pseudo-physical page starts zeroed (0 dirty words)",
          "root: compartment 'crasher' exited with status 0; reclaimed",
          "root: compartment 'doomed': restart 1 of 1",
          "root: compartment 'doomed' crashed; reclaimed",
          "root: compartment 'steady' exited with status 0; reclaimed",
          "its initramfs (8460 bytes) at L4_PLAT_INITRAMFS_VA",
          "root: every compartment has ended; power-off with status 0 "
          "(main compartment steady)"],
         manifest=str(ROOT / "tests" / "pv" / "manifests" /
                      "crash-restart.toml"),
         reject_text=["restart 2 of", "not ok", "dirtied 0 pages"]),
    Case("quota-hog", 0,
         ["hog: 4 spaces, then QuotaExhausted (spaces)",
          "hog: 8 threads, then QuotaExhausted",
          "then QuotaExhausted (reserve)",
          "root: compartment 'hog' exited with status 0; reclaimed",
          "checks, 0 failed",
          "root: every compartment has ended; power-off with status 0 "
          "(main compartment steady)"],
         manifest=str(ROOT / "tests" / "pv" / "manifests" / "hog.toml"),
         reject_text=["not ok"]),
    Case("linux-hello", 7,
         ["hello from /hello, argc=2, argv[1]=first",
          "malloc of 1 MiB: ok",
          "mmap: ok, zeroed: yes",
          "munmap: 0",
          "write from a bad pointer: -1, EFAULT",
          "uname: Linux x86_64",
          "AT_RANDOM given: yes",
          "pid 1",
          "root: compartment 'linux' exited with status 7; reclaimed"],
         manifest=str(ROOT / "tests" / "shim" / "hello.toml")),
    Case("linux-busybox", 3,
         ["hello from busybox",
          "a child",
          "Linux",
          "root: compartment 'linux' exited with status 3; reclaimed"],
         manifest=str(ROOT / "tests" / "shim" / "busybox.toml")),
    Case("linux-pipeline", 4,
         ["/etc\n", "root:/root\n", "10\n", "/tmp/d\n",
          "root: compartment 'linux' exited with status 4; reclaimed"],
         manifest=str(ROOT / "tests" / "shim" / "pipeline.toml")),
]

BUILDDIR = None  # set by main()

TESSERA_RUN_CASE = "tessera-run-exit-status"


def tail(lines, n=TAIL_LINES):
    return lines[-n:]


def prepare_modules(case, spec, tmpdir):
    """Return the module list for *case* (may write files in *tmpdir*)."""
    if case.modules == "spec":
        return list(spec.modules)
    if case.modules == "none":
        return []
    if case.modules == "core":  # the root task, manifest and seed only
        return [m for m in spec.modules
                if m.cmdline in ("root", "manifest", "seed")]
    if not spec.modules:
        raise TesseraError(f"boot spec {spec.source} lists no modules to "
                           "alter")
    first = spec.modules[0]
    path = Path(tmpdir) / f"{case.name}.bin"
    if case.modules == "corrupt":
        data = os.urandom(CORRUPT_MODULE_SIZE)
        # Random bytes that happen to start like an ELF file would test
        # something else; make sure they do not.
        if data[:4] == b"\x7fELF":
            data = b"\0" + data[1:]
    else:
        with open(first.path, "rb") as f:
            data = f.read(TRUNCATED_MODULE_SIZE)
    path.write_bytes(data)
    return [qemu.Module(str(path), first.cmdline)] + list(spec.modules[1:])


def prepare_manifest(case, modules, tmpdir):
    """Replace the 'manifest' module of *modules* as *case* asks."""
    if case.manifest is None:
        return modules
    at = [i for i, m in enumerate(modules) if m.cmdline == "manifest"]
    if not at:
        raise TesseraError("boot spec has no 'manifest' module")
    old = Path(modules[at[0]].path).read_bytes()
    if case.manifest == "corrupt":
        # a byte of the string table: only the checksum can tell
        data = bytearray(old)
        data[-2] ^= 0x20
    elif case.manifest == "random":
        data = b"\0" + os.urandom(1023)
    elif case.manifest == "truncated":
        data = old[:40]
    else:
        man = manifest.load(case.manifest, builddir=BUILDDIR)
        data = manifest.pack(man)
        # its images, in place of the system manifest's
        keep = ("root", "manifest", "seed")
        modules = [m for m in modules if m.cmdline in keep]
        modules += [qemu.Module(str(p), n)
                    for p, n in manifest.image_modules(man, BUILDDIR)]
        at = [i for i, m in enumerate(modules) if m.cmdline == "manifest"]
    path = Path(tmpdir) / f"{case.name}-manifest.bin"
    path.write_bytes(bytes(data))
    modules = list(modules)
    modules[at[0]] = qemu.Module(str(path), "manifest")
    return modules


def run_boot_case(case, spec, tmpdir):
    """Boot one case; return a list of diagnostics (empty means pass)."""
    try:
        modules = prepare_manifest(case, prepare_modules(case, spec, tmpdir),
                                   tmpdir)
        cmd = qemu.qemu_command(spec, interactive=False, append=case.append,
                                cpu=case.cpu, memory=case.memory,
                                modules=modules)
    except TesseraError as e:
        return [str(e)]

    serial = []
    timed_out = False
    panic_line = None
    start = time.monotonic()
    deadline = start + CASE_TIMEOUT
    with qemu.BatchQemu(cmd) as vm:
        exited = False
        limit = deadline
        while True:
            now = time.monotonic()
            if now >= limit:
                timed_out = panic_line is None
                break
            ev = vm.next_event(limit - now)
            if ev is None:
                continue
            kind, text = ev
            if kind == vm.EXIT:
                exited = True
                break
            if kind == vm.SERIAL:
                serial.append(text)
                if case.expect_status is None and all(
                        any(t in line for line in serial)
                        for t in case.expect_text):
                    # what the case waits for is there; let a line or two
                    # more arrive, then stop
                    limit = min(limit, time.monotonic() + PANIC_GRACE)
                if text.startswith(qemu.PANIC_MARKER) and panic_line is None:
                    panic_line = text
                    limit = min(deadline, time.monotonic() + PANIC_GRACE)
        rc = vm.wait() if exited else None
        vm.kill()
        stderr_lines = list(vm.stderr_lines)
    elapsed = time.monotonic() - start

    info = qemu.decode_exit(rc, "\n".join(stderr_lines)) \
        if rc is not None else None
    output = "\n".join(serial)
    problems = []
    if case.expect_status is None:
        timed_out = False
        if info is not None:
            problems.append("the system ended: " + info.describe())
        bad = [t for t in case.reject_text if t in "\n".join(serial)]
        if bad:
            problems.append("serial output has: "
                            + ", ".join(repr(t) for t in bad))
    if timed_out:
        problems.append(f"no power-off within {CASE_TIMEOUT:g} s (hang?)")
    if panic_line is not None:
        problems.append(f"kernel panicked: {panic_line}")
    if info is not None:
        if case.expect_status is None:
            pass
        elif info.kind != "kernel":
            problems.append(info.describe())
        elif info.status != case.expect_status:
            problems.append(f"kernel powered off with status {info.status}")
    missing = [t for t in case.expect_text if t not in output]
    if missing:
        problems.append("serial output lacks: "
                        + ", ".join(repr(t) for t in missing))
    if not problems:
        return []
    if case.expect_status is None:
        diags = [f"expected: within {CASE_TIMEOUT:g} s, no PANIC:, no "
                 "power-off, serial output containing "
                 + ", ".join(repr(t) for t in case.expect_text)
                 + (", and not " + ", ".join(repr(t) for t in
                                            case.reject_text)
                    if case.reject_text else "")]
    else:
        diags = [f"expected: power-off with status {case.expect_status} "
                 f"within {CASE_TIMEOUT:g} s, no PANIC:, serial output "
                 "containing " + ", ".join(repr(t) for t in case.expect_text)]
    diags += [f"got: {p}" for p in problems]
    diags.append(f"elapsed: {elapsed:.1f} s")
    diags.append("qemu command: " + " ".join(cmd))
    for line in stderr_lines:
        diags.append(f"qemu stderr: {line}")
    diags.append(f"serial output (last {TAIL_LINES} lines):")
    diags += ["  " + line for line in tail(serial)] or ["  (none)"]
    return diags


def run_tessera_case(builddir):
    """'tools/tessera run --append poweroff=5' must exit with status 5."""
    cmd = [sys.executable, str(ROOT / "tools" / "tessera"), "run",
           "--builddir", str(builddir), "--append", "poweroff=5",
           "--timeout", f"{CASE_TIMEOUT:g}"]
    start = time.monotonic()
    try:
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=TESSERA_RUN_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace").splitlines()
        return [f"tools/tessera run did not finish within "
                f"{TESSERA_RUN_TIMEOUT:g} s", "stdout tail:"] + \
            ["  " + line for line in tail(out)]
    out = res.stdout.decode(errors="replace").splitlines()
    err = res.stderr.decode(errors="replace").splitlines()
    problems = []
    if res.returncode != 5:
        problems.append(f"exit status {res.returncode}, expected 5")
    if not any(line.startswith("tessera: booting ") for line in err):
        problems.append("no 'tessera: booting ...' line on stderr")
    if not any(qemu.BOOT_COMPLETE_MARKER in line for line in out):
        problems.append(f"no '{qemu.BOOT_COMPLETE_MARKER}' on stdout")
    if not problems:
        return []
    return (problems
            + [f"elapsed: {time.monotonic() - start:.1f} s",
               "command: " + " ".join(cmd), "stderr tail:"]
            + ["  " + line for line in tail(err)]
            + ["stdout tail:"] + ["  " + line for line in tail(out)])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--boot", required=True, metavar="SPEC.json",
                   help="boot spec of the normal image (boot/boot.json)")
    p.add_argument("--builddir", type=Path,
                   help="build directory for the tools/tessera case "
                        "(default: two levels above --boot)")
    p.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                   help="cases to run at once (default: %(default)s)")
    args = p.parse_args(argv)
    builddir = args.builddir or Path(args.boot).resolve().parent.parent
    global BUILDDIR
    BUILDDIR = builddir

    def on_term(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)

    print("TAP version 13", flush=True)
    print(f"1..{len(CASES) + 1}", flush=True)
    try:
        spec = qemu.load_boot_spec(args.boot)
        qemu.find_qemu()
    except TesseraError as e:
        print(f"Bail out! {e}", flush=True)
        print(f"boot_checks: {e}", file=sys.stderr)
        return 1

    failed = 0
    with tempfile.TemporaryDirectory(prefix="tessera-boot-checks-") as tmp, \
            ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [(c.name, pool.submit(run_boot_case, c, spec, tmp))
                   for c in CASES]
        futures.append((TESSERA_RUN_CASE,
                        pool.submit(run_tessera_case, builddir)))
        for number, (name, fut) in enumerate(futures, 1):
            try:
                diags = fut.result()
            except Exception as e:  # report, never lose the TAP line
                diags = [f"internal error: {type(e).__name__}: {e}"]
            if diags:
                failed += 1
                print(f"not ok {number} - {name}", flush=True)
                for d in diags:
                    print(f"# {d}", flush=True)
                # meson's --print-errorlogs shows stderr, not the TAP.
                print(f"FAILED {name}:", *diags, sep="\n  ",
                      file=sys.stderr, flush=True)
            else:
                print(f"ok {number} - {name}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
