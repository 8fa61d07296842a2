"""The kernel instruction fuzzer: boot it for a long run and judge it.

The fuzzer is the UTEST fuzz_insn_blocks of the user-level kernel tests
(tests/kernel/user/test_fuzz_insn.c).  Its boot spec
<builddir>/tests/kernel/user/ktest-fuzz-boot.json runs only that test;
run() appends fuzzi_seed, fuzzi_calls, fuzzi_time=0 and fuzzi_classes to the
kernel command line, boots it, and reads the serial lines.  The test prints

    # fuzzi: seed S classes K calls N ms T calls/s R ... vectors V:C,... ...

when it ends, and a failure line ("# <file>:<line>: <what> ...; seed S,
call N ...") for anything wrong (a fault vector user code cannot raise, a
RIP outside user space, an invariant violation, a trusted thread that
stalled, a restart that failed).  The run fails on such a line, on a
kernel PANIC, on a power-off status other than 0, on QEMU dying, and on
a hang (no power-off before the timeout).  See docs/testing.md.
"""

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import TesseraError
from . import qemu

FUZZ_SPEC = Path("tests/kernel/user/ktest-fuzz-boot.json")
DEFAULT_CALLS = 1000000
DEFAULT_SEED = 1
DEFAULT_TIMEOUT = 3600.0
# Every class of fuzz_insn.h (FZI_CLASS_ALL): compat-mode transfers, FS/GS
# selector loads, the last user page, TCBConfigure of its own TCB, x87.
ALL_CLASSES = 31

_SUMMARY_RE = re.compile(r"# fuzzi: seed (\S+) classes (\d+) calls (\d+) ms (\d+) "
                         r"calls/s (\d+)")
_VECTORS_RE = re.compile(r" vectors ([\d:,]*) ")
_FAIL_RE = re.compile(r"^#? ?\S+:\d+: ")
_PROGRESS_RE = re.compile(r"# fuzzi: progress (\d+) calls")


@dataclass
class FuzzResult:
    seed: int
    calls_wanted: int
    ok: bool = False
    why: str = ""
    calls: int = 0
    ms: int = 0
    rate: int = 0
    vectors: dict = field(default_factory=dict)
    summary: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    tail: list = field(default_factory=list)
    progress: int = 0  # calls made at the last progress line


def spec_path(builddir):
    return Path(builddir) / FUZZ_SPEC


def parse_lines(lines, result):
    """Fill *result* from the serial *lines* (kernel lines keep a prefix)."""
    for raw in lines:
        line = raw.strip()
        p = _PROGRESS_RE.search(line)
        if p:
            result.progress = int(p.group(1))
        elif "# fuzzi:" in line:
            result.summary.append(line[line.index("# fuzzi:"):])
        m = _SUMMARY_RE.search(line)
        if m:
            result.calls, result.ms, result.rate = (int(m.group(3)), int(m.group(4)),
                                                    int(m.group(5)))
            v = _VECTORS_RE.search(line)
            if v and v.group(1):
                result.vectors = {int(a): int(b) for a, b in
                                  (x.split(":") for x in v.group(1).split(","))}
        if "test_fuzz_insn.c:" in line and _FAIL_RE.match(line):
            result.failures.append(line)
        if line.startswith("PANIC") or "PANIC:" in line:
            result.failures.append(line)
    return result


def command(spec, seed, calls, classes=ALL_CLASSES, extra_args=()):
    append = [f"fuzzi_seed={seed}", f"fuzzi_calls={calls}", "fuzzi_time=0",
              f"fuzzi_classes={classes}"]
    return qemu.qemu_command(spec, interactive=False, append=append,
                             extra_args=list(extra_args))


def run(builddir, seed=DEFAULT_SEED, calls=DEFAULT_CALLS, classes=ALL_CLASSES,
        timeout=DEFAULT_TIMEOUT, note=None, log=None):
    """Boot the fuzzer once; return a FuzzResult (ok or why not)."""
    path = spec_path(builddir)
    if not path.is_file():
        raise TesseraError(f"{path} does not exist (build first)")
    spec = qemu.load_boot_spec(path)
    qemu.find_qemu()
    cmd = command(spec, seed, calls, classes)
    result = FuzzResult(seed=seed, calls_wanted=calls)
    lines = []
    start = time.monotonic()
    deadline = start + timeout
    with qemu.BatchQemu(cmd) as q:
        while True:
            ev = q.next_event(deadline - time.monotonic())
            if ev is None:
                result.why = f"hang: no power-off within {timeout:g} s"
                break
            kind, text = ev
            if kind == q.EXIT:
                break
            if kind == q.SERIAL:
                lines.append(text)
                if log:
                    log.write(text + "\n")
                    log.flush()
        info = qemu.decode_exit(q.wait(), q.stderr_text()) if not result.why else None
        qemu_errors = q.stderr_text()
    parse_lines(lines, result)
    result.tail = lines[-20:]
    if not result.why:
        if info.kind != "kernel":
            result.why = f"QEMU: {info.describe()}" + (
                f" ({qemu_errors.strip().splitlines()[-1]})" if qemu_errors.strip() else "")
        elif info.status == qemu.STATUS_OK and not result.failures:
            result.ok = True
        elif any("PANIC" in f for f in result.failures):
            result.why = "kernel panic"
        elif result.failures:
            result.why = "the fuzzer found a problem"
        else:
            result.why = info.describe()
    if note and not result.calls:
        note(f"fuzz: no summary line after {time.monotonic() - start:.0f} s")
    return result


def format_result(r):
    out = [f"fuzz: seed {r.seed}: {'PASS' if r.ok else 'FAIL'}: {r.calls} of "
           f"{r.calls_wanted} calls in {r.ms / 1000:.1f} s ({r.rate} calls/s)"]
    if r.vectors:
        out.append("fuzz: faults by vector: " +
                   ", ".join(f"{v}:{c}" for v, c in sorted(r.vectors.items())))
    out += [f"  {s}" for s in r.summary]
    if not r.ok:
        out.append(f"fuzz: {r.why}")
        if not r.calls and r.progress:
            out.append(f"fuzz: the last progress line was at {r.progress} calls")
        out += [f"  {f}" for f in r.failures]
        if not r.failures:
            out += [f"  | {t}" for t in r.tail]
        out.append(f"fuzz: reproduce with: tools/tessera fuzz --seed {r.seed} "
                   f"--calls {r.calls_wanted}")
    return "\n".join(out)
