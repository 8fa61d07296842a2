# SPDX-License-Identifier: MIT
"""The [[struct]] layouts for Python build tools: pack binary data from the spec.

A tool that packs or reads a structure the C code shares (a start-info
page, a manifest, a protocol's shared page) imports this module from the
source tree instead of repeating offsets:

    sys.path.insert(0, str(Path(__file__).resolve().parent))   # tools/
    from abigen_lib.pylayout import load_layouts
    layouts = load_layouts("libl4/spec")           # checks the whole spec
    si = layouts["start_info"]                     # protocol structs: "console.ring"
    page = si.pack({"magic": si.constants["magic"], "argc": 1,
                    "caps": [{"name": b"debug_console", "slot": 8, "type": 17}]})
    assert len(page) == si.size
    si.unpack(page)["caps"][0]["slot"]             # -> 8

Layout gives name, c_name, size, align, constants (name -> value), fields
(Field: name, type, count, offset, size, layout of a nested struct),
offsets (name -> offset) and format, a little-endian `struct` format string
with exactly the C layout (struct.calcsize(format) == size: there is no
hidden padding). pack() takes a dict of field values (missing fields and
array elements are zero; char arrays take bytes or str, NUL-padded and
refused if they do not fit; nested structs take dicts, arrays lists) and
refuses unknown fields and out-of-range values with ValueError; unpack()
returns the same shape (char arrays as bytes up to the first NUL).
"""

import struct as _struct
from dataclasses import dataclass, field
from pathlib import Path

from .spec import load_spec
from .spec_struct import STRUCT_SCALARS


@dataclass
class Field:
    name: str
    type: str  # scalar type or struct name (element type of an array)
    count: int  # array length, or None
    offset: int
    size: int
    layout: "Layout" = None  # nested struct


@dataclass
class Layout:
    name: str
    c_name: str
    size: int
    align: int
    fields: list
    constants: dict = field(default_factory=dict)

    @property
    def offsets(self):
        return {f.name: f.offset for f in self.fields}

    def _fmt(self):
        out = ""
        for f in self.fields:
            n = f.count or 1
            if f.layout:
                out += f.layout._fmt() * n
            elif f.type == "char":
                out += f"{n}s"
            else:
                out += (str(n) if f.count else "") + STRUCT_SCALARS[f.type][2]
        return out

    @property
    def format(self):
        return "<" + self._fmt()

    def pack(self, values=None):
        buf = bytearray(self.size)
        self.pack_into(buf, 0, values or {})
        return bytes(buf)

    def pack_into(self, buf, base, values):
        unknown = set(values) - {f.name for f in self.fields}
        if unknown:
            raise ValueError(f"{self.name}: unknown fields {', '.join(sorted(unknown))}")
        for f in self.fields:
            if f.name not in values:
                continue
            v = values[f.name]
            at = base + f.offset
            where = f"{self.name}.{f.name}"
            if f.type == "char":
                b = v.encode() if isinstance(v, str) else bytes(v)
                if len(b) > f.size:
                    raise ValueError(f"{where}: {len(b)} bytes do not fit {f.size}")
                buf[at:at + len(b)] = b
                continue
            items = v if f.count else [v]
            if f.count and len(items) > f.count:
                raise ValueError(f"{where}: {len(items)} elements, at most {f.count}")
            esize = f.size // (f.count or 1)
            for i, item in enumerate(items):
                if f.layout:
                    f.layout.pack_into(buf, at + i * esize, item)
                else:
                    bits = esize * 8
                    if not isinstance(item, int) or not 0 <= item < 1 << bits:
                        raise ValueError(f"{where}: {item!r} is not a {bits}-bit unsigned value")
                    _struct.pack_into("<" + STRUCT_SCALARS[f.type][2], buf, at + i * esize, item)

    def unpack(self, data, base=0):
        if len(data) < base + self.size:
            raise ValueError(f"{self.name}: {len(data) - base} bytes, needs {self.size}")
        out = {}
        for f in self.fields:
            at = base + f.offset
            if f.type == "char":
                out[f.name] = bytes(data[at:at + f.size]).split(b"\0", 1)[0]
                continue
            esize = f.size // (f.count or 1)
            items = []
            for i in range(f.count or 1):
                if f.layout:
                    items.append(f.layout.unpack(data, at + i * esize))
                else:
                    items.append(_struct.unpack_from("<" + STRUCT_SCALARS[f.type][2], data,
                                                     at + i * esize)[0])
            out[f.name] = items if f.count else items[0]
        return out


def layout_of(st, cache):
    if st.name not in cache:
        cache[st.name] = Layout(
            st.name, st.c_name, st.size, st.align,
            [Field(f.name, f.type, f.count, f.offset, f.size,
                   layout_of(f.struct, cache) if f.struct else None) for f in st.fields],
            {c.name: c.value for c in st.constants})
    return cache[st.name]


def layouts_of(spec):
    """A checked model.Spec -> {name: Layout}; a protocol's structs are
    "<protocol>.<name>"."""
    out, cache = {}, {}
    for st in spec.structs:
        out[st.name] = layout_of(st, cache)
    for p in spec.protocols:
        pcache = dict(cache)
        for st in p.structs:
            out[f"{p.name}.{st.name}"] = layout_of(st, pcache)
    return out


def load_layouts(spec_dir):
    """Load and check libl4/spec (raises model.SpecError) -> {name: Layout}."""
    return layouts_of(load_spec(Path(spec_dir)))
