# SPDX-License-Identifier: MIT
"""tools/tessera bench linux: the Linux personality against Debian's Linux.

The same static benchmark program (tests/linux/bench/linux_bench.c, built
with musl-gcc -static) and the same busybox workload
(tests/linux/bench/workload.sh) run on both systems in the same QEMU
machine with the same flags:

- Tessera: the program in a compartment, as `tools/tessera run -- PROG`
  runs one (runprog.py): Debian's busybox-static is the compartment's
  init, running the init script below with `sh /init tessera`;
- Linux: Debian's linux-image-*-cloud-amd64 (fetched with apt-get download
  into <builddir>/bench-linux/, unpacked with dpkg-deb -x), booted with
  -kernel, console=ttyS0, and an initramfs (initramfs.py) with the same
  busybox, program and script as /init, which ends with `poweroff -f`.

Each system is booted once under -icount shift=0,align=off,sleep=off,
where the guest's clock advances one nanosecond per instruction (so the
program's CLOCK_MONOTONIC figures are instruction counts), and --runs
times under plain TCG (host time; the median of the boots' medians).
Machine reset to init's first line: the program's "boot" mode is init's
first command and prints the time-stamp counter, which under icount is
the virtual clock since reset on both systems; under plain TCG the tool
takes the host time from QEMU's start until that line arrives.
docs/performance.md has the method and the results.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import TesseraError
from . import initramfs
from . import manifest
from . import qemu
from . import runprog

#: (key, title, bar: at most this many times Linux's icount figure).
BENCHMARKS = (
    ("getpid", "null syscall (getpid)", 2.0),
    ("read", "read 1 byte of /dev/zero", None),
    ("fault", "minor fault, per page", 1.0),
    ("pipe", "pipe round trip", 1.0),
    ("fork", "fork+_exit+wait", 1.5),
    ("exec", "fork+execve+wait", 1.5),
    ("clock", "clock_gettime(MONOTONIC)", 2.0),
    ("workload", "busybox workload", 2.0),
    ("boot", "reset to init's first line", 0.1),
)
#: Run first in each boot: a 2-instruction loop, to check the clock.
CALIB = "calib"
BOOT = "boot"
WORKLOAD_RUNS = 5

ICOUNT_ARGS = ("-icount", "shift=0,align=off,sleep=off")
COMMON_ARGS = ("-rtc", "base=2020-01-01T00:00:00,clock=vm")
CPU = "max,-rdrand,-rdseed"
MEMORY = "1024M"
LINUX_CMDLINE = "console=ttyS0 quiet nokaslr norandmaps panic=-1"
KERNEL_META = "linux-image-cloud-amd64"

PROG = "/usr/local/bin/linux-bench"
GUEST_WORKLOAD = "/bench/workload.sh"
PROG_BUILD = Path("tests/linux/bench/linux-bench")
WORKLOAD_SRC = Path("tests/linux/bench/workload.sh")

DEFAULT_RUNS = 3
DEFAULT_TIMEOUT = 300.0

_RESULT_RE = re.compile(r"^LBENCH (\S+) median=(\d+\.\d) min=(\d+\.\d) "
                        r"max=(\d+\.\d) batches=(\d+) per_batch=(\d+)$")
_BOOT_RE = re.compile(r"^LBENCH-BOOT tsc=(\d+) mono_ns=(\d+)$")


@dataclass
class Boot:
    """What one boot printed: {name: median} and {name: why it failed}."""
    results: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    boot_tsc: int = None
    first_line_s: float = None     # host seconds from QEMU's start
    info: list = field(default_factory=list)
    log: list = field(default_factory=list)


def parse_lines(lines, boot=None):
    """Read the program's lines into *boot* (a Boot, or a new one); a
    benchmark that began and gave neither a result nor an error gets
    one."""
    boot = boot or Boot()
    current = None
    for raw in lines:
        line = raw.strip()
        m = _RESULT_RE.match(line)
        if m:
            boot.results[m.group(1)] = float(m.group(2))
            continue
        m = _BOOT_RE.match(line)
        if m:
            boot.boot_tsc = int(m.group(1))
            continue
        if line.startswith("LBENCH-BEGIN "):
            current = line.split()[1]
        elif line.startswith("LBENCH-ERROR "):
            name, _, why = line[len("LBENCH-ERROR "):].partition(": ")
            boot.errors[name] = why
        elif line.startswith("LBENCH-STATUS "):
            parts = line.split()
            name, status = parts[1], parts[2] if len(parts) > 2 else "?"
            if name not in boot.results and name not in boot.errors:
                boot.errors[name] = f"exit status {status}, no result"
            current = None
        elif line.startswith("LBENCH-INFO "):
            boot.info.append(line[len("LBENCH-INFO "):])
    if current and current not in boot.results and current not in boot.errors:
        boot.errors[current] = "no result: the system stopped or hung"
    return boot


def init_script(names, workload_runs=WORKLOAD_RUNS):
    """The init script: the same on both systems. Its first command
    prints the boot line; `sh /init tessera` skips the power-off."""
    lines = ["#!/bin/sh", f"{PROG} {BOOT}",
             "export PATH=/bin:/sbin:/usr/bin:/usr/sbin", "cd /"]
    for n in names:
        cmd = (f"{PROG} run workload {workload_runs} /bin/sh {GUEST_WORKLOAD}"
               if n == "workload" else f"{PROG} {n}")
        lines.append(f"echo LBENCH-BEGIN {n}; {cmd} 2>&1; "
                     f"echo LBENCH-STATUS {n} $?")
    lines += [
        "echo LBENCH-DONE",
        'if [ "${1:-}" != tessera ]; then',
        "    mount -t sysfs sysfs /sys; mount -t proc proc /proc",
        "    echo LBENCH-INFO clocksource "
        "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)",
        "    dmesg | grep -E 'tsc:|clocksource:|Linux version' | "
        "sed 's/^/LBENCH-INFO /'",
        "    cd /sys/devices/system/cpu/vulnerabilities && grep . * | "
        "sed 's/^/LBENCH-INFO vulnerabilities: /'; cd /",
        "    poweroff -f",
        "fi", ""]
    return "\n".join(lines)


# --- Debian's kernel ---------------------------------------------------------

def _apt_env():
    return dict(os.environ, DEBIAN_FRONTEND="noninteractive")


def _kernel_package():
    """The versioned image package the meta-package depends on, or None."""
    try:
        out = subprocess.run(["apt-cache", "depends", KERNEL_META],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             env=_apt_env(), check=False).stdout.decode()
    except OSError as e:
        raise TesseraError(f"cannot run apt-cache: {e.strerror}") from e
    m = re.search(r"Depends: (linux-image-\S+)", out)
    return m.group(1) if m else None


def _find_vmlinuz(root):
    found = sorted(Path(root).glob("boot/vmlinuz-*"))
    return found[-1] if found else None


def ensure_kernel(cachedir, note=None):
    """Debian's cloud kernel, fetched and unpacked into *cachedir* once;
    returns the path of its vmlinuz."""
    cachedir = Path(cachedir)
    root = cachedir / "kernel"
    vmlinuz = _find_vmlinuz(root)
    if vmlinuz:
        return vmlinuz
    for tool in ("apt-get", "apt-cache", "dpkg-deb"):
        if shutil.which(tool) is None:
            raise TesseraError(f"{tool} not found: the Linux side needs "
                               "Debian's package tools")
    pkg = _kernel_package()
    if pkg is None:
        if os.geteuid() != 0:
            raise TesseraError(f"apt knows no {KERNEL_META}; run: sudo "
                               "apt-get update")
        if note:
            note("bench linux: apt-get update")
        if subprocess.run(["apt-get", "update"], stdout=sys.stderr,
                          env=_apt_env(), check=False).returncode != 0:
            raise TesseraError("apt-get update failed")
        pkg = _kernel_package()
        if pkg is None:
            raise TesseraError(f"apt knows no {KERNEL_META} even after "
                               "apt-get update")
    cachedir.mkdir(parents=True, exist_ok=True)
    if note:
        note(f"bench linux: apt-get download {pkg} into {cachedir}")
    # as root apt would hand the download to its own user, which may not
    # write here; the cache is ours
    r = subprocess.run(["apt-get", "download", "-o", "APT::Sandbox::User=root",
                        pkg], cwd=cachedir, stdout=sys.stderr, env=_apt_env(),
                       check=False)
    debs = sorted(cachedir.glob(f"{pkg}_*.deb"))
    if r.returncode != 0 or not debs:
        raise TesseraError(f"apt-get download {pkg} failed")
    tmp = cachedir / "kernel.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    r = subprocess.run(["dpkg-deb", "-x", str(debs[-1]), str(tmp)],
                       stdout=sys.stderr, check=False)
    if r.returncode != 0 or not _find_vmlinuz(tmp):
        raise TesseraError(f"dpkg-deb -x {debs[-1]} gave no boot/vmlinuz-*")
    shutil.rmtree(root, ignore_errors=True)
    tmp.rename(root)
    return _find_vmlinuz(root)


# --- the two systems ------------------------------------------------------------

def clock_args(clock):
    return list(ICOUNT_ARGS if clock == "icount" else ()) + list(COMMON_ARGS)


def _files(tmp, prog, workload, names):
    """The files both systems get: (host, guest) pairs."""
    init = Path(tmp) / "init"
    init.write_text(init_script(names))
    init.chmod(0o755)
    return [(str(prog), PROG), (str(workload), GUEST_WORKLOAD),
            (str(init), "/init")]


def run_linux(vmlinuz, prog, workload, names, clock, timeout, tmp):
    """One boot of Debian's kernel; returns a Boot."""
    adds = [f"{h}:{g}" for h, g in _files(tmp, prog, workload, names)]
    cpio = Path(tmp) / "linux.cpio"
    cpio.write_bytes(initramfs.build(adds))
    spec = qemu.BootSpec(kernel=str(vmlinuz), elf="", cmdline=LINUX_CMDLINE)
    cmd = qemu.qemu_command(spec, interactive=False, modules=(), cpu=CPU,
                            memory=MEMORY,
                            extra_args=["-initrd", str(cpio)] + clock_args(clock))
    boot = Boot()
    lines = []
    start = time.monotonic()
    with qemu.BatchQemu(cmd) as q:
        for text in q.serial_lines(start + timeout):
            if boot.first_line_s is None and text.startswith("LBENCH-BOOT"):
                boot.first_line_s = time.monotonic() - start
            lines.append(text)
    boot.log = lines
    return parse_lines(lines, boot)


