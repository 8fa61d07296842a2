# SPDX-License-Identifier: MIT
"""Build the initramfs of a Linux compartment: a cpio archive, "newc" format.

The guest kernel (paravirt-linux-shim) unpacks it into the compartment's
in-memory file system. What goes in:

- Debian's busybox-static as /bin/busybox, with /bin/sh and every applet
  that `busybox --list-full` names as a symbolic link to /bin/busybox at
  its usual place (/bin/ls, /usr/bin/awk, /sbin/init, ...);
- directories /dev, /proc, /sys, /tmp (mode 1777), /root, /etc, /home;
- the device nodes /dev/null, zero, full, random, urandom, tty and console
  with Linux's numbers (the shim may serve /dev itself; the nodes make the
  archive complete for any Linux-like loader);
- minimal /etc files: passwd, group, hostname, profile (PATH, PS1);
- then each `--add HOST:GUEST` in order: a host file or directory (copied
  with its subtree; symbolic links stay links) put at the absolute guest
  path GUEST, replacing whatever was there (a whole subtree, for a
  directory), with missing parent directories made.

The archive is reproducible: entries sorted by path, each parent before its
children, owner root, every time stamp SOURCE_DATE_EPOCH (default 0),
inode numbers counted from 1. Only the standard library is used.

Format (cpio(5), "new ASCII"): per entry a 110-byte header "070701" and 13
eight-digit hexadecimal fields (ino, mode, uid, gid, nlink, mtime,
filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check=0),
the NUL-terminated name without a leading '/', padding to a multiple of
4, the data (a symbolic link's data is its target), padding to 4; last an
entry named "TRAILER!!!"; the whole padded to 512 bytes.

As a command: python3 -m tessera_lib.initramfs (from tools/) --output FILE
[--busybox PATH] [--add HOST:GUEST ...] [--list].
"""

import argparse
import os
import stat
import subprocess
import sys
from pathlib import Path, PurePosixPath

try:
    from . import TesseraError
    from .deps import BUSYBOX_PATH, is_static_elf
except ImportError:  # run as a plain script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tessera_lib import TesseraError  # noqa: E402
    from tessera_lib.deps import BUSYBOX_PATH, is_static_elf  # noqa: E402

MAGIC = b"070701"
TRAILER = "TRAILER!!!"

#: Guest devices: path -> (major, minor, permission bits), as on Linux.
DEVICES = {
    "/dev/null": (1, 3, 0o666),
    "/dev/zero": (1, 5, 0o666),
    "/dev/full": (1, 7, 0o666),
    "/dev/random": (1, 8, 0o666),
    "/dev/urandom": (1, 9, 0o666),
    "/dev/tty": (5, 0, 0o666),
    "/dev/console": (5, 1, 0o600),
}

DIRECTORIES = {
    "/bin": 0o755, "/sbin": 0o755, "/usr": 0o755, "/usr/bin": 0o755,
    "/usr/sbin": 0o755, "/etc": 0o755, "/dev": 0o755, "/proc": 0o555,
    "/sys": 0o555, "/tmp": 0o1777, "/root": 0o700, "/home": 0o755,
}

ETC_FILES = {
    "/etc/passwd": "root:x:0:0:root:/root:/bin/sh\n"
                   "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
    "/etc/group": "root:x:0:\nnogroup:x:65534:\n",
    "/etc/hostname": "tessera\n",
    "/etc/profile": "export PATH=/bin:/sbin:/usr/bin:/usr/sbin\n"
                    "export HOME=/root\nPS1='\\w \\$ '\n",
}


class Entry:
    """One file system object: mode holds its type and permission bits."""

    __slots__ = ("mode", "data", "rdev")

    def __init__(self, mode, data=b"", rdev=(0, 0)):
        self.mode = mode
        self.data = data
        self.rdev = rdev


def directory(perm=0o755):
    return Entry(stat.S_IFDIR | perm)


def regular(data, perm=0o644):
    return Entry(stat.S_IFREG | perm, data)


