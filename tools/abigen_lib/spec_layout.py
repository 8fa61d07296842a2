# SPDX-License-Identifier: MIT
"""Checking the spec, part three: kernel-private tagged unions.

tagged_unions(chk, conv, types, constants) reads the [[tagged_union]]
entries (libl4/spec/cap_layout.toml) into model.TaggedUnion objects,
recording problems through the checker `chk` (a spec_tables.TableChecker):
every field inside the word, the tag wide enough for every capability type
number, known types in each variant, and, for every capability type, no
two of its fields (the common ones and those of each variant that names
the type) sharing a bit. Variants that share no type may overlap: that is
what makes it a union.
"""

from .model import BitField, TaggedUnion, Variant

KEY = "tagged_union"


def _bits(f):
    return f"bits {f.lsb}..{f.lsb + f.width - 1}"


def _fields(chk, lst, where, conv, constants):
    """A list of { name, lsb, width, doc } tables -> [BitField]; width is a
    number or the name of a [[constant]]."""
    out = []
    if not isinstance(lst, list):
        return out
    for j, f in enumerate(lst):
        fw = f"{where} field #{j + 1}"
        if not isinstance(f, dict):
            chk.fail(KEY, f"{fw}: must be a table")
            continue
        chk.known_keys(KEY, f, {"name", "lsb", "width", "doc"}, fw)
        fname = chk.get(KEY, f, "name", str, fw)
        fw = f"{where} field '{fname}'"
        chk.param_name(KEY, fname, fw)
        width, const = f.get("width"), None
        if isinstance(width, str):
            const = width
            if width not in constants:
                chk.fail(KEY, f"{fw}: width '{width}' is neither a number nor a [[constant]] "
                              f"(constants: {', '.join(sorted(constants))})")
                width = 1
            else:
                width = constants[width]
        else:
            width = chk.get(KEY, f, "width", int, fw)
        bf = BitField(fname, chk.get(KEY, f, "lsb", int, fw), width, [],
                      chk.get(KEY, f, "doc", str, fw, ""), const)
        if bf.width < 1:
            chk.fail(KEY, f"{fw}: width must be >= 1")
        elif bf.lsb < 0 or bf.lsb + bf.width > conv.word_bits:
            chk.fail(KEY, f"{fw}: {_bits(bf)} exceed the {conv.word_bits}-bit word")
        else:
            out.append(bf)  # only fields inside the word take part in the overlap checks
    chk.unique(KEY, out, "name", f"{where} field")
    return out


def tagged_unions(chk, conv, types, constants):
    consts = {c.name: c.value for c in constants}
    type_names = [t.name for t in types]
    out = []
    for i, u in enumerate(chk.array(KEY, required=False)):
        where = chk.where_of("tagged_union", u, i)
        chk.known_keys(KEY, u, {"name", "doc", "tag", "common", "variant"}, where)
        name = chk.get(KEY, u, "name", str, where)
        where = f"tagged_union '{name}'"
        chk.snake_name(KEY, name, where)
        common = _fields(chk, chk.get(KEY, u, "common", list, where), f"{where} common", conv, consts)
        tag = chk.get(KEY, u, "tag", str, where)
        tag_field = next((f for f in common if f.name == tag), None)
        if tag_field is None:
            chk.fail(KEY, f"{where}: tag '{tag}' is not one of its common fields")
        elif type_names and max(t.number for t in types) >= 1 << tag_field.width:
            chk.fail(KEY, f"{where}: tag '{tag}' ({tag_field.width} bits) cannot hold capability "
                          f"type number {max(t.number for t in types)}")
        variants = []
        for j, v in enumerate(chk.get(KEY, u, "variant", list, where, [])):
            vw = f"{where} variant #{j + 1}"
            if not isinstance(v, dict):
                chk.fail(KEY, f"{vw}: must be a table")
                continue
            chk.known_keys(KEY, v, {"name", "types", "doc", "fields"}, vw)
            vname = chk.get(KEY, v, "name", str, vw)
            vw = f"{where} variant '{vname}'"
            chk.snake_name(KEY, vname, vw)
            vtypes = chk.get(KEY, v, "types", list, vw)
            if not vtypes:
                chk.fail(KEY, f"{vw}: 'types' names no capability type")
            for t in vtypes:
                if t not in type_names:
                    chk.fail(KEY, f"{vw}: unknown capability type {t!r}")
            if len(set(map(str, vtypes))) != len(vtypes):
                chk.fail(KEY, f"{vw}: a type is listed twice")
            fields = _fields(chk, chk.get(KEY, v, "fields", list, vw), vw, conv, consts)
            if not fields:
                chk.fail(KEY, f"{vw}: no fields")
            for f in fields:
                if any(c.name == f.name for c in common):
                    chk.fail(KEY, f"{vw}: field '{f.name}' has the name of a common field")
            variants.append(Variant(vname, vtypes, chk.get(KEY, v, "doc", str, vw, ""), fields))
        chk.unique(KEY, variants, "name", f"{where} variant")
        _overlaps(chk, where, common, variants)
        _cnames(chk, where, name, common, variants)
        out.append(TaggedUnion(name, chk.get(KEY, u, "doc", str, where), tag, common, variants))
    chk.unique(KEY, out, "name", "tagged_union")
    return out


def _overlaps(chk, where, common, variants):
    """Every pair of fields that one capability type has must be disjoint."""
    for a_i, a in enumerate(common):
        for b in common[a_i + 1:]:
            if a.mask & b.mask:
                chk.fail(KEY, f"{where}: common field '{a.name}' ({_bits(a)}) overlaps common "
                              f"field '{b.name}' ({_bits(b)})")
    for v in variants:
        for f in v.fields:
            for c in common:
                if f.mask & c.mask:
                    chk.fail(KEY, f"{where}: variant '{v.name}' field '{f.name}' ({_bits(f)}) "
                                  f"overlaps common field '{c.name}' ({_bits(c)})")
    for v_i, v in enumerate(variants):
        for w in variants[v_i:]:
            shared = [t for t in v.types if t in w.types]
            if not shared and w is not v:
                continue
            for a_i, a in enumerate(v.fields):
                for b in (v.fields[a_i + 1:] if w is v else w.fields):
                    if a.mask & b.mask:
                        chk.fail(KEY, f"{where}: variant '{v.name}' field '{a.name}' ({_bits(a)}) "
                                      f"overlaps variant '{w.name}' field '{b.name}' ({_bits(b)})"
                                      + (f" in type {', '.join(map(str, shared))}" if w is not v else ""))


def _cnames(chk, where, name, common, variants):
    up = name.upper()
    for f in common:
        for ident in (f"{name}_get_{f.name}", f"{name}_set_{f.name}",
                      *(f"{up}_{f.name.upper()}{s}" for s in ("_SHIFT", "_WIDTH", "_MASK"))):
            chk.cname(KEY, ident, where)
    chk.cname(KEY, f"{name}_new", where)
    for v in variants:
        vn, vu = f"{name}_{v.name}", f"{up}_{v.name.upper()}"
        chk.cname(KEY, f"{vn}_new", f"{where} variant '{v.name}'")
        chk.cname(KEY, f"{vn}_applies", f"{where} variant '{v.name}'")
        for f in v.fields:
            for ident in (f"{vn}_get_{f.name}", f"{vn}_set_{f.name}",
                          *(f"{vu}_{f.name.upper()}{s}" for s in ("_SHIFT", "_WIDTH", "_MASK"))):
                chk.cname(KEY, ident, f"{where} variant '{v.name}'")
