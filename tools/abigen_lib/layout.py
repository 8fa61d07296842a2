# SPDX-License-Identifier: MIT
"""cap_layout_gen.h: the kernel-private tagged unions (capability word 0).

emit_cap_layout(spec) returns the text of cap_layout_gen.h, included by the
kernel only (kernel/include/cap/cap.h); user headers never include it. For
each [[tagged_union]] it gives field macros, get/set accessors of the
common fields and of each variant's, a constructor per variant, the
predicate <name>_<variant>_applies(tag), and _Static_asserts that repeat
the generator's checks (fields inside the word, the tag wide enough for
every capability type, a width given as a constant equal to it, no two
fields of one type sharing a bit): the accessors cost nothing at run time.
"""

from .cgen import c_comment, c_header, c_hex, c_signature, define, section


def _field_macros(prefix, f):
    fu = f"{prefix}_{f.name.upper()}"
    return [define(f"{fu}_SHIFT", f.lsb, f.doc), define(f"{fu}_WIDTH", f.width),
            define(f"{fu}_MASK", c_hex(f.mask))]


def _field_asserts(prefix, label, f):
    fu = f"{prefix}_{f.name.upper()}"
    o = [f"_Static_assert({fu}_SHIFT + {fu}_WIDTH <= 64, \"{label} fits the word\");",
         f"_Static_assert(({fu}_MASK >> {fu}_SHIFT) == (UINT64_C(1) << ({fu}_WIDTH - 1)) * 2 - 1,",
         f"               \"{label}: mask matches shift and width\");"]
    if f.width_const:
        o.append(f"_Static_assert({fu}_WIDTH == L4_{f.width_const.upper()}, "
                 f"\"{label} is {f.width_const} wide\");")
    return o


def _accessors(fn, prefix, f):
    fu = f"{prefix}_{f.name.upper()}"
    return ["", f"static inline uint64_t {fn}_get_{f.name}(uint64_t w)", "{",
            f"    return (w >> {fu}_SHIFT) & ({fu}_MASK >> {fu}_SHIFT);", "}", "",
            f"/* Returns w with {f.name} set to v (v is cut to {f.width} "
            f"bit{'s' if f.width > 1 else ''}). */",
            f"static inline uint64_t {fn}_set_{f.name}(uint64_t w, uint64_t v)", "{",
            f"    return (w & ~{fu}_MASK) | ((v << {fu}_SHIFT) & {fu}_MASK);", "}"]


def _constructor(fn, setters, params, doc):
    o = ["", *c_comment(doc),
         *c_signature(f"static inline uint64_t {fn}_new", [f"uint64_t {p}" for p in params]), "{",
         "    uint64_t w_ = 0;"]
    for setter, p in zip(setters, params):
        o.append(f"    w_ = {setter}(w_, {p});")
    return o + ["    return w_;", "}"]


def emit_union(s, u):
    up = u.name.upper()
    o = section(f"{u.name} (tagged union)")
    o += c_comment(f"{u.name}: {u.doc}")
    for f in u.common:
        o += _field_macros(up, f)
    for f in u.common:
        o += _field_asserts(up, f"{u.name}.{f.name}", f)
    tag = f"{up}_{u.tag.upper()}"
    o.append(f"_Static_assert(L4_CAP_TYPE_COUNT <= (UINT64_C(1) << {tag}_WIDTH), "
             f"\"{u.name}.{u.tag} holds every capability type\");")
    for i, a in enumerate(u.common):
        for b in u.common[i + 1:]:
            o.append(f"_Static_assert(({up}_{a.name.upper()}_MASK & {up}_{b.name.upper()}_MASK) == 0,")
            o.append(f"               \"{u.name}: {a.name} and {b.name} do not overlap\");")
    for f in u.common:
        o += _accessors(u.name, up, f)
    o += _constructor(u.name, [f"{u.name}_set_{f.name}" for f in u.common],
                      [f.name for f in u.common], "A word with the common fields only.")

    for v in u.variants:
        vu, vn = f"{up}_{v.name.upper()}", f"{u.name}_{v.name}"
        o += ["", *c_comment(f"Variant {v.name}: types {', '.join(v.types)}."
                             + (f" {v.doc}" if v.doc else ""))]
        for f in v.fields:
            o += _field_macros(vu, f)
        for f in v.fields:
            o += _field_asserts(vu, f"{u.name} {v.name}.{f.name}", f)
        # the same checks as the generator's: against the common fields, and
        # against every field of each variant that shares a type
        for f in v.fields:
            for c in u.common:
                o.append(f"_Static_assert(({vu}_{f.name.upper()}_MASK & {up}_{c.name.upper()}_MASK) == 0,")
                o.append(f"               \"{u.name}: {v.name}.{f.name} and {c.name} do not overlap\");")
        for w in u.variants[:u.variants.index(v) + 1]:
            if w is not v and not set(v.types) & set(w.types):
                continue
            wu = f"{up}_{w.name.upper()}"
            for a_i, a in enumerate(v.fields):
                for b in (w.fields if w is not v else v.fields[a_i + 1:]):
                    o.append(f"_Static_assert(({vu}_{a.name.upper()}_MASK & "
                             f"{wu}_{b.name.upper()}_MASK) == 0,")
                    o.append(f"               \"{u.name}: {v.name}.{a.name} and {w.name}.{b.name} "
                             "do not overlap\");")
        o += ["", f"/* Does a {u.name} whose {u.tag} is `tag` have the fields of {v.name}? */",
              f"static inline int {vn}_applies(uint64_t tag)", "{",
              "    return " + " || ".join(f"tag == L4_CAP_{s.type(t).c_name.upper()}"
                                          for t in v.types) + ";", "}"]
        for f in v.fields:
            o += _accessors(vn, vu, f)
        params = [f.name for f in u.common] + [f.name for f in v.fields]
        setters = [f"{u.name}_set_{f.name}" for f in u.common] + [f"{vn}_set_{f.name}" for f in v.fields]
        o += _constructor(vn, setters, params, f"A word of variant {v.name}: the common fields, then its own.")
    return o


def emit_cap_layout(s):
    o = c_header(
        "Tessera kernel-private layouts: capability word 0.",
        "Kernel only: user headers never include this file. Tagged unions from "
        "libl4/spec/cap_layout.toml (format in docs/abi.md): field macros, accessors and "
        "constructors, read and written only through these functions, never C bitfields. "
        "The layout was checked when this file was generated; the _Static_asserts check it "
        "again against the ABI header at compile time.",
        "CAP_LAYOUT_GEN_H")
    o += ["#include <stdint.h>", "#include <l4/abi_gen.h>"]
    for u in s.unions:
        o += emit_union(s, u)
    o += ["", "#endif /* CAP_LAYOUT_GEN_H */"]
    return "\n".join(o) + "\n"
