# SPDX-License-Identifier: MIT
"""tools/tessera run -- PROG [ARGS...]: one static Linux program in a
compartment, like `docker run`.

The program (a host path) must be a static x86-64 ELF; it is copied into
an initramfs with Debian's busybox (tools/tessera_lib/initramfs.py) at
/usr/local/bin/NAME, with its arguments in /.tessera-argv (NUL-separated:
any bytes survive), plus every `--add HOST:GUEST`. A manifest with the
three servers and one compartment, `console = "host"`, whose init is
"@/.tessera-argv", is packed and booted.

The channels (docs/servers/console.md, "The host channel"): COM1 carries
the boot log and the servers' lines, shown only with --verbose (on
stderr); COM2 carries the program's standard output and error as frames
(a stream byte 1 or 2, a length byte, the bytes), and takes its standard
input as frames (type 0 and a length: data; type 1, length 0: end of
input). QEMU connects both to Unix sockets this tool listens on. The exit
status is the compartment's, which the root task powers off with (128 + N
for a signal, as the shell reports it).
"""

import os
import selectors
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import TesseraError
from . import initramfs
from . import manifest
from . import qemu

GUEST_DIR = "/usr/local/bin"
ARGV_FILE = "/.tessera-argv"

MANIFEST = """\
[machine]
memory = "512MiB"

[[server]]
name = "irq"
priority = 252
memory = "1MiB"
image = "@build/servers/irq/irq.elf"

[[server]]
name = "console"
priority = 251
memory = "1MiB"
image = "@build/servers/console/console.elf"

[[server]]
name = "mem"
priority = 250
memory = "16MiB"
image = "@build/servers/mem/mem.elf"

[[compartment]]
name = "run"
main = true
quota = "128MiB"
priority = 90
image = "@build/paravirt-linux-shim/paravirt-linux-shim.elf"
initramfs = "{initramfs}"
init = "@{argv}"
console = "host"
max_address_spaces = 254
max_threads = 256
"""


