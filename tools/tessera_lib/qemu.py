# SPDX-License-Identifier: MIT
"""Boot specs, QEMU command lines and exit-status decoding for Tessera.

The build writes JSON "boot specs" that name a kernel image, its symbol
file, the kernel command line and the multiboot modules.  This module loads
them, turns them into a qemu-system-x86_64 command line (interactive, for a
person at a terminal, or batch, with the serial console on a pipe), decodes
the exit status QEMU returns after the kernel powers off through the
isa-debug-exit device, and provides BatchQemu, a small wrapper that runs
QEMU with its output read line by line under a deadline.  tools/tessera and
the test runners under tests/ all use it, so the protocol lives in one place.
"""

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import TesseraError

QEMU = "qemu-system-x86_64"

# Where the build writes its boot specs, relative to the build directory.
BOOT_SPEC = Path("boot/boot.json")
KTEST_SPEC = Path("tests/kernel/ktest-boot.json")

# isa-debug-exit: a write of S to this port makes QEMU exit with (S << 1) | 1.
DEBUG_EXIT_IOBASE = 0xF4
DEBUG_EXIT_DEVICE = f"isa-debug-exit,iobase={DEBUG_EXIT_IOBASE:#x},iosize=0x04"

DEFAULT_CPU = "max"
DEFAULT_MEMORY = "512M"

# Kernel power-off statuses.
STATUS_OK = 0            # normal power-off; for the test kernel: all passed
STATUS_TEST_FAILED = 1   # the test kernel ran and some test failed
STATUS_PANIC = 2         # kernel panic
STATUS_BOOT_ERROR = 3    # boot refused: bad input (CPU, modules, memory)

STATUS_NAMES = {
    STATUS_OK: "ok",
    STATUS_TEST_FAILED: "test failed",
    STATUS_PANIC: "kernel panic",
    STATUS_BOOT_ERROR: "boot error",
}

# Serial console markers printed by the kernel.
PANIC_MARKER = "PANIC:"
BOOT_ERROR_MARKER = "tessera: boot error:"
BOOT_COMPLETE_MARKER = "tessera: boot complete"
BANNER_PREFIX = "Tessera "


class BootSpecError(TesseraError):
    """A boot spec is missing or malformed."""


@dataclass(frozen=True)
class Module:
    """One multiboot module: a file and its command line."""
    path: str
    cmdline: str = ""


@dataclass(frozen=True)
class BootSpec:
    """A bootable image as described by a boot spec JSON file."""
    kernel: str
    elf: str
    cmdline: str = ""
    modules: tuple = ()
    source: str = ""
    memory: str = ""     # QEMU's -m from the manifest; "" for the default

    def with_cmdline(self, *words):
        """Return the kernel command line with *words* appended."""
        return " ".join(w for w in (self.cmdline, *words) if w).strip()


# Older build trees wrote the system's boot spec at the top of the build
# directory; it is still found there.
_BOOT_SPEC_FALLBACK = Path("boot.json")


def boot_spec_path(builddir, kind="boot"):
    """Path of the boot spec of *kind* ('boot' or 'ktest') in *builddir*."""
    builddir = Path(builddir)
    path = builddir / {"boot": BOOT_SPEC, "ktest": KTEST_SPEC}[kind]
    if kind == "boot" and not path.exists() and \
            (builddir / _BOOT_SPEC_FALLBACK).exists():
        return builddir / _BOOT_SPEC_FALLBACK
    return path


