# SPDX-License-Identifier: MIT
"""The system manifest: load and check system.toml, pack the boot module.

load() reads a manifest with the standard tomllib, checks every key and
value and returns a Manifest; any mistake raises ManifestError with one
line that names the file, the line and the key, e.g.
``system.toml:12: compartment 'web': key 'quota': ...``.  tomllib keeps no
line numbers, so SourceLines finds them by scanning the text for the table
header and the key.  pack() writes the binary module the root task reads
back, with the layouts of libl4/spec/structs.toml (manifest_header,
manifest_server_record, manifest_compartment_record: the one definition,
which the C parser takes from <l4/structs_gen.h>).
seed_bytes() makes the entropy-seed module.  Keys and rules:
docs/manifest.md.
"""

import hashlib
import os
import re
import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from abigen_lib.pylayout import load_layouts

from . import TesseraError

# --- packed layout (libl4/spec/structs.toml) ------------------------------
SPEC_DIR = Path(__file__).resolve().parents[2] / "libl4" / "spec"
_LAYOUTS = load_layouts(SPEC_DIR)
HEADER = _LAYOUTS["manifest_header"]
SERVER = _LAYOUTS["manifest_server_record"]
COMPARTMENT = _LAYOUTS["manifest_compartment_record"]
_H, _S, _C = HEADER.constants, SERVER.constants, COMPARTMENT.constants

MAGIC = _H["magic"]
VERSION = _H["version"]
NO_STRING = _H["no_string"]
MAX_SERVERS = _H["max_servers"]
MAX_COMPARTMENTS = _H["max_compartments"]
MAX_SIZE = _H["max_size"]
NAME_MAX = _H["name_max"]
FLAG_MAIN = _C["flag_main"]

CONSOLES = {"none": _C["console_none"], "serial": _C["console_serial"],
            "host": _C["console_host"]}
ON_CRASH = {"stop": _C["crash_stop"], "restart": _C["crash_restart"]}

# --- rules ------------------------------------------------------------------
PAGE = _H["page_size"]
MIB = 1 << 20
SERVER_PRIO = (_S["prio_min"], _S["prio_max"])      # the root task runs at 255
COMPARTMENT_PRIO = (_C["prio_min"], _C["prio_max"])
ASIDS_TOTAL = _H["asids_total"]  # the kernel's ASIDs; root and each server take one
MAX_THREADS = _C["threads_max"]
MAX_RESTARTS = _C["restarts_max"]
# Memory the kernel, the boot modules and the root task use, and the first
# MiB, which holds no usable RAM: not available to servers or compartments.
KERNEL_RESERVE = 16 * MIB
MEMORY_RANGE = (64 * MIB, 64 << 30)
DEFAULT_MEMORY = 512 * MIB

SEED_SIZE = 32

NAME_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
SIZE_RE = re.compile(r"^\s*(\d+)\s*(KiB|MiB|GiB)?\s*$")
UNITS = {None: 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}

TABLES = ("machine", "server", "compartment")
MACHINE_KEYS = {"memory"}
SERVER_KEYS = {"name", "priority", "memory", "image"}
COMPARTMENT_KEYS = {"name", "main", "quota", "priority", "image", "initramfs",
                    "init", "console", "on_crash", "max_restarts",
                    "max_address_spaces", "max_threads"}


class ManifestError(TesseraError):
    """A manifest mistake: one line naming file, line and key."""


def fmt_size(n):
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return f"{n // div} {unit}"
    return f"{n} bytes"