def run_tessera(spec, srcdir, builddir, prog, workload, names, clock, timeout,
                tmp):
    """One boot of Tessera with the program in a compartment; a Boot."""
    boot = Boot()
    chunks, log = [], []
    start = [time.monotonic()]

    def on_start():
        start[0] = time.monotonic()

    def sink(channel, data):
        if channel == "log":
            log.append(data)
            return
        chunks.append(data)
        if boot.first_line_s is None and b"LBENCH-BOOT" in b"".join(chunks):
            boot.first_line_s = time.monotonic() - start[0]

    adds = [f"{h}:{g}" for h, g in _files(tmp, prog, workload, names)]
    failure = None
    try:
        status = runprog.run(spec, srcdir, builddir, "/bin/busybox",
                             ["sh", "/init", "tessera"], adds=adds,
                             timeout=timeout, cpu=CPU,
                             qemu_args=clock_args(clock), sink=sink,
                             stdin=False, on_start=on_start)
        if status != 0:
            failure = f"init ended with status {status}"
    except TesseraError as e:
        failure = str(e)
    text = b"".join(chunks).decode(errors="replace")
    boot.log = b"".join(log).decode(errors="replace").splitlines() + \
        text.splitlines()
    parse_lines(text.splitlines(), boot)
    for line in boot.log:
        m = re.search(r"irq: TSC at (\d+) kHz", line)
        if m:
            boot.info.append(f"TSC calibrated at {m.group(1)} kHz")
    if failure:
        for n in names:
            if n not in boot.results:
                why = boot.errors.get(n, "no result")
                boot.errors[n] = f"{why} ({failure})"
    return boot


