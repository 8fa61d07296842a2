# SPDX-License-Identifier: MIT
"""Checking the spec, part four: [[struct]] layouts of binary data.

check_structs(chk, key, entries, prefix, known) reads a list of [[struct]]
tables into model.Struct objects, recording problems through the checker
`chk` (a spec_tables.TableChecker): field types (u8, u16, u32, u64, word,
cptr, char, an earlier struct, or an array of one of them: `u64[8]`,
`char[name_max]` with a number or one of the struct's constants), offsets
(given or computed), natural alignment of every field, no overlap, no
hidden padding (a gap, a misaligned field or trailing bytes must be an
explicit pad field) and, if given, the exact size. The same layouts are
emitted as C (structs.py) and loaded as Python (pylayout.py).
"""

import re

from .model import Struct, StructConst, StructField

# Scalar field types: spec name -> (bytes, C type, Python struct code).
STRUCT_SCALARS = {
    "u8": (1, "uint8_t", "B"),
    "u16": (2, "uint16_t", "H"),
    "u32": (4, "uint32_t", "I"),
    "u64": (8, "uint64_t", "Q"),
    "word": (8, "l4_word_t", "Q"),
    "cptr": (8, "l4_cptr_t", "Q"),
    "char": (1, "char", "s"),
}

TYPE_RE = re.compile(r"^([a-z][a-z0-9_]*)(?:\[([A-Za-z0-9_]+)\])?$")


def _consts(chk, key, s, where, cprefix):
    out = []
    for j, c in enumerate(chk.get(key, s, "constants", list, where, [])):
        cw = f"{where} constant #{j + 1}"
        if not isinstance(c, dict):
            chk.fail(key, f"{cw}: must be a table {{ name, value, doc }}")
            continue
        chk.known_keys(key, c, {"name", "value", "doc"}, cw)
        name = chk.get(key, c, "name", str, cw)
        cw = f"{where} constant '{name}'"
        chk.snake_name(key, name, cw)
        value = chk.get(key, c, "value", int, cw)
        if not 0 <= value < 1 << 64:
            chk.fail(key, f"{cw}: value must fit an unsigned 64-bit word")
        chk.cname(key, f"{cprefix.upper()}_{name.upper()}", cw)
        out.append(StructConst(name, value, chk.get(key, c, "doc", str, cw, "")))
    chk.unique(key, out, "name", f"{where} constant")
    return out


def check_structs(chk, key, entries, prefix, known=None):
    """[[struct]] tables -> [Struct]. C names are <prefix>_<name>; `known`
    maps names of structs defined elsewhere (usable as field types)."""
    known = dict(known or {})
    out = []
    for i, s in enumerate(entries):
        where = chk.where_of("struct", s, i)
        if not isinstance(s, dict):
            chk.fail(key, f"{where}: must be a table")
            continue
        chk.known_keys(key, s, {"name", "doc", "size", "constants", "fields"}, where)
        name = chk.get(key, s, "name", str, where)
        where = f"struct '{name}'"
        if not chk.snake_name(key, name, where):
            continue
        if name in STRUCT_SCALARS:
            chk.fail(key, f"{where}: name '{name}' is a scalar field type")
        cprefix = f"{prefix}_{name}"
        chk.cname(key, f"struct {cprefix}", where)
        chk.cname(key, f"{cprefix.upper()}_SIZE", where)
        consts = _consts(chk, key, s, where, cprefix)
        cvals = {c.name: c for c in consts}
        fields, cur, align = [], 0, 1
        for j, f in enumerate(chk.get(key, s, "fields", list, where)):
            fw = f"{where} field #{j + 1}"
            if not isinstance(f, dict):
                chk.fail(key, f"{fw}: must be a table {{ name, type, offset, doc }}")
                continue
            chk.known_keys(key, f, {"name", "type", "offset", "doc"}, fw)
            fname = chk.get(key, f, "name", str, fw)
            fw = f"{where} field '{fname}'"
            chk.param_name(key, fname, fw)
            ftype = chk.get(key, f, "type", str, fw)
            m = TYPE_RE.match(ftype)
            if not m:
                chk.fail(key, f"{fw}: type '{ftype}' is not NAME or NAME[COUNT]")
                continue
            base, count_s = m.group(1), m.group(2)
            if base in STRUCT_SCALARS:
                esize, ealign, sub = STRUCT_SCALARS[base][0], STRUCT_SCALARS[base][0], None
            elif base in known:
                sub = known[base]
                esize, ealign = sub.size, sub.align
            else:
                chk.fail(key, f"{fw}: unknown type '{base}' (scalars: "
                              f"{', '.join(STRUCT_SCALARS)}; structs defined before: "
                              f"{', '.join(sorted(known)) or 'none'})")
                continue
            count, count_c = None, None
            if count_s is not None:
                if count_s.isdigit():
                    count, count_c = int(count_s), count_s
                elif count_s in cvals:
                    count = cvals[count_s].value
                    count_c = f"{cprefix.upper()}_{count_s.upper()}"
                else:
                    chk.fail(key, f"{fw}: array length '{count_s}' is neither a number nor a "
                                  f"constant of {where}")
                    continue
                if count < 1:
                    chk.fail(key, f"{fw}: array length must be at least 1")
                    continue
            elif base == "char":
                chk.fail(key, f"{fw}: a char field must be an array (char[N])")
                continue
            size = esize * (count or 1)
            off = f.get("offset")
            if off is None:
                off = cur
            elif not isinstance(off, int) or isinstance(off, bool) or off < 0:
                chk.fail(key, f"{fw}: 'offset' must be a non-negative integer")
                continue
            prev = fields[-1] if fields else None
            if off < cur:
                chk.fail(key, f"{fw}: offset {off} overlaps field '{prev.name}' (bytes "
                              f"{prev.offset}..{prev.offset + prev.size - 1})")
            elif off > cur:
                chk.fail(key, f"{fw}: offset {off} leaves a gap of {off - cur} bytes after "
                              f"offset {cur}: add an explicit pad field (e.g. u8[{off - cur}])")
            if off % ealign:
                chk.fail(key, f"{fw}: offset {off} is misaligned for {ftype} (alignment "
                              f"{ealign}): reorder the fields or add an explicit pad field")
            fields.append(StructField(fname, base, count, count_c, off, size, ealign, sub,
                                      chk.get(key, f, "doc", str, fw, "")))
            cur, align = max(cur, off + size), max(align, ealign)
            chk.cname(key, f"{cprefix.upper()}_OFFSET_{fname.upper()}", fw)
        chk.unique(key, fields, "name", f"{where} field")
        if not fields:
            chk.fail(key, f"{where}: no fields")
        want = s.get("size")
        if want is not None:
            if not isinstance(want, int) or isinstance(want, bool) or want < 1:
                chk.fail(key, f"{where}: 'size' must be a positive integer")
            elif cur > want:
                chk.fail(key, f"{where}: the fields take {cur} bytes, more than its size {want}")
            elif cur < want:
                chk.fail(key, f"{where}: the fields take {cur} bytes, less than its size {want}: "
                              f"add an explicit pad field (e.g. u8[{want - cur}])")
        if cur % align:
            chk.fail(key, f"{where}: size {cur} is not a multiple of its alignment {align} "
                          f"(C would add {align - cur % align} bytes of trailing padding): add an "
                          f"explicit pad field")
        st = Struct(name, cprefix, chk.get(key, s, "doc", str, where, ""), cur, align, fields, consts)
        if name in known:
            chk.fail(key, f"{where}: duplicate struct name (also defined as {known[name].c_name})")
        else:
            known[name] = st
        out.append(st)
    return out
