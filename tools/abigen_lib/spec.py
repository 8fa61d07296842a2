# SPDX-License-Identifier: MIT
"""Checking the spec, part two: syscalls and invocations; loading it.

load_spec(spec_dir) reads every *.toml file of the directory and returns a
model.Spec, or raises model.SpecError with one "file: problem" line per
problem. Checker (on top of spec_tables.TableChecker) adds the syscalls,
notification aliases, invocations, their message layout and limits, and
run(), which checks the whole spec.
"""

import tomllib
from pathlib import Path

from .model import (Alias, Arg, CAP_TYPE, CONTEXT_TYPE, Invocation, Param, SCALAR_TYPES,
                    STRING_TYPE, Spec, SpecError, Syscall)
from .spec_layout import tagged_unions
from .spec_protocol import load_protocols
from .spec_struct import check_structs
from .spec_tables import TableChecker
from .util import snake


class Checker(TableChecker):
    """Reads the raw TOML tables into the model, collecting every problem."""

    def value_type(self, key, t, where, words, allowed_special=()):
        if t in SCALAR_TYPES or t in allowed_special or t in words:
            return True
        self.fail(key, f"{where}: unknown type '{t}' (types: "
                       f"{', '.join(sorted(set(SCALAR_TYPES) | set(allowed_special) | set(words)))})")
        return False

    def syscalls(self, conv, words):
        key = "syscall"
        out = []
        roles = {"sysno", "cptr", "info", "reply", "mrs", "ipc_buffer"}
        for i, s in enumerate(self.array(key)):
            where = self.where_of("syscall", s, i)
            self.known_keys(key, s, {"name", "c_name", "number", "debug", "blocking", "doc",
                                     "inputs", "outputs"}, where)
            name = self.get(key, s, "name", str, where)
            where = f"syscall '{name}'"
            self.camel(key, name, where)
            c_name = self.get(key, s, "c_name", str, where, snake(name))
            self.snake_name(key, c_name, where)
            lists = {}
            for direction in ("inputs", "outputs"):
                params = []
                for j, p in enumerate(self.get(key, s, direction, list, where)):
                    pw = f"{where} {direction[:-1]} #{j + 1}"
                    if not isinstance(p, dict):
                        self.fail(key, f"{pw}: must be a table")
                        continue
                    self.known_keys(key, p, {"role", "name", "type", "doc"}, pw)
                    role = self.get(key, p, "role", str, pw)
                    if role not in roles:
                        self.fail(key, f"{pw}: unknown role '{role}' (roles: {', '.join(sorted(roles))})")
                    if role == "sysno" and direction == "inputs":
                        self.fail(key, f"{pw}: the syscall number is implicit, not an input")
                    if role == "ipc_buffer" and direction == "outputs":
                        self.fail(key, f"{pw}: role ipc_buffer is for inputs only")
                    default = {"cptr": "cptr", "reply": "cptr", "info": "msginfo"}.get(role)
                    ptype = self.get(key, p, "type", str, pw, default) if role != "mrs" else None
                    pname = self.get(key, p, "name", str, pw) if role != "mrs" else "mrs"
                    if role != "mrs":
                        self.param_name(key, pname, pw)
                        special = (CAP_TYPE,) + ((STRING_TYPE,) if role == "ipc_buffer" else ())
                        if ptype is None:
                            self.fail(key, f"{pw}: needs a type")
                        else:
                            self.value_type(key, ptype, pw, words, special)
                        if role == "ipc_buffer" and ptype != STRING_TYPE:
                            self.fail(key, f"{pw}: role ipc_buffer carries a string")
                    params.append(Param(role, pname, ptype, self.get(key, p, "doc", str, pw, "")))
                rl = [p.role for p in params]
                for r in set(rl):
                    if rl.count(r) > 1:
                        self.fail(key, f"{where}: role '{r}' appears twice in {direction}")
                lists[direction] = params
            names = [p.name for p in lists["inputs"] + lists["outputs"] if p.role != "mrs"]
            for n in set(names):
                if names.count(n) > 1:
                    self.fail(key, f"{where}: parameter name '{n}' used twice")
            sc = Syscall(name, c_name, self.get(key, s, "number", int, where),
                         self.get(key, s, "debug", bool, where, False),
                         self.get(key, s, "blocking", bool, where), self.get(key, s, "doc", str, where),
                         lists["inputs"], lists["outputs"])
            if not 0 < sc.number < 1 << 31:
                self.fail(key, f"{where}: number must be positive")
            self.cname(key, "L4_SYS_" + c_name.upper(), where)
            self.cname(key, "l4_" + c_name, where)
            if sc.has("mrs") or sc.has("mrs", out=True):
                self.cname(key, "l4_" + c_name + "_mrs", where)
            out.append(sc)
        self.unique(key, out, "name", "syscall")
        self.unique(key, out, "number", "syscall")
        return sorted(out, key=lambda s: s.number)

    def aliases(self, syscalls):
        key = "alias"
        out = []
        by_name = {s.name: s for s in syscalls}
        for i, a in enumerate(self.array(key, required=False)):
            where = self.where_of("alias", a, i)
            self.known_keys(key, a, {"name", "c_name", "syscall", "doc", "fixed", "mrs", "keep"}, where)
            name = self.get(key, a, "name", str, where)
            where = f"alias '{name}'"
            self.camel(key, name, where)
            c_name = self.get(key, a, "c_name", str, where, snake(name))
            target = self.get(key, a, "syscall", str, where)
            if target not in by_name:
                self.fail(key, f"{where}: unknown syscall '{target}'")
                continue
            sc = by_name[target]
            fixed = self.get(key, a, "fixed", dict, where, {})
            inputs = {p.name: p for p in sc.inputs if p.role != "mrs"}
            for n, v in fixed.items():
                if n not in inputs:
                    self.fail(key, f"{where}: fixes '{n}', which is not an input of {target}")
                if not isinstance(v, int) or isinstance(v, bool):
                    self.fail(key, f"{where}: fixed value of '{n}' must be an integer")
            keep = self.get(key, a, "keep", list, where, [])
            outs = {p.name for p in sc.outputs if p.role not in ("mrs", "sysno")}
            for n in keep:
                if n not in outs:
                    self.fail(key, f"{where}: keeps '{n}', which is not an output of {target}")
            mrs = self.get(key, a, "mrs", bool, where, True)
            if not mrs and (sc.has("ipc_buffer")):
                self.fail(key, f"{where}: mrs = false is not possible for {target}")
            self.cname(key, "l4_" + c_name, where)
            out.append(Alias(name, c_name, sc, self.get(key, a, "doc", str, where), fixed, mrs, keep))
        self.unique(key, out, "name", "alias")
        return out

    def invocation_errors(self, key, lst, where, errors):
        out = []
        for j, e in enumerate(lst):
            ew = f"{where} error #{j + 1}"
            if not isinstance(e, dict):
                self.fail(key, f"{ew}: must be a table {{ error = ..., when = ... }}")
                continue
            self.known_keys(key, e, {"error", "when"}, ew)
            name = self.get(key, e, "error", str, ew)
            if name not in errors:
                self.fail(key, f"{where}: unknown error '{name}' (errors: {', '.join(errors)})")
            elif name == "NoError":
                self.fail(key, f"{where}: NoError is not an error condition")
            out.append((name, self.get(key, e, "when", str, ew)))
        return out

    def invocations(self, conv, errors, types, words, context_len):
        key = "invocation"
        common = self.table("common")
        self.known_keys("common", common, {"doc", "errors"}, "[common]")
        common_doc = self.get("common", common, "doc", str, "[common]", "")
        common_errors = self.invocation_errors("common", self.get("common", common, "errors", list,
                                                                  "[common]", []), "[common]",
                                               [e.name for e in errors])
        type_names = {t.name: t for t in types}
        prefixes = {t.name: t.c_name for t in types}
        err_names = [e.name for e in errors]
        out = []
        for i, v in enumerate(self.array(key)):
            where = self.where_of("invocation", v, i)
            self.known_keys(key, v, {"name", "c_name", "label", "objects", "doc", "args", "returns",
                                     "errors"}, where)
            name = self.get(key, v, "name", str, where)
            where = f"invocation '{name}'"
            self.camel(key, name, where)
            c_name = self.get(key, v, "c_name", str, where, snake(name, prefixes))
            self.snake_name(key, c_name, where)
            objects = self.get(key, v, "objects", list, where)
            if not objects:
                self.fail(key, f"{where}: 'objects' lists no object type")
            for o in objects:
                if o not in type_names:
                    self.fail(key, f"{where}: unknown object type '{o}'")
                elif o == "Null":
                    self.fail(key, f"{where}: the Null capability has no invocations")
            args = []
            for j, a in enumerate(self.get(key, v, "args", list, where)):
                aw = f"{where} arg #{j + 1}"
                if not isinstance(a, dict):
                    self.fail(key, f"{aw}: must be a table")
                    continue
                self.known_keys(key, a, {"name", "type", "cap", "count", "doc"}, aw)
                aname = self.get(key, a, "name", str, aw)
                aw = f"{where} arg '{aname}'"
                self.param_name(key, aname, aw)
                atype = self.get(key, a, "type", str, aw)
                self.value_type(key, atype, aw, words, (CAP_TYPE, CONTEXT_TYPE))
                caps = a.get("cap", [])
                caps = [caps] if isinstance(caps, str) else caps
                if atype == CAP_TYPE:
                    if not caps:
                        self.fail(key, f"{aw}: a cptr argument needs 'cap' (the types it accepts)")
                    for c in caps:
                        if c not in type_names:
                            self.fail(key, f"{aw}: unknown capability type '{c}'")
                elif caps:
                    self.fail(key, f"{aw}: 'cap' is only for cptr arguments")
                count = a.get("count")
                if (atype == CONTEXT_TYPE) != (count is not None):
                    self.fail(key, f"{aw}: 'count' is required for, and only for, user_context")
                args.append(Arg(aname, atype, caps, count, self.get(key, a, "doc", str, aw, ""), j))
            returns = []
            for j, r in enumerate(self.get(key, v, "returns", list, where)):
                rw = f"{where} return #{j + 1}"
                if not isinstance(r, dict):
                    self.fail(key, f"{rw}: must be a table")
                    continue
                self.known_keys(key, r, {"name", "type", "count", "doc"}, rw)
                rname = self.get(key, r, "name", str, rw)
                rw = f"{where} return '{rname}'"
                self.param_name(key, rname, rw)
                rtype = self.get(key, r, "type", str, rw)
                self.value_type(key, rtype, rw, words, (CONTEXT_TYPE,))
                count = r.get("count")
                if (rtype == CONTEXT_TYPE) != (count is not None):
                    self.fail(key, f"{rw}: 'count' is required for, and only for, user_context")
                returns.append(Arg(rname, rtype, [], count, self.get(key, r, "doc", str, rw, ""), j))
            inv = Invocation(name, c_name, self.get(key, v, "label", int, where), objects,
                             self.get(key, v, "doc", str, where), args, returns,
                             self.invocation_errors(key, self.get(key, v, "errors", list, where),
                                                    where, err_names))
            self.layout(key, inv, where, conv, context_len)
            up = c_name.upper()
            self.cname(key, f"L4_LABEL_{up}", where)
            self.cname(key, f"l4_{c_name}", where)
            for a in inv.args:
                self.cname(key, f"L4_ARG_{up}_{a.name.upper()}", where)
                self.cname(key, f"L4_{'XCAP' if a.type == CAP_TYPE else 'MR'}_{up}_{a.name.upper()}", where)
            for r in inv.returns:
                self.cname(key, f"L4_RET_{up}_{r.name.upper()}", where)
            out.append(inv)
        self.unique(key, out, "name", "invocation")
        self.unique(key, out, "label", "invocation")
        labels = sorted(i.label for i in out)
        if labels != list(range(1, len(labels) + 1)):
            self.fail(key, f"invocation labels must be dense from 1, got {labels}")
        return common_doc, common_errors, sorted(out, key=lambda i: i.label)

    def layout(self, key, inv, where, conv, context_len):
        """Assign message words / extra caps to arguments and check the limits."""
        names = [a.name for a in inv.args] + [r.name for r in inv.returns]
        for n in set(names):
            if names.count(n) > 1:
                self.fail(key, f"{where}: argument/return name '{n}' used twice")
        mr = cap = 0
        for a in inv.args:
            if a.type == CAP_TYPE:
                a.slot, cap = cap, cap + 1
            elif a.type == CONTEXT_TYPE:
                a.slot = mr
            else:
                a.slot, mr = mr, mr + 1
        for lst, what in ((inv.args, "argument"), (inv.returns, "out-value")):
            var = [a for a in lst if a.type == CONTEXT_TYPE]
            if len(var) > 1 or (var and lst[-1] is not var[0]):
                self.fail(key, f"{where}: a user_context {what} must be the last and only one")
            for a in var:
                counter = next((x for x in inv.args if x.name == a.count), None)
                if counter is None or counter.type not in ("word", "u8", "u16", "u32"):
                    self.fail(key, f"{where}: count '{a.count}' of '{a.name}' must name an integer argument")
        for j, r in enumerate(inv.returns):
            r.slot = j
        var = context_len if inv.variable else 0
        if mr + var > conv.max_message_length:
            self.fail(key, f"{where}: {mr + var} message words exceed max_message_length "
                           f"{conv.max_message_length}")
        if len(inv.fixed_returns) + (context_len if inv.variable_return else 0) > conv.max_message_length:
            self.fail(key, f"{where}: the reply exceeds max_message_length")
        if cap > conv.max_extra_caps:
            self.fail(key, f"{where}: {cap} capability arguments exceed max_extra_caps "
                           f"{conv.max_extra_caps}")

    def fits(self, conv, words, errors, invocations):
        """Check every bitfield's `holds` against the values it must carry."""
        limits = {k: getattr(conv, k) for k in ("msg_registers", "max_message_length",
                                                 "max_extra_caps", "null_cptr")}
        limits["invocation_label"] = max((i.label for i in invocations), default=0)
        limits["error"] = max((e.value for e in errors), default=0)
        for w in words:
            for f in w.fields:
                for h in f.holds:
                    if h not in limits:
                        self.fail("word", f"word '{w.name}' field '{f.name}': holds unknown value "
                                          f"'{h}' (known: {', '.join(sorted(limits))})")
                    elif limits[h] >= 1 << f.width:
                        self.fail("word", f"word '{w.name}' field '{f.name}': {f.width} bits cannot "
                                          f"hold {h} = {limits[h]}")
        if not any(w.name == "msginfo" for w in words):
            self.fail("word", "no [[word]] named 'msginfo' (the message-info word)")
        else:
            got = {f.name for f in next(w for w in words if w.name == "msginfo").fields}
            need = {"label", "caps_unwrapped", "extra_caps", "length"}
            if not need <= got:
                self.fail("word", f"word 'msginfo' lacks fields {', '.join(sorted(need - got))}")

    def run(self):
        conv = self.convention()
        self.bail()
        ipc_size_bits, ipc_doc, ipc_fields = self.ipc_buffer(conv)
        context_doc, context_fields = self.user_context()
        errors = self.errors()
        types = self.types()
        constants = self.constants(conv)
        words = self.words(conv)
        unions = tagged_unions(self, conv, types, constants)
        self.bail()
        word_names = [w.name for w in words]
        syscalls = self.syscalls(conv, word_names)
        dispatch = self.table("dispatch")
        self.known_keys("dispatch", dispatch, {"doc"}, "[dispatch]")
        dispatch_doc = self.get("dispatch", dispatch, "doc", str, "[dispatch]")
        aliases = self.aliases(syscalls)
        common_doc, common_errors, invocations = self.invocations(
            conv, errors, types, word_names, len(context_fields))
        self.fits(conv, words, errors, invocations)
        structs = check_structs(self, "struct", self.array("struct", required=False), "l4")
        known_tables = {"convention", "register", "ipc_buffer", "user_context", "syscall", "dispatch",
                        "alias", "error", "type", "constant", "word", "common", "invocation",
                        "tagged_union", "struct"}
        for k in self.raw:
            if k not in known_tables:
                self.fail(k, f"unknown top-level key '{k}' (known: {', '.join(sorted(known_tables))})")
        self.bail()
        return Spec(conv, ipc_size_bits, ipc_doc, ipc_fields, context_doc, context_fields, syscalls,
                    dispatch_doc, aliases, errors, types, constants, words, common_doc, common_errors,
                    invocations, unions, structs)


def load_spec(spec_dir):
    spec_dir = Path(spec_dir)
    files = sorted(spec_dir.glob("*.toml"))
    if not files:
        raise SpecError([f"{spec_dir}: no *.toml spec files"])
    raw, origin = {}, {}
    problems = []
    for f in files:
        try:
            data = tomllib.loads(f.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            problems.append(f"{f.name}: not valid TOML: {e}")
            continue
        for k, v in data.items():
            if k in raw:
                problems.append(f"{f.name}: top-level key '{k}' is also defined in {origin[k]}")
            else:
                raw[k], origin[k] = v, f.name
    if problems:
        raise SpecError(problems)
    chk = Checker(raw, origin)
    spec = chk.run()
    spec.protocols = load_protocols(spec_dir, spec, chk.cnames)
    return spec