def symlink(target):
    return Entry(stat.S_IFLNK | 0o777, target.encode())


def chardev(major, minor, perm):
    return Entry(stat.S_IFCHR | perm, rdev=(major, minor))


def guest_path(text, what="guest path"):
    """Checks and normalises an absolute guest path; '/' is refused."""
    if not text:
        raise TesseraError(f"{what} is empty")
    if "\0" in text:
        raise TesseraError(f"{what} {text!r} contains a NUL byte")
    if not text.startswith("/"):
        raise TesseraError(f"{what} {text!r} must be absolute (start with '/')")
    parts = PurePosixPath(text).parts[1:]
    if any(p in (".", "..") for p in text.split("/")):
        raise TesseraError(f"{what} {text!r} must not contain '.' or '..'")
    if not parts:
        raise TesseraError(f"{what} {text!r} names the root; add files or "
                           "directories below it")
    return "/" + "/".join(parts)


def parse_add(spec):
    """Splits an --add HOST:GUEST spec at its last ':' and checks both halves.

    Returns (host Path, guest path). The host path must exist and be a
    regular file, a directory or a symbolic link; the guest path must be
    absolute, not '/', without '.' or '..' parts (so it cannot contain a
    ':' either).
    """
    if ":" not in spec:
        raise TesseraError(f"--add {spec!r}: expected HOST:GUEST, e.g. "
                           "--add ./prog:/bin/prog")
    host, guest = spec.rsplit(":", 1)
    if not host:
        raise TesseraError(f"--add {spec!r}: the host path is empty")
    guest = guest_path(guest, f"--add {spec!r}: guest path")
    hp = Path(host)
    try:
        st = hp.lstat()
    except FileNotFoundError:
        raise TesseraError(f"--add {spec!r}: {host} does not exist") from None
    except OSError as e:
        raise TesseraError(f"--add {spec!r}: {host}: {e.strerror}") from None
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)
            or stat.S_ISLNK(st.st_mode)):
        raise TesseraError(f"--add {spec!r}: {host} is neither a file nor a "
                           "directory")
    return hp, guest


class Tree:
    """The guest file system being built: absolute path -> Entry."""

    def __init__(self):
        self.entries = {"/": directory(0o755)}

    def _parents(self, path):
        parent = str(PurePosixPath(path).parent)
        chain = []
        while parent not in self.entries:
            chain.append(parent)
            parent = str(PurePosixPath(parent).parent)
        if not stat.S_ISDIR(self.entries[parent].mode):
            raise TesseraError(f"cannot put {path}: {parent} is not a "
                               "directory in the guest")
        for p in reversed(chain):
            self.entries[p] = directory()

    def remove(self, path):
        """Removes path and, for a directory, everything below it."""
        self.entries.pop(path, None)
        prefix = path + "/"
        for p in [p for p in self.entries if p.startswith(prefix)]:
            del self.entries[p]

    def put(self, path, entry):
        """Puts entry at path, replacing what is there; makes parents."""
        path = guest_path(path)
        self._parents(path)
        self.remove(path)
        self.entries[path] = entry

    def add_host(self, host, guest, top=False):
        """Copies a host file, link or directory (recursively) to guest.
        The path named on the command line (top) is followed if it is a
        link, as `cp -H` does (/etc/os-release is a link to its file);
        links inside a directory stay links."""
        if top and host.is_symlink():
            target = host.resolve()
            if not target.exists():
                raise TesseraError(f"--add {host}: a link to {target}, which "
                                   "does not exist")
            host = target
        st = host.lstat()
        if stat.S_ISLNK(st.st_mode):
            self.put(guest, symlink(os.readlink(host)))
        elif stat.S_ISREG(st.st_mode):
            self.put(guest, regular(host.read_bytes(), stat.S_IMODE(st.st_mode)))
        elif stat.S_ISDIR(st.st_mode):
            self.put(guest, directory(stat.S_IMODE(st.st_mode)))
            for child in sorted(host.iterdir()):
                self.add_host(child, guest + "/" + child.name)
        else:
            raise TesseraError(f"{host}: cannot add a "
                               f"{stat.filemode(st.st_mode)[0]!r} file "
                               "(only files, directories and links)")

    def archive(self, mtime=0):
        """The cpio newc bytes of the tree."""
        out = bytearray()
        ino = 0
        for path in sorted(self.entries, key=lambda p: PurePosixPath(p).parts):
            e = self.entries[path]
            ino += 1
            name = "." if path == "/" else path[1:]
            nlink = 2 if stat.S_ISDIR(e.mode) else 1
            out += _record(name, ino, e.mode, nlink, mtime, e.data, e.rdev)
        out += _record(TRAILER, 0, 0, 1, 0, b"", (0, 0))
        out += b"\0" * (-len(out) % 512)
        return bytes(out)