def run_side(side, run_one, names, clock, note):
    """Each benchmark in a boot of its own, so that one that fails, hangs
    or uses something up cannot change the next one's figure; the boot
    figure is the median over these boots. Returns one Boot."""
    total = Boot()
    ticks, firsts = [], []
    for n in names:
        if note:
            note(f"bench linux: {side}, {clock}: {n}")
        b = run_one([n], clock)
        total.results.update(b.results)
        total.errors.update({k: v for k, v in b.errors.items()
                             if k not in b.results})
        if n not in b.results and n not in b.errors:
            total.errors[n] = "no result"
        total.info = total.info or b.info  # the same in every boot
        total.log += b.log
        if b.boot_tsc is not None:
            ticks.append(b.boot_tsc)
        if b.first_line_s is not None:
            firsts.append(b.first_line_s)
    if ticks:
        total.boot_tsc = statistics.median(ticks)
    if firsts:
        total.first_line_s = statistics.median(firsts)
    if not ticks:
        total.errors[BOOT] = "init printed no boot line"
    return total


# --- figures and table -----------------------------------------------------------

def figures(boots, clock):
    """{name: figure} from boots of one clock: the median of the boots'
    medians; the boot figure: the counter (icount) or host seconds."""
    out = {}
    for name, _, _ in BENCHMARKS + ((CALIB, "", None),):
        if name == BOOT:
            vals = [b.boot_tsc if clock == "icount" else b.first_line_s
                    for b in boots]
        else:
            vals = [b.results.get(name) for b in boots]
        vals = [v for v in vals if v is not None]
        if vals:
            out[name] = statistics.median(vals)
    return out


