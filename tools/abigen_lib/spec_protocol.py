# SPDX-License-Identifier: MIT
"""Checking the spec, part five: user-level protocols (libl4/spec/protocols/*.toml).

load_protocols(spec_dir, spec, cnames) reads every protocols/<name>.toml
into model.Protocol objects, one file per protocol, checked like the
kernel spec (problems collected as "protocols/<file>: problem", raised
together as SpecError): the [protocol] table, the protocol's own errors
(values from PROTOCOL_ERROR_BASE up, so they never mean a kernel error),
its messages (labels unique and dense from 1, argument and out-value
types, no more message words, extra capabilities or transferred
capabilities than a message carries, errors named from the protocol's
list or the kernel's) and its [[struct]] shared-page layouts. Every
generated C name goes into the kernel spec's name table, so a protocol
cannot clash with the kernel ABI or another protocol.
"""

import tomllib

from .model import (CAP_TYPE, Protocol, ProtoError, ProtoMessage, ProtoArg, SCALAR_TYPES,
                    SpecError)
from .spec_struct import check_structs
from .spec_tables import TableChecker
from .util import snake

# Protocol errors are numbered from here: below are the kernel's (l4_error_t).
PROTOCOL_ERROR_BASE = 256

# Value types of a protocol message word.
PROTO_SCALARS = ("word", "u8", "u16", "u32", "bool", "cptr_word")

# Capability arguments: "badge" (a capability to the server's own endpoint,
# unwrapped: the server gets its badge) or "transfer" (copied into the
# server's receive slot; one per message, there is one receive slot).
CAP_KINDS = ("badge", "transfer")

# Largest value of each narrow type (the decoder refuses larger words).
TYPE_MAX = {"u8": 0xff, "u16": 0xffff, "u32": 0xffffffff, "bool": 1}


def _args(chk, key, lst, where, what, allow_caps):
    out = []
    for j, a in enumerate(lst):
        aw = f"{where} {what} #{j + 1}"
        if not isinstance(a, dict):
            chk.fail(key, f"{aw}: must be a table")
            continue
        chk.known_keys(key, a, {"name", "type", "cap", "doc"}, aw)
        name = chk.get(key, a, "name", str, aw)
        aw = f"{where} {what} '{name}'"
        chk.param_name(key, name, aw)
        t = chk.get(key, a, "type", str, aw)
        types = PROTO_SCALARS + (CAP_TYPE,)
        if t not in types:
            chk.fail(key, f"{aw}: unknown type '{t}' (types: {', '.join(types)})")
        kind = a.get("cap")
        if t == CAP_TYPE and not allow_caps and kind != "transfer":
            # a reply can only transfer a capability into the caller's
            # receive slot: nothing is unwrapped for the caller
            chk.fail(key, f"{aw}: a cptr out-value needs cap = 'transfer'")
        elif t == CAP_TYPE and kind not in CAP_KINDS:
            chk.fail(key, f"{aw}: a cptr argument needs cap = {' or '.join(map(repr, CAP_KINDS))}")
        elif t != CAP_TYPE and kind is not None:
            chk.fail(key, f"{aw}: 'cap' is only for cptr arguments")
        out.append(ProtoArg(name, t, kind, chk.get(key, a, "doc", str, aw, ""), j))
    return out


