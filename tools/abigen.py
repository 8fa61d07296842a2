#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""abigen: generate Tessera's ABI headers, user stubs and reference from libl4/spec/.

Reads every *.toml file of the spec directory (format: docs/abi.md), checks
it, and writes the requested outputs into --out-dir:

  abi-header     abi_gen.h                types, syscall numbers, register
                                          convention, errors, capability and
                                          object types, constants, IPC buffer,
                                          packed-word accessors (kernel + user)
  kernel-labels  invocation_labels_gen.h  invocation labels, argument positions,
                                          message shapes (kernel + user)
  stubs          stubs_gen.h              syscall wrappers and one stub per
                                          invocation (user only)
  cap-layout     cap_layout_gen.h         the capability's word 0 from the
                                          [[tagged_union]] entries, with
                                          accessors (kernel only)
  structs        structs_gen.h            the [[struct]] layouts as C structs with
                                          _Static_asserts (user code)
  protocols      <p>_gen.h, <p>_client_gen.h, <p>_server_gen.h
                                          per protocol of protocols/*.toml:
                                          labels, errors, layouts; client
                                          stubs; decoder and dispatch
                                          (user code, l4/proto/)
  reference      reference.md             the ABI reference (docs/api/),
                                          protocols included

Python tools get the same [[struct]] layouts with
abigen_lib.pylayout.load_layouts(spec_dir) (see that module).

Usage: abigen.py --spec-dir libl4/spec --out-dir DIR --emit KIND [KIND ...]
       abigen.py --spec-dir libl4/spec --check

A file is rewritten only when its content changes, so the build does not
recompile what includes it. Exit status: 0 on success; 1 when the spec is
invalid, with one "abigen: <file>: <problem>" line per problem on stderr;
2 on a usage error.
"""

# The code is in abigen_lib/ next to this file: spec loading and checking, and
# one module per output (see abigen_lib/__init__.py).

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from abigen_lib.header import emit_abi_header  # noqa: E402
from abigen_lib.layout import emit_cap_layout  # noqa: E402
from abigen_lib.labels import emit_labels  # noqa: E402
from abigen_lib.model import SpecError  # noqa: E402
from abigen_lib.protocols import protocol_outputs  # noqa: E402
from abigen_lib.reference import emit_reference  # noqa: E402
from abigen_lib.spec import load_spec  # noqa: E402
from abigen_lib.stubs import emit_stubs  # noqa: E402
from abigen_lib.structs import emit_structs_header  # noqa: E402
from abigen_lib.util import write_if_changed  # noqa: E402

OUTPUTS = {
    "abi-header": "abi_gen.h",
    "kernel-labels": "invocation_labels_gen.h",
    "stubs": "stubs_gen.h",
    "cap-layout": "cap_layout_gen.h",
    "structs": "structs_gen.h",
    "reference": "reference.md",
}

EMITTERS = {
    "abi-header": emit_abi_header,
    "kernel-labels": emit_labels,
    "stubs": emit_stubs,
    "cap-layout": emit_cap_layout,
    "structs": emit_structs_header,
    "protocols": protocol_outputs,
    "reference": emit_reference,
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[2:]))
    ap.add_argument("--spec-dir", required=True, type=Path, help="directory of the *.toml spec")
    ap.add_argument("--out-dir", type=Path, help="where to write the outputs")
    ap.add_argument("--emit", nargs="+", action="extend", default=[],
                    choices=sorted(EMITTERS) + ["all"], help="outputs to write")
    ap.add_argument("--check", action="store_true", help="only check the spec")
    a = ap.parse_args(argv)
    if not a.check and (not a.emit or a.out_dir is None):
        ap.error("give --out-dir and --emit, or --check")
    try:
        spec = load_spec(a.spec_dir)
    except SpecError as e:
        for line in e.args[0]:
            print(f"abigen: {line}", file=sys.stderr)
        return 1
    if a.check:
        return 0
    kinds = sorted(EMITTERS) if "all" in a.emit else list(dict.fromkeys(a.emit))
    for kind in kinds:
        if kind == "protocols":  # several files, named after the protocols
            for name, text in protocol_outputs(spec).items():
                write_if_changed(a.out_dir / name, text)
        else:
            write_if_changed(a.out_dir / OUTPUTS[kind], EMITTERS[kind](spec))
    return 0


if __name__ == "__main__":
    sys.exit(main())