def failures(boots, name):
    """Why *name* failed, per clock, with in how many of the boots; None
    if it never did (the figures are then from the boots that worked)."""
    notes = []
    for clock, title in (("icount", "icount"), ("tcg", "plain TCG")):
        runs = boots.get(clock, [])
        why = [b.errors[name] for b in runs if name in b.errors]
        if why:
            count = f" (in {len(why)} of {len(runs)} boots)" if len(runs) > 1 else ""
            notes.append(f"under {title}{count}: {why[0]}")
    return "; ".join(notes) or None


def _fmt(v, clock, name):
    if v is None:
        return "-"
    if name == BOOT and clock == "tcg":
        return f"{v:.2f} s"
    if clock == "tcg":
        return (f"{v / 1e6:.1f} ms" if v >= 1e7 else
                f"{v / 1000:.1f} us" if v >= 10000 else f"{v:.0f} ns")
    if v >= 1e7:
        return f"{v / 1e6:.1f}M"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}"


def summarize(tes, lin):
    """Rows: {name, title, bar, icount and tcg figures, ratios, errors}."""
    tf = {c: figures(tes[c], c) for c in tes}
    lf = {c: figures(lin[c], c) for c in lin}
    rows = []
    for name, title, bar in BENCHMARKS + ((CALIB, "clock check: 2-insn loop", None),):
        r = {"name": name, "title": title, "bar": bar}
        for clock in ("icount", "tcg"):
            t = tf.get(clock, {}).get(name)
            li = lf.get(clock, {}).get(name)
            r[f"tessera_{clock}"] = t
            r[f"linux_{clock}"] = li
            r[f"ratio_{clock}"] = t / li if t is not None and li else None
        for side, boots in (("tessera", tes), ("linux", lin)):
            r[f"{side}_error"] = failures(boots, name)
        ratio = r["ratio_icount"]
        r["bar_met"] = None if bar is None or ratio is None else ratio <= bar
        ran = [v for k, v in r.items() if k.startswith(("tessera_", "linux_"))]
        if any(v is not None for v in ran):
            rows.append(r)
    return rows