def load_boot_spec(path, check_files=True):
    """Load and validate a boot spec; raise BootSpecError on problems.

    With *check_files*, the kernel and every module must exist.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError as e:
        raise BootSpecError(f"boot spec {path} not found "
                            "(was the project built?)") from e
    except (OSError, ValueError) as e:
        raise BootSpecError(f"cannot read boot spec {path}: {e}") from e

    def need_str(obj, key, where, required=True):
        value = obj.get(key, None if required else "")
        if not isinstance(value, str) or (required and not value):
            raise BootSpecError(
                f"boot spec {path}: {where}'{key}' must be a "
                f"{'non-empty ' if required else ''}string")
        return value

    if not isinstance(data, dict):
        raise BootSpecError(f"boot spec {path}: top level must be an object")
    kernel = need_str(data, "kernel", "")
    elf = need_str(data, "elf", "", required=False)
    cmdline = need_str(data, "cmdline", "", required=False)
    memory = need_str(data, "memory", "", required=False)
    raw_modules = data.get("modules", [])
    if not isinstance(raw_modules, list):
        raise BootSpecError(f"boot spec {path}: 'modules' must be a list")
    modules = []
    for i, m in enumerate(raw_modules):
        if not isinstance(m, dict):
            raise BootSpecError(
                f"boot spec {path}: modules[{i}] must be an object")
        modules.append(Module(need_str(m, "path", f"modules[{i}]."),
                              need_str(m, "cmdline", f"modules[{i}].",
                                       required=False)))
    spec = BootSpec(kernel=kernel, elf=elf, cmdline=cmdline,
                    modules=tuple(modules), source=str(path),
                    memory=memory)
    if check_files:
        for f in [kernel] + [m.path for m in modules]:
            if not os.path.isfile(f):
                raise BootSpecError(
                    f"boot spec {path}: file {f} does not exist "
                    "(was the project built?)")
    return spec


def initrd_arg(modules):
    """The -initrd value for *modules*: "path cmdline" entries joined by ','.

    QEMU's multiboot loader splits the list at ',' (a literal comma is
    written ',,') and passes each whole entry as that module's command line,
    so a path must not contain a space.
    """
    entries = []
    for m in modules:
        if " " in m.path:
            raise TesseraError(
                f"module path {m.path!r} contains a space, which QEMU's "
                "multiboot loader cannot handle")
        entry = f"{m.path} {m.cmdline}" if m.cmdline else m.path
        entries.append(entry.replace(",", ",,"))
    return ",".join(entries)


def with_seed(spec, path, data):
    """*spec* with its 'seed' module's bytes replaced: *data* is written to
    *path*, which the module then names. A spec without a seed module is
    returned as it is."""
    modules = list(spec.modules)
    for i, m in enumerate(modules):
        if m.cmdline.split(" ")[0] == "seed":
            Path(path).write_bytes(data)
            modules[i] = Module(str(Path(path).absolute()), m.cmdline)
            return replace(spec, modules=tuple(modules))
    return spec


def find_qemu():
    """Return the path of qemu-system-x86_64 or raise TesseraError."""
    path = shutil.which(QEMU)
    if path is None:
        raise TesseraError(f"{QEMU} not found; install the qemu-system-x86 "
                           "package")
    return path


def qemu_command(spec, *, interactive, append=(), extra_args=(),
                 cpu=DEFAULT_CPU, memory=None, modules=None,
                 gdb_port=None, halt=False, qemu=None):
    """Build the QEMU argument list for booting *spec*.

    interactive: serial and monitor multiplexed on the terminal
        (-serial mon:stdio: Ctrl-A X quits, Ctrl-A C switches to the
        monitor); otherwise the serial console alone on stdout
        (-serial stdio -monitor none), for reading from a pipe.
    append: extra words for the kernel command line.
    cpu, memory: values for -cpu and -m (memory: default the spec's
        "memory", from the manifest, else DEFAULT_MEMORY).
    modules: overrides spec.modules (an empty sequence omits -initrd).
    gdb_port: open a gdb stub on this TCP port; halt: start stopped (-S).
    """
    if modules is None:
        modules = spec.modules
    if memory is None:
        memory = spec.memory or DEFAULT_MEMORY
    cmd = [qemu or QEMU,
           "-accel", "tcg",
           "-machine", "q35",
           "-cpu", cpu,
           "-m", memory,
           "-kernel", spec.kernel,
           "-append", spec.with_cmdline(*append)]
    if modules:
        cmd += ["-initrd", initrd_arg(modules)]
    cmd += ["-display", "none",
            "-no-reboot",
            "-device", DEBUG_EXIT_DEVICE]
    if interactive:
        cmd += ["-serial", "mon:stdio"]
    else:
        cmd += ["-serial", "stdio", "-monitor", "none"]
    if gdb_port is not None:
        cmd += ["-gdb", f"tcp::{gdb_port}"]
    if halt:
        cmd += ["-S"]
    cmd += list(extra_args)
    return cmd


def qemu_error_lines(stderr_text):
    """Lines of QEMU's stderr that look like errors (not warnings)."""
    out = []
    for line in stderr_text.splitlines():
        line = line.strip()
        if not line or "warning:" in line or "terminating on signal" in line:
            continue
        out.append(line)
    return out