def _pad4(n):
    return b"\0" * (-n % 4)


def _record(name, ino, mode, nlink, mtime, data, rdev):
    encoded = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, nlink, mtime, len(data), 0, 0, rdev[0],
              rdev[1], len(encoded), 0)
    header = MAGIC + b"".join(b"%08X" % f for f in fields)
    return (header + encoded + _pad4(len(header) + len(encoded)) + data
            + _pad4(len(data)))


def busybox_applets(busybox):
    """Paths (absolute) of busybox's applets, from --list-full or --list."""
    for flag, prefix in (("--list-full", "/"), ("--list", "/bin/")):
        try:
            res = subprocess.run([str(busybox), flag], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, check=False)
        except OSError as e:
            raise TesseraError(f"cannot run {busybox}: {e.strerror}") from e
        lines = res.stdout.decode(errors="replace").split()
        if res.returncode == 0 and lines:
            return sorted({prefix + line.lstrip("/") for line in lines})
    raise TesseraError(f"{busybox} lists no applets (--list-full, --list)")


def base_tree(busybox=BUSYBOX_PATH):
    """The tree every compartment starts from: busybox, /dev, /etc, ..."""
    bb = Path(busybox)
    if not bb.is_file():
        raise TesseraError(f"{busybox} not found; install busybox-static")
    if not is_static_elf(bb):
        raise TesseraError(f"{busybox} is not a static ELF executable; "
                           "install Debian's busybox-static")
    tree = Tree()
    for path, perm in DIRECTORIES.items():
        tree.put(path, directory(perm))
    tree.put("/bin/busybox", regular(bb.read_bytes(), 0o755))
    for applet in busybox_applets(bb):
        if applet in ("/bin/busybox", "/busybox"):
            continue
        tree.put(applet, symlink("/bin/busybox"))
    tree.put("/bin/sh", symlink("/bin/busybox"))
    for path, (major, minor, perm) in DEVICES.items():
        tree.put(path, chardev(major, minor, perm))
    for path, text in ETC_FILES.items():
        tree.put(path, regular(text.encode()))
    return tree


def build(adds=(), busybox=BUSYBOX_PATH, mtime=None):
    """Returns the archive bytes: the base tree, then each --add spec."""
    if mtime is None:
        mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    parsed = [parse_add(spec) for spec in adds]  # every spec checked first
    tree = base_tree(busybox)
    for host, guest in parsed:
        tree.add_host(host, guest, top=True)
    return tree.archive(mtime)


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="initramfs", description="Build a compartment's initramfs "
        "(cpio newc) from busybox-static and --add HOST:GUEST entries.")
    ap.add_argument("--output", "-o", required=True, type=Path)
    ap.add_argument("--busybox", default=BUSYBOX_PATH)
    ap.add_argument("--add", action="append", default=[], metavar="HOST:GUEST",
                    help="put a host file or directory at GUEST (repeatable; "
                    "later ones win)")
    args = ap.parse_args(argv)
    try:
        data = build(args.add, args.busybox)
        tmp = args.output.with_name(args.output.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(args.output)
    except TesseraError as e:
        print(f"initramfs: {e}", file=sys.stderr)
        return e.exit_status
    except OSError as e:
        print(f"initramfs: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