class SourceLines:
    """Line numbers of tables and keys, found by scanning the TOML text.

    Good enough for the subset manifests use: [table] and [[array]]
    headers, and 'key = value' lines inside them (bare or quoted keys).
    A key that cannot be found (e.g. written as an inline table) is
    reported at its table's header line.
    """

    HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]\s]+)\s*\]\]?\s*(#.*)?$")
    KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")

    def __init__(self, text):
        self.sections = []        # (table, is_array, header_line, {key: line})
        current = (None, False, 1, {})
        self.sections.append(current)
        for number, line in enumerate(text.splitlines(), 1):
            m = self.HEADER.match(line)
            if m:
                current = (m.group(2), m.group(1) == "[[", number, {})
                self.sections.append(current)
                continue
            k = self.KEY.match(line)
            if k:
                key = k.group(1) or k.group(2) or k.group(3)
                current[3].setdefault(key, number)

    def _section(self, table, index):
        found = [s for s in self.sections if s[0] == table]
        if index is not None:
            found = [s for s in found if s[1]]
            return found[index] if index < len(found) else None
        return found[0] if found else None

    def line(self, table, index=None, key=None):
        """Line of *key* in *table* (its *index*-th [[table]] if given)."""
        s = self._section(table, index)
        if s is None:
            return 1
        if key is not None and key in s[3]:
            return s[3][key]
        return s[2]


@dataclass
class Server:
    name: str
    priority: int
    memory: int
    image: str = None


@dataclass
class Compartment:
    name: str
    quota: int
    image: str
    priority: int = 100
    main: bool = False
    initramfs: str = None
    init: str = None
    console: str = "serial"
    on_crash: str = "stop"
    max_restarts: int = 0
    max_address_spaces: int = 8
    max_threads: int = 64


@dataclass
class Manifest:
    path: Path
    memory: int = DEFAULT_MEMORY
    servers: list = field(default_factory=list)
    compartments: list = field(default_factory=list)

    @property
    def main(self):
        return next(i for i, c in enumerate(self.compartments) if c.main)

    def qemu_memory(self):
        """The value for QEMU's -m."""
        return f"{self.memory // MIB}M"


class _Checker:
    def __init__(self, path, display, text):
        self.path = Path(path)
        self.display = display
        self.lines = SourceLines(text)

    def error(self, table, index, key, where, message):
        line = self.lines.line(table, index, key)
        parts = [f"{self.display}:{line}:"]
        if where:
            parts.append(f" {where}:")
        if key is not None:
            parts.append(f" key '{key}':")
        raise ManifestError("".join(parts) + f" {message}")

    # value checks: each returns the value or raises
    def typed(self, ctx, table, key, value, kind, what):
        ok = isinstance(value, kind) and not (kind is int and
                                              isinstance(value, bool))
        if not ok:
            self.error(table, ctx[0], key, ctx[1],
                       f"must be {what}, not {type(value).__name__} "
                       f"{value!r}")
        return value

    def size(self, ctx, table, key, value):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.error(table, ctx[0], key, ctx[1],
                       "must be a size: bytes, or a string like '64MiB'")
        if isinstance(value, str):
            m = SIZE_RE.match(value)
            if not m:
                self.error(table, ctx[0], key, ctx[1],
                           f"bad size {value!r} (write e.g. '64MiB', "
                           "'512KiB', '1GiB')")
            value = int(m.group(1)) * UNITS[m.group(2)]
        if value % PAGE:
            self.error(table, ctx[0], key, ctx[1],
                       f"{value} bytes is not a multiple of 4 KiB")
        return value

    def in_range(self, ctx, table, key, value, lo, hi, what=""):
        self.typed(ctx, table, key, value, int, "an integer")
        if not lo <= value <= hi:
            self.error(table, ctx[0], key, ctx[1],
                       f"{value} out of range {lo}..{hi}{what}")
        return value

    def unknown_keys(self, ctx, table, data, known):
        for key in data:
            if key not in known:
                self.error(table, ctx[0], key, ctx[1],
                           "unknown key (known: " + ", ".join(sorted(known))
                           + ")")

    def name(self, ctx, table, data, seen):
        if not isinstance(data, dict):
            self.error(table, None, None, None,
                       f"'{table}' entries must be tables: [[{table}]]")
        if "name" not in data:
            self.error(table, ctx[0], None, f"{table} #{ctx[0] + 1}",
                       "no 'name' key")
        name = self.typed(ctx, table, "name", data["name"], str, "a string")
        where = f"{table} #{ctx[0] + 1}"
        if not NAME_RE.match(name) or len(name) > NAME_MAX:
            self.error(table, ctx[0], "name", where,
                       f"bad name {name!r} (1..{NAME_MAX} characters, "
                       "[a-z][a-z0-9_-]*)")
        if name in seen:
            self.error(table, ctx[0], "name", f"{table} '{name}'",
                       f"duplicate name (also {seen[name]})")
        seen[name] = f"{table} #{ctx[0] + 1}"
        return name

    def text(self, ctx, table, key, value, what="a string"):
        """A non-empty string without NUL (the module's strings end at one)."""
        self.typed(ctx, table, key, value, str, what)
        if not value or "\0" in value:
            self.error(table, ctx[0], key, ctx[1],
                       "must not be empty or hold a NUL character")
        return value

    def image(self, ctx, table, key, value, builddir):
        self.text(ctx, table, key, value, "a string (a file path)")
        if value.startswith("@build/") and builddir is None:
            self.error(table, ctx[0], key, ctx[1],
                       f"{value!r} names the build directory: give "
                       "--builddir")
        path = resolve_path(value, self.path.parent, builddir)
        if not path.is_file():
            self.error(table, ctx[0], key, ctx[1],
                       f"image file {value!r} not found ({path})")
        return value


def resolve_path(value, base, builddir):
    """A manifest path: '@build/...' is in the build directory, a relative
    path is relative to the manifest's directory."""
    if value.startswith("@build/"):
        return Path(builddir) / value[len("@build/"):]
    return Path(base) / value


def load(path, builddir=None, display=None):
    """Load and check the manifest at *path*; return a Manifest.

    *builddir* resolves '@build/' image paths; *display* is how the file is
    named in messages (default: *path* as given).
    """
    path = Path(path)
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ManifestError(f"{display}: cannot read: {e.strerror}") from e
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        where = f"{display}:{m.group(1)}:" if m else f"{display}:"
        raise ManifestError(f"{where} TOML syntax error: {e}") from e
    ck = _Checker(path, display, text)
    man = Manifest(path=path)

    for key, value in data.items():
        if key not in TABLES:
            line = ck.lines.line(key) if ck.lines._section(key, None) \
                else ck.lines.line(None, None, key)
            raise ManifestError(
                f"{display}:{line}: unknown table '{key}' (known: "
                + ", ".join(TABLES) + ")")

    machine = data.get("machine", {})
    ctx = (None, "machine")
    ck.typed(ctx, "machine", None, machine, dict, "a table")
    ck.unknown_keys(ctx, "machine", machine, MACHINE_KEYS)
    if "memory" in machine:
        man.memory = ck.size(ctx, "machine", "memory", machine["memory"])
        lo, hi = MEMORY_RANGE
        if not lo <= man.memory <= hi or man.memory % MIB:
            ck.error("machine", None, "memory", "machine",
                     f"{fmt_size(man.memory)} out of range {fmt_size(lo)}.."
                     f"{fmt_size(hi)}, or not whole MiB")

    seen = {}

    def entries(table, most):
        """The [[table]] array, refused if it is not one or is too long."""
        rows = data.get(table, [])
        if not isinstance(rows, list):
            ck.error(table, None, None, None,
                     f"'{table}' must be an array of tables: [[{table}]]")
        if len(rows) > most:
            ck.error(table, most, None, None, f"more than {most} {table}s")
        return rows

    def entry(table, i, row, keys, required):
        """Name, key and required-key checks of entry i; its context."""
        name = ck.name((i, f"{table} #{i + 1}"), table, row, seen)
        ctx = (i, f"{table} '{name}'")
        ck.unknown_keys(ctx, table, row, keys)
        for req in required:
            if req not in row:
                ck.error(table, i, None, ctx[1], f"no '{req}' key")
        return name, ctx

    servers = entries("server", MAX_SERVERS)
    for i, s in enumerate(servers):
        name, ctx = entry("server", i, s, SERVER_KEYS, ("priority", "memory"))
        srv = Server(name=name,
                     priority=ck.in_range(ctx, "server", "priority",
                                          s["priority"], *SERVER_PRIO,
                                          " (servers run above compartments)"),
                     memory=ck.size(ctx, "server", "memory", s["memory"]))
        if "image" in s:
            srv.image = ck.image(ctx, "server", "image", s["image"], builddir)
        man.servers.append(srv)

    comps = entries("compartment", MAX_COMPARTMENTS)
    if not comps:
        raise ManifestError(f"{display}:1: no [[compartment]]: a system "
                            "needs at least one (and one with main = true)")
    reserved = KERNEL_RESERVE + sum(s.memory for s in man.servers)
    if reserved > man.memory:
        ck.error("machine", None, "memory", "machine",
                 f"{fmt_size(man.memory)} is less than the kernel's "
                 f"{fmt_size(KERNEL_RESERVE)} and the servers' "
                 f"{fmt_size(reserved - KERNEL_RESERVE)}")
    left = man.memory - reserved
    spaces_left = ASIDS_TOTAL - 1 - len(man.servers)
    main_at = None
    for i, c in enumerate(comps):
        name, ctx = entry("compartment", i, c, COMPARTMENT_KEYS, ("quota", "image"))
        cmp = Compartment(name=name, quota=0, image="")
        t = "compartment"
        cmp.quota = ck.size(ctx, t, "quota", c["quota"])
        if cmp.quota == 0:
            ck.error(t, i, "quota", ctx[1], "quota is zero")
        if cmp.quota > man.memory:
            ck.error(t, i, "quota", ctx[1],
                     f"{fmt_size(cmp.quota)} is larger than the machine's "
                     f"RAM ({fmt_size(man.memory)}, [machine] memory)")
        if cmp.quota > left:
            ck.error(t, i, "quota", ctx[1],
                     f"{fmt_size(cmp.quota)} is more than what is left: "
                     f"{fmt_size(left)} of {fmt_size(man.memory)} after the "
                     f"kernel's {fmt_size(KERNEL_RESERVE)}, the servers' "
                     f"{fmt_size(reserved - KERNEL_RESERVE)} and the "
                     "compartments before it")
        left -= cmp.quota
        cmp.image = ck.image(ctx, t, "image", c["image"], builddir)
        if "initramfs" in c:
            cmp.initramfs = ck.image(ctx, t, "initramfs", c["initramfs"],
                                     builddir)
        if "init" in c:
            cmp.init = ck.text(ctx, t, "init", c["init"])
        if "priority" in c:
            cmp.priority = ck.in_range(
                ctx, t, "priority", c["priority"], *COMPARTMENT_PRIO,
                " (200..254 belong to servers, 255 to the root task)")
        if "main" in c:
            cmp.main = ck.typed(ctx, t, "main", c["main"], bool,
                                "true or false")
            if cmp.main:
                if main_at is not None:
                    ck.error(t, i, "main", ctx[1],
                             "a second main compartment (the first is "
                             f"'{man.compartments[main_at].name}')")
                main_at = i
        if "console" in c:
            cmp.console = ck.typed(ctx, t, "console", c["console"], str,
                                   "a string")
            if cmp.console not in CONSOLES:
                ck.error(t, i, "console", ctx[1],
                         f"unknown console {cmp.console!r} (known: "
                         + ", ".join(CONSOLES) + ")")
        if "on_crash" in c:
            cmp.on_crash = ck.typed(ctx, t, "on_crash", c["on_crash"], str,
                                    "a string")
            if cmp.on_crash not in ON_CRASH:
                ck.error(t, i, "on_crash", ctx[1],
                         f"unknown policy {cmp.on_crash!r} (known: "
                         + ", ".join(ON_CRASH) + ")")
        if cmp.on_crash == "restart":
            if "max_restarts" not in c:
                ck.error(t, i, "on_crash", ctx[1],
                         "'restart' needs max_restarts = N (1..100)")
            cmp.max_restarts = ck.in_range(ctx, t, "max_restarts",
                                           c["max_restarts"], 1, MAX_RESTARTS)
        elif "max_restarts" in c:
            ck.error(t, i, "max_restarts", ctx[1],
                     "only with on_crash = 'restart'")
        if "max_address_spaces" in c:
            cmp.max_address_spaces = ck.in_range(
                ctx, t, "max_address_spaces", c["max_address_spaces"], 1,
                ASIDS_TOTAL)
        if cmp.max_address_spaces > spaces_left:
            ck.error(t, i, "max_address_spaces", ctx[1],
                     f"{cmp.max_address_spaces} is more than the "
                     f"{spaces_left} address spaces left (the kernel has "
                     f"{ASIDS_TOTAL}; the root task, each server and the "
                     "compartments before it take theirs)")
        spaces_left -= cmp.max_address_spaces
        if "max_threads" in c:
            cmp.max_threads = ck.in_range(ctx, t, "max_threads",
                                          c["max_threads"], 1, MAX_THREADS)
        man.compartments.append(cmp)
    hosts = [c.name for c in man.compartments if c.console == "host"]
    if len(hosts) > 1:
        raise ManifestError(
            f"{display}: compartments {', '.join(repr(h) for h in hosts)}: "
            "console = 'host' for more than one (there is one host channel)")
    if main_at is None:
        raise ManifestError(
            f"{display}:{ck.lines.line('compartment', 0)}: no compartment "
            "has main = true (the main compartment's exit status becomes "
            "the machine's)")
    return man


def image_modules(man, builddir=None):
    """The boot modules the manifest's images become: (host path, module
    name) in manifest order, each file once. The root task finds an image
    by its file name (the module name), so two different files with one
    name are an error."""
    seen = {}
    out = []
    entries = [("server", s.name, s.image) for s in man.servers if s.image]
    entries += [("compartment", c.name, c.image) for c in man.compartments]
    entries += [("compartment", c.name, c.initramfs) for c in man.compartments
                if c.initramfs]
    for kind, name, value in entries:
        path = resolve_path(value, man.path.parent, builddir).resolve()
        mod = path.name
        if " " in mod or "," in mod:
            raise ManifestError(f"{man.path}: {kind} '{name}': image file "
                                f"name {mod!r} holds a space or a comma")
        if mod in seen:
            if seen[mod] != path:
                raise ManifestError(
                    f"{man.path}: {kind} '{name}': image {value!r} has the "
                    f"file name {mod!r} of another image ({seen[mod]}); the "
                    "root task finds images by file name")
            continue
        seen[mod] = path
        out.append((path, mod))
    return out


class _Strings:
    def __init__(self):
        self.data = bytearray()
        self.index = {}

    def add(self, s):
        if s is None:
            return NO_STRING
        if s not in self.index:
            self.index[s] = len(self.data)
            self.data += s.encode("utf-8") + b"\0"
        return self.index[s]


def pack(man):
    """The boot module for *man* (a checked Manifest), as bytes."""
    strings = _Strings()
    servers = HEADER.size
    comps = servers + SERVER.size * len(man.servers)
    strs = comps + COMPARTMENT.size * len(man.compartments)
    data = bytearray(strs)
    for i, s in enumerate(man.servers):
        SERVER.pack_into(data, servers + i * SERVER.size, {
            "name": strings.add(s.name),
            "image": strings.add(Path(s.image).name if s.image else None),
            "memory": s.memory,
            "priority": s.priority,
        })
    for i, c in enumerate(man.compartments):
        COMPARTMENT.pack_into(data, comps + i * COMPARTMENT.size, {
            "name": strings.add(c.name),
            "flags": FLAG_MAIN if c.main else 0,
            "quota": c.quota,
            "priority": c.priority,
            "console": CONSOLES[c.console],
            "on_crash": ON_CRASH[c.on_crash],
            "max_restarts": c.max_restarts,
            "max_spaces": c.max_address_spaces,
            "max_threads": c.max_threads,
            # The root task will find images as boot modules by file name.
            "image": strings.add(Path(c.image).name),
            "initramfs": strings.add(
                Path(c.initramfs).name if c.initramfs else None),
            "init": strings.add(c.init),
        })
    data += strings.data
    if len(data) > MAX_SIZE:
        raise ManifestError(f"{man.path}: packed manifest is {len(data)} "
                            f"bytes, more than {MAX_SIZE}")
    header = {
        "magic": MAGIC, "version": VERSION, "header_size": HEADER.size,
        "total_size": len(data), "memory": man.memory,
        "num_servers": len(man.servers),
        "num_compartments": len(man.compartments),
        "server_size": SERVER.size, "compartment_size": COMPARTMENT.size,
        "servers": servers, "compartments": comps, "strings": strs,
        "strings_size": len(strings.data), "main": man.main,
    }
    HEADER.pack_into(data, 0, header)
    header["checksum"] = checksum(data)
    HEADER.pack_into(data, 0, header)
    return bytes(data)


def checksum(data):
    """CRC-32 of *data* with the checksum field read as zero."""
    off = HEADER.offsets["checksum"]
    return zlib.crc32(bytes(data[off + 4:]),
                      zlib.crc32(bytes(data[:off]) + b"\0\0\0\0"))


def seed_bytes(seed=None):
    """The entropy-seed module: fresh random bytes, or with *seed* (any
    string) bytes derived from it, the same every run."""
    if seed is None:
        return os.urandom(SEED_SIZE)
    return hashlib.sha256(f"tessera-seed:{seed}".encode()).digest()[:SEED_SIZE]


def write_if_changed(path, data):
    """Write *data* to *path* unless it already holds exactly that."""
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.write_bytes(data)