def check_program(path):
    """Refuse what is not a static x86-64 ELF executable, clearly."""
    p = Path(path)
    if not p.is_file():
        raise TesseraError(f"{path}: no such file")
    with open(p, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF":
            raise TesseraError(f"{path}: not an ELF executable (Tessera runs static "
                               "x86-64 Linux programs)")
        if head[4] != 2 or head[5] != 1:
            raise TesseraError(f"{path}: not a 64-bit little-endian ELF file")
        etype, machine = struct.unpack_from("<HH", head, 16)
        if machine != 62:
            raise TesseraError(f"{path}: not an x86-64 program (ELF machine {machine})")
        if etype not in (2, 3):
            raise TesseraError(f"{path}: not an executable (ELF type {etype})")
        phoff, = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        f.seek(phoff)
        for _ in range(phnum):
            ph = f.read(phentsize)
            if len(ph) < 4:
                raise TesseraError(f"{path}: truncated program headers")
            if struct.unpack_from("<I", ph, 0)[0] == 3:  # PT_INTERP
                raise TesseraError(f"{path}: a dynamically linked program; Tessera "
                                   "runs static ones (musl-gcc -static, gcc -static)")


def _listen(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.listen(1)
    return s


def run(spec, srcdir, builddir, program, args, adds=(), verbose=False, timeout=None,
        cpu=qemu.DEFAULT_CPU, qemu_args=(), sink=None, stdin=True, on_start=None):
    """Boot PROG; relay its output and input; return its exit status.

    cpu, qemu_args: QEMU's -cpu and arguments added after the standard ones
    (e.g. -icount). sink: a function sink(channel, data) that gets COM1's
    bytes (channel "log") and the program's output (channel 1 or 2)
    instead of our stderr and stdout. stdin: False gives the program an
    empty standard input. on_start: called once QEMU has started. timeout:
    seconds until QEMU is stopped and TesseraError (status 124) raised.
    """
    check_program(program)
    name = Path(program).name
    guest = f"{GUEST_DIR}/{name}"
    with tempfile.TemporaryDirectory(prefix="tessera-run-") as tmp:
        tmp = Path(tmp)
        argv_file = tmp / "argv"
        argv_file.write_bytes(b"".join(os.fsencode(a) + b"\0" for a in [guest] + list(args)))
        cpio = tmp / "run.cpio"
        spec_adds = [f"{program}:{guest}", f"{argv_file}:{ARGV_FILE}"] + list(adds)
        cmd = ["--output", str(cpio)]
        for a in spec_adds:
            cmd += ["--add", a]
        if initramfs.main(cmd) != 0:
            raise TesseraError("cannot build the initramfs")
        mtext = MANIFEST.format(initramfs=cpio, argv=ARGV_FILE)
        mpath = tmp / "run.toml"
        mpath.write_text(mtext)
        man = manifest.load(mpath, builddir=builddir)
        mbin = tmp / "manifest.bin"
        mbin.write_bytes(manifest.pack(man))
        mods = [m for m in spec.modules if m.cmdline == "root"]
        mods.append(qemu.Module(str(mbin), "manifest"))
        mods += [m for m in spec.modules if m.cmdline == "seed"]
        mods += [qemu.Module(str(p), n) for p, n in manifest.image_modules(man, builddir)]
        log_sock, host_sock = _listen(tmp / "com1"), _listen(tmp / "com2")
        cmd = qemu.qemu_command(spec, interactive=False, modules=mods, memory="1024M",
                                cpu=cpu, extra_args=qemu_args)
        # both serial ports on our sockets (replacing -serial stdio)
        i = cmd.index("-serial")
        del cmd[i:i + 2]
        cmd += ["-chardev", f"socket,id=c1,path={tmp / 'com1'}",
                "-chardev", f"socket,id=c2,path={tmp / 'com2'}",
                "-serial", "chardev:c1", "-serial", "chardev:c2"]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        if on_start:
            on_start()
        log_sock.settimeout(30)
        host_sock.settimeout(30)
        try:
            c1, _ = log_sock.accept()
            c2, _ = host_sock.accept()
        except OSError as e:
            proc.kill()
            raise TesseraError(f"QEMU did not connect its serial ports: {e}") from e
        return _relay(proc, c1, c2, verbose, timeout, sink, stdin)


def _default_sink(verbose):
    out = {1: sys.stdout.buffer, 2: sys.stderr.buffer}

    def sink(channel, data):
        if channel == "log" and not verbose:
            return
        target = sys.stderr.buffer if channel == "log" else out.get(channel, sys.stderr.buffer)
        target.write(data)
        target.flush()
    return sink


def _relay(proc, c1, c2, verbose, timeout, sink=None, stdin=True):
    sink = sink or _default_sink(verbose)
    deadline = None if timeout is None else time.monotonic() + timeout
    sel = selectors.DefaultSelector()
    sel.register(c1, selectors.EVENT_READ, "log")
    sel.register(c2, selectors.EVENT_READ, "host")
    stdin_fd = sys.stdin.fileno() if sys.stdin and stdin else None
    stdin_open = stdin_fd is not None
    if stdin_open:
        try:
            sel.register(stdin_fd, selectors.EVENT_READ, "stdin")
        except (ValueError, PermissionError, OSError):
            # not selectable (a regular file): send it all now
            data = sys.stdin.buffer.read()
            _send_input(c2, data)
            c2.sendall(b"\x01\x00")
            stdin_open = False
    else:
        c2.sendall(b"\x01\x00")
    buf = b""
    log_tail = []
    while True:
        if deadline is not None and time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise TesseraError(f"the program did not end within {timeout:g} s", 124)
        events = sel.select(timeout=0.5)
        for key, _ in events:
            if key.data == "stdin":
                data = os.read(stdin_fd, 4096)
                if data:
                    _send_input(c2, data)
                else:
                    c2.sendall(b"\x01\x00")
                    sel.unregister(stdin_fd)
                continue
            sock = key.fileobj
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                sel.unregister(sock)
                continue
            if key.data == "log":
                sink("log", data)
                log_tail.append(data)
                log_tail = log_tail[-256:]
            else:
                buf += data
                while len(buf) >= 2 and len(buf) >= 2 + buf[1]:
                    stream, n = buf[0], buf[1]
                    chunk, buf = buf[2:2 + n], buf[2 + n:]
                    try:
                        sink(stream, chunk)
                    except BrokenPipeError:
                        # the reader went away (`| head`): as a program
                        # in a shell pipeline, end with SIGPIPE's status
                        proc.kill()
                        proc.wait()
                        devnull = os.open(os.devnull, os.O_WRONLY)
                        for f in (sys.stdout, sys.stderr):
                            try:
                                os.dup2(devnull, f.fileno())
                            except (OSError, ValueError):
                                pass
                        return 128 + 13
        if proc.poll() is not None and not events:
            break
    info = qemu.decode_exit(proc.returncode, proc.stderr.read().decode(errors="replace"))
    if info.kind == "kernel":
        # QEMU's exit code keeps 7 bits of the status (it exits with
        # status * 2 + 1): 128 + N for a signal needs the root task's own
        # line on COM1, which names the whole status
        import re
        text = b"".join(log_tail).decode(errors="replace")
        m = re.findall(r"power-off with status (\d+) \(main compartment", text)
        if m and int(m[-1]) & 0x7f == info.status:
            return int(m[-1])
        return info.status
    sys.stderr.write("".join(d.decode(errors="replace") for d in log_tail)[-2000:])
    raise TesseraError(f"the system did not finish: {info.describe()}")


def _send_input(sock, data):
    for i in range(0, len(data), 255):
        chunk = data[i:i + 255]
        sock.sendall(bytes([0, len(chunk)]) + chunk)