def format_table(rows, runs):
    w = max([len(r["title"]) for r in rows] + [len("benchmark")]) + 2
    head = ("benchmark".ljust(w) + "Tessera".rjust(10) + "Linux".rjust(10) +
            "ratio".rjust(8) + "  bar".ljust(18) + "| " + "Tessera".rjust(10) +
            "Linux".rjust(10) + "ratio".rjust(8))
    out = ["Linux personality vs Debian's Linux: median per iteration; "
           "icount: instructions (virtual ns),",
           f"plain TCG: host time, median of {runs} boots. Bar: Tessera "
           "icount at most this times Linux's.",
           " " * w + "icount".center(28) + " " * 18 + "| " +
           "plain TCG".center(28), head]
    for r in rows:
        if r["name"] == CALIB:
            continue
        bar = r["bar"]
        bar_text = "" if bar is None else f"<={bar:g}x " + (
            "" if r["bar_met"] is None else "met" if r["bar_met"] else "MISSED")
        line = r["title"].ljust(w)
        line += _fmt(r["tessera_icount"], "icount", r["name"]).rjust(10)
        line += _fmt(r["linux_icount"], "icount", r["name"]).rjust(10)
        ratio = r["ratio_icount"]
        line += (f"{ratio:.2f}x" if ratio is not None else "-").rjust(8)
        line += ("  " + bar_text).ljust(18) + "| "
        line += _fmt(r["tessera_tcg"], "tcg", r["name"]).rjust(10)
        line += _fmt(r["linux_tcg"], "tcg", r["name"]).rjust(10)
        ratio = r["ratio_tcg"]
        line += (f"{ratio:.2f}x" if ratio is not None else "-").rjust(8)
        out.append(line.rstrip())
        if r["tessera_error"]:
            out.append(" " * 4 + f"Tessera fails {r['tessera_error']}")
        if r["linux_error"]:
            out.append(" " * 4 + f"Linux fails {r['linux_error']}")
    cal = next((r for r in rows if r["name"] == CALIB), None)
    if cal:
        out.append("clock check (icount, a loop of 2 instructions): Tessera "
                   f"{_fmt(cal['tessera_icount'], 'icount', CALIB)}, Linux "
                   f"{_fmt(cal['linux_icount'], 'icount', CALIB)} ns per "
                   "iteration")
    return "\n".join(out) + "\n"


def cmd_bench_linux(srcdir, builddir, runs, json_path=None, only=None,
                    timeout=DEFAULT_TIMEOUT, note=None):
    """tools/tessera bench linux, after the build."""
    if json_path and not Path(json_path).absolute().parent.is_dir():
        raise TesseraError(f"cannot write {json_path}: no such directory")
    builddir = Path(builddir)
    names = [CALIB] + [n for n, _, _ in BENCHMARKS if n != BOOT]
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise TesseraError(f"unknown benchmark {', '.join(unknown)}; "
                               f"known: {', '.join(names)}")
        names = [n for n in names if n in only]
    prog = builddir / PROG_BUILD
    workload = Path(srcdir) / WORKLOAD_SRC
    if not prog.is_file():
        raise TesseraError(f"{prog} not built")
    cachedir = builddir / "bench-linux"
    vmlinuz = ensure_kernel(cachedir, note)
    qemu.find_qemu()
    spec = qemu.load_boot_spec(qemu.boot_spec_path(builddir, "boot"))
    spec = qemu.with_seed(spec, cachedir / "seed.bin",
                          manifest.seed_bytes("bench-linux"))
    tes, lin = {}, {}
    with tempfile.TemporaryDirectory(prefix="tessera-bench-linux-") as tmp:
        def one_linux(todo, clock):
            return run_linux(vmlinuz, prog, workload, todo, clock, timeout, tmp)

        def one_tessera(todo, clock):
            return run_tessera(spec, srcdir, builddir, prog, workload, todo,
                               clock, timeout, tmp)

        for clock, n in (("icount", 1), ("tcg", runs)):
            for i in range(n):
                for side, fn, out in (("Linux", one_linux, lin),
                                      ("Tessera", one_tessera, tes)):
                    b = run_side(f"{side} boot {i + 1}/{n}", fn, names, clock,
                                 note)
                    out.setdefault(clock, []).append(b)
                    log = cachedir / f"{side.lower()}-{clock}-{i + 1}.log"
                    log.write_text("\n".join(b.log) + "\n", errors="replace")
    rows = summarize(tes, lin)
    sys.stdout.write(format_table(rows, runs))
    info = sorted(set(sum((b.info for b in tes.get("icount", [])), []))) + \
        sorted(set(sum((b.info for b in lin.get("icount", [])), [])))
    for line in info:
        sys.stdout.write(f"  {line}\n")
    sys.stdout.flush()
    if json_path:
        record = {"runs": runs, "kernel": vmlinuz.name,
                  "qemu_common": [*COMMON_ARGS, "-cpu", CPU, "-m", MEMORY],
                  "icount": list(ICOUNT_ARGS), "linux_cmdline": LINUX_CMDLINE,
                  "info": info, "rows": rows}
        try:
            with open(json_path, "w", encoding="utf-8") as f:
                json.dump(record, f, indent=2)
                f.write("\n")
        except OSError as e:
            raise TesseraError(f"cannot write {json_path}: {e.strerror}") from e
        if note:
            note(f"bench linux: wrote {json_path}")
    return 0
