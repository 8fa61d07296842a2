# SPDX-License-Identifier: MIT
"""Checking the spec, part one: typed access and the data tables.

TableChecker holds the raw TOML tables and the file each came from, records
every problem as "file: problem", and reads into the model the convention
(registers), the IPC buffer, the user context, errors, capability/object
types, constants and packed words. spec.Checker extends it.
"""

from .model import (BitField, CAMEL_RE, CONV_MACROS, C_KEYWORDS, CapType, Constant, Convention,
                    Error, FIXED_CNAMES, IpcField, REQUIRED, RESERVED_PARAMS, Register, SNAKE_RE,
                    SpecError, Word, X86_64_GPRS)
from .util import snake


class TableChecker:
    """Typed access to the raw TOML tables, and the checks of the data tables."""

    def __init__(self, raw, origin):
        self.raw = raw
        self.origin = origin
        self.problems = []
        # generated C identifier -> what defines it; first the fixed ones
        self.cnames = {n: "abigen itself" for n in FIXED_CNAMES}

    # -- problem reporting and typed access ----------------------------------

    def fail(self, key, msg):
        self.problems.append(f"{self.origin.get(key, 'spec')}: {msg}")

    def bail(self):
        if self.problems:
            raise SpecError(self.problems)

    def table(self, key, required=True):
        v = self.raw.get(key)
        if v is None:
            if required:
                self.fail(key, f"missing [{key}] (no spec file defines it)")
            return {}
        if not isinstance(v, dict):
            self.fail(key, f"'{key}' must be a table")
            return {}
        return v

    def array(self, key, required=True):
        v = self.raw.get(key)
        if v is None:
            if required:
                self.problems.append(f"spec: missing [[{key}]] entries (no spec file defines them)")
            return []
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            self.fail(key, f"'{key}' must be an array of tables ([[{key}]])")
            return []
        return v

    def get(self, key, tbl, name, kind, where, default=REQUIRED):
        """tbl[name] checked against kind (int, str, bool, list, dict)."""
        if name not in tbl:
            if default is REQUIRED:
                self.fail(key, f"{where}: missing '{name}'")
                return {int: 0, str: "", bool: False, list: [], dict: {}}[kind]
            return default
        v = tbl[name]
        ok = isinstance(v, kind) and not (kind is int and isinstance(v, bool))
        if not ok:
            self.fail(key, f"{where}: '{name}' must be {kind.__name__}, not {type(v).__name__} {v!r}")
            return {int: 0, str: "", bool: False, list: [], dict: {}}[kind]
        return v

    @staticmethod
    def where_of(kind, tbl, i):
        """How messages name entry i of an array: by its name if it has one."""
        name = tbl.get("name") if isinstance(tbl, dict) else None
        return f"{kind} '{name}'" if isinstance(name, str) else f"{kind} #{i + 1}"

    def known_keys(self, key, tbl, allowed, where):
        for k in tbl:
            if k not in allowed:
                self.fail(key, f"{where}: unknown key '{k}' (allowed: {', '.join(sorted(allowed))})")

    def camel(self, key, name, where):
        if not CAMEL_RE.match(name):
            self.fail(key, f"{where}: name '{name}' must be CamelCase ([A-Z][A-Za-z0-9]*)")

    def snake_name(self, key, name, where):
        if not SNAKE_RE.match(name):
            self.fail(key, f"{where}: name '{name}' must be lower_snake_case ([a-z][a-z0-9_]*, no trailing _)")
            return False
        return True

    def param_name(self, key, name, where):
        if self.snake_name(key, name, where):
            if name in C_KEYWORDS:
                self.fail(key, f"{where}: name '{name}' is a C keyword")
            elif name in RESERVED_PARAMS:
                self.fail(key, f"{where}: name '{name}' is reserved for generated code")

    def cname(self, key, ident, what):
        if ident in self.cnames:
            self.fail(key, f"{what}: generated C name {ident} clashes with {self.cnames[ident]}")
        else:
            self.cnames[ident] = what

    def unique(self, key, items, attr, what):
        seen = {}
        for it in items:
            v = getattr(it, attr)
            if v in seen:
                self.fail(key, f"{what} '{it.name}': duplicate {attr} {v!r} (also used by '{seen[v]}')")
            else:
                seen[v] = it.name

    # -- sections --------------------------------------------------------------

    def convention(self):
        t = self.table("convention")
        k = "convention"
        w = "[convention]"
        self.known_keys(k, t, {"arch", "instruction", "word_bits", "msg_registers",
                               "max_message_length", "max_extra_caps", "null_cptr",
                               "clobbered", "doc"}, w)
        c = Convention(
            arch=self.get(k, t, "arch", str, w),
            instruction=self.get(k, t, "instruction", str, w),
            word_bits=self.get(k, t, "word_bits", int, w),
            msg_registers=self.get(k, t, "msg_registers", int, w),
            max_message_length=self.get(k, t, "max_message_length", int, w),
            max_extra_caps=self.get(k, t, "max_extra_caps", int, w),
            null_cptr=self.get(k, t, "null_cptr", int, w),
            clobbered=self.get(k, t, "clobbered", list, w),
            doc=self.get(k, t, "doc", str, w, ""),
        )
        if c.arch != "x86_64":
            self.fail(k, f"{w}: arch '{c.arch}' is not supported (x86_64 only)")
        if c.word_bits != 64:
            self.fail(k, f"{w}: word_bits must be 64 on x86_64, not {c.word_bits}")
        if not 1 <= c.msg_registers <= c.max_message_length:
            self.fail(k, f"{w}: msg_registers must be 1..max_message_length")
        if c.max_message_length < 1 or c.max_extra_caps < 0:
            self.fail(k, f"{w}: max_message_length must be >= 1 and max_extra_caps >= 0")
        for r in c.clobbered:
            if r not in X86_64_GPRS:
                self.fail(k, f"{w}: clobbered register '{r}' is not an x86-64 register")

        key = "register"
        roles = {"sysno", "cptr", "info", "reply"} | {f"mr{i}" for i in range(c.msg_registers)}
        for i, r in enumerate(self.array(key)):
            where = self.where_of("register", r, i)
            self.known_keys(key, r, {"name", "role", "entry", "exit"}, where)
            reg = Register(self.get(key, r, "name", str, where), self.get(key, r, "role", str, where),
                           self.get(key, r, "entry", str, where), self.get(key, r, "exit", str, where))
            where = f"register '{reg.name}'"
            if reg.name not in X86_64_GPRS:
                self.fail(key, f"{where}: not an x86-64 general-purpose register")
            if reg.name in c.clobbered:
                self.fail(key, f"{where}: the instruction clobbers it, it cannot carry a value")
            if reg.name == "rsp":
                self.fail(key, f"{where}: the stack pointer cannot carry a value")
            if reg.role not in roles:
                self.fail(key, f"{where}: unknown role '{reg.role}' (roles: {', '.join(sorted(roles))})")
            c.registers.append(reg)
        self.unique(key, c.registers, "name", "register")
        seen = {}
        for reg in c.registers:
            if reg.role in seen:
                self.fail(key, f"register '{reg.name}': role '{reg.role}' is also given to '{seen[reg.role]}'")
            seen[reg.role] = reg.name
        for role in sorted(roles - set(seen)):
            self.fail(key, f"no register has role '{role}'")
        return c

    def conv_value(self, conv, v, key, where):
        """An int, or the name of an integer [convention] key."""
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        if isinstance(v, str) and isinstance(getattr(conv, v, None), int):
            return getattr(conv, v)
        self.fail(key, f"{where}: {v!r} is neither a number nor an integer [convention] key")
        return 1

    def ipc_buffer(self, conv):
        k = "ipc_buffer"
        t = self.table(k)
        self.known_keys(k, t, {"size_bits", "doc", "field"}, "[ipc_buffer]")
        size_bits = self.get(k, t, "size_bits", int, "[ipc_buffer]")
        fields = []
        offset = 0
        for i, f in enumerate(self.get(k, t, "field", list, "[ipc_buffer]")):
            where = self.where_of("ipc_buffer field", f, i)
            if not isinstance(f, dict):
                self.fail(k, f"{where}: must be a table")
                continue
            self.known_keys(k, f, {"name", "length", "type", "doc"}, where)
            name = self.get(k, f, "name", str, where)
            where = f"ipc_buffer field '{name}'"
            self.snake_name(k, name, where)
            length = length_c = None
            if "length" in f:
                length = self.conv_value(conv, f["length"], k, where)
                length_c = CONV_MACROS.get(f["length"], str(length))
                if length < 1:
                    self.fail(k, f"{where}: length must be >= 1")
            ftype = self.get(k, f, "type", str, where, "word")
            if ftype not in ("word", "cptr"):
                self.fail(k, f"{where}: unknown type '{ftype}' (word or cptr)")
            fields.append(IpcField(name, length, "l4_cptr_t" if ftype == "cptr" else "l4_word_t",
                                   self.get(k, f, "doc", str, where, ""), offset, length_c))
            offset += (length or 1) * conv.word_bits // 8
        self.unique(k, fields, "name", "ipc_buffer field")
        names = {f.name: f for f in fields}
        if "msg" not in names or names["msg"].length != conv.max_message_length:
            self.fail(k, "[ipc_buffer]: needs a field 'msg' of length max_message_length")
        if "caps_or_badges" not in names or names["caps_or_badges"].length != conv.max_extra_caps:
            self.fail(k, "[ipc_buffer]: needs a field 'caps_or_badges' of length max_extra_caps")
        if offset != 1 << size_bits:
            self.fail(k, f"[ipc_buffer]: the fields take {offset} bytes but size_bits = {size_bits} "
                         f"says {1 << size_bits}")
        return size_bits, self.get(k, t, "doc", str, "[ipc_buffer]", ""), fields

    def user_context(self):
        k = "user_context"
        t = self.table(k)
        self.known_keys(k, t, {"doc", "fields"}, "[user_context]")
        names = self.get(k, t, "fields", list, "[user_context]")
        for n in names:
            if not isinstance(n, str) or not SNAKE_RE.match(n):
                self.fail(k, f"[user_context]: field {n!r} must be a lower_snake_case string")
        if len(set(names)) != len(names):
            self.fail(k, "[user_context]: duplicate field names")
        if not names:
            self.fail(k, "[user_context]: no fields")
        return self.get(k, t, "doc", str, "[user_context]", ""), names

    def errors(self):
        key = "error"
        out = []
        for i, e in enumerate(self.array(key)):
            where = self.where_of("error", e, i)
            self.known_keys(key, e, {"name", "value", "doc", "detail"}, where)
            name = self.get(key, e, "name", str, where)
            where = f"error '{name}'"
            self.camel(key, name, where)
            detail = self.get(key, e, "detail", list, where, [])
            if not all(isinstance(d, str) for d in detail):
                self.fail(key, f"{where}: detail must be a list of strings")
            err = Error(name, "L4_" + snake(name).upper(), self.get(key, e, "value", int, where),
                        self.get(key, e, "doc", str, where), detail)
            self.cname(key, err.c_name, where)
            out.append(err)
        self.unique(key, out, "name", "error")
        self.unique(key, out, "value", "error")
        values = sorted(e.value for e in out)
        if values and values != list(range(len(values))):
            self.fail(key, f"error values must be dense from 0, got {values}")
        if not any(e.value == 0 and e.name == "NoError" for e in out):
            self.fail(key, "error value 0 must be named NoError")
        return sorted(out, key=lambda e: e.value)

    def types(self):
        key = "type"
        out = []
        for i, t in enumerate(self.array(key)):
            where = self.where_of("type", t, i)
            self.known_keys(key, t, {"name", "c_name", "number", "retypable", "size", "size_bits",
                                     "min_size_bits", "max_size_bits", "unit_bits", "doc",
                                     "usage"}, where)
            name = self.get(key, t, "name", str, where)
            where = f"type '{name}'"
            self.camel(key, name, where)
            c_name = self.get(key, t, "c_name", str, where, snake(name))
            self.snake_name(key, c_name, where)
            retypable = self.get(key, t, "retypable", bool, where)
            size_bits = mn = mx = unit = None
            if retypable:
                if t.get("size") == "variable":
                    if "size_bits" in t:
                        self.fail(key, f"{where}: a variable-size type has no fixed size_bits")
                    mn = self.get(key, t, "min_size_bits", int, where)
                    mx = self.get(key, t, "max_size_bits", int, where)
                    unit = self.get(key, t, "unit_bits", int, where)
                    if not 0 < mn <= mx or mx + unit >= 64:
                        self.fail(key, f"{where}: need 0 < min_size_bits <= max_size_bits and "
                                       "max_size_bits + unit_bits < 64")
                elif "size" in t:
                    self.fail(key, f"{where}: size must be \"variable\" (or give size_bits)")
                else:
                    size_bits = self.get(key, t, "size_bits", int, where)
                    if "size_bits" in t and not 0 < size_bits < 64:
                        self.fail(key, f"{where}: size_bits must be 1..63")
                    for extra in ("min_size_bits", "max_size_bits", "unit_bits"):
                        if extra in t:
                            self.fail(key, f"{where}: '{extra}' is only for size = \"variable\"")
            else:
                for extra in ("size", "size_bits", "min_size_bits", "max_size_bits", "unit_bits"):
                    if extra in t:
                        self.fail(key, f"{where}: '{extra}' given but the type is not retypable")
            ct = CapType(name, c_name, self.get(key, t, "number", int, where), retypable, size_bits,
                         mn, mx, unit, self.get(key, t, "doc", str, where),
                         self.get(key, t, "usage", str, where, ""))
            self.cname(key, "L4_CAP_" + c_name.upper(), where)
            if retypable:
                self.cname(key, "L4_OBJECT_" + c_name.upper(), where)
            out.append(ct)
        self.unique(key, out, "name", "type")
        self.unique(key, out, "c_name", "type")
        self.unique(key, out, "number", "type")
        numbers = sorted(t.number for t in out)
        if numbers != list(range(len(numbers))):
            self.fail(key, f"type numbers must be dense from 0, got {numbers}")
        if not any(t.number == 0 and t.name == "Null" and not t.retypable for t in out):
            self.fail(key, "type number 0 must be Null, not retypable")
        return sorted(out, key=lambda t: t.number)

    def constants(self, conv):
        key = "constant"
        out = []
        for i, c in enumerate(self.array(key, required=False)):
            where = self.where_of("constant", c, i)
            self.known_keys(key, c, {"name", "value", "doc"}, where)
            name = self.get(key, c, "name", str, where)
            where = f"constant '{name}'"
            self.snake_name(key, name, where)
            value = self.get(key, c, "value", int, where)
            if not 0 <= value < 1 << conv.word_bits:
                self.fail(key, f"{where}: value must fit an unsigned word")
            self.cname(key, "L4_" + name.upper(), where)
            out.append(Constant(name, value, self.get(key, c, "doc", str, where)))
        self.unique(key, out, "name", "constant")
        return out

    def words(self, conv):
        key = "word"
        out = []
        for i, w in enumerate(self.array(key)):
            where = self.where_of("word", w, i)
            self.known_keys(key, w, {"name", "doc", "fields"}, where)
            name = self.get(key, w, "name", str, where)
            where = f"word '{name}'"
            self.snake_name(key, name, where)
            fields = []
            for j, f in enumerate(self.get(key, w, "fields", list, where)):
                fw = f"{where} field #{j + 1}"
                if not isinstance(f, dict):
                    self.fail(key, f"{fw}: must be a table")
                    continue
                self.known_keys(key, f, {"name", "lsb", "width", "holds", "doc"}, fw)
                fname = self.get(key, f, "name", str, fw)
                fw = f"{where} field '{fname}'"
                self.param_name(key, fname, fw)
                holds = f.get("holds", [])
                holds = [holds] if isinstance(holds, str) else holds
                bf = BitField(fname, self.get(key, f, "lsb", int, fw),
                              self.get(key, f, "width", int, fw), holds,
                              self.get(key, f, "doc", str, fw, ""))
                if bf.width < 1:
                    self.fail(key, f"{fw}: width must be >= 1")
                elif bf.lsb < 0 or bf.lsb + bf.width > conv.word_bits:
                    self.fail(key, f"{fw}: bits {bf.lsb}..{bf.lsb + bf.width - 1} exceed the "
                                   f"{conv.word_bits}-bit word")
                fields.append(bf)
            if not fields:
                self.fail(key, f"{where}: no fields")
            self.unique(key, fields, "name", f"{where} field")
            for a_i, a in enumerate(fields):
                for b in fields[a_i + 1:]:
                    if min(a.width, b.width, a.lsb, b.lsb) >= 0 and a.width and b.width \
                            and a.mask & b.mask:
                        self.fail(key, f"{where}: field '{a.name}' (bits {a.lsb}..{a.lsb + a.width - 1}) "
                                       f"overlaps field '{b.name}' (bits {b.lsb}..{b.lsb + b.width - 1})")
            up = f"L4_{name.upper()}"
            self.cname(key, f"l4_{name}_t", where)
            self.cname(key, f"l4_{name}_new", where)
            for f in fields:
                for suffix in ("_SHIFT", "_WIDTH", "_MASK") + (("",) if f.width == 1 else ()):
                    self.cname(key, f"{up}_{f.name.upper()}{suffix}", where)
            if all(f.width == 1 for f in fields):
                self.cname(key, f"{up}_ALL", where)
            out.append(Word(name, self.get(key, w, "doc", str, where), fields))
        self.unique(key, out, "name", "word")
        return out