@dataclass
class ExitInfo:
    """How a QEMU run ended.

    kind is one of:
      'kernel'  - the kernel powered off through isa-debug-exit; see status
      'reset'   - QEMU exited 0: the user quit it (Ctrl-A X) or the guest
                  reset (e.g. a triple fault) and -no-reboot stopped it
      'error'   - QEMU itself failed (bad option, missing file, ...)
      'signal'  - QEMU was killed by signal -rc
    """
    rc: int
    kind: str
    status: int = None
    errors: list = field(default_factory=list)

    def describe(self):
        if self.kind == "kernel":
            name = STATUS_NAMES.get(self.status)
            return (f"kernel powered off with status {self.status}"
                    + (f" ({name})" if name else ""))
        if self.kind == "reset":
            return ("QEMU exited without a kernel power-off "
                    "(guest reset/triple fault, or QEMU was quit)")
        if self.kind == "signal":
            return f"QEMU was killed by signal {-self.rc}"
        detail = f": {self.errors[0]}" if self.errors else ""
        return f"QEMU failed (exit {self.rc}){detail}"


def decode_exit(rc, stderr_text=""):
    """Decode QEMU's exit status *rc* (see ExitInfo).

    An odd rc means the kernel wrote status (rc - 1) // 2 to isa-debug-exit.
    QEMU also exits 1 when it fails to start, which collides with kernel
    status 0; *stderr_text* (QEMU's stderr) disambiguates: an error message
    there means QEMU failed.
    """
    errors = qemu_error_lines(stderr_text)
    if rc < 0:
        return ExitInfo(rc, "signal")
    if rc == 0:
        return ExitInfo(rc, "reset")
    if rc % 2 == 1 and not (rc == 1 and errors):
        return ExitInfo(rc, "kernel", status=(rc - 1) // 2)
    return ExitInfo(rc, "error", errors=errors)


class BatchQemu:
    """QEMU running non-interactively, its output read line by line.

    Serial output (QEMU's stdout) and QEMU's stderr are read by two threads
    into one queue, so next_event() can wait with a timeout even when the
    guest prints nothing.  Use as a context manager: QEMU is always killed
    on exit.
    """

    SERIAL = "serial"
    STDERR = "stderr"
    EXIT = "exit"       # both pipes closed: QEMU has exited (or is exiting)

    def __init__(self, cmd):
        self.cmd = list(cmd)
        self.stderr_lines = []
        self._queue = queue.Queue()
        self._open = 2
        try:
            self.proc = subprocess.Popen(
                self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE)
        except FileNotFoundError as e:
            raise TesseraError(f"{self.cmd[0]} not found") from e
        except OSError as e:
            raise TesseraError(f"cannot start {self.cmd[0]}: {e}") from e
        self._threads = []
        for pipe, kind in ((self.proc.stdout, self.SERIAL),
                           (self.proc.stderr, self.STDERR)):
            t = threading.Thread(target=self._reader, args=(pipe, kind),
                                 daemon=True)
            t.start()
            self._threads.append(t)

    def _reader(self, pipe, kind):
        try:
            for raw in iter(pipe.readline, b""):
                text = raw.decode("utf-8", errors="replace")
                text = text.rstrip("\r\n").replace("\r", "")
                if kind == self.STDERR:
                    self.stderr_lines.append(text)
                self._queue.put((kind, text))
        except (OSError, ValueError):
            pass
        finally:
            self._queue.put((None, kind))

    def next_event(self, timeout):
        """Return (kind, text), or None if nothing arrived within *timeout*.

        kind is SERIAL or STDERR with one line of text, or EXIT (text None)
        once QEMU has closed both pipes; EXIT is returned only once.
        """
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            remaining = deadline - time.monotonic()
            try:
                kind, text = self._queue.get(timeout=max(0.0, remaining))
            except queue.Empty:
                return None
            if kind is not None:
                return kind, text
            self._open -= 1
            if self._open == 0:
                return self.EXIT, None

    def serial_lines(self, deadline):
        """Yield each serial line until QEMU exits or time.monotonic()
        passes *deadline*; self.timed_out then says which it was."""
        self.timed_out = False
        while True:
            ev = self.next_event(deadline - time.monotonic())
            if ev is None:
                self.timed_out = True
                return
            kind, text = ev
            if kind == self.EXIT:
                return
            if kind == self.SERIAL:
                yield text

    def kill(self):
        """Kill QEMU if it is still running and reap it."""
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def wait(self, timeout=10):
        """Wait for QEMU to exit; return its exit status (kill on timeout)."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.proc.returncode

    def stderr_text(self):
        return "\n".join(self.stderr_lines)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        for t, pipe in zip(self._threads,
                           (self.proc.stdout, self.proc.stderr)):
            t.join(timeout=2)
            if not t.is_alive():
                pipe.close()
        return False