def _protocol(path, spec, cnames):
    fname = f"protocols/{path.name}"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SpecError([f"{fname}: not valid TOML: {e}"])
    chk = TableChecker(raw, {k: fname for k in raw})
    chk.cnames = cnames
    conv = spec.conv
    known = {"protocol", "error", "message", "struct"}
    for k in raw:
        if k not in known:
            chk.fail(k, f"unknown top-level key '{k}' (known: {', '.join(sorted(known))})")
    p = chk.table("protocol")
    chk.known_keys("protocol", p, {"name", "doc", "badge"}, "[protocol]")
    name = chk.get("protocol", p, "name", str, "[protocol]")
    where = f"protocol '{name}'"
    if not chk.snake_name("protocol", name, where):
        chk.bail()
    if path.stem != name:
        chk.fail("protocol", f"{where}: the file must be named {name}.toml")
    if name == "l4" or name.startswith("l4_"):
        chk.fail("protocol", f"{where}: the l4 prefix belongs to the kernel ABI")
    up = name.upper()
    for ident in (f"{up}_LABEL_INVALID", f"{up}_LABEL_COUNT", f"{name}_label_name",
                  f"{name}_error_name", f"{name}_decode", f"{name}_dispatch", f"{name}_reply",
                  f"{name}_request", f"{name}_server_ops", f"{up}_MAX_DETAIL",
                  f"{name}_status_t"):
        chk.cname("protocol", ident, where)

    # errors
    kernel_errors = {e.name: e for e in spec.errors}
    errors = []
    for i, e in enumerate(chk.array("error", required=False)):
        ew = chk.where_of("error", e, i)
        chk.known_keys("error", e, {"name", "value", "doc", "detail"}, ew)
        ename = chk.get("error", e, "name", str, ew)
        ew = f"{where} error '{ename}'"
        chk.camel("error", ename, ew)
        if ename in kernel_errors:
            chk.fail("error", f"{ew}: the kernel already defines error {ename}")
        value = chk.get("error", e, "value", int, ew)
        if value < PROTOCOL_ERROR_BASE:
            chk.fail("error", f"{ew}: value {value} is below {PROTOCOL_ERROR_BASE} (the kernel's "
                              f"error numbers)")
        detail = chk.get("error", e, "detail", list, ew, [])
        c_name = f"{up}_ERROR_{snake(ename).upper()}"
        chk.cname("error", c_name, ew)
        errors.append(ProtoError(ename, c_name, value, chk.get("error", e, "doc", str, ew), detail))
    chk.unique("error", errors, "name", f"{where} error")
    chk.unique("error", errors, "value", f"{where} error")
    proto_errors = {e.name: e for e in errors}

    # shared-page layouts, before the messages so that a clash is reported
    # on the struct
    structs = check_structs(chk, "struct", chk.array("struct", required=False), name,
                            {st.name: st for st in spec.structs})

    # messages
    messages = []
    for i, m in enumerate(chk.array("message")):
        mw = chk.where_of("message", m, i)
        chk.known_keys("message", m, {"name", "c_name", "label", "doc", "args", "returns",
                                      "errors"}, mw)
        mname = chk.get("message", m, "name", str, mw)
        mw = f"{where} message '{mname}'"
        chk.camel("message", mname, mw)
        c_name = chk.get("message", m, "c_name", str, mw, snake(mname))
        chk.snake_name("message", c_name, mw)
        label = chk.get("message", m, "label", int, mw)
        args = _args(chk, "message", chk.get("message", m, "args", list, mw), mw, "arg", True)
        rets = _args(chk, "message", chk.get("message", m, "returns", list, mw), mw, "return",
                     False)
        names = [a.name for a in args + rets]
        for n in sorted(set(names)):
            if names.count(n) > 1:
                chk.fail("message", f"{mw}: argument/return name '{n}' used twice")
        mr = cap = transfers = 0
        for a in args:
            if a.type == CAP_TYPE:
                a.slot, cap = cap, cap + 1
                transfers += a.cap_kind == "transfer"
            else:
                a.slot, mr = mr, mr + 1
        rw = rc = 0
        for r in rets:
            if r.type == CAP_TYPE:
                r.slot, rc = rc, rc + 1
            else:
                r.slot, rw = rw, rw + 1
        if rc > 1:
            chk.fail("message", f"{mw}: {rc} capability out-values, but a client has one "
                                f"receive slot")
        if mr > conv.max_message_length:
            chk.fail("message", f"{mw}: {mr} message words exceed max_message_length "
                                f"{conv.max_message_length}")
        if rw > conv.max_message_length:
            chk.fail("message", f"{mw}: {rw} out-values exceed max_message_length "
                                f"{conv.max_message_length}")
        if cap > conv.max_extra_caps:
            chk.fail("message", f"{mw}: {cap} capability arguments exceed max_extra_caps "
                                f"{conv.max_extra_caps}")
        if transfers > 1:
            chk.fail("message", f"{mw}: {transfers} transferred capabilities, but a receiver has "
                                f"one receive slot")
        merrs = []
        for j, e in enumerate(chk.get("message", m, "errors", list, mw, [])):
            ew = f"{mw} error #{j + 1}"
            if not isinstance(e, dict):
                chk.fail("message", f"{ew}: must be a table {{ error = ..., when = ... }}")
                continue
            chk.known_keys("message", e, {"error", "when"}, ew)
            en = chk.get("message", e, "error", str, ew)
            if en == "NoError" or (en not in proto_errors and en not in kernel_errors):
                chk.fail("message", f"{mw}: unknown error '{en}' (the protocol's: "
                                    f"{', '.join(proto_errors) or 'none'}; or a kernel error)")
            merrs.append((en, chk.get("message", e, "when", str, ew)))
        mu = f"{up}_LABEL_{c_name.upper()}"
        for ident in (mu, f"{mu}_WORDS", f"{mu}_CAPS", f"{mu}_REPLY_WORDS", f"{mu}_REPLY_CAPS",
                      f"{name}_{c_name}",
                      f"struct {name}_{c_name}_args", f"struct {name}_{c_name}_result"):
            chk.cname("message", ident, mw)
        for a in args:
            kind = "XCAP" if a.type == CAP_TYPE else "MR"
            chk.cname("message", f"{up}_{kind}_{c_name.upper()}_{a.name.upper()}", mw)
            chk.cname("message", f"{up}_ARG_{c_name.upper()}_{a.name.upper()}", mw)
        for r in rets:
            chk.cname("message", f"{up}_RET_{c_name.upper()}_{r.name.upper()}", mw)
        messages.append(ProtoMessage(mname, c_name, label, chk.get("message", m, "doc", str, mw),
                                     args, rets, merrs))
    chk.unique("message", messages, "name", f"{where} message")
    chk.unique("message", messages, "label", f"{where} message")
    labels = sorted(m.label for m in messages)
    if labels != list(range(1, len(labels) + 1)):
        chk.fail("message", f"{where}: message labels must be dense from 1, got {labels}")
    chk.bail()
    return Protocol(name, chk.get("protocol", p, "doc", str, where),
                    chk.get("protocol", p, "badge", str, where, ""), fname, errors,
                    sorted(messages, key=lambda m: m.label), structs)


def load_protocols(spec_dir, spec, cnames):
    """Every protocols/*.toml of spec_dir -> [Protocol] (sorted by name)."""
    out, problems = [], []
    for path in sorted((spec_dir / "protocols").glob("*.toml")):
        try:
            out.append(_protocol(path, spec, cnames))
        except SpecError as e:
            problems += e.args[0]
    if problems:
        raise SpecError(problems)
    return out
